"""Ledger renderers on hand-built results, without the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.ingest import IngestResult
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Flagged, Line, Report
from hubrails.core.ledger.window import Window
from hubrails.render import ingest_renderer, report_renderer
from hubrails.render.csv import CSV_COLUMNS
from hubrails.render.text.ledger import LISTED
from hubrails.render.text.ledger import render_budget as render_budget_text
from hubrails.store.load import Conflict


def _report(failing: int) -> Report:
    totals = Totals(runs=4, cost=2.0, resolved=2, failed=1, abandoned=1, unpriced=1)
    line = Line("sre", totals, 3.0, 1.0)
    return Report(
        window=Window(1_780_000_000_000, 1_780_086_400_000),
        as_of=datetime(2026, 6, 20, tzinfo=UTC),
        by="team",
        review_hourly_usd=90.0,
        total=Line("total", totals, 3.0, 1.0),
        rows=(line,),
        top_drivers=(line,),
        cheaper_tier=(),
        review_hotspots=(),
        failing=tuple(
            Flagged("sre", f"agent-{i}", 10, "why", failure_rate=0.5) for i in range(failing)
        ),
        budgets=(BudgetLine("sre", 100.0, 120.0, 200.0, 1, "over"),),
    )


def test_text_lists_a_few_rows_and_says_how_many_more() -> None:
    out = io.StringIO()
    report_renderer("text")(_report(LISTED + 3), out)
    text = out.getvalue()
    assert "agent-0" in text and f"agent-{LISTED - 1}" in text
    assert f"agent-{LISTED}" not in text
    assert "… and 3 more (see --format json)" in text
    assert "$2.00 (+1 unpriced)" in text
    assert "over, 1 unpriced runs" in text


def test_json_and_csv_carry_everything() -> None:
    out = io.StringIO()
    report_renderer("json")(_report(LISTED + 3), out)
    doc = json.loads(out.getvalue())
    assert len(doc["quietly_failing"]) == LISTED + 3
    assert doc["window"]["since"].endswith("Z")
    assert doc["total"]["failure_rate"] == 0.5
    assert doc["budgets"][0]["alert"] is True
    out = io.StringIO()
    report_renderer("csv")(_report(0), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["key"] for r in rows] == ["sre", "total"]


def test_budget_verdict() -> None:
    out = io.StringIO()
    render_budget_text([BudgetLine("sre", 100.0, 20.0, 60.0, 0, "ok")], out)
    assert "every team within budget" in out.getvalue()


def test_ingest_summary() -> None:
    refused = IngestResult(files=1, valid=3, rejected=2, committed=False)
    out = io.StringIO()
    ingest_renderer("text")(refused, out, None)
    assert out.getvalue() == (
        "✗ nothing ingested: 2 invalid records (listed above; fix them or pass --skip-invalid)\n"
    )
    done = IngestResult(
        files=2, valid=3, rejected=0, committed=True, inserted=2, duplicates=0,
        conflict_count=1, conflicts=(Conflict("a.jsonl", 4, "r1"),), unpriced={"gpt-9": 1},
    )  # fmt: skip
    out = io.StringIO()
    ingest_renderer("text")(done, out, None)
    assert out.getvalue().splitlines() == [
        "! ingested 2 new runs from 2 inputs: 0 already stored, 1 conflict, 0 invalid",
        "  conflict: a.jsonl:4: run r1 is stored with different content; kept the stored record",
        "  unpriced model: gpt-9 (1 run)",
    ]
