"""A first run that explains itself: progress lines in logs, and a server that says it is ready."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rich.console import Console

from assistant.core.ingest.results import FileResult
from assistant.front.cli_progress import LineProgress, RichProgress, duration, make_progress

REPO = Path(__file__).resolve().parent.parent
REPORT = "2023年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查620人次。\n二、存在的不足和原因\n执法力量不足。"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_line_progress_logs_stages_files_and_time_left():
    buf = io.StringIO()
    clock = Clock()
    progress = LineProgress(Console(file=buf, width=200), every=10, clock=clock)
    progress.start(100, "向量化文档")
    clock.now = 5
    progress.advance(10)  # within 10 s of the last line: quiet
    clock.now = 20
    progress.advance(30)
    clock.now = 80
    progress.advance(60)
    progress.file_done(FileResult("报告.txt", "added", 100))
    lines = buf.getvalue().splitlines()
    assert lines == [
        "【向量化文档】开始：共 100 项",
        "【向量化文档】40/100（40%），已用 20 秒，预计还需 30 秒",
        "【向量化文档】100/100（100%），已用 1 分 20 秒",
        "  已添加：报告.txt（100 个片段）",
    ]


def test_duration_in_chinese():
    assert [duration(s) for s in (0, 59, 75, 3725)] == ["0 秒", "59 秒", "1 分 15 秒", "1 小时 2 分"]


def test_bars_on_a_terminal_lines_otherwise():
    err = Console(file=io.StringIO())
    assert isinstance(make_progress(Console(file=io.StringIO()), err), LineProgress)
    assert isinstance(make_progress(Console(file=io.StringIO(), force_terminal=True), err), RichProgress)
    assert isinstance(make_progress(Console(file=io.StringIO()), err, enabled=False), RichProgress)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir(exist_ok=True)
    (knowledge / "2023年法治政府建设年度情况报告.txt").write_text(REPORT, encoding="utf-8")
    env.update({
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_KNOWLEDGE_DIR": str(knowledge),
        "ASSISTANT_EMBEDDING__BACKEND": "fake",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(REPO),
    })
    return env


@pytest.mark.integration
def test_init_redirected_to_a_log_writes_progress_lines(tmp_path):
    log = tmp_path / "log.txt"
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-m", "assistant.front.cli", "init", "--skip-laws"], cwd=REPO,
                              env=_env(tmp_path), stdout=out, stderr=subprocess.PIPE, timeout=600, check=False)
    text = log.read_text(encoding="utf-8")
    assert done.returncode == 0, done.stderr.decode()
    assert "【向量化文档】开始" in text and "已添加：2023年法治政府建设年度情况报告.txt" in text
    assert "/" in text.split("【向量化文档】开始", 1)[1]  # a count line followed the start line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_serve_prints_url_and_ready_once_it_answers(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "assistant.front.cli", "init", "--skip-laws"], cwd=REPO, env=env,
                   capture_output=True, timeout=600, check=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.front.cli", "serve", "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.startswith("已就绪"):
                break
        if not any(ln.startswith("已就绪") for ln in lines):
            proc.terminate()
            lines.append(proc.communicate(timeout=30)[0])
        assert any(ln.startswith("已就绪") for ln in lines), lines
        url = f"http://127.0.0.1:{port}/"
        assert f"网页界面：{url}" in lines
        # Ready means answering: the page is served at once, and the first search is quick.
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
