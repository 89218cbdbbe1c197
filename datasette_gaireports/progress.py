"""A progress bar on stderr for long builds, silent when asked or when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, n: int) -> None: ...


class RichProgress:
    """Files done out of the files to build, with the time remaining."""

    def __init__(self, bar) -> None:
        self.bar = bar
        self.task = bar.add_task("parsing", total=None)

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def advance(self, n: int) -> None:
        self.bar.advance(self.task, n)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Progress | None]:
    """A :class:`Progress` drawing on stderr, or None where no bar is to be shown."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    columns = (TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        yield RichProgress(bar)
