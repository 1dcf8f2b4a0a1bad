"""Tell regulations from annual reports and read their title, law name, dates and office."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.ingest.loaders import LoadedDocument
from assistant.core.report.structure import ReportStructure, load_structure
from assistant.numerals import chinese_to_int

INFO_END = "<!-- INFO END -->"
_CN_NUM = "零〇一二两三四五六七八九十百千"
ARTICLE_RE = re.compile(
    rf"^第([{_CN_NUM}\d]+)条(?:之([一二三四五六七八九十\d]+))?(?:[ \u3000]+|(?![规的、，中至和或及]))"
)
STRUCTURE_RE = re.compile(rf"^#*\s*第[{_CN_NUM}\d]+[编章节](?:[ \u3000]|$)")
_FILE_DATE_RE = re.compile(r"[（(](\d{4})[-.年](\d{1,2})[-.月](\d{1,2})日?[）)]")
_CN_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_VERSION_WORDS = ("修订", "修正", "修改", "通过", "公布", "发布", "批准")
_REPORT_YEAR_RE = re.compile(r"(\d{4})\s*年度?\s*(?:[^，。\n]{0,20}?)法治政府建设")
_ORG_SUFFIX = tuple("办 局 委 会 院 室 所 中心 政府 部 处 队 站 署 厅".split())
_ORG_IN_BODY_RE = re.compile(
    r"(?:^|[，。；、：\s])([^，。；、：\s“”《》（）()]{2,15}?)法治政府建设工作"
)


@dataclass
class DocInfo:
    """What kind of document a file is, and the facts its chunks are labelled with."""

    doc_type: str
    title: str
    law: str | None = None
    version_date: str | None = None
    year: int | None = None
    organization: str | None = None


def classify(doc: LoadedDocument) -> DocInfo:
    """Classify a loaded file as ``regulation``, ``report`` or ``other`` and read its facts."""
    lines = [ln.strip() for ln in doc.text.split("\n") if ln.strip()]
    stem = doc.path.stem
    title = _title(lines, stem)
    if is_regulation(lines, title):
        law = title.strip("《》")
        version = _version_date(stem, doc.text)
        year = int(version[:4]) if version else None
        return DocInfo("regulation", title, law=law, version_date=version, year=year)
    if is_report(doc.text, lines) or is_work_report(title, stem):
        return DocInfo(
            "report",
            title,
            year=_report_year(title, lines, stem),
            organization=_organization(stem, doc.text),
        )
    return DocInfo("other", title, year=_report_year(title, lines, stem))


# An office's own account of its work (工作总结、小结、汇报、要点、计划) reads like a report,
# even without the four mandated parts of the annual 法治政府建设 report.
_WORK_REPORT_RE = re.compile(r"(?:总结|小结|汇报|报告|工作要点|工作计划|工作安排|情况说明)")


def is_work_report(title: str, stem: str) -> bool:
    """The title or file name names a work summary, report or plan (not a regulation)."""
    return any(_WORK_REPORT_RE.search(s) and not _REGULATION_TITLE.search(s.strip()) for s in (title, stem))


_REGULATION_TITLE = re.compile(r"(法|条例|规定|办法|细则|规则|决定)》?$")


def is_regulation(lines: list[str], title: str = "") -> bool:
    """Three article headings (第X条), or one when the title reads like a regulation's."""
    articles = sum(1 for ln in lines if ARTICLE_RE.match(ln))
    return articles >= 3 or (articles >= 1 and bool(_REGULATION_TITLE.search(title.strip())))


def is_report(text: str, lines: list[str], structure: ReportStructure | None = None) -> bool:
    """Mentions 法治政府建设 and has headings of at least two mandated parts."""
    if "法治政府建设" not in text:
        return False
    structure = structure or load_structure()
    found = {part for ln in lines if len(ln) <= 80 and (part := structure.part_number(ln))}
    return len(found) >= 2


def mandated_part(line: str, structure: ReportStructure | None = None) -> int | None:
    """Number (1–5) of the mandated report part a heading line opens, if any.

    The parts and their keywords are defined once, in ``prompts/drafting/structure_v1.yaml``.
    """
    return (structure or load_structure()).part_number(line)


def _title(lines: list[str], stem: str) -> str:
    for ln in lines[:3]:
        if ln.startswith("# "):
            return ln[2:].strip()
    if lines and len(lines[0]) <= 60 and not re.search(r"[。；！？]", lines[0]):
        return lines[0].lstrip("#").strip()
    return stem


def _version_date(stem: str, text: str) -> str | None:
    m = _FILE_DATE_RE.search(stem)
    if m:
        return _iso(*m.groups())
    header = _header(text)
    dated = [(ln, _CN_DATE_RE.findall(ln)) for ln in header.split("\n")]
    preferred = [d for ln, ds in dated if any(w in ln for w in _VERSION_WORDS) for d in ds]
    candidates = preferred or [d for _, ds in dated for d in ds]
    if not candidates:
        return None
    return max(_iso(*d) for d in candidates)


def _header(text: str) -> str:
    """Promulgation notes: before the INFO END marker, else before the first 章/条."""
    if INFO_END in text:
        return text.split(INFO_END, 1)[0]
    lines = text.split("\n")
    for i, ln in enumerate(lines):
        s = ln.strip()
        if ARTICLE_RE.match(s) or STRUCTURE_RE.match(s):
            return "\n".join(lines[:i])
    return "\n".join(lines[:10])


def _iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _report_year(title: str, lines: list[str], stem: str) -> int | None:
    for source in (title, *lines[:3], stem):
        m = _REPORT_YEAR_RE.search(source)
        if m:
            return int(m.group(1))
    for source in (title, stem, *lines[:5]):
        if m := re.search(r"((?:19|20)\d{2})\s*年", source):
            return int(m.group(1))
    return None


def _organization(stem: str, text: str) -> str | None:
    candidates = re.findall(r"\d{4}\s*年度?(.+?)法治政府建设", stem)
    candidates += re.findall(r"^(.+?)\d{4}\s*年", stem)
    candidates += _ORG_IN_BODY_RE.findall(text[:3000])
    for cand in candidates:
        cand = cand.strip(" _-—（）()")
        if 2 <= len(cand) <= 20 and cand.endswith(_ORG_SUFFIX):
            return cand
    return None


# ---------------------------------------------------------------- regulation structure

_ITEM_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")  # 项 inside an article's 款


@dataclass
class Article:
    """One article: ``paragraphs`` are its 款, each a list of lines (the 款 plus its 项)."""

    label: str
    number: int
    chapter: str
    paragraphs: list[list[str]] = field(default_factory=list)


@dataclass
class Passage:
    """Text outside any article, such as the preamble (序言) of the Constitution."""

    chapter: str
    lines: list[str] = field(default_factory=list)


def parse_regulation(text: str) -> list[Article | Passage]:
    """Read a regulation's articles and chapter path (编 / 章 / 节), skipping its header.

    The first 款 of an article starts with its heading, e.g. ``第三十二条 当事人有……``.
    """
    items: list[Article | Passage] = []
    path: dict[str, str] = {}
    current: Article | Passage | None = None
    after_heading = False
    for line in _regulation_body(text):
        if not line or (line.startswith("<!--") and line.endswith("-->")):
            continue
        if STRUCTURE_RE.match(line) or line.startswith("#"):
            _enter_heading(path, line.lstrip("#").strip())
            current, after_heading = None, True
            continue
        if after_heading and path and len(line) <= 30 and not re.search(r"[。；：，]", line):
            # Chapter title wrapped onto a second line in the source.
            path[next(reversed(path))] += line
            continue
        after_heading = False
        if m := ARTICLE_RE.match(line):
            label = f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else "")
            current = Article(label, chinese_to_int(m.group(1)), " / ".join(path.values()))
            current.paragraphs.append([f"{label} {line[m.end() :].strip()}".strip()])
            items.append(current)
        elif isinstance(current, Article):
            _add_to_article(current, line)
        else:
            if current is None:
                current = Passage(" / ".join(path.values()))
                items.append(current)
            current.lines.append(line)
    return items


def _add_to_article(article: Article, line: str) -> None:
    if article.paragraphs == [[article.label]]:
        article.paragraphs[0][0] = f"{article.label} {line}"  # heading stood on its own line
    elif _ITEM_RE.match(line):
        article.paragraphs[-1].append(line)
    else:
        article.paragraphs.append([line])


def _regulation_body(text: str) -> list[str]:
    lines = [ln.strip() for ln in text.split("\n")]
    if INFO_END in text:
        return [ln.strip() for ln in text.split(INFO_END, 1)[1].split("\n")]
    for i, ln in enumerate(lines):
        if ARTICLE_RE.match(ln) or STRUCTURE_RE.match(ln):
            return lines[i:]
    return lines


def _enter_heading(path: dict[str, str], heading: str) -> None:
    m = re.match(r"^(第\S+?([编章节]))\s*(.*)$", heading)
    level = m.group(2) if m else "章"
    # "第一章　总　　则" → "第一章 总则": spacing inside a chapter title is typography.
    label = (m.group(1) + " " + re.sub(r"\s+", "", m.group(3))).strip() if m else heading
    order = "编章节"
    for key in order[order.index(level) :]:
        path.pop(key, None)
    path[level] = label
