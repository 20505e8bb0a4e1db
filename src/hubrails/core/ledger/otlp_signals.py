"""OTLP logs and metrics files (the OpenTelemetry Collector's file exporter: one export request
per line) for ``hub ledger ingest``: Claude Code's events and points gathered over the whole
input, then one record per run, with the same mappings as the collector."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hubrails.core.ledger import claude_code_logs, claude_code_metrics
from hubrails.core.ledger.records import Record, Reject, check


def is_export(obj: dict[str, Any]) -> bool:
    """Whether ``obj`` is an OTLP/JSON logs or metrics export request."""
    return claude_code_logs.is_export(obj) or claude_code_metrics.is_export(obj)


class Pending:
    """The events and points of one input, each kept once, with the line it was last seen on."""

    def __init__(self) -> None:
        self.events: dict[str, claude_code_logs.Event] = {}
        self.points: dict[str, claude_code_metrics.Point] = {}
        self.lines: dict[str, int] = {}  # run_id or session -> its last line

    def add(self, obj: dict[str, Any], number: int) -> None:
        """Gather the export request ``obj`` of line ``number``."""
        for event in claude_code_logs.events(obj):
            self.events.setdefault(event.event_key, event)
            self.lines[event.run_key] = number
        for point in claude_code_metrics.points(obj):
            self.points.setdefault(point.point_key, point)
            self.lines[point.session_id] = max(self.lines.get(point.session_id, 0), number)

    def records(self, name: str) -> Iterator[tuple[int, Record] | Reject]:
        """One record (or reject) per run gathered; metrics only for sessions without events."""
        logged = {e.session_id for e in self.events.values()}
        made = [(self.lines[r["run_id"]], r) for r in claude_code_logs.runs(self.events.values())]
        points = [p for p in self.points.values() if p.session_id not in logged]
        made += [(self.lines[_session(r["run_id"])], r) for r in claude_code_metrics.runs(points)]
        for number, record in sorted(made, key=lambda x: x[0]):
            checked = check(record)
            if isinstance(checked, list):
                yield Reject(
                    name, number, tuple((f"{record['run_id']} {f}", r) for f, r in checked)
                )
            else:
                yield number, checked


def _session(run_id: str) -> str:
    """The session of a metrics run, from its id ``claude-code:SESSION:metrics:MS`` (a session
    id may hold colons, even ``:metrics:``; the time after the last one never does)."""
    return run_id.removeprefix("claude-code:").rsplit(":metrics:", 1)[0]
