"""Text normalisation and repair of hard line breaks left by PDF extraction.

PDF text of government documents often uses Kangxi radicals (⼈ U+2F08 for 人) and CJK
radical-supplement forms (⻔ U+2ED4 for 门), and breaks every printed line mid-sentence.
Both would make the text unsearchable, so they are repaired here, while full-width Chinese
punctuation is left exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.core.report import markers

# Radical-supplement forms have no Unicode decomposition, so NFKC leaves them alone; map
# each to the ideograph it stands for (after Unicode's EquivalentUnifiedIdeograph.txt, except
# that Japanese-simplified forms such as ⻯ map to the Chinese character, here 龙).
_RADICAL_SUPPLEMENT = dict(
    zip(
        "⺁⺂⺃⺅⺆⺇⺋⺎⺏⺐⺒⺓⺛⺜⺝⺟⺠⺡⺢⺣⺤⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
        "厂乛乚亻冂几卩兀尣尢巳幺旡日月母民氵氺灬爫丬牜犭王疋罒示礻竹糸纟罓罒耂肀聿月臼艹艹艹虎衤覀西见角角讠贝足车辶辶辶阝钅長镸长门阝雨青韦页风飞食飠飠饣首马骨鬼鱼鸟卤麦黄黾齐齐齿齿龙龙龜龟龟",
        strict=True,
    )
)

# Code point ranges where NFKC gives the plain character we want. Everything else is kept
# as is, because NFKC would also turn （，：；… into ASCII punctuation.
_NFKC_RANGES = (
    (0x2F00, 0x2FDF),  # Kangxi radicals
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
    (0xFB00, 0xFB06),  # Latin ligatures (ﬁ)
    (0xFF10, 0xFF19),  # full-width digits
    (0xFF21, 0xFF3A),  # full-width capitals
    (0xFF41, 0xFF5A),  # full-width small letters
)
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v"
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"

SENTENCE_END = "。！？；"
_CLOSERS = "”’」』）)》"
_FINAL_RE = re.compile(rf"[{SENTENCE_END}：:…][{_CLOSERS}]*$")

_CN_NUM = "零〇一二两三四五六七八九十百千"
# Line starts that open a heading, an article, or a numbered item. Arabic items must not be
# followed by a digit, so a wrapped date such as "5.12防灾减灾日" is not taken as item 5.
HEADING_START_RE = re.compile(
    rf"^(?:[一二三四五六七八九十]+、"
    rf"|[（(][一二三四五六七八九十]+[）)]"
    rf"|\d{{1,2}}[.．、](?!\d)"
    rf"|[（(]\d{{1,2}}[）)]"
    rf"|第[{_CN_NUM}\d]+[条章节编](?![规的、，中])"
    rf"|#+\s)"
)


@lru_cache(maxsize=1)
def _translation_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for start, end in _NFKC_RANGES:
        for cp in range(start, end + 1):
            mapped = unicodedata.normalize("NFKC", chr(cp))
            if mapped != chr(cp):
                table[cp] = mapped
    table.update({ord(k): v for k, v in _RADICAL_SUPPLEMENT.items()})
    table.update({ord(ch): " " for ch in _SPACES})
    table.update({ord(ch): None for ch in _INVISIBLE})
    return table


def normalize_line(line: str) -> str:
    """Normalise one line: characters mapped, ends stripped, runs of spaces collapsed."""
    line = line.translate(_translation_table())
    return re.sub(r" {2,}", " ", line).strip()


def normalize_text(text: str) -> str:
    """Normalise extracted text so it searches like a clean typed document.

    Maps Kangxi radicals, radical-supplement forms, compatibility ideographs and full-width
    letters/digits to ordinary characters; keeps full-width Chinese punctuation; removes BOMs
    and zero-width characters; unifies line ends; strips each line and collapses runs of
    spaces; keeps at most one blank line between paragraphs.

    Args:
        text: Raw text from any loader.

    Returns:
        The normalised text, without leading or trailing blank lines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [normalize_line(line) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


@dataclass
class SourceLine:
    """One printed line (or, after joining, one paragraph) with where it came from."""

    text: str
    page: int | None = None
    indent: int = 0


def display_width(text: str) -> int:
    """Measure printed width in half-width cells (CJK characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def join_lines(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """Rejoin printed lines into paragraphs; blank lines always separate paragraphs.

    A line is joined to the next one unless the next line starts a heading, is indented
    (when the text shows first-line indentation at all), or the line itself ends a paragraph:
    it is clearly shorter than a full printed line, or, when indentation is unknown, it ends
    with sentence-final punctuation.

    Args:
        lines: Normalised lines in reading order; ``indent`` is the count of leading spaces
            in the extracted text.

    Returns:
        Paragraphs; each keeps the page and indent of its first line.
    """
    content = [ln for ln in lines if ln.text]
    base = min((ln.indent for ln in content), default=0)
    indented = sum(1 for ln in content if ln.indent > base)
    use_indent = indented >= 2 and indented <= 0.6 * len(content)
    widths = sorted(display_width(ln.text) for ln in content)
    full = widths[int(0.9 * (len(widths) - 1))] if len(widths) >= 6 else None

    out: list[SourceLine] = []
    prev: SourceLine | None = None
    for ln in lines:
        if not ln.text:
            prev = None
            continue
        if prev is not None and _continues(prev, ln, base if use_indent else None, full):
            out[-1].text = _glue(out[-1].text, ln.text)
        else:
            out.append(SourceLine(ln.text, ln.page, ln.indent))
        prev = ln
    return out


def _continues(prev: SourceLine, line: SourceLine, base: int | None, full: int | None) -> bool:
    if HEADING_START_RE.match(line.text):
        return False
    if full is not None and display_width(prev.text) < 0.8 * full:
        return False
    if base is not None:
        # First-line indentation is the most reliable paragraph signal PDFs keep.
        return line.indent <= base
    return not _FINAL_RE.search(prev.text)


def _glue(left: str, right: str) -> str:
    if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right


def join_broken_lines(text: str) -> str:
    """Rejoin lines that PDF extraction broke mid-sentence.

    Leading spaces of each line are read as indentation before the line is normalised, so
    layout-preserving extraction gives the best result; plain text falls back to
    punctuation and line-length rules.

    Args:
        text: Extracted text, one printed line per line.

    Returns:
        One paragraph per line.
    """
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        stripped = raw.translate(_translation_table()).rstrip()
        indent = len(stripped) - len(stripped.lstrip(" "))
        lines.append(SourceLine(normalize_line(raw), None, indent))
    return "\n".join(p.text for p in join_lines(lines))


_CJK = r"\u3400-\u9fff\uff01-\uff5e\u3000-\u303f“”‘’《》"
_OCR_SPACE_RE = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_OCR_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_OCR_PUNCT_RE = re.compile(rf"(?<=[{_CJK}])[,;:?!()]|[()](?=[{_CJK}])")


def repair_ocr_line(line: str) -> str:
    """Repair what OCR does to Chinese print: spaces between characters, half-width marks.

    Tesseract separates CJK characters with spaces and reads full-width ，；：（） as their
    ASCII look-alikes; next to Chinese text they are put back. Straight double quotes in a
    line with Chinese text alternate as “ and ”.

    Args:
        line: One normalised OCR line.
    """
    if '"' in line and re.search(r"[\u3400-\u9fff]", line):
        parts = line.split('"')
        line = parts[0] + "".join(("“" if i % 2 else "”") + p for i, p in enumerate(parts[1:], 1))
    line = _OCR_SPACE_RE.sub("", line)
    return _OCR_PUNCT_RE.sub(lambda m: _OCR_HALF_PUNCT[m.group()], line)


_HALF_WIDTH_PUNCT = (("(", "（"), (")", "）"), (";", "；"), (":", "："))


def repair_report_text(text: str) -> str:
    """Repair text of a report pasted or extracted from a PDF before it is parsed for drafting.

    Characters are normalised as by :func:`normalize_text`, half-width Chinese punctuation typed
    or extracted between Chinese words becomes full-width (``,`` → ``，`` unless between digits),
    and hard-wrapped lines are rejoined into paragraphs. Unlike :func:`join_broken_lines`
    (which reads indentation kept by layout-preserving extraction), the joiner here works on
    bare pasted text: line lengths and report block openers (一、 1. （一） 一是).
    """
    text = re.sub(r"(?<!\d),|,(?!\d)", "，", text)
    for half, full in _HALF_WIDTH_PUNCT:
        text = text.replace(half, full)
    return _unwrap(normalize_text(text))


# Report paragraphs open with 一、 / 1. / （一） / 一是 (a wrapped line never does).
_BLOCK_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+[、.．](?!\d)|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]是)")

_HEAD_START = re.compile(rf"^\s*(?:{markers.PART}|{markers.SECTION})")


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines (PDF text) back into paragraphs; leaves normal text alone."""
    lines = [ln.strip() for ln in text.split("\n")]
    lengths = sorted(len(ln) for ln in lines if ln)
    if len(lengths) < 10 or lengths[len(lengths) // 2] > 45:
        return "\n".join(lines)
    full = lengths[int(len(lengths) * 0.8)]
    out: list[str] = []
    joinable = False
    for i, ln in enumerate(lines):
        if not ln:
            joinable = False
            continue
        if out and joinable and not _BLOCK_START.match(ln):
            out[-1] += ln
        else:
            out.append(ln)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # A line that fills the width continues; one ending in 。 short of the width ends.
        joinable = len(ln) >= full - 1 or (len(ln) >= full - 3 and not ln.endswith("。"))
        if _HEAD_START.match(out[-1]) and "。" not in out[-1]:
            # A heading continues only into a short tail line without a full stop.
            joinable = len(ln) >= full - 6 and len(nxt) < full - 3 and not nxt.endswith("。")
    return "\n".join(out)
