"""知识库 page: upload and ingest files with progress, list, remove, import law profiles."""

from __future__ import annotations

import logging
import time
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
    from assistant.core.ingest import FileResult

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
    from assistant.messages import UserError

    try:
        rows = documents_table(assistant)
        status = status_markdown(assistant.status_line())
    except UserError as exc:  # the page stays usable and says why the list is empty
        return [], gr.update(choices=[], value=None), f"**{exc}**"
    sources = [r[0] for r in rows]
    return rows, gr.update(choices=sources, value=None), status


def _rejected(name: str, message: str) -> Any:
    from assistant.core.ingest import FileResult

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
            stored.append(store_upload(path, settings.uploads_dir, settings.upload_limit_mb).path)
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
    started = time.perf_counter()  # the whole wait the user sees: store, ingest, index refresh
    paths, rejected = save_uploads(assistant, files)
    results = list(rejected)
    problem = ""
    if paths:
        report = _ingest_uploads(assistant, paths, GradioProgress(progress))
        results += report.results
        problem = report.error
    summary = ingest_summary(results, time.perf_counter() - started)
    if problem:
        summary += f"\n\n**{problem}**"
        gr.Warning(problem)
    elif any(r.status == "error" for r in results):
        gr.Warning("部分文件未能导入，请查看结果表中的说明")
    return (ingest_rows(results), summary, *_refresh_outputs(assistant), None)


def _ingest_uploads(assistant: Assistant, paths: list[Path], sink: GradioProgress) -> Any:
    """Ingest stored uploads; uploads that did not make it into the store are removed again."""
    from assistant.core.ingest import IngestReport
    from assistant.messages import UserError

    try:
        report = assistant.ingest(paths, sink)
    except Exception as exc:  # a store failure must be reported, not crash the page
        log.exception("ingest failed")
        message = str(exc) if isinstance(exc, UserError) else f"导入失败：{exc}"
        report = IngestReport([_rejected(p.name, message) for p in paths], error=message)
    done = {r.path for r in report.results if r.status != "error"}
    for path in paths:
        settle_upload(path, str(path) in done or str(path.resolve()) in done)
    return report


REMOVING = "正在删除……（文档较多时需要几秒）"


def removing_notice(source: str | None, confirmed: bool) -> str:
    """Shown at once when 删除 is clicked, before the removal itself runs."""
    return REMOVING if source and confirmed else ""


def filter_documents(assistant: Assistant, text: str | None):
    """The document list and the delete choices narrowed to names containing ``text``."""
    rows = documents_table(assistant)
    needle = (text or "").strip()
    if needle:
        rows = [r for r in rows if needle in str(r[0]) or needle in str(r[2])]
    return rows, gr.update(choices=[r[0] for r in rows], value=None)


def remove_document(assistant: Assistant, source: str | None, confirmed: bool):
    """Remove one document after the confirmation box was ticked."""
    from assistant.messages import UserError

    if not source:
        return "请先选择要删除的文档。", *_refresh_outputs(assistant), False
    if not confirmed:
        return "请勾选“确认删除”后再点击删除。", *_refresh_outputs(assistant), False
    try:
        n = assistant.remove(source)
    except UserError as exc:
        return str(exc), *_refresh_outputs(assistant), False
    except Exception as exc:  # report, keep everything else as it was
        log.exception("remove failed")
        return f"删除失败：{exc}", *_refresh_outputs(assistant), False
    message = f"已删除“{source}”（{n} 个片段）。" if n else f"知识库中没有“{source}”。"
    return message, *_refresh_outputs(assistant), False


def import_profile(assistant: Assistant, profile: str | None, progress=gr.Progress()):  # noqa: B008
    """Import a law profile from the built-in law library."""
    if not profile:
        return [], "请先选择要导入的法律配置。", *_refresh_outputs(assistant)
    started = time.perf_counter()
    try:
        report = assistant.import_laws(profile, GradioProgress(progress))
    except (ValueError, RuntimeError) as exc:
        return [], f"导入失败：{exc}", *_refresh_outputs(assistant)
    label = dict((name, text) for text, name in assistant.law_profiles()).get(profile, profile)
    summary = f"“{label}”：" + ingest_summary(report.results, time.perf_counter() - started)
    return ingest_rows(report.results), summary, *_refresh_outputs(assistant)


def import_regulations(assistant: Assistant, folder: str | None, progress=gr.Progress()):  # noqa: B008
    """Import a LawRefBook-format folder (on the server) into the regulation library."""
    path = Path((folder or "").strip()).expanduser()
    if not folder or not path.is_dir():
        return f"找不到目录：{folder or '（未填写）'}。请填写服务器上 LawRefBook 法规集的目录。"
    report = assistant.import_library(path, GradioProgress(progress))
    errors = "".join(f"\n- {e}" for e in report.errors[:20])
    return (
        f"法规库导入完成：新增 {report.added} 个版本，更新 {report.replaced} 个，未变化 {report.unchanged} 个，"
        f"移除 {report.removed} 个，新写入 {report.articles} 条，失败 {len(report.errors)} 个文件，"
        f"用时 {report.seconds:.1f} 秒。法规库条文目前按关键词检索。{errors}"
    )


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
    limit = assistant.settings.upload_limit_mb
    with gr.Row():
        with gr.Column(scale=1):
            gr.Markdown(f"#### 上传文件\n支持 {types}，每个文件不超过 {limit} MB。")
            files = chinese_preprocess(gr.File(label="选择文件", file_count="multiple",
                            file_types=list(ALLOWED_SUFFIXES), elem_id="upload-files"))
            upload_btn = gr.Button("上传并导入", variant="primary", elem_id="upload-btn")
            gr.Markdown("#### 导入法律库")
            profile = gr.Dropdown(assistant.law_profiles(), value=assistant.loaded_law_profile() or "all",
                                  label="法律配置", info="已导入的配置预先选中；重复导入只补全缺少的法律")
            import_btn = gr.Button("导入所选法律", elem_id="import-btn")
            gr.Markdown("#### 导入法规库（LawRefBook 法规集）")
            reg_folder = gr.Textbox(label="服务器上的目录", placeholder="/home/用户/Laws",
                                    elem_id="library-folder")
            reg_btn = gr.Button("导入法规集", elem_id="library-import-btn")
        with gr.Column(scale=2):
            summary = gr.Markdown(elem_id="ingest-summary")
            results = gr.Dataframe(headers=INGEST_HEADERS, label="导入结果", interactive=False,
                                   wrap=True, elem_id="ingest-results", buttons=[],
                                   column_widths=["34%", "12%", "10%", "44%"])
    gr.Markdown("#### 已入库文档\n类型为“示例报告”的是随程序提供的演示材料，不是本单位的报告："
                "熟悉功能后可在下方选中并删除；重新运行 assistant init 会再次导入它。")
    doc_filter = gr.Textbox(label="筛选文档", placeholder="输入文件名或标题中的字，例如：信访",
                            elem_id="doc-filter")
    # Fixed column widths (theme.css): every column, 年份 to 状态, fits the page without scrolling.
    docs = gr.Dataframe(headers=DOCUMENT_HEADERS,
                        label="文档列表", interactive=False, wrap=True, elem_id="documents",
                        max_height=420, buttons=[],
                        column_widths=["30%", "7%", "33%", "7%", "8%", "15%"])
    with gr.Row():
        source = gr.Dropdown([], label="要删除的文档（可先在上方筛选）", scale=3, elem_id="remove-source")
        confirm = gr.Checkbox(label="确认删除", value=False, scale=1)
        remove_btn = gr.Button("删除", variant="stop", scale=1, min_width=80)
        refresh_btn = gr.Button("刷新列表", scale=1, min_width=80)
    removed = gr.Markdown()

    lists = [docs, source, status]
    # Progress shows on the results table only, not over the header and the lists it refreshes.
    upload_btn.click(partial(upload_files, assistant), [files], [results, summary, *lists, files],
                     api_visibility="private", show_progress_on=[results])
    import_btn.click(partial(import_profile, assistant), [profile], [results, summary, *lists],
                     api_visibility="private", show_progress_on=[results])
    remove_btn.click(removing_notice, [source, confirm], removed,
                     api_visibility="private").then(
        partial(remove_document, assistant), [source, confirm], [removed, *lists, confirm],
        api_visibility="private", show_progress_on=[removed])
    doc_filter.change(partial(filter_documents, assistant), doc_filter, [docs, source],
                     api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    reg_btn.click(partial(import_regulations, assistant), [reg_folder], [summary],
                  api_visibility="private", show_progress_on=[summary])
    refresh_btn.click(partial(refresh, assistant), None, lists, api_visibility="private")
    return lists
