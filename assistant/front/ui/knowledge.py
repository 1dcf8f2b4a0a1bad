"""知识库 page: upload and ingest files with progress, list, remove, import law profiles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.front.ui.errors import chinese_preprocess
from assistant.front.ui.formatting import (
    DOCUMENT_HEADERS,
    INGEST_HEADERS,
    document_rows,
    ingest_rows,
    ingest_summary,
    status_markdown,
)
from assistant.front.ui.uploads import (
    ALLOWED_SUFFIXES,
    RejectedUpload,
    UploadError,
    settle_upload,
    store_upload,
)

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.core.ingest.pipeline import FileResult

log = logging.getLogger(__name__)


class GradioProgress:
    """Adapter from the ingest ``Progress`` protocol to a ``gr.Progress`` callable.

    Args:
        report: ``gr.Progress`` (or any ``(fraction_or_(done, total), desc=...)`` callable).
    """

    def __init__(self, report: Callable[..., Any] | None = None) -> None:
        self.report = report
        self.total = 0
        self.done = 0
        self.description = ""
        self.files: list[FileResult] = []

    def _emit(self) -> None:
        if self.report is None:
            return
        desc = f"{self.description}（已完成 {len(self.files)} 个文件）" if self.files else self.description
        self.report((self.done, max(self.total, 1)), desc=desc, unit="片段")

    def start(self, total: int, description: str) -> None:
        """A phase begins with ``total`` steps."""
        self.total, self.done, self.description = total, 0, description
        self._emit()

    def advance(self, n: int) -> None:
        """``n`` more steps are done."""
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        self._emit()

    def file_done(self, result: FileResult) -> None:
        """One file (or law) is finished."""
        self.files.append(result)
        self._emit()


def documents_table(assistant: Assistant) -> list[list[Any]]:
    """Rows of the document list."""
    return document_rows(d.to_json() for d in assistant.documents())


def _refresh_outputs(assistant: Assistant) -> tuple[Any, Any, str]:
    from assistant.adapters.store import StoreError

    try:
        rows = documents_table(assistant)
        status = status_markdown(assistant.status_line())
    except StoreError as exc:  # the page stays usable and says why the list is empty
        return [], gr.update(choices=[], value=None), f"**{exc}**"
    sources = [r[0] for r in rows]
    return rows, gr.update(choices=sources, value=None), status


def _rejected(name: str, message: str) -> Any:
    from assistant.core.ingest.pipeline import FileResult

    return FileResult(name, "error", message=message)


def save_uploads(assistant: Assistant, files: list[Any] | None) -> tuple[list[Path], list[Any]]:
    """Validate and store uploads; returns stored paths and error results for rejected files."""
    settings = assistant.settings
    stored, rejected = [], []
    for f in files or []:
        if isinstance(f, RejectedUpload):
            rejected.append(_rejected(Path(f.name).name, f.message))
            if f.path:
                discard_gradio_copy(Path(f.path))
            continue
        path = Path(getattr(f, "name", None) or str(f))
        try:
            stored.append(store_upload(path, settings.uploads_dir, settings.ui.max_upload_mb).path)
        except UploadError as exc:
            rejected.append(_rejected(path.name, str(exc)))
        finally:
            discard_gradio_copy(path)
    return stored, rejected


def discard_gradio_copy(path: Path) -> None:
    """Delete Gradio's copy of an upload: its temp folder is shared by every Gradio app on the
    machine, while the knowledge base's copy lives in the private data directory."""
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    try:
        resolved = path.resolve()
        if root in resolved.parents:
            resolved.unlink(missing_ok=True)
            if resolved.parent != root and not any(resolved.parent.iterdir()):
                resolved.parent.rmdir()  # Gradio keeps each upload in its own hashed folder
    except OSError as exc:
        log.warning("无法删除上传临时文件 %s：%s", path, exc)


def upload_files(assistant: Assistant, files: list[Any] | None, progress=gr.Progress()):  # noqa: B008
    """Store the uploaded files and ingest them; returns table, summary and refreshed lists."""
    if not files:
        gr.Warning("请先选择要上传的文件")
        return ([], "请先选择要上传的文件（支持 PDF、DOCX、TXT、MD）。", *_refresh_outputs(assistant), None)
    paths, rejected = save_uploads(assistant, files)
    results = list(rejected)
    seconds, problem = 0.0, ""
    if paths:
        report = _ingest_uploads(assistant, paths, GradioProgress(progress))
        results += report.results
        seconds, problem = report.seconds, report.error
    summary = ingest_summary(results, seconds)
    if problem:
        summary += f"\n\n**{problem}**"
        gr.Warning(problem)
    elif any(r.status == "error" for r in results):
        gr.Warning("部分文件未能导入，请查看结果表中的说明")
    return (ingest_rows(results), summary, *_refresh_outputs(assistant), None)


def _ingest_uploads(assistant: Assistant, paths: list[Path], sink: GradioProgress) -> Any:
    """Ingest stored uploads; uploads that did not make it into the store are removed again."""
    from assistant.adapters.store import StoreError
    from assistant.core.ingest.pipeline import IngestReport

    try:
        report = assistant.ingest(paths, sink)
    except Exception as exc:  # a store failure must be reported, not crash the page
        log.exception("ingest failed")
        message = str(exc) if isinstance(exc, StoreError) else f"导入失败：{exc}"
        report = IngestReport([_rejected(p.name, message) for p in paths], error=message)
    done = {r.path for r in report.results if r.status != "error"}
    for path in paths:
        settle_upload(path, str(path) in done or str(path.resolve()) in done)
    return report


def remove_document(assistant: Assistant, source: str | None, confirmed: bool):
    """Remove one document after the confirmation box was ticked."""
    if not source:
        return "请先选择要删除的文档。", *_refresh_outputs(assistant), False
    if not confirmed:
        return "请勾选“确认删除”后再点击删除。", *_refresh_outputs(assistant), False
    try:
        n = assistant.remove(source)
    except Exception as exc:  # report, keep everything else as it was
        log.exception("remove failed")
        return f"删除失败：{exc}", *_refresh_outputs(assistant), False
    message = f"已删除“{source}”（{n} 个片段）。" if n else f"知识库中没有“{source}”。"
    return message, *_refresh_outputs(assistant), False


def import_profile(assistant: Assistant, profile: str | None, progress=gr.Progress()):  # noqa: B008
    """Import a law profile from the built-in law library."""
    if not profile:
        return [], "请先选择要导入的法律配置。", *_refresh_outputs(assistant)
    try:
        report = assistant.import_laws(profile, GradioProgress(progress))
    except (ValueError, RuntimeError) as exc:
        return [], f"导入失败：{exc}", *_refresh_outputs(assistant)
    summary = f"法律配置“{profile}”：" + ingest_summary(report.results, report.seconds)
    return ingest_rows(report.results), summary, *_refresh_outputs(assistant)


def refresh(assistant: Assistant):
    """Re-read the document list."""
    return _refresh_outputs(assistant)


def build_knowledge_tab(assistant: Assistant, status: gr.Markdown) -> list[Any]:
    """Lay out the 知识库 tab inside the current Blocks.

    Returns:
        The components :func:`refresh` fills (document table, remove dropdown, status line),
        for the app to refresh on page load.
    """
    types = "、".join(s.lstrip(".").upper() for s in ALLOWED_SUFFIXES)
    limit = assistant.settings.ui.max_upload_mb
    with gr.Row():
        with gr.Column(scale=1):
            gr.Markdown(f"#### 上传文件\n支持 {types}，每个文件不超过 {limit} MB。")
            files = chinese_preprocess(gr.File(label="选择文件", file_count="multiple",
                            file_types=list(ALLOWED_SUFFIXES), elem_id="upload-files"))
            upload_btn = gr.Button("上传并导入", variant="primary", elem_id="upload-btn")
            gr.Markdown("#### 导入法律库")
            profiles = assistant.lawlib.profiles()
            profile = gr.Dropdown(profiles, value=profiles[0] if profiles else None,
                                  label="法律配置", info="all 为全部法律，耗时较长")
            import_btn = gr.Button("导入所选法律", elem_id="import-btn")
        with gr.Column(scale=2):
            summary = gr.Markdown(elem_id="ingest-summary")
            results = gr.Dataframe(headers=INGEST_HEADERS, label="导入结果", interactive=False,
                                   wrap=True, elem_id="ingest-results")
    gr.Markdown("#### 已入库文档")
    docs = gr.Dataframe(headers=DOCUMENT_HEADERS,
                        label="文档列表", interactive=False, wrap=True, elem_id="documents",
                        max_height=420)
    with gr.Row():
        source = gr.Dropdown([], label="要删除的文档", scale=3, elem_id="remove-source")
        confirm = gr.Checkbox(label="确认删除", value=False, scale=1)
        remove_btn = gr.Button("删除", variant="stop", scale=1, min_width=80)
        refresh_btn = gr.Button("刷新列表", scale=1, min_width=80)
    removed = gr.Markdown()

    lists = [docs, source, status]
    upload_btn.click(partial(upload_files, assistant), [files], [results, summary, *lists, files],
                     api_visibility="private")
    import_btn.click(partial(import_profile, assistant), [profile], [results, summary, *lists],
                     api_visibility="private")
    remove_btn.click(partial(remove_document, assistant), [source, confirm],
                     [removed, *lists, confirm], api_visibility="private")
    refresh_btn.click(partial(refresh, assistant), None, lists, api_visibility="private")
    return lists
