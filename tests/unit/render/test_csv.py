"""The ledger report as CSV: a header of the documented columns, one row per key, the total
last; an absent number is an empty cell and a key with a comma or a quote is quoted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Line, Report
from hubrails.core.ledger.window import Window
from hubrails.render.csv import CSV_COLUMNS, render_report

HEADER = (
    "key,runs,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,"
    "unpriced_runs,cost_per_resolved_usd,failure_rate,resolved,escalated,failed,abandoned,"
    "review_minutes,review_cost_usd,share"
)


def report(*rows: Line, total: Line) -> Report:
    return Report(Window(0, 86_400_000), datetime(1970, 1, 2, tzinfo=UTC), "agent", 90.0, total,
                  rows, (), (), (), (), ())  # fmt: skip


def rendered(value: Report) -> str:
    out = io.StringIO()
    render_report(value, out)
    return out.getvalue()


def test_the_columns_are_the_flat_fields_of_a_report_line() -> None:
    assert ",".join(CSV_COLUMNS) == HEADER


def test_each_key_is_a_row_then_the_total_with_rounded_numbers() -> None:
    bot = Line("bot", Totals(runs=2, input_tokens=5, output_tokens=6, cost=0.1234567,
                             review_minutes=1.5, resolved=1, failed=1), 2.25, 0.66666)  # fmt: skip
    idle = Line("idle", Totals(), 0.0, 0.0)
    assert rendered(report(bot, idle, total=Line("total", bot.totals, 2.25, 1.0))) == (
        f"{HEADER}\n"
        "bot,2,5,6,0,0,0.123457,0,0.123457,0.5,1,0,1,0,1.5,2.25,0.6667\n"
        "idle,0,0,0,0,0,0.0,0,,0.0,0,0,0,0,0.0,0.0,0.0\n"
        "total,2,5,6,0,0,0.123457,0,0.123457,0.5,1,0,1,0,1.5,2.25,1.0\n"
    )


def test_a_report_without_rows_is_the_header_and_the_total() -> None:
    text = rendered(report(total=Line("total", Totals(), 0.0, 0.0)))
    assert text.splitlines() == [HEADER, "total,0,0,0,0,0,0.0,0,,0.0,0,0,0,0,0.0,0.0,0.0"]


def test_a_key_with_a_comma_a_quote_or_a_newline_reads_back_as_it_was() -> None:
    keys = ['team, "ops"', "two\nlines"]
    lines = [Line(k, Totals(runs=1), 0.0, 0.5) for k in keys]
    text = rendered(report(*lines, total=Line("total", Totals(runs=2), 0.0, 1.0)))
    assert '"team, ""ops"""' in text
    assert [row["key"] for row in csv.DictReader(io.StringIO(text))] == [*keys, "total"]
