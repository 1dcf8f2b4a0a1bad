"""Chat model backends behind LangChain's ``BaseChatModel``, built from :class:`LLMSettings`.

``offline`` means no model (answers are extractive); ``openai`` is any OpenAI-compatible
endpoint (Ollama, vLLM, a cloud API); ``llamacpp`` runs a local GGUF file in-process through
xllamacpp's llama.cpp server on a loopback port; ``fake`` is a deterministic stand-in for demos.
Heavy imports are lazy so a missing optional extra only matters when that backend is chosen.
"""

from __future__ import annotations

import os
import re
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, PrivateAttr

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.config import LLMSettings

BACKENDS = ("offline", "openai", "llamacpp", "fake")
LLAMACPP_EXTRA_HINT = "pip install 'fazhi-assistant[llamacpp]'"


class LlamaCppServer:
    """llama.cpp's OpenAI-compatible server running inside this process (via xllamacpp).

    Usable as a context manager; :meth:`stop` frees the model and the port.
    """

    def __init__(
        self,
        gguf_path: Path | str,
        context_size: int = 4096,
        threads: int | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.gguf_path = Path(gguf_path).expanduser()
        self.context_size = context_size
        self.threads = threads or max(1, min(4, os.cpu_count() or 1))
        self.startup_timeout = startup_timeout
        self._server: Any = None
        self.base_url: str | None = None

    def start(self) -> str:
        """Load the model, start serving on a free loopback port and return the ``/v1`` URL.

        Raises:
            ImportError: xllamacpp is not installed.
            FileNotFoundError: The GGUF file does not exist.
            RuntimeError: The server did not become healthy in time.
        """
        if self._server is not None:
            return str(self.base_url)
        try:
            import xllamacpp
        except ImportError as exc:
            raise ImportError(
                f"未安装本地大模型运行组件 xllamacpp，请运行：{LLAMACPP_EXTRA_HINT}"
            ) from exc
        if not self.gguf_path.is_file():
            raise FileNotFoundError(f"找不到本地大模型文件（GGUF）：{self.gguf_path}")
        params = xllamacpp.CommonParams()
        params.model.path = str(self.gguf_path)
        params.n_ctx = self.context_size
        params.n_parallel = 1
        params.port = 0  # 0 lets the OS pick a free port; listening_address reports it
        params.hostnames = ["127.0.0.1"]
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        self._server = xllamacpp.Server(params)
        root = str(self._server.listening_address).rstrip("/")
        self._wait_healthy(root)
        self.base_url = f"{root}/v1"
        return self.base_url

    def _wait_healthy(self, root: str) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{root}/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"本地大模型服务在 {self.startup_timeout:.0f} 秒内未就绪：{root}")

    def stop(self) -> None:
        """Stop serving; dropping the last reference makes xllamacpp shut its loop down."""
        self._server = None
        self.base_url = None

    @property
    def running(self) -> bool:
        """Whether the server was started and not stopped."""
        return self._server is not None

    def __enter__(self) -> LlamaCppServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _chat_openai_class() -> type:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ImportError("缺少 langchain-openai，请运行：pip install langchain-openai") from exc
    return ChatOpenAI


def _timeout(settings: LLMSettings, read: float) -> Any:
    """Client timeout: short connect, ``read`` = longest silence, ``timeout`` for the rest.

    Built from ``openai.Timeout``, the class of whichever HTTP library the installed openai
    uses (httpx up to openai 2, httpx2 from openai 3): a timeout object of the other library
    is refused with a TypeError, which broke every fresh install once openai 3 came out.
    """
    import openai

    return openai.Timeout(settings.timeout, connect=settings.connect_timeout, read=read)


def _openai_kwargs(
    settings: LLMSettings, base_url: str | None, model: str | None, read: float | None = None
) -> dict:
    """ChatOpenAI arguments; it always streams, so a silent endpoint trips the read timeout."""
    return {
        "base_url": base_url,
        "model": model or "local",
        # Local endpoints ignore the key, but the OpenAI client refuses to start without one.
        "api_key": settings.api_key or "not-needed",
        "timeout": _timeout(settings, read or settings.first_token_timeout),
        "streaming": True,
        "max_retries": settings.max_retries,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
    }


def make_llamacpp_chat_model(settings: LLMSettings) -> BaseChatModel:
    """Start a :class:`LlamaCppServer` for ``settings.gguf_path`` and point ChatOpenAI at it.

    The returned model keeps the server alive; call ``model.close()`` to stop it early.
    """
    if settings.gguf_path is None:
        raise ValueError("llamacpp 后端需要设置 llm.gguf_path（本地 GGUF 模型文件路径）")
    base = _chat_openai_class()

    class LlamaCppChatModel(base):  # type: ignore[misc, valid-type]
        """ChatOpenAI bound to an in-process llama.cpp server it owns."""

        _server: LlamaCppServer | None = PrivateAttr(default=None)

        def close(self) -> None:
            """Stop the owned llama.cpp server."""
            if self._server is not None:
                self._server.stop()

        def _assistant_close(self) -> None:
            # Hook the composition root (assistant/app.py) calls on shutdown.
            self.close()

    server = LlamaCppServer(settings.gguf_path, context_size=settings.context_size)
    url = server.start()
    # In-process CPU prompt processing may be slow: allow the whole timeout before a token.
    kwargs = _openai_kwargs(settings, url, settings.model or "local", read=settings.timeout)
    model = LlamaCppChatModel(**kwargs)
    model._server = server
    return model


def make_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """Build the chat model the settings ask for.

    Args:
        settings: The ``llm`` section of the settings.

    Returns:
        A chat model, or ``None`` for the offline (extractive) mode.

    Raises:
        ValueError: Unknown backend or missing required setting.
        ImportError: The backend's optional extra is not installed (message names it).
        FileNotFoundError: The llamacpp GGUF file does not exist.
    """
    backend = settings.backend
    if backend == "offline":
        return None
    if backend == "fake":
        return ContextEchoChatModel()
    if backend == "openai":
        if not settings.base_url and not settings.api_key:
            raise ValueError("openai 后端需要设置 llm.base_url（本地服务地址）或 llm.api_key")
        _chat_openai_class()  # a missing langchain-openai gets the Chinese hint, not init's
        from langchain.chat_models import init_chat_model

        kwargs = _openai_kwargs(settings, settings.base_url, settings.model)
        return guarded(init_chat_model(kwargs.pop("model"), model_provider="openai", **kwargs), settings)
    if backend == "llamacpp":
        return make_llamacpp_chat_model(settings)
    raise ValueError(f"未知的大模型后端：{backend}（可选：{'、'.join(BACKENDS)}）")


def guarded(model: BaseChatModel, settings: LLMSettings) -> BaseChatModel:
    """Wrap an endpoint's model so that, once it failed, questions stop waiting for it.

    The endpoint is checked in the background right away (a closed port or a silent server is
    known within ``connect_timeout`` seconds, without slowing start-up), and again every
    ``down_seconds`` while it is down. See :mod:`assistant.adapters.llm_health`.
    """
    from assistant.adapters.llm_health import EndpointHealth, GuardedChatModel, http_probe

    probe = http_probe(str(settings.base_url or "https://api.openai.com/v1"), settings.api_key,
                       timeout=settings.connect_timeout)
    health = EndpointHealth(probe, down_seconds=settings.down_seconds)
    health.start_check()
    return GuardedChatModel(inner=model, health=health)


def describe_failure(exc: BaseException) -> str:
    """Chinese warning for a failed model call, saying the answer falls back to offline."""
    from assistant.adapters.llm_health import EndpointDown, is_unreachable

    if isinstance(exc, EndpointDown):
        return str(exc)
    reason = f"{type(exc).__name__}: {str(exc)[:80]}".rstrip(": ")
    kind = "无法连接" if is_unreachable(exc) else "调用失败"
    return f"大模型服务{kind}（{reason}），已改用离线摘录式回答"


_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\Z)", re.S | re.M)


class ContextEchoChatModel(GenericFakeChatModel):
    """Deterministic demo model: answers with the first sentence of passage [1].

    Lets the whole LLM path (prompt, streaming, guards) run without any model weights.
    """

    messages: Any = Field(default_factory=lambda: iter(()))

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> ChatResult:
        prompt = str(messages[-1].content) if messages else ""
        match = _PASSAGE.search(prompt)
        if match is None:
            text = "未在知识库中找到依据。"
        else:
            first = re.split(r"(?<=[。；！？])", match.group(2).strip(), maxsplit=1)[0]
            text = f"根据资料：{first}[{match.group(1)}]"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
