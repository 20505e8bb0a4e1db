"""Open runs: events and metric points in, whole runs out, exactly once (the rows are kept by
``store.open_runs``; this module maps them).

Each event and point has a key (Claude Code's ``session.id`` and ``event.sequence``, else a
digest of the record), so a retried request inserts nothing twice. A run closes when nothing
arrived for it during the quiet period: its events become one ledger record, inserted and
deleted in one transaction. An event for a run already stored is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from hubrails.core.ledger import claude_code_evidence, claude_code_logs, claude_code_metrics
from hubrails.core.ledger.claude_code_logs import Event
from hubrails.core.ledger.claude_code_metrics import Point
from hubrails.core.ledger.records import Reject
from hubrails.core.ledger.rows import RowMaker
from hubrails.store import evidence, open_runs
from hubrails.store.sql import Store


@dataclass(frozen=True, slots=True)
class Closed:
    """What one closing pass wrote."""

    runs: int
    inserted: int
    rejects: tuple[Reject, ...]
    more: bool = False  # the limit was reached: more runs may be ready


def close_ready(store: Store, maker: RowMaker, now_ms: int, quiet_ms: int) -> Closed:
    """Write every run quiet for ``quiet_ms`` as a ledger record (all of them when
    ``quiet_ms`` is negative), in one transaction."""
    with open_runs.closing(store, now_ms - quiet_ms, now_ms) as closing:
        events = [Event(*row) for row in closing.events()]
        records = list(claude_code_logs.runs(events))
        evidence.add(closing.conn, claude_code_evidence.rows(events))
        records += claude_code_metrics.runs([Point(*row) for row in closing.points()])
        records += _span_records(closing)
        lines = [orjson.dumps(r) for r in records]
        batch = maker.batch("<open runs>", 1, lines)
        closing.load.add("<open runs>", batch.rows, batch.lines, batch.daily)
        merged = closing.load.finish()
    return Closed(len(records), merged.inserted, tuple(batch.rejects), closing.more)


def _span_records(closing: open_runs.Closing) -> list[dict[str, Any]]:
    """Records of the quiet traces; a trace's model-call-only run is left out when one of its
    agent spans was stored as a run already (``otel:TRACE:SPAN`` under ``otel:TRACE``)."""
    from hubrails.core.ledger import otlp

    records: list[dict[str, Any]] = []
    for rows in closing.spans():
        spans = [(orjson.loads(resource), orjson.loads(span)) for resource, span in rows]
        found = [record for _where, record in otlp.run_records(otlp.export_of(spans))]
        traces = {str(r.get("run_id", "")) for r in found}
        stored = closing.stored_under(t for t in traces if t.count(":") == 1)
        records += [r for r in found if str(r.get("run_id", "")) not in stored]
    return records
