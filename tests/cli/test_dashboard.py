"""``hub dashboard``: one page whose numbers are the JSON report's, user data escaped, the
governance of the registry, bad input refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard_page import WINDOW, seed, tables
from tests.gitrepo import commit_all, git, init_repo
from tests.helpers import jsonl, record, run_cli, write


@pytest.fixture
def db(registry: Path) -> str:
    url = f"sqlite:///{registry / '.hub' / 'ledger.db'}"
    seed(registry, url)
    return url


def page(db: str, *args: str) -> str:
    run = run_cli("dashboard", "--db", db, "--out", "-", *WINDOW, *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def report(db: str, *args: str) -> dict[str, Any]:
    run = run_cli("ledger", "report", "--db", db, "--format", "json", *WINDOW, *args)
    assert run.exit_code == 0, run.stderr
    result: dict[str, Any] = run.json()
    return result


def values(row: list[tuple[str, str | None]]) -> list[float | None]:
    return [float(v) if v else None for _, v in row[1:]]


def test_the_numbers_are_those_of_the_json_report(registry: Path, db: str) -> None:
    doc, found = report(db), tables(page(db))
    teams = found.tables["team-table"]
    assert [row[0][0] for row in teams] == [r["key"] for r in doc["rows"]]
    for row, r in zip(teams, doc["rows"], strict=True):
        keys = (
            *("runs", "cost_usd", "cost_per_resolved_usd", "failure_rate", "review_minutes"),
            *("review_cost_usd", "share", "unpriced_runs"),
        )
        assert values(row) == pytest.approx([r[k] for k in keys], abs=1e-6), r["key"]
    drivers = found.tables["drivers-table"]
    assert [row[0][0] for row in drivers] == [r["key"] for r in doc["top_cost_drivers"]]
    assert [values(row)[1] for row in drivers] == pytest.approx(
        [r["cost_usd"] for r in doc["top_cost_drivers"]], abs=1e-6
    )
    budgets = found.tables["budget-table"]
    assert [(row[0][0], row[-1][0]) for row in budgets] == [
        (b["team"], b["status"]) for b in doc["budgets"]
    ]
    assert [values(row)[1:3] for row in budgets] == [
        pytest.approx([b["spent"], b["projected"]], abs=1e-6) for b in doc["budgets"]
    ]
    tier = found.tables["tier-table"]
    assert [row[0][0] for row in tier] == [
        f"{c['team']}/{c['agent']}" for c in doc["cheaper_tier_candidates"]
    ]
    assert [float(row[-1][1] or 0) for row in tier] == pytest.approx(
        [c["monthly_saving"] for c in doc["cheaper_tier_candidates"]], abs=1e-6
    )
    assert [row[0][0] for row in found.tables["failing-table"]] == [
        f"{f['team']}/{f['agent']}" for f in doc["quietly_failing"]
    ]
    assert [row[0][0] for row in found.tables["hotspot-table"]] == [
        f"{f['team']}/{f['agent']}" for f in doc["review_hotspots"]
    ]
    # The seed is shaped so that every section lists something.
    assert doc["quietly_failing"] and doc["review_hotspots"] and doc["cheaper_tier_candidates"]


def test_daily_series_add_up_to_the_report(registry: Path, db: str) -> None:
    doc, found = report(db), tables(page(db))
    days = found.tables["spend-table"]
    assert len(days) == 30  # 2026-05-21 to 2026-06-19, both included
    assert sum(float(row[-1][1] or 0) for row in days) == pytest.approx(
        doc["total"]["cost_usd"], abs=1e-4
    )
    agents = found.tables["agent-table"]
    by_agent = report(db, "--by", "agent")
    assert sorted((row[0][0], float(row[1][1] or 0)) for row in agents) == sorted(
        (r["key"], r["runs"]) for r in by_agent["rows"]
    )


def test_one_team(registry: Path, db: str) -> None:
    found = tables(page(db, "--team", "sre"))
    assert [row[0][0] for row in found.tables["team-table"]] == ["sre"]
    assert {row[0][0].split("/")[0] for row in found.tables["agent-table"]} == {"sre"}
    assert [row[0][0] for row in found.tables["cert-table"]] == ["sre/incident-triage"]


def test_user_data_is_escaped(registry: Path, db: str) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    runs = [
        record(run_id=f"evil-{i}", team=evil, agent=f"a&b<{i}>", ts="2026-06-10T10:00:00Z")
        for i in range(3)
    ]
    path = jsonl(registry / "evil.jsonl", runs)
    assert run_cli("ledger", "ingest", "--db", db, str(path)).exit_code == 0
    html = page(db)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own sorting script
    found = tables(html)
    assert evil in [row[0][0] for row in found.tables["team-table"]]


def test_governance_certificates_waivers_tools_and_promotions(
    registry: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        registry,
        {
            "registry/waivers/old.yaml": (
                "apiVersion: hubrails/v1\nkind: Waiver\nmetadata:\n  name: old-logs\n"
                '  team: platform\n  version: "1.0.0"\n  description: Short logs for now.\n'
                "spec:\n  agent: incident-triage\n  check: logging\n"
                "  reason: <b>moved</b> to the new cluster\n"
                '  granted_by: "@carol.diaz"\n  expires: "2020-01-31"\n'
            )
        },
    )
    init_repo(registry)
    assert run_cli("certify", "incident-triage", "--write").exit_code == 0
    for when, skill in (("2026-06-10T12:00:00Z", "runbook-lookup"), ("2026-04-01T12:00:00Z", "x")):
        monkeypatch.setenv("GIT_COMMITTER_DATE", when)
        commit_all(
            registry,
            f"feat(skills): promote sre/{skill} to the hub library\n\n"
            "Source-Repository: ../sre\nSource-Version: 1.2.0\nPromoted-by: hubrails 0.1.0",
        )
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-06-11T12:00:00Z")
    commit_all(registry, "docs: not a promotion\n\nPromoted-by: someone else")
    found = tables(page(db))
    certs = {row[0][0]: (row[2][0], row[-2][0]) for row in found.tables["cert-table"]}
    assert certs["sre/incident-triage"] == ("pass", "valid"), found.tables["cert-table"]
    assert certs["billing-ops/invoice-triage"] == ("pass", "missing")  # production, none written
    assert certs["growth/release-notes"][1] == "none"  # experimental: no certificate needed
    waivers = found.tables["waiver-table"]
    assert [(r[0][0], r[1][0], r[2][0], r[3][0]) for r in waivers] == [
        ("incident-triage", "logging", "2020-01-31", "expired")
    ]
    assert waivers[0][-1][0] == "<b>moved</b> to the new cluster"  # text, not markup
    tools = {row[0][0]: (row[2][0], row[3][0]) for row in found.tables["tool-table"]}
    assert tools["github"] == ("vetted", "medium")
    promotions = found.tables["promotion-table"]
    assert [row[1][0] for row in promotions] == [
        "feat(skills): promote sre/runbook-lookup to the hub library"
    ]
    assert promotions[0][2][0] == "1.2.0"
    assert git(registry, "status", "--porcelain") == ""  # the page went to stdout


def test_writes_the_default_file_atomically(registry: Path, db: str) -> None:
    run = run_cli("dashboard", "--db", db, *WINDOW)
    assert run.exit_code == 0, run.stderr
    target = registry / ".hub" / "dashboard.html"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote" in run.stderr
    assert [p.name for p in target.parent.glob(".dashboard.html-*")] == []
    out = registry / "site" / "index.html"
    assert run_cli("dashboard", "--db", db, "--out", str(out), *WINDOW).exit_code == 0
    assert out.is_file()


def test_an_empty_ledger_still_makes_a_page(registry: Path) -> None:
    html = page(f"sqlite:///{registry / 'empty.db'}")
    found = tables(html)
    assert found.tables["team-table"] == []
    assert {"spend", "outcomes", "review", "cheaper-tier", "governance"} <= found.ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "--since: 'yesterday' is not a date"),
        (("--since", "2026-06-10", "--until", "2026-06-01"), "is not before --until"),
        (("--as-of", "soon"), "--as-of: 'soon'"),
    ],
)
def test_bad_input_is_refused(registry: Path, args: tuple[str, ...], message: str) -> None:
    run = run_cli("dashboard", "--out", "-", *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_an_output_that_cannot_be_written(registry: Path, db: str) -> None:
    (registry / "taken").write_text("a file, not a folder", encoding="utf-8")
    run = run_cli("dashboard", "--db", db, "--out", str(registry / "taken" / "page.html"))
    assert run.exit_code == 2
    assert "cannot write" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_same_numbers_from_postgresql_and_sqlite(registry: Path, ledger_db: str) -> None:
    seed(registry, ledger_db)
    doc, found = report(ledger_db), tables(page(ledger_db))
    teams = found.tables["team-table"]
    assert [row[0][0] for row in teams] == [r["key"] for r in doc["rows"]]
    assert [values(row)[:2] for row in teams] == [
        pytest.approx([r["runs"], r["cost_usd"]], abs=1e-6) for r in doc["rows"]
    ]
    days = found.tables["spend-table"]
    assert sum(float(row[-1][1] or 0) for row in days) == pytest.approx(
        doc["total"]["cost_usd"], abs=1e-4
    )


def test_without_the_dashboard_extra_it_says_so(
    registry: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain ``pip install hubrails`` has no Jinja2: a clear error and the extra to install,
    before any work (not an internal error when the page is rendered)."""
    import sys

    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 -> ImportError
    run = run_cli("dashboard", "--db", db, *WINDOW)
    assert run.exit_code == 2, run.stderr
    assert "needs the dashboard extra" in run.stderr
    assert "hubrails[dashboard]" in run.stderr
    assert not (registry / ".hub" / "dashboard.html").exists()
