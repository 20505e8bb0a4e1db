"""From input lines to table rows: parse, validate, key, digest and price (the hot path)."""

from __future__ import annotations

import itertools
import operator
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from sys import intern

import orjson

from hubrails.core.ledger import otlp
from hubrails.core.ledger.otlp_signals import is_export
from hubrails.core.ledger.plain_json import decode
from hubrails.core.ledger.pricing import Model, PriceBook
from hubrails.core.ledger.reader import Item, parse
from hubrails.core.ledger.records import Fields, Record, Reject, plain
from hubrails.core.ledger.records import digest as fields_digest
from hubrails.store.load import DailySums
from hubrails.store.packed import Packed, Row
from hubrails.store.sql import COLUMNS, DAY_MS

_TEAM, _AGENT, _MODEL, _HOW = (COLUMNS.index(c) for c in ("team", "agent", "model", "cost_source"))
# What a row adds to its day's sums, in one call.
_SUMMED = operator.itemgetter(
    *(COLUMNS.index(c) for c in (
        "ts_ms", "team", "agent", "model", "price_model", "input_tokens", "output_tokens",
        "cache_read_tokens", "cache_write_tokens", "review_minutes", "outcome", "cost_usd",
    ))
)  # fmt: skip
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
    packed: Packed | None = None  # the rows and lines, packed by a worker (then both empty)

    def size(self) -> int:
        """How many rows it has."""
        return self.packed.count if self.packed is not None else len(self.rows)

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
        return self._row(r.run_id, r[1:])

    def _row(self, run_id: str | None, content: Fields) -> Row:
        """The row of a record given as its ``run_id`` and the rest of its fields (the
        ``Record`` fields after ``run_id``, in order: what the digest is taken of). Repeated
        strings are interned, so that a batch pickles each once."""
        digest = fields_digest(content)
        team, agent, name, tokens_in, tokens_out, read, write, tools, review, outcome, ts_ms, \
            cost, duration, labels = content  # fmt: skip
        if name in self.models:
            model = self.models[name]
        else:
            model = self.models[name] = self.book.resolve(name)
        price = model.price_at(ts_ms) if model is not None else None
        if cost is not None:
            how, since = "record", None
        elif price is not None:
            cost = price.cost(tokens_in, tokens_out, read, write)
            how, since = "pricing", price.effective_from
        else:
            how, since = "unpriced", None
        return (
            run_id if run_id is not None else f"digest:{digest}", run_id, digest, intern(team),
            intern(agent), intern(name), model.id if model is not None else None,
            model.tier if model is not None else None, since, ts_ms, tokens_in, tokens_out,
            read, write, tools, review, intern(outcome), cost, how, duration, labels, self.now_ms,
        )  # fmt: skip

    def batch(self, name: str, start: int, lines: Iterable[bytes]) -> Batch:
        """Parse ``lines`` (the first is line ``start`` of ``name``) into a batch, its rows in
        key order (a stable sort: of two rows with one key, the earlier line stays first)."""
        out = Batch(name)
        rows, numbers = out.rows, out.lines
        iterator = iter(lines)
        number = start - 1
        for raw in iterator:
            number += 1
            fast = decode(raw)
            if fast is not None:  # the common case, decoded and checked in C
                rows.append(self._row(*fast))
                numbers.append(number)
                continue
            try:
                obj = orjson.loads(raw)
            except ValueError:
                obj = None
            if type(obj) is dict:
                fast = plain(obj)
                if fast is not None:  # the common case: a plain record, its fields as stored
                    rows.append(self._row(*fast))
                    numbers.append(number)
                    continue
                if otlp.is_export(obj) or is_export(obj):  # may span lines: the reader's
                    self._parse(out, parse(name, itertools.chain([raw], iterator), number))
                    break
            elif obj is None and number == 1 and raw.strip() in (b"{", b"["):
                # An indented document: the reader joins the rest.
                self._parse(out, parse(name, itertools.chain([raw], iterator), number))
                break
            self._parse(out, parse(name, (raw,), number))  # a reject, or a rare form
        if len(rows) > 1:
            keys = [row[0] for row in rows]
            order = sorted(range(len(rows)), key=keys.__getitem__)
            out.rows = [rows[i] for i in order]
            out.lines = [numbers[i] for i in order]
        self._tally(out)
        return out

    def _parse(self, out: Batch, items: Iterable[Item]) -> None:
        """Add what the reader made of some lines to ``out``."""
        for item in items:
            if isinstance(item, Reject):
                out.rejects.append(item)
            else:
                out.rows.append(self.row(item[1]))
                out.lines.append(item[0])

    def _tally(self, out: Batch) -> None:
        """The daily sums and flags of ``out``'s rows."""
        teams, agents = self.known.teams, self.known.agents
        daily = out.daily if self.daily else None
        for row in out.rows:
            if daily is not None:
                _count(daily, row)
            if row[_HOW] == "unpriced":
                out.unpriced[row[_MODEL]] += 1
            if teams and row[_TEAM] not in teams:
                out.unknown_teams[row[_TEAM]] += 1
            elif agents and (row[_TEAM], row[_AGENT]) not in agents:
                out.unknown_agents[f"{row[_TEAM]}/{row[_AGENT]}"] += 1


def add_daily(daily: DailySums, rows: Iterable[Row]) -> None:
    """Add ``rows`` to their days' sums."""
    for row in rows:
        _count(daily, row)


def _count(daily: DailySums, row: Row) -> None:
    """Add one row to its day's sums (in the order of SUMS)."""
    ts_ms, team, agent, name, priced, tokens_in, tokens_out, read, write, review, outcome, cost = (
        _SUMMED(row)
    )
    key = (ts_ms // DAY_MS, team, agent, priced or name)  # interned strings (``_row``)
    sums = daily.get(key)
    if sums is None:
        sums = daily[key] = [0] * 12
    sums[0] += 1
    sums[1] += tokens_in
    sums[2] += tokens_out
    sums[3] += read
    sums[4] += write
    if cost is None:
        sums[6] += 1
    else:
        sums[5] += cost
    sums[7] += review
    sums[_OUTCOME_SLOT[outcome]] += 1
