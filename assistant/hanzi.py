"""繁体 → 简体: traditional-character questions and documents are read as simplified.

The knowledge base (laws, reports) is simplified; a question typed in traditional characters
(召開…黨組會) would match nothing. Conversion uses OpenCC (``opencc`` package, phrase-aware),
but only for text that really is traditional: OpenCC's t2s also rewrites a few simplified
characters that double as old variants (坏 → 坯 in some phrases), so simplified text with no
purely traditional character is returned unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _converters() -> tuple[Any, Any]:
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


@lru_cache(maxsize=4096)
def _is_traditional(char: str) -> bool:
    """A character used only in traditional writing: t2s changes it and s2t keeps it."""
    t2s, s2t = _converters()
    return t2s.convert(char) != char and s2t.convert(char) == char


def traditional_share(text: str) -> float:
    """Share of the CJK characters in ``text`` that are traditional-only."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(1 for ch in cjk if _is_traditional(ch)) / len(cjk)


def to_simplified(text: str, min_share: float = 0.0) -> str:
    """``text`` in simplified characters when it is traditional, else unchanged.

    Args:
        text: A question or a document's text.
        min_share: Share of traditional-only characters needed to convert. Questions use 0
            (one 黨 is enough); documents use a small share, so a simplified document quoting
            a traditional name is left as written.
    """
    if not text or text.isascii():
        return text
    share = traditional_share(text)
    if share == 0.0 or share < min_share:
        return text
    return _converters()[0].convert(text)
