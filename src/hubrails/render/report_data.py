"""Reports as plain data (JSON) and as CSV rows."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TextIO

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.report import Line, Report

SHAPE_VERSION = 1
CSV_COLUMNS = (
    "key", "runs", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
    "cost_usd", "unpriced_runs", "cost_per_resolved_usd", "failure_rate", "resolved",
    "escalated", "failed", "abandoned", "review_minutes", "review_cost_usd", "share",
)  # fmt: skip


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


def render_json(report: Report, out: TextIO) -> None:
    """Write the report as one JSON document."""
    json.dump(report_document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def render_csv(report: Report, out: TextIO) -> None:
    """Write the breakdown (one row per key, then the total) as CSV."""
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in (*report.rows, report.total):
        writer.writerow(line_data(line))
