"""Parsing on every core: worker processes turn chunks of lines into batches, in order.

Each worker has one chunk in flight, so memory stays flat whatever the input size. A worker
holds no copy of another's pipe ends, so when the ingest dies its workers see end-of-file
and exit rather than linger. A worker keeps the daily sums of its batches: the ingest says
of each batch whether its sums count (all its rows were new), and asks for the totals once at
the end, so sums never cross a pipe per batch nor get merged by the busy main process.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import signal
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import IO, Any

from hubrails.core.ledger.rows import Batch, RowMaker
from hubrails.core.parallel import start_workers
from hubrails.store.load import DailySums, merge_sums

CHUNK_LINES = 10_000
BLOCK_BYTES = 2 << 20  # what a worker is sent at a time: whole lines, about this many bytes
_PARSE, _KEEP, _SUMS = "parse", "keep", "sums"  # what the main process asks of a worker
_SUMS_PART = 20_000  # daily sums sent at a time


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


def _lines(block: bytes) -> list[bytes]:
    lines = block.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return lines


def _serve(maker: RowMaker, tasks: Connection, results: Connection, foreign: list[Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in core.parallel: Ctrl-C is the parent's
    for conn in foreign:
        conn.close()
    total: DailySums = {}
    pending: collections.deque[DailySums] = collections.deque()
    while True:
        try:
            task = tasks.recv()
        except EOFError:  # the ingest is gone
            return
        if task is None:
            return
        if task[0] == _KEEP:  # the verdict on this worker's oldest batch not yet judged
            sums = pending.popleft()
            if task[1]:
                if total:
                    merge_sums(total, sums)
                else:
                    total = sums
        elif task[0] == _SUMS:  # in parts, so the main process never holds them all at once
            items = list(total.items())
            total = {}
            for i in range(0, len(items), _SUMS_PART):
                results.send(dict(items[i : i + _SUMS_PART]))
            results.send(None)
        else:
            name, start, block = task[1:]
            batch = maker.batch(name, start, _lines(block))
            pending.append(batch.daily)
            batch.daily = {}
            results.send(batch)


class Workers:
    """A few worker processes, each with its own pair of pipes."""

    def __init__(self, maker: RowMaker, count: int) -> None:
        # fork is quick and shares the price book; with other threads running, spawn is safe.
        self.pipes, self.processes = start_workers(_serve, (maker,), count)

    def map(self, name: str, parts: Iterator[tuple[int, bytes]]) -> Iterator[Batch]:
        """The batches of ``parts`` (blocks of lines) of input ``name``, in order."""
        busy: list[int] = []
        for index, _ in enumerate(self.pipes):
            part = next(parts, None)
            if part is None:
                break
            self.pipes[index][0].send((_PARSE, name, *part))
            busy.append(index)
        while busy:
            index = busy.pop(0)
            batch: Batch = self.pipes[index][1].recv()
            part = next(parts, None)
            if part is not None:  # keep the worker busy while the caller stores the batch
                self.pipes[index][0].send((_PARSE, name, *part))
                busy.append(index)
            batch.worker = index
            yield batch

    def keep(self, batch: Batch, counts: bool) -> None:
        """Say whether the daily sums of ``batch`` (which stay in its worker) count; every
        batch ``map`` yields must be judged, in order, before ``sums``."""
        self.pipes[batch.worker][0].send((_KEEP, counts))

    def sums(self) -> Iterator[DailySums]:
        """The daily sums of the batches that count, a part of one worker's at a time."""
        for task_in, _ in self.pipes:
            task_in.send((_SUMS,))
        for _, result_out in self.pipes:
            while (part := result_out.recv()) is not None:
                yield part

    def close(self) -> None:
        """Stop the workers."""
        for task_in, result_out in self.pipes:
            with contextlib.suppress(OSError):
                task_in.send(None)
            task_in.close()
            result_out.close()
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()
