"""A dead or hung chat endpoint costs at most the first question its timeout (issue 18, part 5).

A real loopback HTTP server plays the endpoint: it refuses, hangs, or answers in the OpenAI
streaming shape; the answer service runs over the real ``openai`` backend.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.adapters.llm import make_chat_model
from assistant.adapters.llm_health import EndpointHealth, GuardedChatModel
from assistant.config import LLMSettings
from assistant.core.answering import AnswerService
from tests.qa_fakes import FakeNames, FakeResolver, ListRetriever, report_hit

QUESTION = "2021年行政检查多少人次"


class Endpoint:
    """An OpenAI-shaped loopback server whose chat route hangs until ``healthy`` is set."""

    def __init__(self) -> None:
        self.healthy = threading.Event()
        self.release = threading.Event()
        self.chat_calls = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                if not endpoint.healthy.is_set():
                    endpoint.release.wait(30)  # hung: the probe must time out
                    return
                self._send(200, b'{"object":"list","data":[{"id":"local"}]}', "application/json")

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.chat_calls += 1
                if not endpoint.healthy.is_set():
                    endpoint.release.wait(30)
                    return
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "local",
                         "choices": [{"index": 0, "delta": {"role": "assistant",
                                                            "content": "开展行政检查500余人次[1]。"},
                                      "finish_reason": None}]}
                body = f"data: {json.dumps(chunk, ensure_ascii=False)}\n\ndata: [DONE]\n\n"
                self._send(200, body.encode(), "text/event-stream")

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.close()


def _service(llm) -> AnswerService:
    return AnswerService(ListRetriever([report_hit()]), FakeResolver(), FakeNames(), None, llm,
                         shelf=lambda: ([2021], ["东城区人防办"]))


def _timed_ask(svc: AnswerService):
    start = time.monotonic()
    answer = svc.ask(QUESTION)
    return answer, time.monotonic() - start


def test_closed_port_builds_and_answers_offline_within_seconds():
    with socket.socket() as s:  # reserve then release a port, so nothing listens on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = make_chat_model(LLMSettings(backend="openai", base_url=f"http://127.0.0.1:{port}/v1"))
    assert isinstance(llm, GuardedChatModel)
    answer, seconds = _timed_ask(_service(llm))
    assert seconds < 3
    assert answer.mode == "offline" and "开展行政检查500余人次" in answer.answer
    assert answer.warnings[0].startswith("大模型服务无法连接（上次连接失败")
    llm._assistant_close()


def test_silent_server_found_down_at_build_costs_only_the_probe(endpoint):
    llm = make_chat_model(LLMSettings(backend="openai", base_url=endpoint.url, connect_timeout=1,
                                      first_token_timeout=20))
    svc = _service(llm)
    first, first_s = _timed_ask(svc)
    second, second_s = _timed_ask(svc)
    assert first_s < 4 and second_s < 0.5, (first_s, second_s)
    assert first.mode == second.mode == "offline"
    assert "上次连接失败" in first.warnings[0] and "上次连接失败" in second.warnings[0]
    assert endpoint.chat_calls == 0
    llm._assistant_close()


def test_hung_endpoint_costs_only_the_first_question_until_the_check_sees_it_back(endpoint):
    endpoint.healthy.set()  # up at start-up: the build-time check passes
    llm = make_chat_model(LLMSettings(backend="openai", base_url=endpoint.url, connect_timeout=1,
                                      first_token_timeout=1.5, down_seconds=1.0))
    svc = _service(llm)
    assert svc.ask(QUESTION).mode == "llm"

    endpoint.healthy.clear()  # the model hangs from now on
    first, first_s = _timed_ask(svc)
    later = [_timed_ask(svc) for _ in range(3)]
    assert 1.4 < first_s < 6, first_s
    assert all(seconds < 0.5 for _, seconds in later), [s for _, s in later]
    assert all(a.mode == "offline" and "开展行政检查500余人次" in a.answer for a, _ in later)
    assert all("上次连接失败" in a.warnings[0] for a, _ in later)
    assert endpoint.chat_calls == 2  # the hung question only (+ the healthy one)

    endpoint.healthy.set()  # back: the background check notices within down_seconds (+ probe)
    deadline = time.monotonic() + 10
    while llm.health.down and time.monotonic() < deadline:
        time.sleep(0.1)
    answer, _ = _timed_ask(svc)
    assert answer.mode == "llm" and not answer.warnings
    llm._assistant_close()


def test_a_bad_request_does_not_mark_the_endpoint_down():
    health = EndpointHealth(lambda: None)
    health.failed(ValueError("400 bad request"))
    assert not health.down
    health.failed(TimeoutError("read timed out"))
    assert health.down
    health.close()
