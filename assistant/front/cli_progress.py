"""Progress of long commands (init, ingest): bars on a terminal, plain lines in a log.

When standard output is a terminal, rich draws live bars on stderr. When it is not
(``assistant init > log.txt``, nohup, a service, CI), bars would print nothing until the
end, so :class:`LineProgress` writes one line per stage, one per file, and a line with
the time left at most every ``every`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

if TYPE_CHECKING:
    from assistant.core.ingest import FileResult

STATUS_LABELS = {
    "added": "已添加",
    "replaced": "已更新（替换旧版本）",
    "unchanged": "未变化（跳过）",
    "error": "失败",
    "skipped": "跳过",
}


def duration(seconds: float) -> str:
    """``75`` → ``1 分 15 秒``; ``3725`` → ``1 小时 2 分``."""
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分"
    return f"{minutes} 分 {secs} 秒" if minutes else f"{secs} 秒"


class LineProgress:
    """Progress as plain log lines, with the elapsed time and an estimate of the time left.

    Args:
        console: Where lines go (standard output, so ``> log.txt`` keeps them).
        every: Seconds between two lines within a stage (first and last are always written).
        clock: Time source (tests pass a fake one).
    """

    def __init__(self, console: Console, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.every = every
        self.clock = clock
        self.description = ""
        self.total = self.done = 0
        self.started = self.last = 0.0

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _line(self, text: str) -> None:
        self.console.print(text, soft_wrap=True, highlight=False, markup=False)

    def start(self, total: int, description: str) -> None:
        """A stage begins."""
        self.description, self.total, self.done = description, max(total, 0), 0
        self.started = self.last = self.clock()
        self._line(f"【{description}】开始：共 {self.total} 项")

    def advance(self, n: int) -> None:
        """``n`` more items of the stage are done."""
        self.done += n
        now = self.clock()
        if now - self.last < self.every and self.done < self.total:
            return
        self.last = now
        elapsed = now - self.started
        line = f"【{self.description}】{self.done}/{self.total}"
        if self.total:
            line += f"（{100 * self.done / self.total:.0f}%）"
        line += f"，已用 {duration(elapsed)}"
        if 0 < self.done < self.total:
            line += f"，预计还需 {duration(elapsed / self.done * (self.total - self.done))}"
        self._line(line)

    def file_done(self, result: FileResult) -> None:
        """One file (or law) is finished."""
        label = STATUS_LABELS.get(result.status, result.status)
        line = f"  {label}：{result.source}（{result.chunks} 个片段）"
        self._line(line + (f" {result.message}" if result.message else ""))


class RichProgress:
    """Live rich bars (on stderr) for a terminal."""

    def __init__(self, enabled: bool = True, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            disable=not enabled,
        )
        self._task: Any = None

    def __enter__(self) -> RichProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)

    def start(self, total: int, description: str) -> None:  # noqa: D102
        self._task = self._progress.add_task(description, total=max(total, 0))

    def advance(self, n: int) -> None:  # noqa: D102
        if self._task is not None:
            self._progress.advance(self._task, n)

    def file_done(self, result: FileResult) -> None:  # noqa: D102
        pass


def make_progress(out: Console, err: Console, enabled: bool = True) -> RichProgress | LineProgress:
    """Bars when ``out`` is a terminal, log lines on ``out`` when it is not."""
    if enabled and not out.is_terminal:
        return LineProgress(out)
    return RichProgress(enabled, err)
