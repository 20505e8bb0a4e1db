"""``hub review`` over seeded ledgers: each condition makes its item with evidence, on SQLite
and PostgreSQL; the formats; bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_sarif_github import validator
from tests.cli.test_waivers import waiver
from tests.helpers import edit, jsonl, record, run_cli, write

AS_OF = datetime(2026, 6, 20, 12, tzinfo=UTC)
RELEASE = "registry/spokes/growth/agents/release-notes.yaml"


def _ts(days_ago: float) -> str:
    return (AS_OF - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(n: int, team: str, agent: str, days_ago: float, **more: Any) -> dict[str, Any]:
    return record(run_id=f"{agent}-{n}", team=team, agent=agent, ts=_ts(days_ago), **more)


def seeded() -> list[dict[str, Any]]:
    """Runs that meet every condition of the review, each in one agent."""
    runs = [  # undeclared, unknown and unvetted use; the team's budget blown
        _run(0, "billing-ops", "invoice-triage", 1, cost_usd=900.0, labels={
            "hub.tools": "mcp__github__create_issue=2,mcp__jira__delete_issue=1,"
                         "mcp__mystery__x=1,Read=4"}),
        _run(1, "growth", "release-notes", 2, labels={
            "hub.tools": "mcp__filesystem-write__read_text_file=1"}),
    ]  # fmt: skip
    for n in range(20):  # quietly failing, and denied again and again
        runs.append(_run(10 + n, "sre", "incident-triage", 1 + n / 10,
                         task_outcome="failed" if n % 2 else "resolved",
                         labels={"hub.denied": "mcp__pastebin-share__share=1"}))  # fmt: skip
    for day in range(35):  # cost: $0.10 a run for 28 days, then $1
        for k in range(2):
            price = 1.0 if day < 7 else 0.10 + 0.01 * (day % 3)
            runs.append(_run(100 + 2 * day + k, "growth", "release-notes", day + 0.1 + k / 10,
                             cost_usd=price))  # fmt: skip
    return runs


@pytest.fixture
def ledger(registry: Path, ledger_db: str) -> str:
    assert run_cli("certify", "--all", "--write").exit_code == 0  # then edits make it stale
    edit(registry / RELEASE, "    - name: slack\n",
         '    - name: filesystem-write\n      version: "^0.1.0"\n      actions:\n'
         "        - read_text_file\n    - name: slack\n")  # fmt: skip
    write(registry, {"registry/waivers/short-logs.yaml": waiver("2026-06-25")})
    path = jsonl(registry / "runs.jsonl", seeded())
    ingest = run_cli("ledger", "ingest", "--db", ledger_db, str(path))
    assert ingest.exit_code == 0, ingest.stderr
    return ledger_db


def review(db: str, *args: str) -> tuple[int, Any]:
    done = run_cli("review", "--db", db, "--as-of", AS_OF.isoformat(), *args)
    structured = "json" in args or "sarif" in args
    return done.exit_code, done.json() if structured else done.stdout


def test_every_condition_makes_its_item(ledger: str) -> None:
    code, doc = review(ledger, "--format", "json")
    assert code == 1 and doc["errors"] == 4 and doc["agents"] == 4
    found = {(i["team"], i["agent"]): {r["code"]: r for r in i["reasons"]} for i in doc["items"]}
    assert set(found[("billing-ops", "invoice-triage")]) == {
        "undeclared-mcp-server", "undeclared-mcp-action", "unknown-mcp-server",
    }  # fmt: skip
    undeclared = found[("billing-ops", "invoice-triage")]["undeclared-mcp-server"]
    assert undeclared["severity"] == "error" and "'github'" in undeclared["message"]
    assert "(runs invoice-triage-0)" in undeclared["evidence"][0]
    assert "spec.tools of registry/spokes/billing-ops" in undeclared["action"]
    assert set(found[("growth", "release-notes")]) == {
        "unvetted-tool", "cost-per-day", "cost-per-run",
    }  # fmt: skip
    per_run = found[("growth", "release-notes")]["cost-per-run"]
    assert "median $0.1100, MAD $0.0100" in per_run["evidence"][0]
    assert set(found[("sre", "incident-triage")]) == {
        "quietly-failing", "guard-denials", "waiver-expiring",
    }  # fmt: skip
    assert "20 tool calls denied" in found[("sre", "incident-triage")]["guard-denials"]["message"]
    assert "in 5 days" in found[("sre", "incident-triage")]["waiver-expiring"]["message"]
    assert set(found[("support", "ticket-responder")]) == {"certified-silent"}
    assert found[("support", "ticket-responder")]["certified-silent"]["evidence"] == ["never seen"]
    budget = found[("billing-ops", None)]["over-budget"]
    assert budget["severity"] == "error" and "invoice-triage: $900.00" in budget["evidence"][0]
    assert [i["severity"] for i in doc["items"]] == ["error"] * 4 + ["warning"]


def test_text_github_and_sarif(ledger: str) -> None:
    code, text = review(ledger)
    assert code == 1
    assert "ERROR billing-ops/invoice-triage registry/spokes/billing-ops" in text
    assert "    action: " in text and "5 item(s) need a person, 4 with an error" in text
    code, github = review(ledger, "--format", "github")
    assert code == 1
    lines = github.splitlines()
    assert any(line.startswith("::error file=registry/spokes/sre/agents/incident-triage.yaml,"
                               "line=1,title=quietly-failing::") for line in lines)  # fmt: skip
    assert lines[-1] == "hub review: 5 item(s), 4 with an error"
    code, log = review(ledger, "--format", "sarif")
    validator().validate(log)  # the OASIS schema, format checking on
    results = log["runs"][0]["results"]
    assert len(results) == 11 and {r["level"] for r in results} == {"error", "warning"}


def test_nothing_to_review_exits_0(registry: Path, ledger_db: str) -> None:
    code, text = review(ledger_db)
    assert code == 0 and "nothing needs a person" in text


def test_a_bad_window_is_a_usage_error(registry: Path) -> None:
    done = run_cli("review", "--since", "yesterday")
    assert done.exit_code == 2 and "--since: 'yesterday' is not a date" in done.stderr
    assert "Traceback" not in done.stderr


def test_rising_failures_and_a_projected_overrun_warn(registry: Path, ledger_db: str) -> None:
    runs = [
        _run(n, "sre", "incident-triage", 7.5 + n / 4, task_outcome="resolved") for n in range(20)
    ]  # the week before: no failure
    runs += [
        _run(
            100 + n,
            "sre",
            "incident-triage",
            0.5 + n / 4,
            task_outcome="failed" if n < 4 else "resolved",
        )
        for n in range(20)
    ]
    runs.append(_run(200, "growth", "release-notes", 3, cost_usd=250.0))  # of $300, on the 17th
    path = jsonl(registry / "runs.jsonl", runs)  # fmt: skip
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code == 0
    code, doc = review(ledger_db, "--format", "json")
    assert code == 0 and doc["errors"] == 0  # warnings only
    found = {(i["team"], i["agent"]): [r["code"] for r in i["reasons"]] for i in doc["items"]}
    assert found == {
        ("sre", "incident-triage"): ["failures-rising"],
        ("growth", None): ["projected-over-budget"],
    }
