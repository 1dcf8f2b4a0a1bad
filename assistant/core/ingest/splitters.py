"""Structure-aware chunking: one chunk per article, per report heading, or per sentence pack.

Chunk metadata follows :mod:`assistant.documents`; keys whose value is unknown are left out
because Chroma cannot store ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.core.ingest.detect import Article, DocInfo, parse_regulation
from assistant.core.ingest.loaders import LoadedDocument
from assistant.core.ingest.normalize import SENTENCE_END
from assistant.core.report import markers
from assistant.core.report.structure import ReportStructure, load_structure
from assistant.numerals import chinese_to_int, int_to_chinese

if TYPE_CHECKING:  # imported when splitting: answering reads REPORT_LEVELS without LangChain
    from langchain_core.documents import Document

Pages = list[tuple[int, str]] | None

_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}]*[{SENTENCE_END}]+[”’」』）)》]*|[^{SENTENCE_END}]+")
_REPORT_LEVELS = markers.LEVELS
REPORT_LEVELS = _REPORT_LEVELS  # heading levels of a report (一、 / （一） / 1. / （1）), shared
_LABEL_MAX = 60
INTRO_SECTION = "导语"


@dataclass
class _Unit:
    """Smallest piece packed into chunks: a line or a sentence, with its joiner."""

    text: str
    sep: str = "\n"
    tag: int = 0  # 款 number for regulation articles


def sentences(text: str) -> list[str]:
    """Split one line of Chinese text after 。！？； (closing quotes stay with the sentence)."""
    return [s for s in _SENTENCE_RE.findall(text) if s.strip()]


def _line_units(lines: list[str], max_chars: int, tag: int = 0) -> list[_Unit]:
    """Lines as units; a line longer than ``max_chars`` becomes its sentences."""
    units: list[_Unit] = []
    for line in lines:
        parts = sentences(line) if len(line) > max_chars else [line]
        units.extend(_Unit(p, "\n" if i == 0 else "", tag) for i, p in enumerate(parts))
    return units


def _pack(units: list[_Unit], max_chars: int, overlap: int = 0) -> list[list[_Unit]]:
    """Greedily pack units into groups of at most ``max_chars`` characters."""
    units = [piece for u in units for piece in _hard_split(u, max_chars)]
    groups: list[list[_Unit]] = []
    cur: list[_Unit] = []
    size = 0
    for unit in units:
        if cur and size + len(unit.sep) + len(unit.text) > max_chars:
            groups.append(cur)
            keep = cur[-overlap:] if 0 < overlap < len(cur) else []
            size = sum(len(u.sep) + len(u.text) for u in keep)
            if size + len(unit.sep) + len(unit.text) > max_chars:
                keep, size = [], 0  # overlap must not push a chunk over the limit
            cur = list(keep)
        cur.append(unit)
        size += len(unit.sep) + len(unit.text)
    if cur:
        groups.append(cur)
    return groups


def _hard_split(unit: _Unit, max_chars: int) -> list[_Unit]:
    if len(unit.text) <= max_chars:
        return [unit]
    cut = range(0, len(unit.text), max_chars)
    return [_Unit(unit.text[i : i + max_chars], unit.sep if i == 0 else "", unit.tag) for i in cut]


def _join(units: list[_Unit]) -> str:
    return "".join(u.text if i == 0 else u.sep + u.text for i, u in enumerate(units)).strip()


class _PageFinder:
    """Page of a chunk: the page whose paragraphs contain the chunk's first text."""

    def __init__(self, pages: Pages) -> None:
        # Compared without whitespace: a regulation's articles are re-joined from their lines
        # (OCR text of a scanned page breaks lines elsewhere), so spaces and line breaks differ.
        self.pages = [(page, _WHITESPACE.sub("", text)) for page, text in pages or []]
        self.pos = 0

    def __call__(self, snippet: str) -> int | None:
        snippet = _WHITESPACE.sub("", snippet)[:30]
        if not self.pages or not snippet:
            return None
        order = list(range(self.pos, len(self.pages))) + list(range(self.pos))
        for i in order:
            if snippet in self.pages[i][1]:
                self.pos = i
                return self.pages[i][0]
        return None


_WHITESPACE = re.compile(r"\s+")


def _meta(info: DocInfo, **extra: Any) -> dict[str, Any]:
    base = {
        "doc_type": info.doc_type,
        "title": info.title,
        "law": info.law,
        "version_date": info.version_date,
        "year": info.year,
        "organization": info.organization,
    }
    return {k: v for k, v in {**base, **extra}.items() if v is not None and v != ""}


# ---------------------------------------------------------------- regulations


def split_regulation(
    text: str, info: DocInfo, max_chars: int = 600, pages: Pages = None
) -> list[Document]:
    """Split a regulation into one chunk per article (第X条); long articles split at 款 boundaries.

    Text outside articles (e.g. the 宪法 preamble) is packed by sentences under its heading.

    Args:
        text: Normalised regulation text, header included.
        info: Classification of the file.
        max_chars: Longest chunk before an article is split.
        pages: PDF pages, to label chunks with a page.
    """
    find_page = _PageFinder(pages)
    docs: list[Document] = []
    for item in parse_regulation(text):
        if isinstance(item, Article):
            docs.extend(_article_docs(item, info, max_chars, find_page))
            continue
        for group in _pack(_line_units(item.lines, max_chars), max_chars):
            body = _join(group)
            meta = _meta(info, chapter=item.chapter or None, page=find_page(body))
            docs.append(_document(page_content=body, metadata=meta))
    return docs


def _article_docs(
    art: Article, info: DocInfo, max_chars: int, find_page: _PageFinder
) -> list[Document]:
    base = dict(article=art.label, article_no=art.number, chapter=art.chapter or None)
    full = "\n".join("\n".join(p) for p in art.paragraphs)
    if len(full) <= max_chars:
        return [_document(page_content=full, metadata=_meta(info, **base, page=find_page(full)))]
    units = [u for n, p in enumerate(art.paragraphs, 1) for u in _line_units(p, max_chars, n)]
    docs = []
    for i, group in enumerate(_pack(units, max_chars - len(art.label) - 12)):
        first = group[0].tag
        body = _join(group)
        if i:
            # Each part must stand alone in a search result, so it names its article.
            body = f"{art.label}（续，第{first}款起） {body}"
        meta = _meta(info, **base, paragraph=first, page=find_page(group[0].text))
        docs.append(_document(page_content=body, metadata=meta))
    return docs


# ---------------------------------------------------------------- reports


@dataclass
class _Block:
    path: tuple[str, ...]
    heads: list[str] = field(default_factory=list)  # heading lines not yet shown in a chunk
    body: list[str] = field(default_factory=list)


def split_report(
    text: str, info: DocInfo, pages: Pages = None, max_chars: int = 800
) -> list[Document]:
    """Split an annual report along its heading hierarchy (一、/（一）/1./（1）).

    Args:
        text: Normalised report text.
        info: Classification of the file.
        pages: PDF pages, to label chunks with a page.
        max_chars: Longest chunk; longer sections are split at sentence ends.
    """
    find_page = _PageFinder(pages)
    docs = []
    for block in _report_blocks(text, info):
        units = [_Unit(h) for h in block.heads] + _line_units(block.body, max_chars)
        for i, group in enumerate(_pack(units, max_chars)):
            body = _join(group)
            page = find_page(group[0].text)
            if i:
                body = f"{block.path[-1]}（续）\n{body}"
            meta = _meta(info, section=" > ".join(block.path), page=page)
            docs.append(_document(page_content=body, metadata=meta))
    return docs


def _report_blocks(text: str, info: DocInfo) -> list[_Block]:
    structure = load_structure()
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if lines and _is_title(lines[0], info):
        lines = lines[1:]
    stack: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    cur = _Block((INTRO_SECTION,))
    pending: list[str] = []
    for line in lines:
        heading = _report_heading(line, stack, structure)
        if heading:
            level, label, has_body = heading
            if cur.body:
                blocks.append(cur)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, label))
            cur = _Block(tuple(lab for _, lab in stack))
            if not has_body:
                pending.append(line)
                continue
        if not cur.body:
            cur.heads, pending = pending, []
        cur.body.append(line)
    if cur.body:
        blocks.append(cur)
    if pending and blocks:
        blocks[-1].body.extend(pending)  # trailing headings never form a chunk of their own
    return blocks


def _is_title(line: str, info: DocInfo) -> bool:
    if line.startswith("# ") or line == info.title:
        return True
    return len(line) <= 60 and "报告" in line and not re.search(r"[。；]", line)


def _report_heading(line: str, stack: list[tuple[int, str]],
                    structure: ReportStructure) -> tuple[int, str, bool] | None:
    """``(level, label, line_has_body)`` when ``line`` opens a heading."""
    line = line.lstrip("#").strip()
    level = next((lv for lv, rx in _REPORT_LEVELS if rx.match(line)), None)
    if level is None:
        return None
    first, _, rest = line.partition("。")
    label = first if len(first) <= _LABEL_MAX else first[:_LABEL_MAX] + "…"
    part = structure.part_number(line)
    top = [lab for lv, lab in stack if lv == 1]
    top_part = (structure.part_number(top[-1]) or 0) if top else 0
    if (
        level == 3
        and part
        and not rest
        and not re.search(r"[。；]", line)
        and part == top_part + 1
    ):
        # A mandated part mistyped as an item ("2、 推进法治政府建设存在的不足和原因").
        prev = re.match(r"^([一二三四五六七八九十]+)、", top[-1]) if top else None
        number = chinese_to_int(prev.group(1)) + 1 if prev else part
        label = f"{int_to_chinese(number)}、{_REPORT_LEVELS[2][1].sub('', line).strip()}"
        level = 1
    has_body = bool(rest.strip()) or level >= 3
    return level, label, has_body


# ---------------------------------------------------------------- other documents


def split_generic(
    text: str, info: DocInfo, max_chars: int = 500, overlap_sentences: int = 1, pages: Pages = None
) -> list[Document]:
    """Pack sentences (split at 。！？； and line ends) into chunks of at most ``max_chars``.

    Consecutive chunks share ``overlap_sentences`` sentences so no statement loses its context.
    """
    find_page = _PageFinder(pages)
    units = [
        _Unit(s, "\n" if i == 0 else "")
        for line in text.split("\n")
        if line.strip()
        for i, s in enumerate(sentences(line.strip()))
    ]
    docs = []
    for group in _pack(units, max_chars, overlap_sentences):
        body = _join(group)
        docs.append(
            _document(page_content=body, metadata=_meta(info, page=find_page(group[0].text)))
        )
    return docs


def split_document(doc: LoadedDocument, info: DocInfo) -> list[Document]:
    """Split a loaded file the way its type calls for and number the chunks."""
    if info.doc_type == "regulation":
        docs = split_regulation(doc.text, info, pages=doc.pages)
    elif info.doc_type == "report":
        docs = split_report(doc.text, info, pages=doc.pages)
    else:
        docs = split_generic(doc.text, info, pages=doc.pages)
    for i, d in enumerate(docs):
        d.metadata["chunk_index"] = i
    return docs


def _document(page_content: str, metadata: dict[str, Any]) -> Document:
    from langchain_core.documents import Document

    return Document(page_content=page_content, metadata=metadata)
