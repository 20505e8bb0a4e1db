"""``hub ledger report`` and ``hub ledger budget`` on ledgers built to trigger each section."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import imports_of, jsonl, record, run_cli, stored

AS_OF = "2026-06-20T00:00:00Z"  # 19 days into a 30-day month
WINDOW = ("--since", "2026-06-06", "--until", "2026-06-19", "--as-of", AS_OF)  # 14 days


_ids = itertools.count()


def runs(n: int, team: str, agent: str, *, day: int = 15, **fields: Any) -> list[dict[str, Any]]:
    return [
        record(
            run_id=f"run-{next(_ids)}",
            team=team,
            agent=agent,
            ts=f"2026-06-{day:02d}T{i % 24:02d}:00:00Z",
            **fields,
        )
        for i in range(n)
    ]


def build(registry: Path, db: str, records: list[dict[str, Any]]) -> None:
    path = jsonl(registry / "runs.jsonl", records)
    run = run_cli("ledger", "ingest", "--db", db, str(path))
    assert run.exit_code == 0, run.stderr


def report(db: str, *args: str) -> dict[str, Any]:
    run = run_cli("ledger", "report", "--db", db, "--format", "json", *WINDOW, *args)
    assert run.exit_code == 0, run.stderr
    result: dict[str, Any] = run.json()
    return result


LEAN: dict[str, Any] = {"input_tokens": 10_000, "output_tokens": 1000, "human_review_minutes": 0}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def test_totals_and_breakdown_by_team(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(3, "sre", "incident-triage", model="opus", **LEAN)
        + runs(1, "sre", "incident-triage", model="opus", task_outcome="failed", **LEAN)
        + runs(2, "growth", "release-notes", model="gpt-9", **LEAN)
        + runs(5, "growth", "release-notes", day=2, **LEAN),  # outside the window
    )
    doc = report(db)
    assert doc["window"] == {"since": "2026-06-06T00:00:00Z", "until": "2026-06-20T00:00:00Z"}
    sre, growth = doc["rows"]
    assert (sre["key"], sre["runs"], sre["resolved"], sre["failed"]) == ("sre", 4, 3, 1)
    assert sre["cost_usd"] == pytest.approx(4 * 0.075)
    assert sre["cost_per_resolved_usd"] == pytest.approx(4 * 0.075 / 3)
    assert sre["failure_rate"] == 0.25
    assert (growth["key"], growth["cost_usd"], growth["unpriced_runs"]) == ("growth", 0, 2)
    assert doc["total"]["runs"] == 6
    assert doc["total"]["input_tokens"] == 60_000


def test_breakdown_by_agent_model_and_day(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(2, "sre", "incident-triage", model="opus", day=7, **LEAN)
        + runs(1, "sre", "incident-triage", model="claude-opus-4-5-20251101", day=8, **LEAN)
        + runs(1, "support", "ticket-responder", model="haiku", day=8, **LEAN),
    )
    by_model = {r["key"]: r["runs"] for r in report(db, "--by", "model")["rows"]}
    assert by_model == {"claude-opus-4-5": 3, "claude-haiku-4-5": 1}
    by_agent = [r["key"] for r in report(db, "--by", "agent")["rows"]]
    assert by_agent == ["sre/incident-triage", "support/ticket-responder"]
    by_day = {r["key"]: r["runs"] for r in report(db, "--by", "day")["rows"]}
    assert by_day == {"2026-06-07": 2, "2026-06-08": 2}
    only = report(db, "--team", "support")
    assert [r["key"] for r in only["rows"]] == ["support"]


def test_top_cost_drivers(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(1, "billing-ops", "invoice-triage", cost_usd=30.0)
        + runs(1, "sre", "incident-triage", cost_usd=10.0),
    )
    drivers = report(db)["top_cost_drivers"]
    assert [(d["key"], d["share"]) for d in drivers] == [
        ("billing-ops/invoice-triage", 0.75),
        ("sre/incident-triage", 0.25),
    ]


def test_cheaper_tier_candidates(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(20, "sre", "incident-triage", model="opus", **LEAN)  # succeeds on premium
        + runs(20, "growth", "release-notes", model="opus", task_outcome="failed", **LEAN)
        + runs(20, "support", "ticket-responder", model="haiku", **LEAN),  # cheapest tier
    )
    [candidate] = report(db)["cheaper_tier_candidates"]
    assert candidate["team"] == "sre" and candidate["agent"] == "incident-triage"
    assert (candidate["model"], candidate["cheaper_model"]) == (
        "claude-opus-4-5",
        "claude-sonnet-4-5",
    )
    assert candidate["cost"] == pytest.approx(20 * 0.075)
    assert candidate["cheaper_cost"] == pytest.approx(20 * 0.045)
    assert candidate["monthly_saving"] == pytest.approx(20 * 0.03 * 30 / 14)


def test_review_time_hotspots(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(
            4, "support", "ticket-responder", model="haiku", **{**LEAN, "human_review_minutes": 10}
        )
        + runs(4, "sre", "incident-triage", model="opus", **{**LEAN, "human_review_minutes": 0.01}),
    )
    [hot] = report(db)["review_hotspots"]
    assert (hot["team"], hot["agent"]) == ("support", "ticket-responder")
    assert hot["review_cost"] == pytest.approx(40 / 60 * 90)  # review_hourly_usd in hub.yaml
    assert hot["cost"] == pytest.approx(4 * 0.015)


def test_quietly_failing_by_rate_and_by_trend(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(12, "growth", "release-notes", **LEAN)
        + runs(8, "growth", "release-notes", task_outcome="abandoned", **LEAN)
        # week before the last: 1 in 10 failed; last week: 3 in 10
        + runs(9, "sre", "incident-triage", day=10, **LEAN)
        + runs(1, "sre", "incident-triage", day=10, task_outcome="failed", **LEAN)
        + runs(7, "sre", "incident-triage", day=17, **LEAN)
        + runs(3, "sre", "incident-triage", day=17, task_outcome="failed", **LEAN)
        # steady and healthy
        + runs(20, "support", "ticket-responder", **LEAN),
    )
    failing = report(db)["quietly_failing"]
    assert [(f["team"], f["reason"]) for f in failing] == [
        ("growth", "40% of runs failed or were abandoned"),
        ("sre", "failures rising week over week: 10% → 30%"),
    ]


def budget(db: str, *args: str) -> tuple[int, dict[str, Any]]:
    run = run_cli("ledger", "budget", "--db", db, "--as-of", AS_OF, "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    return run.exit_code, {b["team"]: b for b in run.json()["budgets"]}


def test_budget_status_and_exit_code(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(1, "growth", "release-notes", day=3, cost_usd=310.0)  # over 300
        + runs(1, "billing-ops", "invoice-triage", day=5, cost_usd=600.0)  # 600/19*30 > 800
        + runs(1, "sre", "incident-triage", day=5, cost_usd=100.0)
        + runs(1, "sre", "incident-triage", day=5, model="gpt-9")
        + runs(1, "sre", "incident-triage", day=21, cost_usd=5000.0)  # after --as-of
        + runs(1, "ghosts", "boo", day=5, cost_usd=1.0)
        + [record(run_id="may", team="sre", ts="2026-05-31T23:59:59Z", cost_usd=9000.0)],
    )
    code, lines = budget(db)
    assert code == 1
    assert lines["growth"]["status"] == "over"
    assert lines["billing-ops"]["status"] == "projected-over"
    assert lines["billing-ops"]["projected"] == pytest.approx(600 / 19 * 30)
    assert (lines["sre"]["status"], lines["sre"]["spent"], lines["sre"]["unpriced"]) == (
        "ok",
        100.0,
        1,
    )
    assert lines["platform"]["spent"] == 0 and lines["platform"]["status"] == "ok"
    assert lines["ghosts"]["status"] == "no-budget"
    assert budget(db, "--team", "sre") == (0, {"sre": lines["sre"]})
    text = run_cli("ledger", "budget", "--db", db, "--as-of", AS_OF)
    assert "over budget or projected over: growth, billing-ops" in text.stdout
    assert report(db)["budgets"] == list(budget(db)[1].values())


def test_csv_and_text_formats(registry: Path, db: str) -> None:
    build(registry, db, runs(2, "sre", "incident-triage", model="opus", **LEAN))
    run = run_cli("ledger", "report", "--db", db, "--format", "csv", *WINDOW)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["key"], r["runs"]) for r in rows] == [("sre", "2"), ("total", "2")]
    text = run_cli("ledger", "report", "--db", db, *WINDOW).stdout
    for title in (
        "By team",
        "Top cost drivers",
        "Cheaper-tier candidates",
        "Review-time hotspots",
        "Quietly failing workloads",
        "Budget status",
    ):
        assert title in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "last week"), "--since: 'last week' is not a date"),
        (("--until", "2026-13-01"), "--until: '2026-13-01' is not a date"),
        (("--since", "2026-06-10", "--until", "2026-06-01"), "is not before --until"),
        (("--by", "week"), "Invalid value for '--by'"),
    ],
)
def test_bad_report_options(registry: Path, db: str, args: tuple[str, ...], message: str) -> None:
    run = run_cli("ledger", "report", "--db", db, *args)
    assert run.exit_code == 2
    assert message in run.stderr


def test_report_is_the_same_on_postgresql(registry: Path, ledger_db: str) -> None:
    records = (
        runs(20, "sre", "incident-triage", model="opus", **LEAN)
        + runs(5, "growth", "release-notes", task_outcome="failed", cost_usd=1.5)
        + runs(3, "support", "ticket-responder", model="gpt-9", day=9)
    )
    build(registry, ledger_db, records)
    for by in ("team", "agent", "model", "day"):
        doc = report(ledger_db, "--by", by)
        assert doc["total"]["runs"] == 28
        assert doc["total"]["unpriced_runs"] == 3
        assert doc["total"]["cost_usd"] == pytest.approx(20 * 0.075 + 7.5)
        assert len(doc["cheaper_tier_candidates"]) == 1
        assert [f["team"] for f in doc["quietly_failing"]] == []  # 5 runs: below min_runs


def test_daily_sums_match_the_runs_at_any_window(registry: Path, ledger_db: str) -> None:
    """Reports read daily sums kept at ingest, plus the runs of partial days at the edges:
    re-ingests, duplicates and conflicts must not skew them, whatever the window."""
    import random

    rng = random.Random(5)
    all_runs = [
        record(
            run_id=f"w{i}",
            team=rng.choice(["sre", "growth"]),
            model=rng.choice(["opus", "haiku", "gpt-9"]),
            task_outcome=rng.choice(["resolved", "failed"]),
            ts=f"2026-06-{rng.randint(3, 18):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:00Z",
        )
        for i in range(300)
    ]
    build(registry, ledger_db, all_runs[:200])
    again = jsonl(registry / "again.jsonl", [*all_runs[100:], all_runs[5]])  # dups and new
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(again)).exit_code == 0
    clash = jsonl(registry / "clash.jsonl", [{**all_runs[7], "output_tokens": 1}])
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(clash)).exit_code == 1
    rows = stored(ledger_db, "ts_ms, cost_usd, outcome")
    assert len(rows) == 300
    for since, until in [
        ("2026-06-06", "2026-06-19"),
        ("2026-06-06T13:30:00Z", "2026-06-12T07:15:00Z"),
        ("2026-06-08T01:00:00Z", "2026-06-08T20:00:00Z"),
    ]:
        run = run_cli(
            "ledger", "report", "--db", ledger_db, "--format", "json",
            "--since", since, "--until", until, "--as-of", AS_OF,
        )  # fmt: skip
        total = run.json()["total"]
        start = run.json()["window"]
        lo, hi = (_ms(start["since"]), _ms(start["until"]))
        inside = [r for r in rows if lo <= r["ts_ms"] < hi]
        assert total["runs"] == len(inside)
        assert total["failed"] == sum(r["outcome"] == "failed" for r in inside)
        assert total["unpriced_runs"] == sum(r["cost_usd"] is None for r in inside)
        assert total["cost_usd"] == pytest.approx(sum(r["cost_usd"] or 0 for r in inside))


def _ms(stamp: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


def test_an_empty_ledger_reports_zeros(registry: Path, db: str) -> None:
    doc = report(db)
    assert doc["rows"] == [] and doc["total"]["runs"] == 0
    assert doc["total"]["cost_per_resolved_usd"] is None
    text = run_cli("ledger", "report", "--db", db, *WINDOW)
    assert text.exit_code == 0 and "total" in text.stdout
    code, lines = budget(db)
    assert code == 0
    assert {b["status"] for b in lines.values()} == {"ok"}
    assert "every team within budget" in run_cli("ledger", "budget", "--db", db).stdout


def test_a_quietly_failing_agent_is_no_cheaper_tier_candidate(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        # 90% resolved on a premium tier, but failures rising: 0% the week before, 20% last week
        runs(10, "sre", "incident-triage", model="opus", day=10, **LEAN)
        + runs(8, "sre", "incident-triage", model="opus", day=17, **LEAN)
        + runs(2, "sre", "incident-triage", model="opus", day=17, task_outcome="failed", **LEAN),
    )
    doc = report(db)
    assert [(f["team"], f["agent"]) for f in doc["quietly_failing"]] == [("sre", "incident-triage")]
    assert doc["cheaper_tier_candidates"] == []


def test_agents_unknown_to_the_registry_are_listed(registry: Path, db: str) -> None:
    build(
        registry,
        db,
        runs(3, "sre", "ghost-agent", **LEAN) + runs(3, "sre", "incident-triage", **LEAN),
    )
    unknown = report(db)["not_in_registry"]
    assert [(f["team"], f["agent"], f["runs"]) for f in unknown] == [("sre", "ghost-agent", 3)]
    text = run_cli("ledger", "report", "--db", db, *WINDOW).stdout
    assert "Agents not in the registry" in text and "sre/ghost-agent" in text


def test_empty_sections_say_so_and_small_amounts_show(registry: Path, db: str) -> None:
    tiny = {"input_tokens": 100, "output_tokens": 10, "human_review_minutes": 0}
    build(registry, db, runs(1, "support", "ticket-responder", model="haiku", **tiny))
    text = run_cli("ledger", "report", "--db", db, *WINDOW).stdout
    assert "Cheaper-tier candidates: none" in text
    assert "Quietly failing workloads: none" in text
    cost = report(db)["total"]["cost_usd"]
    assert 0 < cost < 0.01
    assert f"│ ${cost:.2g} │" in text  # not $0.00


@pytest.mark.parametrize("output", ["text", "json", "csv"])
def test_a_report_from_sqlite_imports_no_sqlalchemy(registry: Path, db: str, output: str) -> None:
    """The report reads a SQLite ledger with the standard library's driver: no renderer may pull
    in the SQL store that ingest writes with (a third of the report's start-up)."""
    build(registry, db, runs(3, "sre", "incident-triage", **LEAN))
    args = ["ledger", "report", "--db", db, "--format", output, *WINDOW]
    done = imports_of(args, ("sqlalchemy",), registry)
    assert done.exit_code == 0 and "sre" in done.stdout
    assert done.loaded == []


def test_a_report_from_postgresql_imports_no_sqlalchemy_and_matches(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PostgreSQL ledger at this schema is read with psycopg alone, with the same report as
    through the store."""
    if not ledger_db.startswith("postgresql"):
        pytest.skip("the PostgreSQL reader")
    build(registry, ledger_db, runs(3, "sre", "incident-triage", **LEAN))
    args = ["ledger", "report", "--db", ledger_db, "--format", "json", *WINDOW]
    done = imports_of(args, ("sqlalchemy",), registry)
    assert done.exit_code == 0 and done.loaded == []
    monkeypatch.setattr("hubrails.store.reader.quick_reader", lambda _url: None)
    assert json.loads(done.stdout) == report(ledger_db)  # read through the store
