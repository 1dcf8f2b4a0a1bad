"""Which stored document a file is: its ``source`` name in the knowledge base.

A document is keyed by where its file lives, not by its bare file name: re-ingesting the
same path replaces the old version, while ``2022/年度情况报告.txt`` next to an already stored
``2021/年度情况报告.txt`` becomes a second document, named by the shortest distinct path
suffix. Only an explicit ``replace`` lets a file take over another file's document.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.adapters.store import KnowledgeStore


class SourceNames:
    """Assigns source names for one ingest batch.

    Args:
        store: The knowledge base, to find names already taken.
        replace: A file takes its bare file name even if another file's document has it.
    """

    def __init__(self, store: KnowledgeStore, replace: bool = False) -> None:
        self.store = store
        self.replace = replace
        self._claimed: dict[str, str] = {}  # source -> resolved path, within this batch

    def assign(self, path: Path) -> tuple[str, str]:
        """The source name for ``path`` and a note for the user (empty when unremarkable).

        Raises:
            assistant.adapters.store.StoreError: The knowledge base cannot be read.
        """
        where = str(path.resolve())
        if not self.replace:
            known = self.store.first_metadata({"source_path": where, "origin": "file"})
            if known and known.get("source"):
                return self._claim(known["source"], where), ""
        if self.replace:
            return self._claim(path.name, where), ""
        for candidate in _candidates(path):
            owner = self._owner(candidate)
            if owner is None or owner == where:
                note = "" if candidate == path.name else (
                    f"知识库中已有另一个同名文档“{path.name}”，本文件另存为“{candidate}”，两者都保留"
                    "（如要用本文件替换旧文档，请使用 --replace）"
                )
                return self._claim(candidate, where), note
        raise AssertionError("unreachable: numbered candidates never run out")

    def _owner(self, source: str) -> str | None:
        if source in self._claimed:
            return self._claimed[source]
        meta = self.store.first_metadata({"source": source})
        if meta is None:
            return None
        return str(meta.get("source_path") or meta.get("origin") or "?")

    def _claim(self, source: str, where: str) -> str:
        self._claimed[source] = where
        return source


def _candidates(path: Path):
    """The file name, then longer path suffixes (``2022/报告.txt``), then numbered names."""
    parts = path.resolve().parts
    for n in range(1, len(parts)):
        yield "/".join(parts[-n:])
    n = 2
    while True:
        yield f"{path.stem}（{n}）{path.suffix}"
        n += 1
