"""Every example question (chat page and README) answers from the knowledge base `init` builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.front.ui.chat import EXAMPLES

REPO = Path(__file__).resolve().parents[1]


def readme_questions() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r'assistant (?:ask|chat) "([^"]+)"', text)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.config import load_settings

    data = tmp_path_factory.mktemp("examples")
    # The real default embedding: the evidence gate is calibrated for it.
    settings = load_settings(environ={}, data_dir=data, knowledge_dir=REPO / "knowledge")
    asst = build_assistant(settings)
    # What `assistant init` builds, limited to the laws of the default profile the examples
    # name or imply (embedding all of them takes minutes): those laws, then knowledge/.
    profile = set(asst.lawlib.profile(settings.law_profile))
    wanted = {law for q in [*EXAMPLES, *readme_questions()] for law in asst.names.detect(q)}
    assert wanted <= profile
    asst.ingestor.import_laws(sorted(wanted))
    asst.ingest([settings.knowledge_dir])
    yield asst
    asst.close()


def test_readme_has_example_questions():
    assert readme_questions(), "README 中没有 assistant ask 示例"


@pytest.mark.parametrize("question", sorted({*EXAMPLES, *readme_questions()}))
def test_example_answers_with_a_real_source(assistant, question):
    answer = assistant.qa.ask(question, use_llm=False)
    assert answer.found, f"{question} -> {answer.answer}"
    assert "未找到" not in answer.answer
    assert answer.sources and all(s.get("text") for s in answer.sources)
