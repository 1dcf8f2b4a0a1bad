"""Gradio's English errors (login, upload size, file type) shown to users in Chinese."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import gradio as gr

from assistant.messages import to_chinese

log = logging.getLogger(__name__)


def _translated(body: bytes, content_type: bytes) -> bytes:
    if b"json" not in content_type:
        return to_chinese(body.decode("utf-8", "replace")).encode("utf-8")
    try:
        data = json.loads(body)
    except ValueError:
        return body
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str):
        data["detail"] = to_chinese(detail)
    elif isinstance(detail, dict) and isinstance(detail.get("error"), str):
        detail["error"] = to_chinese(detail["error"])
    elif isinstance(detail, list):  # FastAPI's validation errors (an old or wrong request shape)
        fields = "、".join(".".join(str(p) for p in d.get("loc", ())) for d in detail if isinstance(d, dict))
        data["detail"] = f"请求格式不正确（字段：{fields or '未知'}），请按接口说明发送请求"
    else:
        return body
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _kind(start: dict) -> bytes:
    return dict(start.get("headers") or []).get(b"content-type", b"")


def _is_error_text(start: dict) -> bool:
    kind = _kind(start)
    return start["status"] >= 400 and (b"json" in kind or b"text/plain" in kind)


def body_rewriter(
    send: Any, wanted: Callable[[dict], bool], rewrite: Callable[[bytes, bytes], bytes]
) -> Callable[[dict], Awaitable[None]]:
    """An ASGI ``send`` that buffers each response ``wanted(start message)`` selects and sends
    ``rewrite(body, content type)`` instead, with its length corrected; others pass through."""
    start: dict | None = None
    chunks: list[bytes] = []

    async def wrapped(message: dict) -> None:
        nonlocal start
        if message["type"] == "http.response.start" and wanted(message):
            start = message
            return
        if start is not None and message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = rewrite(b"".join(chunks), _kind(start))
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped


class ChineseErrors:
    """Rewrites JSON ``detail`` or plain-text error replies (status >= 400); others pass through."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        rewriting = body_rewriter(send, _is_error_text, _translated)

        async def wrapped(message: dict) -> None:
            nonlocal started
            started = True
            await rewriting(message)

        try:
            await self.app(scope, receive, wrapped)
        except Exception:
            # Starlette would answer a bare "Internal Server Error"; the detail goes to the log.
            log.exception("request failed: %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = json.dumps({"detail": to_chinese("Internal Server Error")}, ensure_ascii=False)
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body.encode())).encode())]})
            await send({"type": "http.response.body", "body": body.encode()})


def chinese_preprocess(component: Any) -> Any:
    """Make ``component``'s input checks (e.g. gr.File's file type) raise Chinese errors.

    A list of files is checked file by file: a refused file becomes a
    :class:`~assistant.front.ui.uploads.RejectedUpload` in the list instead of failing the
    whole batch, so the handler reports it beside the files that were accepted.
    """
    from gradio.data_classes import ListFiles

    from assistant.front.ui.uploads import RejectedUpload

    original = component.preprocess

    def one(payload: Any) -> Any:
        try:
            return original(payload)
        except gr.Error as exc:
            raise gr.Error(to_chinese(str(exc.message))) from exc

    @wraps(original)
    def preprocess(payload: Any) -> Any:
        if not isinstance(payload, ListFiles) or getattr(component, "file_count", "") == "single":
            return one(payload)
        out = []
        for item in payload.root:
            try:
                out.extend(one(ListFiles(root=[item])))
            except gr.Error as exc:
                out.append(RejectedUpload(item.orig_name or item.path, str(exc.message), item.path))
        return out

    component.preprocess = preprocess
    return component
