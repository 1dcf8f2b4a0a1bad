"""Which version of a regulation a citation means, how an article changed, and where it went.

- :func:`choose_version`: a version named next to the title (``(2019-10-22)``, ``（2024年修订）``,
  ``国务院令第711号``) wins; otherwise the version in force at the date the citation is judged.
- :func:`text_change`: an article's wording in two versions, with what was removed and added.
- :func:`successor_article`: the article of a successor regulation closest in wording to an
  article of the one it replaced (信访条例第十条 → 信访工作条例第十八条), or None when no
  article is close enough to name.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.bigrams import char_bigrams
from assistant.core.citations.library import LawVersion, LibraryArticle, version_at

if TYPE_CHECKING:
    from assistant.core.citations.library import ArticleLibrary

_DECREE_NO = re.compile(r"令第\s*(\d+)\s*号")
_DATE = re.compile(r"(\d{4})(?:\s*[-年.]\s*(\d{1,2})(?:\s*[-月.]\s*(\d{1,2}))?)?")
# TF-IDF cosine of an old article with the closest 款 of its successor: from this on the
# successor article is named as the corresponding one; between the two it is offered for checking;
# below, none is named (a wrong pointer is worse than none).
MIN_SUCCESSOR_SIMILARITY = 0.3
MIN_RELATED_SIMILARITY = 0.08


def _edition_match(edition: str, v: LawVersion) -> bool:
    if m := _DECREE_NO.search(edition):
        return any(_DECREE_NO.search(d) and _DECREE_NO.search(d)[1] == m[1] for d in v.decrees)
    m = _DATE.search(edition)
    if not m:
        return False
    y, mo, d = m[1], m[2], m[3]
    if mo and d:
        iso = f"{y}-{int(mo):02d}-{int(d):02d}"
        return iso in (v.version_date, v.effective)
    return v.version_date[:4] == y or (not v.version_date and v.effective[:4] == y)


def choose_version(
    versions: Sequence[LawVersion], as_of: str, edition: str | None = None
) -> tuple[LawVersion | None, str]:
    """The version a citation means, and a Chinese note when it is not the one in force at ``as_of``.

    Args:
        versions: Versions of the law, oldest 施行 date first.
        as_of: ISO date the citation is judged at.
        edition: What was written next to the title (year, date or 国务院令第X号), if anything.
    """
    if not versions:
        return None, ""
    if edition:
        named = [v for v in versions if _edition_match(edition, v)]
        if named:
            return named[-1], ""
    current = version_at(versions, as_of)
    if current is not None:
        return current, ""
    first = versions[0]
    return first, f"《{first.law}》于{first.label()}，{as_of[:4]}年时尚未施行。"


def text_change(old: str, new: str) -> str:
    """What changed from ``old`` to ``new``: ``[删：…]`` and ``[增：…]`` marks inside the new text."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < 0.35:
        return "（该条内容已整体改写）"
    out: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(new[b0:b1])
            continue
        if a1 > a0:
            out.append(f"[删：{old[a0:a1]}]")
        if b1 > b0:
            out.append(f"[增：{new[b0:b1]}]")
    return "".join(out)


def _weights(text: str, df: Counter[str], n: int) -> dict[str, float]:
    counts = Counter(char_bigrams(text))
    vec = {b: (1 + math.log(c)) * math.log(1 + n / (1 + df.get(b, 0))) for b, c in counts.items()}
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {b: x / norm for b, x in vec.items()}


def successor_article(
    library: ArticleLibrary, old_text: str, successor: LawVersion
) -> tuple[LibraryArticle, float] | None:
    """The successor's article with the 款 closest in wording to ``old_text``, and its score.

    Scores are TF-IDF cosines of character bigrams, one 款 of the successor at a time (the
    successor often merges several old articles into one). None below
    :data:`MIN_RELATED_SIMILARITY`.
    """
    units = [(a, p) for a in library.articles(successor) for p in a.text.split("\n") if len(p) > 8]
    df = Counter(b for _, p in units for b in set(char_bigrams(p)))
    query = _weights(old_text, df, len(units))
    best: tuple[LibraryArticle, float] | None = None
    for article, paragraph in units:
        vec = _weights(paragraph, df, len(units))
        score = sum(w * vec.get(b, 0.0) for b, w in query.items())
        if best is None or score > best[1]:
            best = (article, score)
    return best if best is not None and best[1] >= MIN_RELATED_SIMILARITY else None
