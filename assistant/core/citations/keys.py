"""The comparable form of a law name, shared by the name index and the repeal history."""

from __future__ import annotations

import re
import unicodedata

NATIONAL_PREFIX = "中华人民共和国"
_BRACKETS = re.compile(r"[《》〈〉<>\s\u3000]")


def normalize(name: str) -> str:
    """Comparable form of a law name: NFKC (full-width brackets, Kangxi radicals), no 《》 or spaces."""
    return _BRACKETS.sub("", unicodedata.normalize("NFKC", name or ""))
