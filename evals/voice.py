"""Voice checks of a draft (issue 17): other organisations' sentences, foreign-unit words,
duplicate clauses, unflagged specific claims, headings that match the user's areas, length."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.drafting.claims import unflagged_claims
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.outline import load_outline
from assistant.core.drafting.quality import duplicate_clauses
from assistant.core.drafting.units import load_units, same_organization

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared/corpus/reports"
VOICE_COLUMNS = ["foreign_sent", "foreign_words", "dup_clauses", "claims", "headings", "hanzi"]
_HANZI = re.compile(r"[\u4e00-\u9fff]")


def report_sentences(folder: Path = CORPUS, min_chars: int = 12) -> dict[str, set[str]]:
    """Sentences of every real report in the corpus, keyed by its file name."""
    out = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        parts = re.split(r"[。！？；\n]", text)
        out[path.stem] = {p.strip() for p in parts if len(p.strip()) >= min_chars and not re.search(r"\d", p)}
    return out


def foreign_sentences(text: str, organization: str, corpus: dict[str, set[str]]) -> list[str]:
    """Sentences of another organisation's report that appear in the draft."""
    found = []
    for source, sentences in corpus.items():
        if not same_organization(source, organization):
            found += [s for s in sentences if s in text]
    return found


def heading_matches(draft, facts: Facts) -> tuple[int, int]:
    """(areas whose name is in a （N） heading or item heading of part 一, areas entered)."""
    outline = load_outline()
    section = draft.section("measures")
    heads = [p.split("。")[0] for p in (section.paragraphs if section else [])
             if re.match(r"^(?:（[一二三四五六七八九十]+）|\d+\.)", p)]
    hits = sum(1 for m in facts.measures if any(outline.topic(m.area) in h for h in heads))
    return hits, len(facts.measures)


def body_hanzi(draft) -> int:
    """汉字 in the body (every part with its heading, the title left out)."""
    return sum(len(_HANZI.findall(s.heading + s.text)) for s in draft.sections)


def voice_row(draft, facts: Facts, corpus: dict[str, set[str]]) -> dict:
    """The voice columns of one draft."""
    text = "\n".join(s.text for s in draft.sections)
    own = facts.all_texts()
    hits, total = heading_matches(draft, facts)
    return {
        "foreign_sent": len(foreign_sentences(text, facts.organization, corpus)),
        "foreign_words": len(load_units().foreign_words(text, facts.organization, "".join(own))),
        "dup_clauses": len(duplicate_clauses(text, own)),
        "claims": len(unflagged_claims(draft, own)),
        "headings": f"{hits}/{total}",
        "hanzi": body_hanzi(draft),
    }


def voice_failures(row: dict, facts: Facts, t: dict) -> list[str]:
    """Gates of the voice checks (``t`` is the dataset header's thresholds)."""
    out = [name for name, key in (("foreign_sent", "max_foreign_sentences"), ("foreign_words", "max_foreign_words"),
                                  ("dup_clauses", "max_duplicate_clauses"), ("claims", "max_unflagged_claims"))
           if row[name] > t[key]]
    hits, total = (int(x) for x in row["headings"].split("/"))
    if total and hits / total < t["min_heading_match"]:
        out.append("headings")
    if len(facts.measures) >= t["long_from_measures"] and row["hanzi"] < t["min_hanzi_long"]:
        out.append("hanzi")
    return out
