"""A progress bar on standard error, shown only on a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path


@contextlib.contextmanager
def progress_bar(inputs: Sequence[str]) -> Iterator[Callable[[int], None]]:
    """Yield a function that advances the bar by a number of bytes (a no-op off a terminal)."""
    if not sys.stderr.isatty():
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    total = 0
    for given in inputs:
        with contextlib.suppress(OSError):
            total += Path(given).stat().st_size if given != "-" else 0
    columns = (BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("ingest", total=total or None)
        yield lambda n: bar.advance(task, n)
