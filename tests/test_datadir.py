"""One knowledge base shared by processes (issue 18, part 5): two ingests at once both finish
with the data complete; a running server sees what the CLI ingested; the folder is private."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_KNOWLEDGE_DIR": str(tmp_path),
                "ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_CHROMA__WRITE_BATCH": "4",
                "PYTHONPATH": str(REPO)})
    return env


def _report(folder: Path, year: int, lines: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{year}年法治政府建设年度情况报告.txt"
    body = "\n".join(f"第{i}项：{year}年开展行政检查{i + year}次，整改问题{i}项。" * 8 for i in range(lines))
    path.write_text(f"{year}年法治政府建设年度情况报告\n一、主要举措和成效\n{body}\n", encoding="utf-8")
    return path


def _cli(env: dict[str, str], *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.front.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.integration
def test_two_concurrent_ingests_both_finish_and_the_data_is_complete(tmp_path):
    """A long ingest is writing when a short one starts: without a lock the short one read the
    index while the long one was writing it ("Error finding id")."""
    env = _env(tmp_path)
    long_doc = _report(tmp_path / "a", 2021, 400)
    short_doc = _report(tmp_path / "b", 2022, 3)
    assert _cli(env, "ingest", str(_report(tmp_path / "seed", 2020, 5))).returncode == 0
    log = tmp_path / "long.log"
    with log.open("w") as out:
        long_proc = subprocess.Popen([sys.executable, "-m", "assistant.front.cli", "ingest", str(long_doc)],
                                     cwd=REPO, env={**env, "ASSISTANT_CHROMA__WRITE_BATCH": "1"},
                                     stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while "【向量化文档】开始" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.1)
        short = _cli(env, "ingest", str(short_doc), "--json")
        long_proc.wait(timeout=600)
    assert long_proc.returncode == 0, log.read_text(encoding="utf-8")
    assert short.returncode == 0, short.stderr
    assert "Traceback" not in short.stderr + log.read_text(encoding="utf-8")
    (result,) = json.loads(short.stdout)["results"]
    assert result["status"] == "added"
    listed = {d["source"]: d for d in json.loads(_cli(env, "kb", "list", "--json").stdout)}
    assert set(listed) == {long_doc.name, short_doc.name, "2020年法治政府建设年度情况报告.txt"}
    assert all(d["status"] == "current" for d in listed.values())
    assert listed[short_doc.name]["chunks"] == result["chunks"]
    assert listed[long_doc.name]["chunks"] > 100
    hits = json.loads(_cli(env, "search", "2022年开展行政检查2024次", "--json", "--k", "3").stdout)
    assert hits and hits[0]["source"] == short_doc.name


@pytest.mark.integration
def test_a_running_server_answers_from_a_document_ingested_by_the_cli(tmp_path):
    from assistant.app import build_assistant
    from assistant.config import load_settings
    from assistant.front.ui.app import serve

    env = _env(tmp_path)
    assert _cli(env, "ingest", str(_report(tmp_path / "seed", 2020, 3))).returncode == 0
    settings = load_settings(environ=env)
    assistant = build_assistant(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = serve(assistant, host="127.0.0.1", port=port, block=False)
    try:
        assert not assistant.qa.ask("2023年开展行政检查多少次").found  # no 2023 report yet
        done = _cli(env, "ingest", str(_report(tmp_path / "new", 2023, 3)))
        assert done.returncode == 0, done.stderr
        ingested = time.monotonic()
        found = None
        while time.monotonic() - ingested < 5:
            with urllib.request.urlopen(demo.local_url, timeout=5):
                pass  # any request lets the server check the knowledge base's fingerprint
            answer = assistant.qa.ask("2023年开展行政检查多少次")
            if answer.found:
                found = answer
                break
            time.sleep(0.3)
        assert found is not None, "the server did not see the CLI-ingested report within 5 s"
        assert "2023" in found.answer and found.sources[0]["source"].startswith("2023年")
    finally:
        demo.close()
        assistant.close()


def test_data_directory_is_private(tmp_path):
    env = _env(tmp_path)
    assert _cli(env, "ingest", str(_report(tmp_path / "seed", 2020, 3))).returncode == 0
    data = tmp_path / "data"
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]}
    assert modes[data] == 0o700
    loose = {str(p.relative_to(data)): oct(m) for p, m in modes.items()
             if m != (0o700 if p.is_dir() else 0o600)}
    assert not loose


def test_second_writer_waits_for_the_lock_and_says_so(tmp_path):
    from assistant.adapters.datadir import write_lock

    said: list[str] = []
    with write_lock(tmp_path):
        script = ("import sys, time\nfrom pathlib import Path\n"
                  "from assistant.adapters.datadir import write_lock\n"
                  "t = time.monotonic()\n"
                  "with write_lock(Path(sys.argv[1]), lambda: print('waiting', flush=True)):\n"
                  "    print('got', round(time.monotonic() - t, 1))\n")
        proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=REPO,
                                env={"PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
        said.append(proc.stdout.readline().strip())
        time.sleep(1.0)
    out, _ = proc.communicate(timeout=30)
    assert said == ["waiting"]
    assert out.startswith("got ") and float(out.split()[1]) >= 1.0


def test_jieba_dictionary_cache_is_kept_in_the_data_directory(tmp_path):
    """Cold start: jieba's parsed dictionary survives a cleaned system temp folder."""
    env = _env(tmp_path)
    assert _cli(env, "search", "人防工程", "--json").returncode == 0
    cache = tmp_path / "data" / "cache" / "jieba.cache"
    assert cache.is_file() and cache.stat().st_size > 1_000_000
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
