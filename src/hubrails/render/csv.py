"""CSV output: the ledger report's breakdown, one row per key, then the total."""

from __future__ import annotations

import csv
from typing import TextIO

from hubrails.core.ledger.report import Report
from hubrails.render.json.ledger import line_data

CSV_COLUMNS = (
    "key", "runs", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
    "cost_usd", "unpriced_runs", "cost_per_resolved_usd", "failure_rate", "resolved",
    "escalated", "failed", "abandoned", "review_minutes", "review_cost_usd", "share",
)  # fmt: skip


def render_report(report: Report, out: TextIO) -> None:
    """Write the breakdown (one row per key, then the total) as CSV."""
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in (*report.rows, report.total):
        writer.writerow(line_data(line))
