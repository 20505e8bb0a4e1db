"""``hub ledger ingest``: stream inputs, validate every record, price it, stage and merge."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hubrails.core.ledger.pricing import Model, PriceBook
from hubrails.core.ledger.reader import open_input, parse
from hubrails.core.ledger.records import Record, Reject
from hubrails.store.load import Conflict, Row, loader
from hubrails.store.sql import Store

FLUSH_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class Known:
    """The teams and (team, agent) pairs the registry declares."""

    teams: frozenset[str] = frozenset()
    agents: frozenset[tuple[str, str]] = frozenset()


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


class _Rows:
    """Turns records into table rows: key, digest, price and cost (the hot path)."""

    def __init__(self, book: PriceBook, known: Known) -> None:
        self.book = book
        self.known = known
        self.models: dict[str, Model | None] = {}
        self.unknown_teams: Counter[str] = Counter()
        self.unknown_agents: Counter[str] = Counter()
        self.unpriced: Counter[str] = Counter()
        self.now_ms = int(time.time() * 1000)

    def row(self, r: Record, source: str, line: int) -> Row:
        digest = r.digest()
        name = r.model
        if name in self.models:
            model = self.models[name]
        else:
            model = self.models[name] = self.book.resolve(name)
        price = model.price_at(r.ts_ms) if model is not None else None
        if r.cost_usd is not None:
            cost, how, since = r.cost_usd, "record", None
        elif price is not None:
            cost = price.cost(
                r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cache_write_tokens
            )
            how, since = "pricing", price.effective_from
        else:
            cost, how, since = None, "unpriced", None
            self.unpriced[name] += 1
        if self.known.teams and r.team not in self.known.teams:
            self.unknown_teams[r.team] += 1
        elif self.known.agents and (r.team, r.agent) not in self.known.agents:
            self.unknown_agents[f"{r.team}/{r.agent}"] += 1
        return (
            r.key(digest),
            r.run_id,
            digest,
            r.team,
            r.agent,
            name,
            model.id if model is not None else None,
            model.tier if model is not None else None,
            since,
            r.ts_ms,
            r.input_tokens,
            r.output_tokens,
            r.cache_read_tokens,
            r.cache_write_tokens,
            r.tool_calls,
            r.review_minutes,
            r.outcome,
            cost,
            how,
            r.duration_ms,
            r.labels,
            self.now_ms,
            source,
            line,
        )


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
    """Ingest ``inputs`` (paths or ``-``) as one batch: all of it, or (with invalid records
    and without ``skip_invalid``) nothing."""
    rows = _Rows(book, known)
    valid = rejected = 0
    with loader(store) as load:
        buffer: list[Row] = []
        for given in inputs:
            opened = open_input(given)
            seen = 0
            try:
                for item in parse(opened.name, opened.lines):
                    if isinstance(item, Reject):
                        rejected += 1
                        on_reject(item)
                        continue
                    valid += 1
                    buffer.append(rows.row(item[1], opened.name, item[0]))
                    if len(buffer) >= FLUSH_ROWS:
                        load.add(buffer)
                        buffer = []
                        now = opened.position()
                        on_progress(now - seen)
                        seen = now
            finally:
                if opened.raw is not None and given != "-":
                    opened.raw.close()
            on_progress(max(0, (opened.size or 0) - seen))
        load.add(buffer)
        committed = skip_invalid or rejected == 0
        merged = load.finish() if committed else None
    return IngestResult(
        files=len(inputs),
        valid=valid,
        rejected=rejected,
        committed=committed,
        inserted=merged.inserted if merged else 0,
        duplicates=merged.duplicates if merged else 0,
        conflict_count=merged.conflict_count if merged else 0,
        conflicts=merged.conflicts if merged else (),
        unknown_teams=dict(rows.unknown_teams),
        unknown_agents=dict(rows.unknown_agents),
        unpriced=dict(rows.unpriced),
    )
