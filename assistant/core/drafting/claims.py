"""No claim without a source: which sentences assert a specific, checkable action.

Every body sentence of a draft is one of three kinds: from the facts, framing that asserts
nothing checkable, or marked 【待确认】 (and listed in the 起草提示). The rule table
``prompts/rules/claims_v1.yaml`` names specific mechanisms (台账, 法律顾问, 告知承诺 …) and
action verbs (建立, 推行, 聘请 …); a sentence naming one the facts do not is a claim nobody entered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.core.report import markers
from assistant.prompts import load_yaml

MARK = "【待确认】"
_SPLIT = re.compile(r"(?<=[。！？；])")
_LEAD = markers.ITEM_LEAD
# Parts whose sentences state what was done (二 and 四 state problems and intentions).
CHECKED_PARTS = ("opening", "measures", "responsible")


@dataclass(frozen=True)
class ClaimRules:
    """Specific mechanisms (groups of synonyms) and action verbs."""

    terms: tuple[tuple[str, ...], ...]
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()

    def terms_in(self, sentence: str) -> list[tuple[str, ...]]:
        """Term groups the sentence names."""
        return [g for g in self.terms if any(t in sentence for t in g)]

    def actions_in(self, sentence: str) -> list[str]:
        """Action verbs in the sentence (with the two characters after them, their object)."""
        out = []
        for word in self.not_actions:
            sentence = sentence.replace(word, "　")
        for verb in self.actions:
            for m in re.finditer(verb, sentence):
                obj = sentence[m.end():m.end() + 2]
                if re.fullmatch(r"[\u4e00-\u9fff]{2}", obj):
                    out.append(verb + obj)
        return out

    def is_specific(self, sentence: str) -> bool:
        """True when the sentence names a mechanism or a concrete action (a checkable claim)."""
        return bool(self.terms_in(sentence) or self.actions_in(sentence))

    def unsupported(self, sentence: str, source: str) -> list[str]:
        """Specific things the sentence asserts that ``source`` (the facts' text) does not state."""
        missing = [g[0] for g in self.terms_in(sentence) if not any(t in source for t in g)]
        missing += [a for a in self.actions_in(sentence) if a not in source]
        return missing


@lru_cache(maxsize=2)
def load_claim_rules(version: str = "v1") -> ClaimRules:
    """Read ``prompts/rules/claims_<version>.yaml`` (once)."""
    data = load_yaml(f"rules/claims_{version}.yaml")
    terms = tuple(tuple(str(t) for t in group) for group in data["terms"])
    return ClaimRules(terms, tuple(str(a) for a in data["actions"]), tuple(str(a) for a in data.get("not_actions", ())))


def body_sentences(text: str) -> list[str]:
    """Sentences of a part (list markers removed)."""
    out = []
    for line in text.split("\n"):
        line = _LEAD.sub("", line.strip())
        out += [s.strip() for s in _SPLIT.split(line) if len(s.strip()) >= 4]
    return out


def _squash(text: str) -> str:
    return re.sub(r"[\s。；，、：]", "", text)


def unflagged_claims(draft, facts_texts: list[str], rules: ClaimRules | None = None) -> list[str]:
    """Sentences of 开头段, 一 and 三 asserting a specific action nobody entered and not marked 【待确认】.

    A sentence with a figure or contained in the staff's own text is from the facts.
    """
    rules = rules or load_claim_rules()
    source = "".join(facts_texts)
    squashed = _squash(source)
    out = []
    for section in draft.sections:
        if section.key not in CHECKED_PARTS:
            continue
        for s in body_sentences(section.text):
            if MARK in s or re.search(r"\d", s) or _squash(s) in squashed:
                continue
            if rules.unsupported(s, source):
                out.append(s)
    return out
