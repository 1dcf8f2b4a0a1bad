"""The draft as one editable text box per section: edits in, check and export out (no layout here).

Each section of the report (开头段, 一 … 五) is shown in its own box. The text staff type is put
back into the draft before anything else happens — saving, regenerating another section,
exporting — so the downloaded files and the figure check always see the edited text. The
起草提示 (drafting notes and check results) are kept apart from the section texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from assistant.core.drafting import SECTION_KEYS, Draft, DraftSection

SECTION_COUNT = len(SECTION_KEYS)


def normalize_section_text(text: str | None) -> str:
    """Paragraphs of an edited box: one per line, blank lines and surrounding spaces dropped."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def apply_edits(draft: Draft, texts: Sequence[str | None]) -> Draft:
    """The draft with every section replaced by its box's text (boxes of absent sections ignored).

    Args:
        draft: The current draft.
        texts: One text per section key, in :data:`SECTION_KEYS` order.
    """
    for key, text in zip(SECTION_KEYS, texts, strict=False):
        section = draft.section(key)
        if section is None or text is None:
            continue
        edited = normalize_section_text(text)
        if edited != normalize_section_text(section.text):
            draft = draft.with_section(DraftSection(key, section.heading, edited))
    return draft


def section_label(draft_section: DraftSection | None, key: str, labels: dict[str, str]) -> str:
    """Box label: the section's heading as written in the draft, else its structure label."""
    if draft_section is not None and draft_section.heading:
        return draft_section.heading
    return labels.get(key, key)


def section_box_updates(draft: Draft, labels: dict[str, str]) -> list[Any]:
    """Gradio updates for the section boxes (hidden when the draft has no such section)."""
    updates = []
    for key in SECTION_KEYS:
        section = draft.section(key)
        updates.append(gr.update(value=section.text if section else "", visible=section is not None,
                                 label=section_label(section, key, labels)))
    return updates


def section_button_updates(draft: Draft) -> list[Any]:
    """Per-section 重新生成 buttons, visible with their section."""
    return [gr.update(visible=draft.section(key) is not None) for key in SECTION_KEYS]


def split_section_args(args: Sequence[Any]) -> tuple[list[Any], tuple[Any, ...]]:
    """(section texts, remaining values) from a handler's ``*args``: texts come first."""
    return list(args[:SECTION_COUNT]), tuple(args[SECTION_COUNT:])
