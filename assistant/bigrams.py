"""Character bigrams of Chinese text: the unit of the bigram keyword index and of text similarity.

Kept in the kernel (no imports beyond ``re``) so light paths such as ``cite`` can compare
article wordings without loading the retrieval stack.
"""

from __future__ import annotations

import re

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[0-9a-z][0-9a-z.%]*", re.IGNORECASE)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each CJK run; numbers and Latin words kept whole."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        if run[0] >= "\u4e00":
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out
