"""One export request, decoded, into the store: spans as runs at once, Claude Code's events
and points into the open-run buffer; each request one transaction, committed before the
answer. A token's team is the only team its records may name."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from hubrails.core.collector import buffer
from hubrails.core.ledger import claude_code_logs, claude_code_metrics, otlp
from hubrails.core.ledger.pricing import PriceBook
from hubrails.core.ledger.rows import Known, RowMaker
from hubrails.store import open_runs
from hubrails.store.load import loader
from hubrails.store.sql import Store

B = TypeVar("B", claude_code_logs.Event, claude_code_metrics.Point)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a request did: items accepted and rejected (with the first reason)."""

    accepted: int
    rejected: int
    message: str = ""


@dataclass(frozen=True, slots=True)
class Collector:
    """The store and what the records are priced and checked with."""

    store: Store
    book: PriceBook
    known: Known
    quiet_ms: int = 300_000
    clock: Callable[[], float] = time.time

    def maker(self) -> RowMaker:
        """A row maker for one transaction."""
        return RowMaker(self.book, self.known)

    def handle(self, signal: str, obj: dict[str, Any], team: str | None) -> Outcome:
        """Store what ``obj`` (an OTLP/JSON export request of ``signal``) holds."""
        if signal == "traces":
            return self._traces(obj, team)
        if signal == "logs":
            return self._buffered(list(claude_code_logs.events(obj)), [], team)
        return self._buffered([], list(claude_code_metrics.points(obj)), team)

    def close(self, quiet_ms: int | None = None) -> buffer.Closed:
        """Write the runs that have been quiet long enough."""
        now = int(self.clock() * 1000)
        return buffer.close_ready(
            self.store, self.maker(), now, self.quiet_ms if quiet_ms is None else quiet_ms
        )

    def _traces(self, obj: dict[str, Any], team: str | None) -> Outcome:
        by_trace = otlp.trace_spans(obj)
        later = {t for t, spans in by_trace.items() if otlp.needs_more(spans)}
        rest = [t for t in by_trace if t not in later]
        maker = self.maker()
        with loader(self.store) as load:  # one transaction: kept spans and runs together
            if rest:
                later |= open_runs.open_traces(load.conn, rest)  # their other spans came earlier
            kept, reasons = _open_spans([(t, by_trace[t]) for t in later], team)
            if kept:
                open_runs.add_spans(load.conn, kept, int(self.clock() * 1000))
            if later and len(later) < len(by_trace):
                direct = [s for t, spans in by_trace.items() if t not in later for s in spans]
                obj = otlp.export_of(direct)
            elif later:
                obj = {}
            records: list[dict[str, Any]] = []
            for where, record in otlp.run_records(obj):
                why = _bind(record, team)
                if why:
                    reasons.append(f"{where}: {why}")
                else:
                    records.append(record)
            batch = maker.batch("<request>", 1, [orjson.dumps(r) for r in records])
            for reject in batch.rejects:
                reasons.append("; ".join(f"{f}: {r}" for f, r in reject.problems))
            load.add("<request>", batch.rows, batch.lines, batch.daily)
            conflicts = load.finish().conflict_count
        if conflicts:
            reasons.append(f"{conflicts} run_id(s) stored already with other content: kept")
        rejected = len(reasons) - (1 if conflicts else 0) + conflicts
        accepted = len(kept) + len(batch.rows) - conflicts
        return Outcome(accepted, rejected, reasons[0] if reasons else "")

    def _buffered(
        self,
        events: list[claude_code_logs.Event],
        points: list[claude_code_metrics.Point],
        team: str | None,
    ) -> Outcome:
        reasons: list[str] = []
        kept_events = _kept(events, team, lambda e: f"event {e.event_key}", reasons)
        kept_points = _kept(points, team, lambda p: f"point {p.series}", reasons)
        if kept_events or kept_points:
            open_runs.add(self.store, kept_events, kept_points, int(self.clock() * 1000))
        return Outcome(
            len(kept_events) + len(kept_points), len(reasons), reasons[0] if reasons else ""
        )


def _open_spans(
    traces: list[tuple[str, list[tuple[dict[str, Any], dict[str, Any]]]]], team: str | None
) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """The rows (key, trace, resource JSON, span JSON) that keep the spans of ``traces`` open,
    and a reason for each span refused (naming another team)."""
    rows: list[tuple[str, str, str, str]] = []
    reasons: list[str] = []
    for trace, spans in sorted(traces, key=lambda x: x[0]):
        for resource, raw in spans:
            named = otlp.attributes(raw.get("attributes")).get("hub.team")
            named = named if isinstance(named, str) else resource.get("hub.team")
            why = _bind_team(named if isinstance(named, str) else None, team)
            if why:
                reasons.append(f"span {trace}:{raw.get('spanId', '')}: {why}")
                continue
            if team is not None and not named:
                resource = {**resource, "hub.team": team}
            key = f"{trace}:{raw.get('spanId', '')}"
            rows.append((key, trace, orjson.dumps(resource).decode(), _json(raw)))
    return rows, reasons


def _json(raw: dict[str, Any]) -> str:
    return orjson.dumps(raw, default=str).decode()


def _bind_team(named: str | None, team: str | None) -> str:
    """Why a record naming team ``named`` is refused under a token of ``team`` ('' if not)."""
    if team is None:
        return "" if named else "no hub.team resource attribute (and no token to take it from)"
    if named and named != team:
        return f"hub.team {named!r} is not the team of the token ({team!r})"
    return ""


def _kept(
    items: list[B], team: str | None, name: Callable[[B], str], reasons: list[str]
) -> list[B]:
    """The ``items`` (events or points) the token's ``team`` may write, each given that team
    when it names none; a reason, by the item's ``name``, for each refused."""
    kept: list[B] = []
    for item in items:
        why = _bind_team(item.team, team)
        if why:
            reasons.append(f"{name(item)}: {why}")
        else:
            kept.append(item._replace(team=item.team or team))
    return kept


def _bind(record: dict[str, Any], team: str | None) -> str:
    named = record.get("team")
    why = _bind_team(named if isinstance(named, str) else None, team)
    if not why and team is not None:
        record["team"] = team
    return why
