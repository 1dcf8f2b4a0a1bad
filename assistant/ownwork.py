"""Is a question about the office's own work (its reports, figures, what it did) rather than a law?

The one definition, shared by retrieval (a ranking feature) and answering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Time words, first-person office words and questions after figures or what was done.
_OWN_WORK = re.compile(
    r"去年|今年|上年|前年|明年|全年|本年度|上一年|20\d\d年|我们|我办|本办|咱们|本单位|单位里|"
    r"报告|开展了|做了|搞了|办了|多少|几[次个件场支处封本项]|有没有|情况|成绩|不足|安排|打算"
)


def is_own_work(text: str, office_names: Iterable[str] = ()) -> bool:
    """Whether ``text`` asks about the office's own work rather than about a law."""
    if _OWN_WORK.search(text):
        return True
    return any(name and name in text for name in office_names)
