"""The staff web app: one ``gr.Blocks`` with four pages, and :func:`serve` to run it.

``assistant serve`` calls :func:`serve`; tests call :func:`build_ui` and the page handlers.
"""

from __future__ import annotations

import json
import logging
import re
import time
from functools import partial
from importlib import resources
from typing import TYPE_CHECKING, Any

import anyio
import gradio as gr
from starlette.middleware import Middleware

from assistant.front.ui.auth import make_auth
from assistant.front.ui.chat import build_chat_tab
from assistant.front.ui.drafting import sessions_root
from assistant.front.ui.drafting_tab import build_drafting_tab
from assistant.front.ui.errors import ChineseErrors, body_rewriter
from assistant.front.ui.formatting import status_markdown
from assistant.front.ui.knowledge import build_knowledge_tab, refresh
from assistant.front.ui.lookup import build_lookup_tab

if TYPE_CHECKING:
    from assistant.app import Assistant

log = logging.getLogger(__name__)
# Handlers callable as an API by name (gradio_client, /gradio_api/call/ask); all others are
# the page's own and refused on the by-name routes.
PUBLIC_API = frozenset({"ask"})
_NAMED_ROUTE = re.compile(r"^(?:/gradio_api)?/(?:run|api|call(?:/v2)?)/([^/]+)")
TITLE = "法治报告助手"
_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"]


def build_ui(assistant: Assistant) -> gr.Blocks:
    """Build the whole app around an injected :class:`~assistant.app.Assistant`."""
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        with gr.Column(elem_id="app-header"):
            gr.Markdown(f"# {TITLE}\n法治政府建设年度情况报告：知识库问答 · 报告起草 · 法规查询与引用核验")
        status = gr.Markdown(status_markdown(assistant.status_line()), elem_id="status-line")
        with gr.Tabs():
            with gr.Tab("智能问答", id="chat"):
                build_chat_tab(assistant)
            with gr.Tab("报告起草", id="drafting"):
                draft_load, draft_outputs = build_drafting_tab(assistant)
            with gr.Tab("法规查询", id="lookup"):
                build_lookup_tab(assistant)
            with gr.Tab("知识库", id="knowledge"):
                knowledge_outputs = build_knowledge_tab(assistant, status)
        demo.load(draft_load, None, draft_outputs, api_visibility="private")
        demo.load(partial(refresh, assistant), None, knowledge_outputs, api_visibility="private")
    for fn in demo.fns.values():  # the page's own handlers (upload, delete …) are no API
        if fn.api_name not in PUBLIC_API:
            fn.api_visibility = "private"
        if fn.fn is not None:  # unqueued events post to /run/predict, which InternalEndpoints
            fn.queue = True    # refuses (gr.Examples loads its rows unqueued by default)
    return demo


class InternalEndpoints:
    """Refuse Gradio's by-name API routes (``/gradio_api/call|api|run/<name>``) for every
    handler except the public ones: "private" only hides a handler from the API page and the
    Gradio client, while these routes would still run it (two POSTs could delete documents)."""

    def __init__(self, app: Any, public: frozenset[str] = PUBLIC_API) -> None:
        self.app, self.public = app, public

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        match = _NAMED_ROUTE.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match and match.group(1) not in self.public:
            body = json.dumps({"detail": "该功能只能在网页界面中使用，不提供接口调用"},
                              ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def theme() -> gr.themes.Base:
    """Soft theme in a deep red, with local CJK fonts (no web font downloads)."""
    return gr.themes.Soft(primary_hue="red", secondary_hue="amber", neutral_hue="slate",
                          font=_FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"])


def launch_options(assistant: Assistant, host: str | None = None, port: int | None = None) -> dict:
    """Arguments for ``Blocks.launch``: loopback by default, login when users are configured."""
    ui = assistant.settings.ui
    folder = sessions_root(assistant)
    folder.mkdir(parents=True, exist_ok=True)
    auth = make_auth(ui.users)
    return {
        "server_name": host or ui.host,
        "server_port": port if port is not None else ui.port,
        "auth": auth,
        "auth_message": "请使用分配的账号登录法治报告助手" if auth else None,
        "allowed_paths": [str(folder)],
        "max_file_size": f"{assistant.settings.upload_limit_mb}mb",
        "theme": theme(),
        "css": resources.files("assistant.front.ui").joinpath("theme.css").read_text(encoding="utf-8"),
        # No "通过 API 使用" link: the page's handlers are not an API (only /ask is, for scripts).
        "footer_links": [],
        "ssr_mode": False,
        "show_error": True,
        "quiet": True,
        "app_kwargs": {"middleware": [
            Middleware(ChineseErrors), Middleware(InternalEndpoints),
            Middleware(StoreSync, assistant=assistant), *([Middleware(LoginNotice)] if auth else []),
        ]},
    }


class StoreSync:
    """Before handling a request, pick up documents another process (``assistant ingest``)
    wrote into this knowledge base: a fingerprint check at most once a second, in a worker
    thread, and a reload only after a change."""

    def __init__(self, app: Any, assistant: Assistant, every: float = 1.0) -> None:
        self.app, self.assistant, self.every = app, assistant, every
        self._next = 0.0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        now = time.monotonic()
        if scope["type"] == "http" and now >= self._next:
            self._next = now + self.every
            try:
                await anyio.to_thread.run_sync(self.assistant.sync)
            except Exception as exc:  # noqa: BLE001 - a failed check must not fail the request
                log.warning("知识库变更检查失败：%s", exc)
        await self.app(scope, receive, send)


class LoginNotice:
    """Add ``login_notice.js`` to the HTML page, so the login form shows the server's message
    (a lockout and its remaining time) instead of Gradio's fixed "wrong credentials" text."""

    def __init__(self, app: Any) -> None:
        self.app = app
        script = resources.files("assistant.front.ui").joinpath("login_notice.js").read_text(encoding="utf-8")
        self.tag = f"<script>{script}</script>".encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        html = body_rewriter(send, lambda start: b"text/html" in dict(start.get("headers") or []).get(
            b"content-type", b""), lambda body, _kind: body.replace(b"</head>", self.tag + b"</head>", 1))
        await self.app(scope, receive, html)


def serve(assistant: Assistant, host: str | None = None, port: int | None = None,
          *, block: bool = True) -> gr.Blocks:
    """Run the web app.

    Args:
        assistant: The services to expose.
        host: Bind address; default ``settings.ui.host`` (loopback).
        port: Port; default ``settings.ui.port`` (0 is not supported by Gradio: pass a free port).
        block: Wait until interrupted (CLI); False returns at once with the server running
            (tests; stop it with ``demo.close()``).

    Returns:
        The running app; ``demo.local_url`` is its address.
    """
    ui = assistant.settings.ui
    demo = build_ui(assistant)
    demo.queue(default_concurrency_limit=ui.concurrency, max_size=ui.max_queue)
    demo.launch(prevent_thread_lock=not block, **launch_options(assistant, host, port))
    return demo
