"""Chat model factory: offline, OpenAI-compatible, llama.cpp (errors only), fake."""

from __future__ import annotations

import sys

import pytest
from langchain_core.messages import HumanMessage

from assistant.adapters.llm import (
    ContextEchoChatModel,
    LlamaCppServer,
    describe_failure,
    make_chat_model,
)
from assistant.config import LLMSettings


def test_offline_means_no_model():
    assert make_chat_model(LLMSettings(backend="offline")) is None


def test_openai_backend_builds_chat_openai_with_settings():
    from langchain_openai import ChatOpenAI

    llm = make_chat_model(
        LLMSettings(
            backend="openai",
            base_url="http://127.0.0.1:11434/v1",
            model="qwen2.5:7b",
            timeout=5,
            max_retries=0,
            temperature=0.1,
            max_tokens=256,
        )
    )
    llm = llm.inner  # wrapped: a dead endpoint is remembered (see test_llm_health.py)
    assert isinstance(llm, ChatOpenAI)
    assert llm.openai_api_base == "http://127.0.0.1:11434/v1"
    assert (llm.model_name, llm.max_retries, llm.streaming) == ("qwen2.5:7b", 0, True)
    t = llm.request_timeout
    assert (t.connect, t.read, t.write) == (5.0, 20.0, 5)
    assert (llm.temperature, llm.max_tokens) == (0.1, 256)
    assert llm.openai_api_key.get_secret_value() == "not-needed"


def test_openai_backend_needs_an_endpoint():
    with pytest.raises(ValueError, match="base_url"):
        make_chat_model(LLMSettings(backend="openai"))


def test_llamacpp_errors_are_chinese(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="gguf_path"):
        make_chat_model(LLMSettings(backend="llamacpp"))
    with pytest.raises(FileNotFoundError, match="找不到本地大模型文件"):
        make_chat_model(LLMSettings(backend="llamacpp", gguf_path=tmp_path / "none.gguf"))
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as if not installed
    with pytest.raises(ImportError, match=r"fazhi-assistant\[llamacpp\]"):
        LlamaCppServer(tmp_path / "none.gguf").start()


def test_llamacpp_server_stop_is_idempotent(tmp_path):
    server = LlamaCppServer(tmp_path / "m.gguf", context_size=1024, threads=1)
    assert not server.running
    server.stop()
    assert server.base_url is None


def test_fake_backend_answers_from_passage_one_and_streams():
    llm = make_chat_model(LLMSettings(backend="fake"))
    assert isinstance(llm, ContextEchoChatModel)
    prompt = "资料：\n[1] 《某法》第一条\n第一句话。第二句话。\n\n[2] 另一份\n无关。\n\n问题：x"
    assert llm.invoke([HumanMessage(prompt)]).content == "根据资料：第一句话。[1]"
    assert (
        "".join(c.content for c in llm.stream([HumanMessage(prompt)])) == "根据资料：第一句话。[1]"
    )
    assert llm.invoke("没有资料").content == "未在知识库中找到依据。"


def test_describe_failure_distinguishes_unreachable_endpoints():
    class APIConnectionError(Exception):
        pass

    assert describe_failure(APIConnectionError("Connection error.")).startswith(
        "大模型服务无法连接（APIConnectionError: Connection error.）"
    )
    assert describe_failure(ValueError("bad")).startswith("大模型服务调用失败（")
    assert describe_failure(ValueError("bad")).endswith("已改用离线摘录式回答")
