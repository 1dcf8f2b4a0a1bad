"""Finding article citations in text (《X法》第三十二条第一款第（二）项) and reading their parts.

Pure text work: which law a 第X条 belongs to, which 款/项 it names, what it quotes, and
whether a quote is faithful. Looking articles up is :mod:`assistant.core.citations`' job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.core.citations.names import LawNames
from assistant.numerals import article_label, chinese_to_int, int_to_chinese

_NUM = r"[零〇○一二两三四五六七八九十百千0-9０-９]+"
_ARTICLE = re.compile(
    rf"第\s*(?P<art>{_NUM})\s*条(?:之(?P<sub>{_NUM}))?"
    rf"(?:\s*第\s*(?P<para>{_NUM})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{_NUM})\s*[）)]?\s*项)?"
)
_ANAPHOR = re.compile(r"(?:该|本|同|此|上述)(?:法律|法|条例|规定|办法)$")
_LIST_SEP = re.compile(r"\s*(?:、|，|,|和|及|以及|与|或者|或|至|到)\s*")
_RUN = re.compile(r"[\u4e00-\u9fff（）()·0-9-]+$")
_LEAD = re.compile(
    r"^(?:请|帮我|查询|查找|查一下|查|看看|根据|依据|依照|按照|参照|对照|违反|适用|遵照)+"
)
_VERB = re.compile(r"根据|依据|依照|按照|参照|对照|违反|适用|遵照|执行|落实|贯彻|学习|宣传|对于")
_LAW_SUFFIX = re.compile(r"(?:法|法典|条例|规定|办法|细则|规则|决定)$")
_QUOTE = re.compile(
    # “…” right after the citation, or after 规定/指出…; a bare comma does not introduce a quote.
    r"\s*(?:(?:中)?(?:明确|明文)?(?:规定|指出|要求|载明)(?:的|了)?\s*[:：，,]?|[:：])?\s*"
    r"[“「\"](?P<q>[^”」\"]{1,800})[”」\"]"
)
_FILLER = re.compile(
    r"是什么|是怎么|怎么|如何|什么|哪些|有哪些|具体|规定|内容|原文|全文|条文|的|了|吗|呢|请|"
    r"查询|查找|查一下|查|找|一下|看看|给出|显示|说|讲|是"
)
# A parenthesised note between a title and its article: 》（2019年修订）第… / 》(国务院令第711号)第…
_NOTE_BEFORE = re.compile(r"》\s*[（(](?P<note>[^（）()《》]{2,30})[）)]\s*$")
_NOTE = re.compile(r"\d{4}|令第\s*\d+\s*号")
_NAME_NOTE = re.compile(r"[（(](?P<note>[^（）()]*\d{4}[^（）()]*)[）)]$")
# (name as written, full name or None, start, version note or None)
_Found = tuple[str, str | None, int, str | None]
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_STRIP = re.compile(r"[\W_]+", re.UNICODE)
_ELLIPSIS = re.compile(r"……|…|\.{3,}|⋯+")


@dataclass
class Citation:
    """One reference to an article found in text."""

    raw: str
    law_query: str
    law: str | None
    article_no: int
    paragraph: int | None
    item: int | None
    start: int
    end: int
    quote: str | None
    sub: int = 0  # 第十条之一 -> 1
    edition: str | None = None  # version written with the title: 2019-10-22, 2024年修订, 国务院令第711号

    @property
    def article(self) -> str:
        """Article heading, e.g. ``第三十二条`` or ``第十条之一``."""
        label = article_label(self.article_no)
        return f"{label}之{int_to_chinese(self.sub)}" if self.sub else label


def citation_label(
    law: str | None, article: str | None, paragraph: int | None, item: int | None
) -> str:
    """How staff cite an article part, e.g. ``《中华人民共和国行政处罚法》第三十二条第一款``."""
    label = f"《{law}》{article or ''}" if law else (article or "")
    if paragraph:
        label += f"第{int_to_chinese(paragraph)}款"
    if item:
        label += f"第（{int_to_chinese(item)}）项"
    return label


def _to_int(text: str | None) -> int | None:
    if not text:
        return None
    return chinese_to_int(re.sub(r"\s", "", text))


def _open_bracket(text: str, close: int) -> int | None:
    """Index of the 《 matching the 》 at ``close`` (names may nest: 《北京市实施《档案法》办法》)."""
    depth = 0
    for k in range(close, max(-1, close - 120), -1):
        if text[k] == "》":
            depth += 1
        elif text[k] == "《":
            depth -= 1
            if depth == 0:
                return k
    return None


def split_paragraphs(text: str) -> list[list[str]]:
    """款 of an article; item lines （一）（二） belong to the 款 before them."""
    paragraphs: list[list[str]] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        if _ITEM_LINE.match(line) and paragraphs:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def select_part(text: str, c: Citation) -> tuple[str, str | None]:
    """The 款/项 a citation asks for, or an error message if the article has no such part."""
    if c.paragraph is None and c.item is None:
        return text, None
    paragraphs = split_paragraphs(text)
    head = f"《{c.law}》{c.article}"
    if c.paragraph is not None:
        if not 1 <= c.paragraph <= len(paragraphs):
            return "", f"{head}共{len(paragraphs)}款，没有第{int_to_chinese(c.paragraph)}款。"
        paragraph = paragraphs[c.paragraph - 1]
        head += f"第{int_to_chinese(c.paragraph)}款"
    else:
        paragraph = next((p for p in paragraphs if len(p) > 1), paragraphs[0] if paragraphs else [])
    if c.item is None:
        return "\n".join(paragraph), None
    items = [line for line in paragraph if _ITEM_LINE.match(line)]
    if not 1 <= c.item <= len(items):
        return "", f"{head}共{len(items)}项，没有第（{int_to_chinese(c.item)}）项。"
    return items[c.item - 1], None


def _edition(written: str, note: str | None) -> str | None:
    """The version note of a citation: beside the title, or inside the name as written."""
    m = _NAME_NOTE.search(written)
    return note or (m["note"] if m is not None else None)


def _plain(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text))


def quote_matches(quote: str, article_text: str) -> bool:
    """Whether a quote is (punctuation and spacing aside) taken from the article; …… skips text."""
    haystack = _plain(article_text)
    pos = 0
    for part in (_plain(p) for p in _ELLIPSIS.split(quote)):
        if not part:
            continue
        found = haystack.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


class CitationParser:
    """Finds article citations in text, attributing each 第X条 to the law it belongs to."""

    def __init__(self, names: LawNames):
        self.names = names

    def parse(self, text: str, loose: bool = False) -> list[Citation]:
        """Every article citation in ``text``, in order of appearance.

        Args:
            text: Text to scan.
            loose: Also accept unknown law names without a law-like suffix (for queries).
        """
        cites: list[Citation] = []
        for m in _ARTICLE.finditer(text):
            law = self._law_before(text, m.start(), cites, loose)
            if law is None:
                continue
            try:
                numbers = [_to_int(m[g]) for g in ("art", "sub", "para", "item")]
            except ValueError:
                continue
            quote = _QUOTE.match(text, m.end())
            edition = _edition(law[0], law[3])
            cites.append(
                Citation(
                    raw=text[law[2] : m.end()],
                    law_query=law[0],
                    law=law[1],
                    article_no=numbers[0],
                    paragraph=numbers[2],
                    item=numbers[3],
                    start=law[2],
                    end=m.end(),
                    quote=quote["q"] if quote else None,
                    sub=numbers[1] or 0,
                    edition=edition,
                )
            )
        return cites

    def is_citation(self, query: str) -> bool:
        """Whether the query is essentially one explicit citation (so it needs no retrieval)."""
        cites = self.parse(query, loose=True)
        if not cites:
            return False
        rest = query
        for c in reversed(cites):
            rest = rest[: c.start] + rest[c.end :]
        return len(_plain(_FILLER.sub("", rest))) <= 2

    def _law_before(
        self, text: str, pos: int, cites: list[Citation], loose: bool
    ) -> _Found | None:
        """(name as written, full name or None, start, version note) of the law a 第X条 at ``pos`` belongs to."""
        j = pos
        while j > 0 and text[j - 1] in " \t\u3000":
            j -= 1
        note = _NOTE_BEFORE.search(text, max(0, j - 40), j)
        if note is not None and _NOTE.search(note["note"]):
            # 《政府信息公开条例》（国务院令第711号）第三十三条: the note names the version.
            k = note.start()  # the 》
            opening = _open_bracket(text, k)
            if opening is not None:
                written = text[opening + 1 : k]
                return written, self.names.canonical(written), opening, note["note"]
        if j > 0 and text[j - 1] == "》":
            opening = _open_bracket(text, j - 1)
            if opening is not None:
                written = text[opening + 1 : j - 1]
                return written, self.names.canonical(written), opening, None
        hit = self.names.match_before(text, j)
        if hit is not None:
            return text[hit[1] : j], hit[0], hit[1], None
        if cites:
            prev = cites[-1]
            anaphor = _ANAPHOR.search(text, max(0, j - 4), j)
            if anaphor:
                return anaphor[0], prev.law, anaphor.start(), None
            if _LIST_SEP.fullmatch(text, prev.end, pos) or prev.end == pos:
                return prev.law_query, prev.law, pos, None
        return self._unknown_before(text, j, loose)

    def _unknown_before(self, text: str, j: int, loose: bool) -> _Found | None:
        run = _RUN.search(text, max(0, j - 40), j)
        if run is None:
            return None
        name = _VERB.split(_LEAD.sub("", run[0]))[-1].lstrip("0123456789-年月日")
        if _ANAPHOR.search(name) or len(name) < 2:
            return None
        canonical = self.names.canonical(name)
        if not loose and canonical is None and (len(name) < 3 or not _LAW_SUFFIX.search(name)):
            return None
        return name, canonical, j - len(name), None
