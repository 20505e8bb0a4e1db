"""Parsing on every core: worker processes turn chunks of lines into batches, in order.

The workers are a stateful ``core.parallel.Pool``: each has one chunk in flight, so memory
stays flat whatever the input size, and the pool's rules hold (orphaned workers exit, Ctrl-C
is the parent's). A worker keeps the daily sums of its batches: the ingest says
of each batch whether its sums count (all its rows were new), and asks for the totals once at
the end, packed, so sums never cross a pipe per batch nor get merged by the busy main process.
A regular file's blocks are sent as spans (offsets) that the workers read themselves.
"""

from __future__ import annotations

import collections
import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from hubrails.core.ledger.rows import Batch, RowMaker, add_daily
from hubrails.core.parallel import Pool
from hubrails.store.load import DailySums
from hubrails.store.packed import Row, pack, pack_sums

CHUNK_LINES = 10_000
BLOCK_BYTES = 2 << 20  # what a worker is sent at a time: whole lines, about this many bytes
_PARSE, _KEEP, _SUMS = "parse", "keep", "sums"  # what the main process asks of a worker
_SUMS_PART = 50_000  # daily sums sent at a time


def chunks(lines: Iterable[bytes], size: int = 0) -> Iterator[tuple[int, list[bytes]]]:
    """Consecutive lists of ``size`` (default ``CHUNK_LINES``) lines, each with the number of
    its first line."""
    size = size or CHUNK_LINES
    iterator = iter(lines)
    start = 1
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def blocks(first: bytes, stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Consecutive blocks of whole lines (``first``, then ``stream``'s), each with the number of
    its first line: one bytes object per block crosses the pipe, not a list of lines."""
    start, head = 1, first
    while True:
        block = head + stream.read(BLOCK_BYTES)
        head = b""
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline()
        yield start, block
        start += block.count(b"\n") + (not block.endswith(b"\n"))


class Span(NamedTuple):
    """Whole lines of a file, by place: a parser reads them itself (``read``), so the busy main
    process never sends them through a pipe (nor the parser receives them)."""

    path: str
    offset: int
    length: int

    def read(self) -> bytes:
        """The span's bytes."""
        with Path(self.path).open("rb") as f:
            return os.pread(f.fileno(), self.length, self.offset)


def spans(path: str, raw: IO[bytes]) -> Iterator[tuple[int, Span]]:
    """``blocks`` of a regular file opened as ``raw`` (read from its start), as spans: each
    block is read here only to find its lines, then dropped (no mapping of the whole file:
    memory stays flat)."""
    raw.seek(0)
    for start, block in blocks(b"", raw):
        yield start, Span(path, raw.tell() - len(block), len(block))


def _lines(block: bytes) -> list[bytes]:
    lines = block.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return lines


class _Parser:
    """One parser process's state: the daily sums of the batches that count, and the rows of
    those not judged yet (their sums are added when the verdict comes: none to take back)."""

    def __init__(self, setup: tuple[RowMaker, bool]) -> None:
        self.maker, self.pack = setup
        self.counts = self.maker.daily  # this process's copy of the maker: sums come later
        self.maker.daily = False
        self.total: DailySums = {}
        self.pending: collections.deque[list[Row]] = collections.deque()
        self.parts: Iterator[bytes] | None = None

    def __call__(self, task: tuple[Any, ...]) -> Batch | bytes | None:
        if task[0] == _KEEP:  # the verdict on this worker's oldest batch not yet judged
            rows = self.pending.popleft()
            if task[1] and self.counts:
                add_daily(self.total, rows)
            return None
        if task[0] == _SUMS:  # in parts, so the main process never holds them all at once
            if self.parts is None:
                self.parts = self._parts()
            part = next(self.parts, None)
            if part is None:
                self.parts = None
            return part
        name, start, block = task[1:]
        if type(block) is Span:
            block = block.read()
        batch = self.maker.batch(name, start, _lines(block))
        self.pending.append(batch.rows)
        if self.pack:
            batch.packed = pack(batch.rows, batch.lines)
            batch.rows, batch.lines = [], []
        return batch

    def _parts(self) -> Iterator[bytes]:
        items = [(*key, *sums) for key, sums in self.total.items()]
        self.total = {}
        for i in range(0, len(items), _SUMS_PART):
            yield pack_sums(items[i : i + _SUMS_PART])


class Workers:
    """A few parser processes (a stateful ``core.parallel.Pool``): their Ctrl-C rule is the
    pool's. With ``pack`` (SQLite), batches come back packed (``store.packed.pack``)."""

    def __init__(self, maker: RowMaker, count: int, *, pack: bool = False) -> None:
        # fork is quick and shares the price book; with other threads running, spawn is safe.
        self.pool: Pool[tuple[RowMaker, bool], tuple[Any, ...], Any] = Pool.stateful(
            _Parser, (maker, pack), count
        )

    def map(self, name: str, parts: Iterator[tuple[int, bytes | Span]]) -> Iterator[Batch]:
        """The batches of ``parts`` (blocks of lines, or spans) of input ``name``, in order."""
        for worker, batch in self.pool.imap_workers((_PARSE, name, *part) for part in parts):
            batch.worker = worker
            yield batch

    def keep(self, batch: Batch, counts: bool) -> None:
        """Say whether the daily sums of ``batch`` (which stay in its worker) count; every
        batch ``map`` yields must be judged, in order, before ``sums``."""
        self.pool.tell(batch.worker, (_KEEP, counts))

    def sums(self) -> Iterator[bytes]:
        """The daily sums of the batches that count, a part of one worker's at a time, packed
        (``store.packed.pack_sums``). Every worker packs at once, and its next part while the
        caller stores this one."""
        workers = range(len(self.pool.pipes))
        for worker in workers:
            self.pool.post(worker, (_SUMS,))
        for worker in workers:
            while (part := self.pool.answer(worker)) is not None:
                self.pool.post(worker, (_SUMS,))
                yield part

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers (on ``abort``, at once)."""
        self.pool.close(abort=abort)
