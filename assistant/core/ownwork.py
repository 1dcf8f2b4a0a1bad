"""Is a question about the office's own work? The one definition, shared by answering and retrieval.

Staff write about their own office in the first person (我们, 我办, 我局, 本单位…), by a relative
year (去年, 今年) or by the office's own name (东城区人防办, 区司法局…, from settings or from the
organizations of the reports in the knowledge base). Such questions are answered from reports,
never from an unrelated law.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

OWN_WORK = re.compile(
    r"我们|咱们|我办|本办|我局|本局|我委|本委|我中心|本中心|我单位|本单位|我部门|本部门|"
    r"去年|前年|今年|上年|本年度"
)
RELATIVE_YEAR = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年度": 0, "明年": 1}
_OFFICE_SUFFIX = re.compile(r"^(?:北京市)?(?:[\u4e00-\u9fff]{1,6}?[区县市])?")


def office_aliases(name: str) -> set[str]:
    """Ways staff name an office: 东城区人防办 → {东城区人防办, 人防办, 区人防办}."""
    name = name.strip()
    if not name:
        return set()
    short = _OFFICE_SUFFIX.sub("", name)
    out = {name}
    if len(short) >= 3:
        out |= {short} if short.startswith("区") else {short, f"区{short}"}
    return out


def is_own_work(text: str, office_names: Iterable[str] = ()) -> bool:
    """Whether ``text`` asks about the office's own work (first person, 去年/今年, own name)."""
    if OWN_WORK.search(text):
        return True
    return any(alias in text for name in office_names for alias in office_aliases(name))
