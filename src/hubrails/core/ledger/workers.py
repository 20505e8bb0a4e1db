"""Parsing on every core: chunks of input lines, turned into batches by worker processes (the
pool of :mod:`hubrails.core.parallel`), in order, one chunk in flight per worker so that memory
stays flat whatever the input size."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator

from hubrails.core.ledger.rows import Batch, RowMaker
from hubrails.core.parallel import Pool

CHUNK_LINES = 10_000

_Task = tuple[str, int, list[bytes]]  # input name, number of the first line, the lines


def chunks(lines: Iterable[bytes], size: int = CHUNK_LINES) -> Iterator[tuple[int, list[bytes]]]:
    """Consecutive lists of ``size`` lines, each with the number of its first line."""
    iterator = iter(lines)
    start = 1
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def _batch(maker: RowMaker, task: _Task) -> Batch:
    return maker.batch(*task)


class Workers:
    """A few worker processes sharing the row maker (and its price book)."""

    def __init__(self, maker: RowMaker, count: int) -> None:
        self.pool: Pool[RowMaker, _Task, Batch] = Pool(_batch, maker, count)

    def map(self, name: str, parts: Iterator[tuple[int, list[bytes]]]) -> Iterator[Batch]:
        """The batches of ``parts`` of input ``name``, in order."""
        return self.pool.imap((name, start, lines) for start, lines in parts)

    def close(self) -> None:
        """Stop the workers: at once when an error or Ctrl-C is on its way out."""
        self.pool.close(abort=sys.exc_info()[0] is not None)
