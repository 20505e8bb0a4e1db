"""The ledger as JSON: times as RFC 3339 UTC, a report line as flat rounded data, the report
document's sections (docs/ledger.md) with every row the text leaves out, non-finite numbers as
``null`` so the output is always valid JSON, the budget document and the ingest summary with its
rejects file."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.ingest import IngestResult
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Flagged, Line, Report, TierCandidate
from hubrails.core.ledger.window import Window
from hubrails.render.json.ledger import (
    budget_data,
    finite,
    iso_time,
    line_data,
    render_budget,
    render_ingest,
    render_report,
    report_document,
)
from hubrails.render.text.ledger import LISTED
from hubrails.store.load import Conflict

TOTALS = Totals(runs=3, input_tokens=10, output_tokens=20, cache_read_tokens=30,
                cache_write_tokens=40, cost=1.23456789, unpriced=1, review_minutes=4.5,
                resolved=2, escalated=0, failed=1, abandoned=0)  # fmt: skip
LINE = Line("sre", TOTALS, 0.333333333, 0.123456)
CANDIDATE = TierCandidate("sre", "bot", "opus", "large", 40, 0.95, 12.0, "sonnet", "medium",
                          4.0, 240.0)  # fmt: skip
HOTSPOT = Flagged("sre", "slow", 12, "review costs more", cost=1.0, review_cost=9.0)


def report(**changes: Any) -> Report:
    fields: dict[str, Any] = {
        "window": Window(0, 86_400_000),
        "as_of": datetime(2026, 6, 20, 12, 30, tzinfo=UTC),
        "by": "team",
        "review_hourly_usd": 90.0,
        "total": Line("total", TOTALS, 0.333333333, 1.0),
        "rows": (LINE,),
        "top_drivers": (LINE,),
        "cheaper_tier": (CANDIDATE,),
        "review_hotspots": (HOTSPOT,),
        "failing": (),
        "budgets": (BudgetLine("sre", None, 1.0, 2.0, 0, "no-budget"),),
        "unknown": (Flagged("ghost", "x", 1, "not declared"),),
    }
    return Report(**{**fields, **changes})


def test_a_time_in_milliseconds_is_rfc_3339_utc_with_a_z() -> None:
    assert iso_time(0) == "1970-01-01T00:00:00Z"
    assert iso_time(1_780_000_000_000) == "2026-05-28T20:26:40Z"
    assert iso_time(1_500) == "1970-01-01T00:00:01.500000Z"


def test_a_line_is_flat_data_with_costs_and_rates_rounded() -> None:
    assert line_data(LINE) == {
        "key": "sre",
        "runs": 3,
        "input_tokens": 10,
        "output_tokens": 20,
        "cache_read_tokens": 30,
        "cache_write_tokens": 40,
        "cost_usd": 1.234568,
        "unpriced_runs": 1,
        "cost_per_resolved_usd": 0.617284,
        "failure_rate": 0.3333,
        "resolved": 2,
        "escalated": 0,
        "failed": 1,
        "abandoned": 0,
        "review_minutes": 4.5,
        "review_cost_usd": 0.333333,
        "share": 0.1235,
    }


def test_a_line_without_resolved_runs_has_no_cost_per_resolved() -> None:
    empty = line_data(Line("none", Totals(), 0.0, 0.0))
    assert empty["cost_per_resolved_usd"] is None
    assert (empty["runs"], empty["failure_rate"], empty["share"]) == (0, 0.0, 0.0)


def test_budget_lines_carry_their_alert() -> None:
    lines = [BudgetLine("a", 10.0, 11.0, 12.0, 0, "over"),
             BudgetLine("b", 10.0, 5.0, 12.0, 2, "projected-over"),
             BudgetLine("c", None, 5.0, 6.0, 0, "no-budget")]  # fmt: skip
    data = budget_data(lines)
    assert [d["alert"] for d in data] == [True, True, False]
    assert data[1] == {
        "team": "b",
        "budget": 10.0,
        "spent": 5.0,
        "projected": 12.0,
        "unpriced": 2,
        "status": "projected-over",
        "alert": True,
    }
    assert budget_data(()) == []


def test_the_report_document_has_every_section_under_its_documented_key() -> None:
    document = report_document(report())
    assert list(document) == [
        "version", "window", "as_of", "by", "review_hourly_usd", "total", "rows",
        "top_cost_drivers", "cheaper_tier_candidates", "review_hotspots", "quietly_failing",
        "not_in_registry", "budgets",
    ]  # fmt: skip
    assert document["window"] == {"since": "1970-01-01T00:00:00Z", "until": "1970-01-02T00:00:00Z"}
    assert document["as_of"] == "2026-06-20T12:30:00Z"
    assert document["cheaper_tier_candidates"][0]["monthly_saving"] == 240.0
    assert document["review_hotspots"][0] == {
        "team": "sre",
        "agent": "slow",
        "runs": 12,
        "reason": "review costs more",
        "cost": 1.0,
        "review_cost": 9.0,
        "failure_rate": 0.0,
    }
    assert document["not_in_registry"][0]["team"] == "ghost"
    assert document["quietly_failing"] == []


def test_the_report_document_has_every_quietly_failing_workload_and_the_budget_alerts() -> None:
    totals = Totals(runs=4, cost=2.0, resolved=2, failed=1, abandoned=1, unpriced=1)
    failing = tuple(
        Flagged("sre", f"agent-{i}", 10, "why", failure_rate=0.5) for i in range(LISTED + 3)
    )
    out = io.StringIO()
    render_report(
        report(
            total=Line("total", totals, 3.0, 1.0),
            failing=failing,
            budgets=(BudgetLine("sre", 100.0, 120.0, 200.0, 1, "over"),),
        ),
        out,
    )
    document = json.loads(out.getvalue())
    assert len(document["quietly_failing"]) == LISTED + 3
    assert document["window"]["since"].endswith("Z")
    assert document["total"]["failure_rate"] == 0.5
    assert document["budgets"][0]["alert"] is True


def test_non_finite_numbers_become_null_at_any_depth() -> None:
    data = {"a": math.nan, "b": [1.0, math.inf, {"c": -math.inf}], "d": (2, math.nan), "e": "x"}
    assert finite(data) == {"a": None, "b": [1.0, None, {"c": None}], "d": [2, None], "e": "x"}
    assert finite(1.5) == 1.5 and finite(None) is None


def test_a_report_with_a_nan_cost_is_still_valid_json_with_null() -> None:
    nan = Line("sre", Totals(runs=1, cost=math.nan, resolved=1), math.inf, 1.0)
    out = io.StringIO()
    render_report(report(rows=(nan,), total=nan, top_drivers=()), out)
    text = out.getvalue()
    assert "NaN" not in text and "Infinity" not in text and text.endswith("}\n")
    document = json.loads(text)
    assert document["rows"][0]["cost_usd"] is None
    assert document["rows"][0]["cost_per_resolved_usd"] is None
    assert document["total"]["review_cost_usd"] is None


def test_the_budget_document_keeps_the_given_time_zone() -> None:
    out = io.StringIO()
    as_of = datetime(2026, 6, 20, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    render_budget([BudgetLine("sre", 100.0, math.nan, 50.0, 0, "ok")], as_of, out)
    document = json.loads(out.getvalue())
    assert document["as_of"] == "2026-06-20T09:00:00+02:00"
    assert document["budgets"] == [
        {
            "team": "sre",
            "budget": 100.0,
            "spent": None,
            "projected": 50.0,
            "unpriced": 0,
            "status": "ok",
            "alert": False,
        }
    ]
    out = io.StringIO()
    render_budget([], as_of, out)
    assert json.loads(out.getvalue())["budgets"] == []


def ingest(result: IngestResult, rejects: Path | None) -> dict[str, Any]:
    out = io.StringIO()
    render_ingest(result, out, rejects)
    text = out.getvalue()
    document: dict[str, Any] = json.loads(text)
    assert list(document) == sorted(document) and text.endswith("}\n")
    return document


def test_the_ingest_summary_names_the_rejects_file_only_when_something_was_rejected() -> None:
    rejected = IngestResult(files=1, valid=2, rejected=1, committed=True, inserted=2)
    clean = IngestResult(files=1, valid=2, rejected=0, committed=True, inserted=2)
    assert ingest(rejected, Path("bad.jsonl"))["rejects_file"] == "bad.jsonl"
    assert ingest(clean, Path("bad.jsonl"))["rejects_file"] is None
    assert ingest(rejected, None)["rejects_file"] is None


def test_the_ingest_summary_has_every_count_and_its_conflicts() -> None:
    result = IngestResult(files=2, valid=3, rejected=0, committed=True, inserted=1,
                          duplicates=1, conflict_count=1, conflicts=(Conflict("a.jsonl", 4, "r1"),),
                          unknown_teams={"ops": 2}, unpriced={"gpt-9": 1})  # fmt: skip
    assert ingest(result, None) == {
        "committed": True,
        "conflict_count": 1,
        "conflicts": [{"line": 4, "run_key": "r1", "source": "a.jsonl"}],
        "duplicates": 1,
        "files": 2,
        "inserted": 1,
        "rejected": 0,
        "rejects_file": None,
        "unknown_agents": {},
        "unknown_teams": {"ops": 2},
        "unpriced": {"gpt-9": 1},
        "valid": 3,
    }
