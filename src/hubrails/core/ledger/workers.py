"""Parsing on every core: worker processes turn chunks of lines into batches, in order.

Each worker has one chunk in flight, so memory stays flat whatever the input size. A worker
holds no copy of another's pipe ends, so when the ingest dies its workers see end-of-file
and exit rather than linger.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from hubrails.core.ledger.rows import Batch, RowMaker

CHUNK_LINES = 10_000


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


def _serve(maker: RowMaker, tasks: Connection, results: Connection, foreign: list[Any]) -> None:
    for conn in foreign:
        conn.close()
    while True:
        try:
            task = tasks.recv()
        except EOFError:  # the ingest is gone
            return
        if task is None:
            return
        results.send(maker.batch(*task))


class Workers:
    """A few worker processes, each with its own pair of pipes."""

    def __init__(self, maker: RowMaker, count: int) -> None:
        # fork is quick and shares the price book; with other threads running, spawn is safe.
        method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
        context: Any = multiprocessing.get_context(method)
        self.pipes: list[tuple[Connection, Connection]] = []
        self.processes = []
        ours: list[Any] = []
        for _ in range(count):
            task_out, task_in = context.Pipe(duplex=False)
            result_out, result_in = context.Pipe(duplex=False)
            process = context.Process(
                target=_serve,
                args=(maker, task_out, result_in, [*ours, task_in, result_out]),
                daemon=True,
            )
            process.start()
            task_out.close()
            result_in.close()
            ours += [task_in, result_out]
            self.pipes.append((task_in, result_out))
            self.processes.append(process)

    def map(self, name: str, parts: Iterator[tuple[int, list[bytes]]]) -> Iterator[Batch]:
        """The batches of ``parts`` of input ``name``, in order."""
        busy: list[int] = []
        for index, _ in enumerate(self.pipes):
            part = next(parts, None)
            if part is None:
                break
            self.pipes[index][0].send((name, *part))
            busy.append(index)
        while busy:
            index = busy.pop(0)
            batch: Batch = self.pipes[index][1].recv()
            part = next(parts, None)
            if part is not None:  # keep the worker busy while the caller stores the batch
                self.pipes[index][0].send((name, *part))
                busy.append(index)
            yield batch

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
