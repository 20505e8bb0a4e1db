"""``hub ledger ingest``: stream inputs, validate every record, price it and store it, all in
one transaction: everything, or (with invalid records and without ``skip_invalid``) nothing."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hubrails.core.ledger.pricing import PriceBook
from hubrails.core.ledger.reader import Opened, open_input
from hubrails.core.ledger.records import Reject
from hubrails.core.ledger.rows import Batch, Known, RowMaker
from hubrails.core.ledger.workers import Workers, blocks, chunks, spans
from hubrails.errors import HubError
from hubrails.store.load import Conflict, loader
from hubrails.store.sql import Store

__all__ = ["IngestResult", "Known", "ingest"]

PARALLEL_BYTES = 8 << 20  # smaller inputs are parsed in-process: workers cost a fork each


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest did. Nothing is stored unless ``committed``."""

    files: int
    valid: int
    rejected: int
    committed: bool
    inserted: int = 0
    duplicates: int = 0
    conflict_count: int = 0
    conflicts: tuple[Conflict, ...] = ()
    unknown_teams: dict[str, int] = field(default_factory=dict)
    unknown_agents: dict[str, int] = field(default_factory=dict)
    unpriced: dict[str, int] = field(default_factory=dict)


def _large(inputs: Sequence[str]) -> bool:
    """Whether ``inputs`` hold at least ``PARALLEL_BYTES`` (standard input counts as that)."""
    size = 0
    for given in inputs:
        with contextlib.suppress(OSError):
            size += Path(given).stat().st_size if given != "-" else PARALLEL_BYTES
    return size >= PARALLEL_BYTES


def _worker_count(large: bool) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores, 4) if large and cores and cores >= 2 else 0


def _batches(opened: Opened, maker: RowMaker, workers: Workers | None) -> Iterator[Batch]:
    lines = iter(opened.lines)
    first = next(lines, None)
    blank = 0  # blank lines before the first that is not: they say nothing of the input's form
    while first is not None and not first.strip():
        blank += 1
        first = next(lines, None)
    if first is None:
        return
    lines = itertools.chain(itertools.repeat(b"", blank), [first], lines)
    # One indented document cannot be split; the events of one run in an OTLP logs or metrics
    # file may be on any of its lines: either is parsed as one batch.
    if first.strip() in (b"{", b"[") or b'"resourceLogs"' in first or b'"resourceMetrics"' in first:
        yield maker.batch(opened.name, 1, lines)
        return
    if workers is None:
        for start, part in chunks(lines):
            yield maker.batch(opened.name, start, part)
    elif not opened.compressed and opened.size is not None and _regular(opened.raw):
        # By place, from line 1: the parsers read the file themselves (the lines above too).
        yield from workers.map(opened.name, spans(opened.name, opened.raw))
    else:
        stream: Any = opened.lines  # a buffered binary stream
        yield from workers.map(opened.name, blocks(b"\n" * blank + first, stream))


def _regular(raw: IO[bytes]) -> bool:
    """Whether ``raw`` is a regular file (not a pipe or a device), whose parts parsers may read."""
    import stat

    try:
        return stat.S_ISREG(os.fstat(raw.fileno()).st_mode)
    except (OSError, ValueError):
        return False


def _read(opened: Opened, maker: RowMaker, workers: Workers | None) -> Iterator[Batch]:
    """The batches of one input; an input that cannot be read to its end (a corrupt or
    truncated gzip stream, a read error) is an input error naming the file."""
    import zlib

    try:
        yield from _batches(opened, maker, workers)
    except (OSError, EOFError, zlib.error) as exc:  # EOFError: a truncated gzip stream
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        what = f"not a valid gzip file ({reason})" if opened.compressed else reason
        raise HubError(f"cannot read {opened.name}: {what}") from None


def ingest(
    store: Store,
    inputs: Sequence[str],
    book: PriceBook,
    known: Known,
    *,
    skip_invalid: bool = False,
    on_reject: Callable[[Reject], None] = lambda _r: None,
    on_progress: Callable[[int], None] = lambda _n: None,
) -> IngestResult:
    """Ingest ``inputs`` (paths or ``-``) as one batch, streaming with flat memory."""
    maker = RowMaker(book, known, daily=not store.postgres)
    large = _large(inputs)
    count = _worker_count(large)
    # Started before any connection opens; SQLite batches come packed, PostgreSQL's as rows.
    workers = Workers(maker, count, pack=not store.postgres) if count else None
    flags = Batch()
    valid = rejected = 0
    try:
        with loader(store, large=large) as load:
            for given in inputs:
                opened = open_input(given)
                seen = 0
                try:
                    for batch in _read(opened, maker, workers):
                        for reject in batch.rejects:
                            on_reject(reject)
                        rejected += len(batch.rejects)
                        valid += batch.size()
                        flags.add(batch)
                        counts = False
                        if skip_invalid or not rejected:  # else nothing will be stored
                            rows = batch.packed or batch.rows
                            counts = load.add(opened.name, rows, batch.lines, batch.daily)
                        if workers is not None and batch.worker >= 0:
                            workers.keep(batch, counts)
                        now = opened.position()
                        on_progress(now - seen)
                        seen = now
                finally:
                    if given != "-":
                        opened.raw.close()
            committed = skip_invalid or rejected == 0
            if committed and workers is not None:
                for sums in workers.sums():
                    load.add_sums(sums)
            merged = load.finish() if committed else None
    except BaseException:
        if workers is not None:
            workers.close(abort=True)
        raise
    if workers is not None:
        workers.close()
    return IngestResult(
        files=len(inputs),
        valid=valid,
        rejected=rejected,
        committed=committed,
        inserted=merged.inserted if merged else 0,
        duplicates=merged.duplicates if merged else 0,
        conflict_count=merged.conflict_count if merged else 0,
        conflicts=merged.conflicts if merged else (),
        unknown_teams=dict(flags.unknown_teams),
        unknown_agents=dict(flags.unknown_agents),
        unpriced=dict(flags.unpriced),
    )
