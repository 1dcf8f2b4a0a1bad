"""Command line: thin typer commands over :func:`assistant.app.build_assistant`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.documents import DOC_TYPE_LABELS
from assistant.front.cli_progress import STATUS_LABELS, RichProgress, make_progress
from assistant.front.errors import log_failure, settings_message, user_message

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.config import Settings
    from assistant.core.citations import CitationResolver
    from assistant.core.ingest import IngestReport

app = typer.Typer(help="法治报告助手：知识库检索、法条引用、问答与年度报告起草。", no_args_is_help=True)
kb_app = typer.Typer(help="管理知识库中的文档。", no_args_is_help=True)
facts_app = typer.Typer(help="年度事实数据（facts）文件。", no_args_is_help=True)
library_app = typer.Typer(help="法规库：导入 LawRefBook 格式的行政法规、地方性法规、司法解释和部门规章。",
                          no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(facts_app, name="facts")
app.add_typer(library_app, name="library")

console = Console()
err = Console(stderr=True)
__all__ = ["STATUS_LABELS", "RichProgress", "app", "main"]

def _state(ctx: typer.Context) -> dict[str, Any]:
    ctx.ensure_object(dict)
    return ctx.obj


def get_assistant(ctx: typer.Context, llm: str | None = None) -> Assistant:
    """Build (once per command) the assistant from the settings chosen on the command line."""
    from assistant.app import build_assistant

    state = _state(ctx)
    if "assistant" not in state:
        settings = get_settings(ctx)
        try:
            state["assistant"] = build_assistant(settings, llm_backend=llm)
        except Exception as exc:  # noqa: BLE001 - one Chinese line naming the setting; details logged
            _fail(f"启动失败：{exc}" if _is_startup_error(exc) else f"启动失败：{user_message(exc)}",
                  exc, settings.data_dir, code=2)
        ctx.call_on_close(state["assistant"].close)
    return state["assistant"]


def get_citations(ctx: typer.Context) -> CitationResolver:
    """The citation resolver, without Chroma or the embedding model when the knowledge base's
    local articles are saved (the whole assistant otherwise, which then saves them)."""
    from assistant.app import build_citations

    settings = get_settings(ctx)
    try:
        resolver = build_citations(settings)
    except Exception as exc:  # noqa: BLE001 - one Chinese line naming the setting; details logged
        _fail(f"启动失败：{exc}", exc, settings.data_dir, code=2)
    if resolver is None:
        asst = get_assistant(ctx)
        asst.save_articles()
        resolver = asst.resolver
    return resolver


def get_settings(ctx: typer.Context) -> Settings:
    """The settings chosen on the command line; an unreadable config exits with one line."""
    from assistant.config import load_settings

    state = _state(ctx)
    if "settings" not in state:
        try:
            state["settings"] = load_settings(state.get("config"))
        except Exception as exc:  # noqa: BLE001 - bad TOML, invalid value, missing file
            _fail(settings_message(exc), exc, None, code=2)
    return state["settings"]


def _is_startup_error(exc: BaseException) -> bool:
    from assistant.app import StartupError

    return isinstance(exc, StartupError)


def _fail(message: str, exc: BaseException, data_dir: Path | None, code: int = 1) -> NoReturn:
    """Print one Chinese line (the log file named), keep the traceback in the log, exit."""
    path = log_failure(exc, data_dir)
    where = f"（详细信息见 {path}）" if path else ""
    err.print(f"[red]{escape(message)}{where}[/red]", highlight=False, soft_wrap=True)
    raise typer.Exit(code) from exc


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _print_report(report: IngestReport, as_json: bool = False) -> None:
    if as_json:
        _print_json(
            {
                "chunks_written": report.chunks_written,
                "seconds": round(report.seconds, 2),
                "notes": report.notes,
                "results": [r.__dict__ for r in report.results],
                "error": report.error,
            }
        )
        return
    for note in report.notes:
        err.print(f"[yellow]{note}[/yellow]")
    rows = report.results
    if len(rows) > TABLE_MAX_ROWS:  # a whole law library: counts, then only what needs attention
        console.print(_result_counts(rows), highlight=False)
        rows = [r for r in rows if r.status not in ("added", "unchanged", "replaced")]
    if rows:
        table = Table(title="入库结果" if len(rows) == len(report.results) else "需要注意的项目")
        for col in ("文件", "类型", "结果", "片段数", "说明"):
            table.add_column(col)
        for r in rows:
            style = "red" if r.status == "error" else None
            table.add_row(
                r.source, DOC_TYPE_LABELS.get(r.doc_type or "", r.doc_type or "-"),
                STATUS_LABELS.get(r.status, r.status), str(r.chunks), r.message, style=style,
            )
        console.print(table)
    console.print(
        f"共处理 {len(report.results)} 项，新写入 {report.chunks_written} 个片段，"
        f"失败 {len(report.errors)} 项，用时 {report.seconds:.1f} 秒。"
    )
    if report.error:
        err.print(f"[red]导入未全部完成：{report.error}[/red]")


TABLE_MAX_ROWS = 20


def _result_counts(results: list[Any]) -> str:
    """``法规 328 项：已添加 3 项、未变化（跳过）325 项`` — one line per document type."""
    by_type: dict[str, dict[str, int]] = {}
    for r in results:
        label = DOC_TYPE_LABELS.get(r.doc_type or "", "其他")
        counts = by_type.setdefault(label, {})
        counts[r.status] = counts.get(r.status, 0) + 1
    lines = []
    for label, counts in by_type.items():
        parts = "、".join(f"{STATUS_LABELS.get(k, k)} {n} 项" for k, n in counts.items())
        lines.append(f"{label} {sum(counts.values())} 项：{parts}")
    return "\n".join(lines)


@app.callback()
def main_callback(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML 配置文件")] = None,
) -> None:
    """法治报告助手。"""
    _state(ctx)["config"] = config


@app.command()
def init(
    ctx: typer.Context,
    profile: Annotated[
        str, typer.Option(help="导入哪些法律：all（默认，全部内置法律）、default、renfang")
    ] = "all",
    skip_laws: Annotated[bool, typer.Option("--skip-laws", help="不导入法律库")] = False,
) -> None:
    """建立默认知识库：导入内置法律库和 knowledge/ 目录（可重复运行，已有内容会跳过）。"""
    console.print("【启动】加载设置、向量模型和法律库……", highlight=False)
    asst = get_assistant(ctx)
    with make_progress(console, err) as progress:
        for report in asst.init_knowledge(None if skip_laws else profile, progress):
            _print_report(report)
    console.print(asst.status_line())


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或目录")] = None,
    laws: Annotated[str | None, typer.Option("--laws", help="导入法律库配置，如 default、renfang、all")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="用本文件替换知识库中同名的旧文档（即使旧文档来自别的目录）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """把文件（PDF/DOCX/TXT/MD）或法律库配置导入知识库。

    同名但来自不同目录的文件作为不同文档分别保存；同一路径的文件再次导入时替换旧版本。
    """
    if not paths and not laws:
        err.print("[red]请给出要导入的文件或目录，或使用 --laws 配置名。[/red]")
        raise typer.Exit(2)
    asst = get_assistant(ctx)
    failed = False
    with make_progress(console, err, enabled=not as_json) as progress:
        if laws:
            try:
                report = asst.import_laws(laws, progress)
            except ValueError as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(2) from exc
            _print_report(report, as_json)
        if paths:
            report = asst.ingest(paths, progress, replace=replace)
            _print_report(report, as_json)
            failed = bool(report.errors) or bool(report.error)
    if failed:
        raise typer.Exit(1)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="问题或关键词")],
    k: Annotated[int, typer.Option("--k", help="返回条数")] = 10,
    doc_type: Annotated[str | None, typer.Option("--type", help="regulation 或 report")] = None,
    year: Annotated[int | None, typer.Option(help="年份")] = None,
    law: Annotated[str | None, typer.Option(help="只查某部法规（全称或简称）")] = None,
    current_only: Annotated[bool, typer.Option("--current-only", help="只查现行有效")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """混合检索知识库。"""
    asst = get_assistant(ctx)
    if law:
        law = asst.names.canonical(law) or law
    filters = {"doc_type": doc_type, "year": year, "law": law, "current_only": current_only}
    hits = asst.search(query, k=k, filters=filters)
    if as_json:
        _print_json([h.to_json() for h in hits])
        return
    if not hits:
        console.print("未在知识库中找到相关内容。")
        return
    if any(h.metadata.get("ranking") == "lexical" for h in hits):
        from assistant.documents import LEXICAL_NOTE

        err.print(f"[yellow]提示：{LEXICAL_NOTE}[/yellow]")
    for i, h in enumerate(hits, start=1):
        level = f"{h.metadata['level']} · " if h.metadata.get("level") else ""
        console.print(f"[bold][{i}] {h.label}[/bold]  [dim]{level}{h.metadata.get('source')} · {h.score:.4f}[/dim]")
        console.print(h.text[:300] + ("…" if len(h.text) > 300 else ""), highlight=False)
        console.print()


@app.command()
def cite(
    ctx: typer.Context,
    citation: Annotated[str, typer.Argument(help="如：行政处罚法第三十二条")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按引用精确查找法条原文。"""
    from assistant.hanzi import to_simplified

    result = get_citations(ctx).resolve(to_simplified(citation))
    if as_json:
        _print_json(result.to_json())
    elif result.found:
        console.print(f"[bold]{result.heading()}[/bold]  [dim]{result.chapter or ''} · {result.source}[/dim]",
                      highlight=False)
        if result.message:
            console.print(f"[yellow]{result.message}[/yellow]", highlight=False)
        console.print(result.full_text if result.text == result.full_text else result.text, highlight=False)
    else:
        console.print(f"[yellow]{result.message}[/yellow]")
    if not result.found:
        raise typer.Exit(1)


@kb_app.command("list")
def kb_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出知识库中的文档。"""
    docs = get_assistant(ctx).documents()
    if as_json:
        _print_json([d.to_json() for d in docs])
        return
    table = Table(title=f"知识库文档（{len(docs)} 个）")
    for col in ("来源", "类型", "标题", "年份", "片段数", "状态", "位置"):
        table.add_column(col)
    for d in docs:
        j = d.to_json()
        style = "yellow" if d.status == "incomplete" else None
        table.add_row(d.source, j["doc_type_label"], d.title, str(d.year or "-"), str(d.chunks),
                      j["status_label"], d.path or "-", style=style)
    console.print(table)
    library = get_assistant(ctx).resolver.regulations
    versions = library.all_versions() if library is not None else []
    if versions:
        console.print(
            f"法规库：{len({v.title for v in versions})} 部法规、{len(versions)} 个版本、"
            f"{sum(v.articles for v in versions)} 条（按关键词检索，尚未计算向量；详见 assistant library list）",
            highlight=False,
        )
    else:
        console.print("法规库：未导入（assistant library import <LawRefBook 目录>）", highlight=False)


@kb_app.command("remove")
def kb_remove(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="文档来源名（见 kb list）")],
) -> None:
    """从知识库删除一个文档。"""
    n = get_assistant(ctx).remove(source)
    if not n:
        err.print(f"[red]知识库中没有来源为“{source}”的文档（用 assistant kb list 查看）。[/red]")
        raise typer.Exit(1)
    console.print(f"已删除“{source}”的 {n} 个片段。")


@library_app.command("import")
def library_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="LawRefBook 法规集目录（或其中的 行政法规/、地方性法规/北京/ 等子目录）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """导入法规集：每个文件是一部法规的一个版本；可重复运行，只更新有变化的文件。"""
    from assistant.app import import_library
    from assistant.config import load_settings

    if not path.exists():
        err.print(f"[red]找不到目录：{path}[/red]")
        raise typer.Exit(2)
    settings = load_settings(_state(ctx).get("config"))
    with make_progress(console, err, enabled=not as_json) as progress:
        report = import_library(settings, path, progress)
    if as_json:
        _print_json({**report.__dict__, "files": report.files})
    else:
        for message in report.errors:
            err.print(f"[yellow]{message}[/yellow]")
        console.print(
            f"法规库导入完成：新增 {report.added} 个版本，更新 {report.replaced} 个，未变化 {report.unchanged} 个，"
            f"移除 {report.removed} 个（文件已不在目录中），新写入 {report.articles} 条，"
            f"失败 {len(report.errors)} 个文件，用时 {report.seconds:.1f} 秒。",
            highlight=False,
        )
    if report.errors and not report.files:
        raise typer.Exit(1)


@library_app.command("list")
def library_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按效力层级统计法规库中的法规、版本和条文。"""
    from assistant.app import open_regulations
    from assistant.config import load_settings

    library = open_regulations(load_settings(_state(ctx).get("config")))
    rows: dict[str, list[int]] = {}
    titles: dict[str, set[str]] = {}
    for v in library.all_versions():
        key = f"{v.level}（{v.region}）" if v.region else v.level
        rows.setdefault(key, [0, 0])
        rows[key][0] += 1
        rows[key][1] += v.articles
        titles.setdefault(key, set()).add(v.title)
    data = [{"level": k, "regulations": len(titles[k]), "versions": n, "articles": a}
            for k, (n, a) in sorted(rows.items())]
    if as_json:
        _print_json(data)
        return
    if not data:
        console.print("法规库为空：请用 assistant library import <LawRefBook 目录> 导入。")
        return
    table = Table(title="法规库")
    for col in ("效力层级", "法规", "版本", "条文"):
        table.add_column(col)
    for row in data:
        table.add_row(row["level"], str(row["regulations"]), str(row["versions"]), str(row["articles"]))
    console.print(table)


LLM_OPTION = typer.Option("--llm", help="offline | openai | llamacpp（默认取配置）")


def _print_answer(answer: Any, as_json: bool) -> None:
    if as_json:
        _print_json(answer.to_json())
        return
    for w in answer.warnings:
        err.print(f"[yellow]提示：{escape(w)}[/yellow]", soft_wrap=True)
    _print_sources(answer)


def _print_sources(answer: Any) -> None:
    if not answer.sources:
        return
    from assistant.documents import REGLIB_SOURCE

    if any(str(src.get("source") or "").startswith(REGLIB_SOURCE + "/") for src in answer.sources):
        from assistant.documents import LEXICAL_NOTE

        err.print(f"[yellow]提示：{LEXICAL_NOTE}[/yellow]")
    console.print("\n[bold]出处[/bold]")
    for src in answer.sources:
        label = str(src.get("label") or src.get("title") or "")
        page = f"第{src['page']}页" if src.get("page") else ""
        shown = f"{label} {page}" if page and page not in label else label  # the label may say it
        console.print(f"[{src.get('n', '')}] {escape(shown)}  [dim]{escape(str(src.get('source') or ''))}[/dim]",
                      highlight=False)


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="问题")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    llm: Annotated[str | None, LLM_OPTION] = None,
) -> None:
    """提问，回答附编号出处。"""
    asst = get_assistant(ctx, llm)
    if as_json:
        _print_answer(asst.qa.ask(question), as_json=True)
        return
    answer = _stream_answer(asst, question, None)
    _print_answer(answer, as_json=False)


def _stream_answer(asst: Assistant, question: str, history: Any) -> Any:
    answer = None
    for part in asst.qa.stream(question, history):
        if isinstance(part, str):
            console.print(part, end="", highlight=False, markup=False)
        else:
            answer = part
    console.print()
    return answer


@app.command()
def chat(
    ctx: typer.Context,
    llm: Annotated[str | None, LLM_OPTION] = None,
) -> None:
    """多轮对话（输入“退出”或 Ctrl-D 结束）。"""
    from assistant.core.answering import Conversation

    asst = get_assistant(ctx, llm)
    history = Conversation()
    console.print(f"[dim]{asst.status_line()}[/dim]\n输入问题开始对话，输入“退出”结束。")
    while True:
        try:
            question = console.input("[bold green]问：[/bold green]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question in ("退出", "exit", "quit"):
            break
        if question:
            _print_answer(_stream_answer(asst, question, history), as_json=False)


def _read_text(path: Path) -> str:
    """Text of a document file, or exit with the loader's Chinese message."""
    from assistant.core.ingest import IngestError, load_file

    try:
        return load_file(path).text
    except IngestError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@app.command()
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="要核验的文稿（TXT/MD/DOCX/PDF）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    year: Annotated[
        int | None, typer.Option("--year", help="文稿所述年度，按该年判断法规是否已被替代（默认今天）")
    ] = None,
) -> None:
    """核验文稿中所有法规引用。"""
    text = _read_text(file)
    checks = get_citations(ctx).verify(text, as_of=year)
    bad = [c for c in checks if c.status != "ok"]
    if as_json:
        _print_json({"total": len(checks), "problems": len(bad), "checks": [c.to_json() for c in checks]})
    else:
        table = Table(title=f"引用核验：共 {len(checks)} 处，问题 {len(bad)} 处")
        for col in ("引用", "结果", "说明"):
            table.add_column(col)
        for c in checks:
            table.add_row(c.citation.raw, "通过" if c.status == "ok" else "有问题", c.message,
                          style=None if c.status == "ok" else "red")
        console.print(table)
    if bad:
        raise typer.Exit(1)


@facts_app.command("extract")
def facts_extract(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument(help="上年报告文件（TXT/MD/DOCX/PDF）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 facts YAML 文件")] = Path("facts.yaml"),
    organization: Annotated[str | None, typer.Option(help="单位名称（不填则从报告推断）")] = None,
) -> None:
    """从上年报告提取指标与工作领域，生成待更新的 facts 文件。"""
    text = _read_text(report)
    asst = get_assistant(ctx)
    facts = asst.drafting.extract(text, organization=organization)
    output.write_text(asst.drafting.facts_yaml(facts), encoding="utf-8")
    console.print(f"已从“{report.name}”提取 {len(facts.indicators)} 项指标、{len(facts.measures)} 个工作领域，写入 {output}")


@app.command()
def draft(
    ctx: typer.Context,
    facts_file: Annotated[Path, typer.Argument(help="facts YAML/JSON 文件")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 .docx 或 .md")] = Path("报告初稿.docx"),
    from_report: Annotated[Path | None, typer.Option("--from-report", help="在上年报告基础上更新")] = None,
    llm: Annotated[str | None, LLM_OPTION] = None,
) -> None:
    """根据 facts 文件起草年度报告，导出 Word 或 Markdown。"""
    from assistant.core.ingest import load_file
    from assistant.messages import UserError

    asst = get_assistant(ctx, llm)
    try:
        facts = asst.drafting.load_facts(facts_file)
        past = load_file(from_report).text if from_report else None
    except (UserError, FileNotFoundError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    mode = "offline" if asst.llm is None else "llm"
    result = asst.drafting.draft(facts, mode=mode, from_report=past)
    # Update mode knows last year's figures: the 主要指标对比表 goes with the report.
    comparisons = asst.drafting.compare(result.previous, facts) if result.previous else None
    if output.suffix.lower() == ".md":
        asst.drafting.export_markdown(result, output, comparisons)
    else:
        asst.drafting.export_docx(result, output, comparisons)
    for w in result.warnings:
        err.print(f"[yellow]检查提示：{w}[/yellow]")
    console.print(f"初稿已写入 {output}（{len(result.sections)} 个部分，{len(result.warnings)} 条检查提示）")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 7860）")] = None,
    llm: Annotated[str | None, LLM_OPTION] = None,
    allow_no_login: Annotated[bool, typer.Option(
        "--allow-no-login", help="在非本机地址上不设登录也启动（局域网内任何人都能访问和删除知识库）")] = False,
) -> None:
    """启动网页界面：加载模型和索引后打印网址和“已就绪”。"""
    import time

    t0 = time.perf_counter()
    settings = get_settings(ctx)
    _check_exposure(host or settings.ui.host, bool(settings.ui.users), allow_no_login)
    from assistant.front.ui.app import serve as serve_ui

    console.print("正在加载模型和索引……", highlight=False)
    asst = get_assistant(ctx, llm)
    if asst.store.count() == 0:
        err.print("[yellow]知识库为空：请先运行 assistant init 建立默认知识库。[/yellow]")
    asst.warm_up()
    demo = serve_ui(asst, host=host, port=port, block=False)
    url = demo.local_url
    if not _answers(url):
        err.print(f"[red]网页服务未能在 {url} 响应，请检查端口是否被占用。[/red]")
        demo.close()
        raise typer.Exit(1)
    console.print(f"网页界面：{url}", highlight=False)
    console.print(f"已就绪（启动用时 {time.perf_counter() - t0:.0f} 秒；按 Ctrl+C 停止）", highlight=False)
    try:
        demo.block_thread()
    finally:
        demo.close()


def _check_exposure(host: str, has_users: bool, allowed: bool) -> None:
    """Refuse to listen beyond this machine without a login, unless explicitly allowed."""
    if has_users or is_loopback(host):
        return
    if not allowed:
        err.print(
            f"[red]拒绝启动：监听地址 {escape(host)} 可从其他机器访问，但未配置登录用户（ui.users），"
            "任何人都能查看和删除知识库。请先用 assistant hash-password 生成口令并写入配置；"
            "确需无登录开放时加 --allow-no-login。[/red]", soft_wrap=True)
        raise typer.Exit(2)
    err.print(f"[yellow]警告：监听 {escape(host)} 且未设登录，网络中任何人都能查看、导入和删除知识库。[/yellow]",
              soft_wrap=True)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def _answers(url: str, timeout: float = 120.0) -> bool:
    """Poll the server until its page answers (True) or ``timeout`` passes (False)."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500  # 401 with login on: the server answers
        except OSError:
            time.sleep(0.2)
    return False


@app.command("hash-password")
def hash_password_cmd() -> None:
    """生成登录口令哈希（写入配置 ui.users，不要保存明文）。"""
    from assistant.front.ui.auth import hash_password

    # Prompts go to stderr: stdout carries the hash alone, so it can be piped or redirected.
    password = typer.prompt("口令", hide_input=True, confirmation_prompt="再次输入口令", err=True)
    if len(password) < 8:
        err.print("[red]口令至少 8 个字符。[/red]")
        raise typer.Exit(2)
    # Written directly, never through rich: a console would wrap it at 80 columns when piped,
    # and the first line alone does not verify.
    sys.stdout.write(hash_password(password) + "\n")


def _data_dir_or_none() -> Path | None:
    from assistant.config import load_settings

    try:
        return load_settings().data_dir
    except Exception:  # noqa: BLE001 - the log then goes to the default data folder
        return None


def main() -> None:
    """Console-script entry point: any unexpected failure is one Chinese line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断。")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the traceback goes to the log
        path = log_failure(exc, _data_dir_or_none())
        where = f"（详细信息见 {path}）" if path else ""
        err.print(f"[red]{escape(user_message(exc))}{where}[/red]", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
