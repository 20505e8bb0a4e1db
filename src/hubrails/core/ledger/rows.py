"""From input lines to table rows: parse, validate, key, digest and price (the hot path)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from hubrails.core.ledger.pricing import Model, PriceBook
from hubrails.core.ledger.reader import parse
from hubrails.core.ledger.records import Record, Reject
from hubrails.store.load import DailySums, Row
from hubrails.store.sql import COLUMNS, DAY_MS

_TEAM, _AGENT, _MODEL, _HOW, _PRICED, _TS, _COST, _OUTCOME = (
    COLUMNS.index(c)
    for c in (
        "team",
        "agent",
        "model",
        "cost_source",
        "price_model",
        "ts_ms",
        "cost_usd",
        "outcome",
    )
)
_TOKENS = tuple(
    COLUMNS.index(c)
    for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
)
_REVIEW = COLUMNS.index("review_minutes")
_OUTCOME_SLOT = {"resolved": 8, "escalated": 9, "failed": 10, "abandoned": 11}  # in SUMS


@dataclass(frozen=True, slots=True)
class Known:
    """The teams and (team, agent) pairs the registry declares."""

    teams: frozenset[str] = frozenset()
    agents: frozenset[tuple[str, str]] = frozenset()


@dataclass(slots=True)
class Batch:
    """The rows and rejects of some consecutive lines, and what they flag."""

    source: str = ""
    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the input line of each row
    daily: DailySums = field(default_factory=dict)  # the sums of these rows per day
    rejects: list[Reject] = field(default_factory=list)
    unknown_teams: Counter[str] = field(default_factory=Counter)
    unknown_agents: Counter[str] = field(default_factory=Counter)
    unpriced: Counter[str] = field(default_factory=Counter)
    worker: int = -1  # the worker process that made it (its daily sums stay there), or -1

    def add(self, other: Batch) -> None:
        """Count ``other``'s flags in this batch (its rows and rejects are not kept)."""
        self.unknown_teams += other.unknown_teams
        self.unknown_agents += other.unknown_agents
        self.unpriced += other.unpriced


class RowMaker:
    """Makes the table row of a record: its key, digest, price entry and cost."""

    def __init__(self, book: PriceBook, known: Known, *, daily: bool = True) -> None:
        self.book = book
        self.known = known
        self.daily = daily  # whether batches carry their daily sums (PostgreSQL adds them in SQL)
        self.models: dict[str, Model | None] = {}
        self.now_ms = int(time.time() * 1000)

    def row(self, r: Record) -> Row:
        """The table row of ``r`` (COLUMNS)."""
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
        return (
            r.key(digest), r.run_id, digest, r.team, r.agent, name,
            model.id if model is not None else None,
            model.tier if model is not None else None,
            since, r.ts_ms, r.input_tokens, r.output_tokens, r.cache_read_tokens,
            r.cache_write_tokens, r.tool_calls, r.review_minutes, r.outcome, cost, how,
            r.duration_ms, r.labels, self.now_ms,
        )  # fmt: skip

    def batch(self, name: str, start: int, lines: Iterable[bytes]) -> Batch:
        """Parse ``lines`` (the first is line ``start`` of ``name``) into a batch."""
        out = Batch(name)
        teams, agents = self.known.teams, self.known.agents
        daily = out.daily if self.daily else None
        for item in parse(name, lines, start):
            if isinstance(item, Reject):
                out.rejects.append(item)
                continue
            row = self.row(item[1])
            out.rows.append(row)
            out.lines.append(item[0])
            if daily is not None:
                _count(daily, row)
            if row[_HOW] == "unpriced":
                out.unpriced[row[_MODEL]] += 1
            if teams and row[_TEAM] not in teams:
                out.unknown_teams[row[_TEAM]] += 1
            elif agents and (row[_TEAM], row[_AGENT]) not in agents:
                out.unknown_agents[f"{row[_TEAM]}/{row[_AGENT]}"] += 1
        return out


def _count(daily: DailySums, row: Row) -> None:
    """Add one row to its day's sums (in the order of SUMS)."""
    key = (row[_TS] // DAY_MS, row[_TEAM], row[_AGENT], row[_PRICED] or row[_MODEL])
    sums = daily.get(key)
    if sums is None:  # shared strings: the sums of a whole ingest are pickled once, compactly
        key = (key[0], sys.intern(key[1]), sys.intern(key[2]), sys.intern(key[3]))
        sums = daily[key] = [0] * 12
    cost = row[_COST]
    sums[0] += 1
    sums[1] += row[_TOKENS[0]]
    sums[2] += row[_TOKENS[1]]
    sums[3] += row[_TOKENS[2]]
    sums[4] += row[_TOKENS[3]]
    if cost is None:
        sums[6] += 1
    else:
        sums[5] += cost
    sums[7] += row[_REVIEW]
    sums[_OUTCOME_SLOT[row[_OUTCOME]]] += 1
