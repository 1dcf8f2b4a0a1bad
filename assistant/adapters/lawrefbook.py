"""Read one file of a LawRefBook-format collection: one version of one regulation.

The collection (github.com/LawRefBook/Laws) keeps one Markdown file per regulation version:
``# 标题``, an optional ``# 副标题``, lines of ``日期 事件`` (公布、修订、施行), the marker
``<!-- INFO END -->``, then ``## 第一章 …`` / ``### 第一节 …`` headings and paragraphs that
start with ``第X条``. Folders give the level (行政法规/, 地方性法规/<地区>/, 司法解释/,
部门规章/<部门>/); the file name may carry the version date, ``优化营商环境条例(2019-10-22).md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.numerals import chinese_to_int

INFO_END = "<!-- INFO END -->"
# Folder name -> level; the folder below 地方性法规 is the region, below 部门规章 the department.
LEVELS = {
    "法律": "法律",
    "行政法规": "行政法规",
    "地方性法规": "地方性法规",
    "司法解释": "司法解释",
    "部门规章": "部门规章",
}
SKIPPED_NAMES = {"_index.md", "README.md"}

_NUM = "零〇一二两三四五六七八九十百千"
_ARTICLE = re.compile(rf"^第([{_NUM}]+)条(?:之([{_NUM}]+))?(?:[\s\u3000]+|$)")
_FILE_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)$")
_INFO_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DECREE = re.compile(r"((?:中华人民共和国)?国务院令第\s*\d+\s*号|[^\s，,]{2,12}令第\s*\d+\s*号)")
_FINAL = re.compile(
    r"自\s*(?:(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(公布|发布|印发)之日)\s*起\s*(?:施行|实施|生效)"
)
_EFFECTIVE_WORDS = ("施行", "生效", "实施", "执行")
_REVISED_WORDS = ("修订", "修正", "修改")


class RegulationFileError(ValueError):
    """A file that is not a readable regulation version (message in Chinese)."""


@dataclass(frozen=True)
class ParsedArticle:
    """One article: number, ``之X`` suffix, heading label, chapter path and text (one 款 a line)."""

    article_no: int
    sub: int
    label: str
    chapter: str | None
    text: str


@dataclass
class RegulationFile:
    """One version of one regulation as read from its file."""

    title: str
    level: str
    region: str = ""
    department: str = ""
    subtitle: str = ""
    version_date: str = ""
    published: str = ""
    revised: str = ""
    effective: str = ""
    effective_inferred: bool = False
    decrees: list[str] = field(default_factory=list)  # 国务院令第711号 …, oldest first
    info: str = ""
    articles: list[ParsedArticle] = field(default_factory=list)


def level_of(path: Path) -> tuple[str, str] | None:
    """``(level, region or department)`` from the folders a file lies in; None if none is known."""
    parts = path.parts[:-1]
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in LEVELS:
            below = parts[i + 1] if i + 1 < len(parts) else ""
            return LEVELS[parts[i]], below
    return None


def relative_key(path: Path) -> str:
    """The file's path from its level folder on, e.g. ``地方性法规/北京/北京市…条例(2020-03-27).md``."""
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in LEVELS:
            return "/".join(parts[i:])
    return path.name


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _read_info(lines: list[str], doc: RegulationFile) -> None:
    published: list[str] = []
    revised: list[str] = []
    effective: list[str] = []
    for line in lines:
        m = _INFO_DATE.search(line)
        if not m:
            continue
        when, event = _iso(*m.groups()), line[m.end() :]
        if any(w in event for w in _EFFECTIVE_WORDS):
            effective.append(when)
        elif any(w in event for w in _REVISED_WORDS):
            revised.append(when)
        else:
            published.append(when)
        for decree in _DECREE.findall(event):
            doc.decrees.append(re.sub(r"\s", "", decree))
    doc.published = min(published, default="")
    doc.revised = max(revised, default="")
    doc.effective = max(effective, default="")


def _split_body(body: str) -> list[ParsedArticle]:
    chapter = section = ""
    articles: list[ParsedArticle] = []
    current: list[str] | None = None
    head: tuple[int, int, str, str | None] | None = None

    def flush() -> None:
        if head is not None and current is not None:
            articles.append(ParsedArticle(*head, "\n".join(current).strip()))

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            title = re.sub(r"\s+", " ", line.lstrip("#").strip())
            if level <= 2:
                chapter, section = title, ""
            else:
                section = title
            continue
        m = _ARTICLE.match(line)
        if m:
            flush()
            label = line[: m.end()].strip()
            path = " / ".join(p for p in (chapter, section) if p) or None
            sub = chinese_to_int(m[2]) if m[2] else 0
            head = (chinese_to_int(m[1]), sub, label, path)
            current = [line[m.end() :].strip()]
        elif current is not None:
            current.append(line)
    flush()
    return articles


def _effective_from_final(doc: RegulationFile) -> None:
    """施行 date when the INFO block has none: the final article, else the version date."""
    if doc.effective:
        return
    doc.effective_inferred = True
    last = doc.articles[-1].text if doc.articles else ""
    m = _FINAL.search(last)
    if m and m[1]:
        when = _iso(m[1], m[2], m[3])
        # A revision keeps the first version's 施行 sentence: only a later date applies.
        if not doc.version_date or when >= doc.version_date:
            doc.effective = when
            return
    doc.effective = doc.version_date or doc.revised or doc.published


def parse_text(text: str, name: str, level: str, below: str = "") -> RegulationFile:
    """Parse one file's text; ``name`` is the file name (its date is the version date).

    Raises:
        RegulationFileError: No ``# 标题`` line.
    """
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    info, _, body = text.partition(INFO_END) if INFO_END in text else ("", "", text)
    lines = [ln.strip() for ln in info.splitlines() if ln.strip()]
    titles = [ln.lstrip("#").strip() for ln in lines if ln.startswith("# ")]
    if not titles or not titles[0]:
        raise RegulationFileError(
            f"{name}：没有“# 标题”行，不是 LawRefBook 格式的法规文件，已跳过。"
        )
    doc = RegulationFile(title=re.sub(r"\s+", "", titles[0]), level=level)
    doc.subtitle = titles[1] if len(titles) > 1 else ""
    if level == "地方性法规":
        doc.region = below
    elif level == "部门规章":
        doc.department = below
    stem = name.removesuffix(".md")
    if m := _FILE_DATE.search(stem):
        doc.version_date = _iso(*m.groups())
    info_lines = [ln for ln in lines if not ln.startswith("#")]
    doc.info = "\n".join(info_lines)
    _read_info(info_lines, doc)
    doc.version_date = doc.version_date or doc.revised or doc.published
    doc.articles = _split_body(body)
    _effective_from_final(doc)
    return doc


def read_file(path: Path) -> RegulationFile:
    """Read and parse one regulation file.

    Raises:
        RegulationFileError: The file cannot be read, is not UTF-8 text, lies outside a level
            folder or has no title (message in Chinese).
    """
    path = Path(path)
    found = level_of(path)
    if found is None:
        raise RegulationFileError(
            f"{path.name}：不在 行政法规/、地方性法规/、司法解释/、部门规章/ 等目录下，无法判断效力层级，已跳过。"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RegulationFileError(f"{path.name}：不是 UTF-8 文本，无法读取，已跳过。") from exc
    except OSError as exc:
        raise RegulationFileError(
            f"{path.name}：无法读取文件（{exc.strerror or exc}），已跳过。"
        ) from exc
    return parse_text(text, path.name, *found)
