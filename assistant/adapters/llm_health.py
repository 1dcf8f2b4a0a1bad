"""Keep a dead or hung chat endpoint from costing every question its timeout.

:class:`EndpointHealth` remembers that an endpoint failed (refused, timed out) and, for a
while, says so at once instead of letting the next question wait again; a background thread
checks the endpoint and marks it up when it answers. :class:`GuardedChatModel` wraps any
LangChain chat model with it, so the answer path's usual fallback (offline answer plus a
warning) happens immediately while the endpoint is down.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

# Failures that say the endpoint is unreachable or hung (matched by class name along the MRO,
# so neither openai nor httpx has to be imported here). Bad requests or keys do not count:
# they fail fast anyway.
UNREACHABLE = frozenset({
    "APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "ReadTimeout",
    "TimeoutException", "ConnectionError", "TimeoutError", "OSError",
})


def is_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the endpoint cannot be reached or did not answer in time."""
    return bool({cls.__name__ for cls in type(exc).__mro__} & UNREACHABLE)


class EndpointDown(ConnectionError):
    """Raised at once while the endpoint is marked down; ``str()`` is a Chinese warning."""


class EndpointHealth:
    """Up/down state of one endpoint, with a background check while it is down.

    Args:
        probe: Raises when the endpoint does not answer (must time out on its own).
        down_seconds: How long a failed endpoint is left alone before it is checked again;
            doubles after each failed check, up to ``max_down_seconds``.
        max_down_seconds: Longest wait between checks.
    """

    def __init__(
        self, probe: Callable[[], None], down_seconds: float = 60.0, max_down_seconds: float = 600.0
    ) -> None:
        self.probe = probe
        self.down_seconds = down_seconds
        self.max_down_seconds = max(max_down_seconds, down_seconds)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._first_check = threading.Event()
        self._first_check.set()  # nothing to wait for until start_check() is called
        self._reason = ""  # non-empty while down
        self._watcher: threading.Thread | None = None

    @property
    def down(self) -> bool:
        """Whether the endpoint is currently marked down."""
        return bool(self._reason)

    def start_check(self) -> None:
        """Check the endpoint once in the background (at build time, costing no start-up)."""
        self._first_check.clear()

        def first() -> None:
            try:
                self.probe()
            except Exception as exc:  # noqa: BLE001 - any probe failure means "down"
                self.mark_down(exc)
            finally:
                self._first_check.set()

        threading.Thread(target=first, name="llm-first-check", daemon=True).start()

    def check(self, wait: float = 30.0) -> None:
        """Return if the endpoint may be used; raise :class:`EndpointDown` at once if not.

        The first question waits for the start-up check (bounded by the probe's own timeout).
        """
        self._first_check.wait(wait)
        reason = self._reason
        if reason:
            raise EndpointDown(
                f"大模型服务无法连接（{reason}，服务恢复后自动改回大模型），已改用离线摘录式回答"
            )

    def failed(self, exc: BaseException) -> None:
        """Record a failed call: an unreachable or hung endpoint is marked down."""
        if is_unreachable(exc):
            self.mark_down(exc)

    def mark_down(self, exc: BaseException) -> None:
        """Mark the endpoint down and start the background check if it is not running."""
        with self._lock:
            self._reason = f"上次连接失败：{_failure_kind(exc)}"
            if self._watcher is None and not self._stop.is_set():
                self._watcher = threading.Thread(target=self._watch, name="llm-health", daemon=True)
                self._watcher.start()

    def _watch(self) -> None:
        wait = self.down_seconds
        while not self._stop.wait(wait):
            try:
                self.probe()
            except Exception:  # noqa: BLE001 - still down: wait longer before the next check
                wait = min(wait * 2, self.max_down_seconds)
                continue
            with self._lock:
                self._reason = ""
                self._watcher = None
            return

    def close(self) -> None:
        """Stop the background check."""
        self._stop.set()
        self._first_check.set()


def _failure_kind(exc: BaseException) -> str:
    """Refused, timed out, or the exception's class name."""
    cause = getattr(exc, "reason", None) or exc.__cause__ or exc
    names = {cls.__name__ for e in (exc, cause) for cls in type(e).__mro__}
    if "ConnectionRefusedError" in names:
        return "连接被拒绝"
    if names & {"TimeoutError", "APITimeoutError", "ReadTimeout", "ConnectTimeout", "TimeoutException"}:
        return "超时未响应"
    return type(exc).__name__


def http_probe(base_url: str, api_key: str | None, timeout: float) -> Callable[[], None]:
    """A probe that GETs ``{base_url}/models``: any HTTP answer (even 401/404) means alive."""
    url = base_url.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def probe() -> None:
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return
        except urllib.error.HTTPError:
            return  # the server answered

    return probe


class GuardedChatModel(BaseChatModel):
    """A chat model that refuses at once while its endpoint is marked down.

    Calls go to ``inner``; an unreachable or hung endpoint marks ``health`` down, and until the
    background check sees it back every call raises :class:`EndpointDown` without waiting.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseChatModel
    health: EndpointHealth

    @property
    def _llm_type(self) -> str:
        return f"guarded-{self.inner._llm_type}"

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: Any = None, **kwargs: Any,
    ) -> ChatResult:
        self.health.check()
        started = time.monotonic()
        try:
            return self.inner._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        except Exception as exc:
            self.health.failed(exc)
            _log_failure(exc, started)
            raise

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: Any = None, **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.health.check()
        started = time.monotonic()
        try:
            yield from self.inner._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
        except Exception as exc:
            self.health.failed(exc)
            _log_failure(exc, started)
            raise

    def _assistant_close(self) -> None:
        # Hook the composition root (assistant/app.py) calls on shutdown.
        self.health.close()
        inner_close = getattr(self.inner, "_assistant_close", None)
        if inner_close:
            inner_close()


def _log_failure(exc: Exception, started: float) -> None:
    logging.getLogger(__name__).warning(
        "chat endpoint failed after %.1f s: %s: %s", time.monotonic() - started, type(exc).__name__, exc
    )
