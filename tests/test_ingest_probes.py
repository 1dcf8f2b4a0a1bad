"""Probes that held (issue 12) and must keep holding: each bad input fails alone, in Chinese,
and what is stored stays exactly as it was; re-ingest is a no-op; a killed ingest resumes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.store import make_store
from assistant.core.ingest.pipeline import Ingestor

from .test_loaders import make_pdf

REPO = Path(__file__).resolve().parent.parent
GOOD = "2021年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查126次。\n二、存在的不足和原因\n执法力量不足。"


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = path.with_name("plain.pdf.tmp")
    make_pdf(plain, [[(72, 760, "Secret text")]])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt("mima123", algorithm="AES-128")
    with path.open("wb") as fh:
        writer.write(fh)
    plain.unlink()


def _image_only_pdf(path: Path) -> None:
    from PIL import Image

    Image.new("L", (300, 300), 255).save(path, "PDF")


BAD_INPUTS = {
    "空文件.txt": lambda p: p.write_bytes(b""),
    "只有空白.md": lambda p: p.write_text(" \n\t\n　\n", encoding="utf-8"),
    "损坏.pdf": lambda p: p.write_bytes(b"%PDF-1.4 garbage \x00\x01" * 20),
    "加密.pdf": _encrypted_pdf,
    "扫描件.pdf": _image_only_pdf,
    "坏文档.docx": lambda p: p.write_bytes(b"PK\x03\x04 broken zip"),
    "乱码.txt": lambda p: p.write_bytes(bytes(range(256)) * 4),
    "旧格式.doc": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0 old word"),
}
ODD_NAMES = ["报 告（终稿）#1 [修改].txt", "-以横线开头.md", "很长的名字" * 12 + ".txt", "emoji📄报告.txt"]


def test_each_bad_input_fails_alone_in_chinese_and_stored_chunks_stay(fake_settings, tmp_path):
    ingestor = Ingestor(make_store(fake_settings, HashEmbeddings()))  # no OCR: image-only PDF is bad
    (tmp_path / "已有.txt").write_text(GOOD, encoding="utf-8")
    ingestor.ingest_paths([tmp_path / "已有.txt"])
    before = {c.id: (c.text, c.metadata) for c in ingestor.store.iter_chunks()}
    batch = tmp_path / "batch"
    batch.mkdir()
    for name, make in BAD_INPUTS.items():
        make(batch / name)
    for name in ODD_NAMES:
        (batch / name).write_text(GOOD.replace("126", str(len(name))), encoding="utf-8")
    report = ingestor.ingest_paths(sorted(batch.iterdir()))
    by_name = {r.source: r for r in report.results}
    for name in BAD_INPUTS:
        result = by_name[name]
        assert result.status == "error", name
        assert name in result.message and re.search(r"[\u4e00-\u9fff]{4}", result.message), result.message
        assert "Traceback" not in result.message
    for name in ODD_NAMES:
        assert by_name[name].status == "added", (name, by_name[name].message)
    after = {c.id: (c.text, c.metadata) for c in ingestor.store.iter_chunks()}
    assert {k: after[k] for k in before} == before  # nothing already stored changed
    assert len(after) == len(before) + sum(by_name[n].chunks for n in ODD_NAMES)


def test_reingest_of_a_mixed_batch_is_idempotent(fake_settings, tmp_path):
    ingestor = Ingestor(make_store(fake_settings, HashEmbeddings()))
    folder = tmp_path / "kb"
    folder.mkdir()
    for i, name in enumerate(ODD_NAMES):
        (folder / name).write_text(GOOD.replace("126", str(i)), encoding="utf-8")
    ingestor.ingest_paths([folder])
    ids = sorted(ingestor.store.ids())
    again = ingestor.ingest_paths([folder])
    assert again.chunks_written == 0 and {r.status for r in again.results} == {"unchanged"}
    assert sorted(ingestor.store.ids()) == ids


@pytest.mark.integration
def test_killed_ingest_process_resumes_without_duplicates(tmp_path):
    """A real ``assistant ingest`` process killed with SIGKILL mid-write, then run again."""
    doc = tmp_path / "长报告.txt"
    doc.write_text("2023年法治政府建设工作总结\n" + "\n".join(
        f"第{i}项工作：开展行政检查{i}次，完成整改{i}项，组织培训{i}场。" * 6 for i in range(80)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_KNOWLEDGE_DIR": str(tmp_path),
                "ASSISTANT_EMBEDDING__BACKEND": "fake", "ASSISTANT_CHROMA__WRITE_BATCH": "1",
                "PYTHONPATH": str(REPO)})
    cmd = [sys.executable, "-m", "assistant.front.cli", "ingest", str(doc)]
    log = tmp_path / "first.log"
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 600
        while "【向量化文档】开始" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # some batches are written (one chunk per batch)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    done = subprocess.run([*cmd, "--json"], cwd=REPO, env=env, capture_output=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr.decode()
    import json

    data = json.loads(done.stdout)
    total = data["results"][0]["chunks"]
    assert data["chunks_written"] <= total  # resumed: only the missing chunks were written
    listed = subprocess.run([sys.executable, "-m", "assistant.front.cli", "kb", "list", "--json"], cwd=REPO, env=env,
                            capture_output=True, timeout=600, check=True)
    (entry,) = json.loads(listed.stdout)
    assert entry["chunks"] == total and entry["status"] == "current"  # no duplicates, complete
