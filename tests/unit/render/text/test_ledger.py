"""The ledger's text: amounts (cents, the digits of an amount under a cent, thousands, unpriced
runs), the budget table and its verdict, an empty report with a line per empty section, the
cheaper-tier, quietly-failing and not-in-registry sections (a few rows, then how many more), and
the ingest summary: a refusal, rejects, conflicts (a few, then how many more), unknown names and
unpriced models."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.ingest import IngestResult
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Flagged, Line, Report, TierCandidate
from hubrails.core.ledger.window import Window
from hubrails.render.text.ledger import LISTED, render_budget, render_ingest, render_report
from hubrails.store.load import Conflict

EMPTY = Line("total", Totals(), 0.0, 0.0)


def report(**changes: Any) -> str:
    fields: dict[str, Any] = {
        "window": Window(0, 86_400_000),
        "as_of": datetime(1970, 1, 2, tzinfo=UTC),
        "by": "agent",
        "review_hourly_usd": 90.0,
        "total": EMPTY,
        "rows": (),
        "top_drivers": (),
        "cheaper_tier": (),
        "review_hotspots": (),
        "failing": (),
        "budgets": (),
    }
    out = io.StringIO()
    render_report(Report(**{**fields, **changes}), out)
    return out.getvalue()


def cells(text: str, key: str) -> list[str]:
    """The cells of the table row whose first cell is ``key``."""
    [row] = [line for line in text.splitlines() if line.startswith(f"│ {key} ")]
    return [cell.strip() for cell in row.strip("│").split("│")]


def budget(lines: list[BudgetLine]) -> str:
    out = io.StringIO()
    render_budget(lines, out)
    return out.getvalue()


def test_amounts_show_cents_thousands_and_the_digits_of_an_amount_under_a_cent() -> None:
    assert budget([
        BudgetLine("sre", 100.0, 0.0042, 0.000042, 0, "ok"),
        BudgetLine("ops", None, 1234.5, 2000.0, 3, "no-budget"),
        BudgetLine("web", 10.0, 12.0, 20.0, 0, "over"),
    ]) == (
        "Budget status (month to date)\n"
        "┏━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ team ┃  budget ┃     spent ┃ projected ┃                            ┃\n"
        "┡━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ sre  │ $100.00 │   $0.0042 │  $4.2e-05 │                         ok │\n"
        "│ ops  │       — │ $1,234.50 │ $2,000.00 │ no-budget, 3 unpriced runs │\n"
        "│ web  │  $10.00 │    $12.00 │    $20.00 │                       over │\n"
        "└──────┴─────────┴───────────┴───────────┴────────────────────────────┘\n"
        "✗ over budget or projected over: web\n"
    )  # fmt: skip


def test_the_budget_verdict_names_every_team_over_or_projected_over() -> None:
    lines = [BudgetLine("a", 10.0, 11.0, 12.0, 0, "over"),
             BudgetLine("b", 10.0, 5.0, 12.0, 0, "projected-over"),
             BudgetLine("c", 10.0, 1.0, 2.0, 0, "ok")]  # fmt: skip
    assert budget(lines).endswith("\n✗ over budget or projected over: a, b\n")
    assert budget([]).endswith("\n✓ every team within budget\n")


def test_a_budget_with_every_team_within_it_gets_a_tick() -> None:
    assert budget([BudgetLine("sre", 100.0, 20.0, 60.0, 0, "ok")]).endswith(
        "\n✓ every team within budget\n"
    )


def test_an_empty_report_has_its_heading_the_total_and_a_line_per_empty_section() -> None:
    lines = report().splitlines()
    assert lines[0] == (
        "Ledger report 1970-01-01T00:00:00Z → 1970-01-02T00:00:00Z (review at $90.00/h)"
    )
    assert lines[1] == "By agent"
    assert lines[5].startswith("│ total │    0 │           0/0 │ $0.00 │            — │")
    assert lines[7:] == [
        "Top cost drivers: no runs in the window",
        "Cheaper-tier candidates: none (agents that fail quietly are never candidates)",
        "Review-time hotspots: none (no agent's review costs more than its model)",
        "Quietly failing workloads: none",
        "Budget status (month to date): no team has a budget",
    ]


def test_tokens_in_count_cache_reads_and_writes_and_a_row_keeps_its_unpriced_runs() -> None:
    totals = Totals(runs=1200, input_tokens=1000, output_tokens=50, cache_read_tokens=200,
                    cache_write_tokens=30, cost=3.5, unpriced=2, review_minutes=90.4, resolved=7,
                    failed=300)  # fmt: skip
    line = Line("bot", totals, 135.6, 1.0)
    text = report(rows=(line,), total=replace(line, key="total"))
    assert cells(text, "bot") == [
        "bot", "1,200", "1,230/50", "$3.50 (+2 unpriced)", "$0.50", "25.0%", "90", "$135.60",
    ]  # fmt: skip
    assert cells(text, "total")[1] == "1,200"


def test_cheaper_tier_candidates_show_both_models_and_the_saving() -> None:
    candidate = TierCandidate("sre", "bot", "opus", "large", 40, 0.95, 12.0, "sonnet", "medium",
                              4.0, 1240.0)  # fmt: skip
    text = report(cheaper_tier=(candidate,))
    assert cells(text, "sre/bot") == [
        "sre/bot", "opus (large)", "95%", "$12.00", "sonnet (medium)", "$1,240.00",
    ]  # fmt: skip
    assert "Cheaper-tier candidates:" not in text


def test_quietly_failing_workloads_are_a_few_rows_then_how_many_more() -> None:
    totals = Totals(runs=4, cost=2.0, resolved=2, failed=1, abandoned=1, unpriced=1)
    line = Line("sre", totals, 3.0, 1.0)
    failing = tuple(
        Flagged("sre", f"agent-{i}", 10, "why", failure_rate=0.5) for i in range(LISTED + 3)
    )
    text = report(
        by="team",
        total=replace(line, key="total"),
        rows=(line,),
        top_drivers=(line,),
        failing=failing,
        budgets=(BudgetLine("sre", 100.0, 120.0, 200.0, 1, "over"),),
    )
    assert "agent-0" in text and f"agent-{LISTED - 1}" in text
    assert f"agent-{LISTED}" not in text
    assert "… and 3 more (see --format json)" in text
    assert "$2.00 (+1 unpriced)" in text
    assert "over, 1 unpriced runs" in text


def test_agents_not_in_the_registry_are_a_section_only_when_there_are_some() -> None:
    assert "Agents not in the registry" not in report()
    unknown = tuple(
        Flagged("ghost", f"a{i:02}", 1, "undeclared", cost=0.5) for i in range(LISTED + 1)
    )
    text = report(unknown=unknown)
    assert "Agents not in the registry" in text
    assert f"ghost/a{LISTED - 1:02}" in text and f"ghost/a{LISTED:02}" not in text
    assert "  … and 1 more (see --format json)" in text


def ingest(result: IngestResult, rejects: Path | None = None) -> list[str]:
    out = io.StringIO()
    render_ingest(result, out, rejects)
    return out.getvalue().splitlines()


def test_a_clean_ingest_is_one_line_with_a_tick() -> None:
    done = IngestResult(files=1, valid=1, rejected=0, committed=True, inserted=1, duplicates=4)
    assert ingest(done, Path("rejects.jsonl")) == [
        "✓ ingested 1 new run from 1 input: 4 already stored, 0 conflicts, 0 invalid"
    ]


def test_refusing_one_invalid_record_says_so_in_the_singular() -> None:
    assert ingest(IngestResult(files=1, valid=0, rejected=1, committed=False)) == [
        "✗ nothing ingested: 1 invalid record (listed above; fix them or pass --skip-invalid)"
    ]


def test_refusing_several_invalid_records_says_so_in_the_plural() -> None:
    assert ingest(IngestResult(files=1, valid=3, rejected=2, committed=False)) == [
        "✗ nothing ingested: 2 invalid records (listed above; fix them or pass --skip-invalid)"
    ]


def test_an_ingest_with_a_conflict_names_it_and_each_unpriced_model() -> None:
    done = IngestResult(
        files=2, valid=3, rejected=0, committed=True, inserted=2, duplicates=0,
        conflict_count=1, conflicts=(Conflict("a.jsonl", 4, "r1"),), unpriced={"gpt-9": 1},
    )  # fmt: skip
    assert ingest(done) == [
        "! ingested 2 new runs from 2 inputs: 0 already stored, 1 conflict, 0 invalid",
        "  conflict: a.jsonl:4: run r1 is stored with different content; kept the stored record",
        "  unpriced model: gpt-9 (1 run)",
    ]


def test_skipped_records_name_the_rejects_file_and_unknown_names_come_sorted() -> None:
    result = IngestResult(files=3, valid=5, rejected=2, committed=True, inserted=5,
                          conflict_count=4, conflicts=(Conflict("a.jsonl", 9, "r1"),),
                          unknown_teams={"zeta": 1, "alpha": 3},
                          unknown_agents={"ops/x": 2})  # fmt: skip
    assert ingest(result, Path("bad.jsonl")) == [
        "! ingested 5 new runs from 3 inputs: 0 already stored, 4 conflicts, 2 invalid",
        "  invalid lines written to bad.jsonl",
        "  conflict: a.jsonl:9: run r1 is stored with different content; kept the stored record",
        "  … and 3 more conflicts",
        "  unknown team: alpha (3 runs)",
        "  unknown team: zeta (1 run)",
        "  unknown agent: ops/x (2 runs)",
    ]
    assert "invalid lines written" not in "\n".join(ingest(result, None))
