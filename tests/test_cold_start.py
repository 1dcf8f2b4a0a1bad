"""A command from process start loads only what it uses: on a built knowledge base, ``search`` and
``ask`` are served by the saved index snapshot and articles, and import neither Chroma nor
LangChain (about 1.5 s of a cold start; the timing itself is ``python -m evals benchmark --startup``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from assistant.front.cli import app

from .test_cli import REG

HEAVY = ("chromadb", "langchain_core", "langchain_chroma", "langchain_openai")
PROBE = f"""
import sys
from assistant.front.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print("LOADED=" + ",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def _loaded(*args: str) -> list[str]:
    """The heavy packages a fresh process imported while running the CLI command ``args``."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("LOADED=")][-1]
    return [name for name in line.removeprefix("LOADED=").split(",") if name]


def test_search_and_ask_on_a_built_knowledge_base_import_neither_chroma_nor_langchain(env: Path):
    (env / "测试管理条例.md").write_text(REG, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(env / "测试管理条例.md")])
    assert result.exit_code == 0, result.output
    cache = env / "data" / "cache"
    saved = json.loads((cache / "knowledge_articles.json").read_text(encoding="utf-8"))
    assert saved["fingerprint"] and saved["articles"][0]["law"] == "测试管理条例"
    legacy = json.loads((cache / "local_articles.json").read_text(encoding="utf-8"))
    assert legacy == saved["articles"]  # the list older versions sharing the folder read
    assert _loaded("search", "监督检查要记录吗", "--k", "3") == []
    assert _loaded("ask", "监督检查要记录吗") == []
    assert _loaded("search", "监督检查要记录吗", "--type", "regulation", "--json") == []


def test_search_after_another_process_wrote_opens_the_store(env: Path):
    """The cheap check must not hide a change: a write the snapshot does not know is seen."""
    from assistant.adapters.embeddings import HashEmbeddings
    from assistant.adapters.store import make_store
    from assistant.config import load_settings

    (env / "测试管理条例.md").write_text(REG, encoding="utf-8")
    assert CliRunner().invoke(app, ["ingest", str(env / "测试管理条例.md")]).exit_code == 0
    store = make_store(load_settings(), HashEmbeddings())
    store.add(["第三条 抽查结果应当向社会公开。"],
              [{"doc_type": "regulation", "source": "别处.md", "law": "别处条例"}], ["other-1"])
    assert "chromadb" in _loaded("search", "抽查结果公开", "--k", "3")
    result = CliRunner().invoke(app, ["search", "抽查结果应当向社会公开", "--json", "--k", "3"])
    assert "抽查结果" in result.stdout
