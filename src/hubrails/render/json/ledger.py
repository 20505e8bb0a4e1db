"""The ledger as JSON: reports, budgets and the ingest summary (shapes in docs/ledger.md)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.report import Line, Report

if TYPE_CHECKING:  # ingest imports the SQL store: a report need not
    from hubrails.core.ledger.ingest import IngestResult

SHAPE_VERSION = 1


def iso_time(ms: int) -> str:
    """A time in milliseconds as RFC 3339 UTC."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def line_data(line: Line) -> dict[str, Any]:
    """One report line as flat data (the CSV columns)."""
    t = line.totals
    return {
        "key": line.key,
        "runs": t.runs,
        "input_tokens": t.input_tokens,
        "output_tokens": t.output_tokens,
        "cache_read_tokens": t.cache_read_tokens,
        "cache_write_tokens": t.cache_write_tokens,
        "cost_usd": round(t.cost, 6),
        "unpriced_runs": t.unpriced,
        "cost_per_resolved_usd": None
        if line.cost_per_resolved is None
        else round(line.cost_per_resolved, 6),
        "failure_rate": round(t.failure_rate, 4),
        "resolved": t.resolved,
        "escalated": t.escalated,
        "failed": t.failed,
        "abandoned": t.abandoned,
        "review_minutes": t.review_minutes,
        "review_cost_usd": round(line.review_cost, 6),
        "share": round(line.share, 4),
    }


def budget_data(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> list[dict[str, Any]]:
    """Budget lines as data."""
    return [{**asdict(b), "alert": b.alert} for b in lines]


def report_document(report: Report) -> dict[str, Any]:
    """The JSON document of a report (shape documented in docs/ledger.md)."""
    return {
        "version": SHAPE_VERSION,
        "window": {
            "since": iso_time(report.window.since_ms),
            "until": iso_time(report.window.until_ms),
        },
        "as_of": report.as_of.isoformat().replace("+00:00", "Z"),
        "by": report.by,
        "review_hourly_usd": report.review_hourly_usd,
        "total": line_data(report.total),
        "rows": [line_data(x) for x in report.rows],
        "top_cost_drivers": [line_data(x) for x in report.top_drivers],
        "cheaper_tier_candidates": [asdict(c) for c in report.cheaper_tier],
        "review_hotspots": [asdict(f) for f in report.review_hotspots],
        "quietly_failing": [asdict(f) for f in report.failing],
        "not_in_registry": [asdict(f) for f in report.unknown],
        "budgets": budget_data(report.budgets),
    }


def finite(data: Any) -> Any:
    """``data`` with every non-finite number (NaN, Infinity: stored before ingest refused them)
    as ``null``, so that the output is always valid JSON."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def render_report(report: Report, out: TextIO) -> None:
    """Write the report as one JSON document."""
    json.dump(finite(report_document(report)), out, indent=2, ensure_ascii=False, allow_nan=False)
    out.write("\n")


def render_budget(lines: list[BudgetLine], as_of: datetime, out: TextIO) -> None:
    """Write the budget status at ``as_of`` as one JSON document."""
    document = {"as_of": as_of.isoformat(), "budgets": budget_data(lines)}
    json.dump(finite(document), out, indent=2, allow_nan=False)
    out.write("\n")


def render_ingest(result: IngestResult, out: TextIO, rejects: Path | None) -> None:
    """Write what an ingest stored, skipped and flagged as one JSON document."""
    doc = asdict(result)
    doc["rejects_file"] = str(rejects) if rejects and result.rejected else None
    json.dump(doc, out, indent=2, sort_keys=True)
    out.write("\n")
