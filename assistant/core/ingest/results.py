"""What one ingest call reports: a result per file, totals, and the progress protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class FileResult:
    """Outcome of one file (or one law) in a batch."""

    source: str
    status: str  # added | replaced | unchanged | error | skipped
    chunks: int = 0
    message: str = ""
    doc_type: str | None = None
    title: str | None = None
    path: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file failed."""
        return self.status != "error"


@dataclass
class IngestReport:
    """All per-file results of one ingest call."""

    results: list[FileResult] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0
    error: str = ""  # a failure of the whole batch (e.g. the vector database went away)
    notes: list[str] = field(default_factory=list)  # batch-level remarks for users (Chinese)

    @property
    def errors(self) -> list[FileResult]:
        """Failed files."""
        return [r for r in self.results if r.status == "error"]


class Progress(Protocol):
    """Progress sink; the CLI renders it with rich, the UI with gr.Progress."""

    def start(self, total: int, description: str) -> None: ...  # noqa: D102
    def advance(self, n: int) -> None: ...  # noqa: D102
    def file_done(self, result: FileResult) -> None: ...  # noqa: D102


class NullProgress:
    """Progress sink that ignores everything."""

    def start(self, total: int, description: str) -> None:  # noqa: D102
        pass

    def advance(self, n: int) -> None:  # noqa: D102
        pass

    def file_done(self, result: FileResult) -> None:  # noqa: D102
        pass
