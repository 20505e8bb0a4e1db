"""``hub certify --verify --evidence``: a certificate the ledger's evidence contradicts fails,
naming the runs; ``certify.evidence: true`` makes it the default; ``hub certify AGENT`` shows
the agent's recent evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import edit, jsonl, record, run_cli


def _ts(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def certified(registry: Path) -> Path:
    done = run_cli("certify", "--all", "--write")
    assert done.exit_code == 0, done.stderr
    return registry


def _ingest(root: Path, tools: str, n: int = 0, days_ago: float = 1) -> None:
    runs = [record(run_id=f"run-{n}-{k}", ts=_ts(days_ago), labels={"hub.tools": tools})
            for k in range(2)]  # fmt: skip
    done = run_cli("ledger", "ingest", str(jsonl(root / f"runs-{n}.jsonl", runs)))
    assert done.exit_code == 0, done.stderr


def test_undeclared_use_fails_the_certificate_naming_the_runs(certified: Path) -> None:
    _ingest(certified, "mcp__stripe-refunds__list_invoices=3,Read=1")  # all declared
    assert run_cli("certify", "--verify", "--evidence").exit_code == 0
    _ingest(certified, "mcp__github__create_issue=1,mcp__jira__delete_issue=1", 1)
    assert run_cli("certify", "--verify").exit_code == 0  # evidence not asked for
    done = run_cli("certify", "--verify", "--evidence")
    assert done.exit_code == 1
    assert "certificates/billing-ops/invoice-triage.json" in done.stdout
    assert "MCP server 'github' is not in the agent's spec.tools: used in run(s) run-1-0, " \
           "run-1-1" in done.stdout  # fmt: skip
    assert "action 'delete_issue' of 'jira'" in done.stdout
    json_doc = run_cli("certify", "--verify", "--evidence", "--format", "json").json()
    assert "contradicted" in str(json_doc)


def test_old_evidence_and_unvetted_tools(certified: Path) -> None:
    _ingest(certified, "mcp__github__create_issue=1", 2, days_ago=45)  # before the window
    assert run_cli("certify", "--verify", "--evidence").exit_code == 0
    agent = certified / "registry/spokes/billing-ops/agents/invoice-triage.yaml"
    edit(agent, "    - name: jira\n", '    - name: legacy-wiki\n      version: "^1.0.0"\n'
         "      actions:\n        - search\n    - name: jira\n")  # fmt: skip
    run_cli("certify", "invoice-triage", "--write")  # (fails: a deprecated tool)
    _ingest(certified, "mcp__legacy-wiki__search=1", 3)
    done = run_cli("certify", "--verify", "--evidence")
    assert done.exit_code == 1
    assert "tool 'legacy-wiki' has catalog status deprecated: used in run(s) run-3-0" in (
        done.stdout
    )


def test_the_policy_switch_makes_it_the_default(certified: Path) -> None:
    _ingest(certified, "mcp__github__create_issue=1", 4)
    assert run_cli("certify", "--verify").exit_code == 0
    with (certified / "hub.yaml").open("a") as f:
        f.write("certify:\n  evidence: true\n")
    done = run_cli("certify", "--verify")
    assert done.exit_code == 1 and "run-4-0" in done.stdout


def test_certify_agent_shows_its_evidence(certified: Path) -> None:
    assert "evidence" not in run_cli("certify", "invoice-triage").stdout  # no ledger yet
    _ingest(certified, "mcp__stripe-refunds__list_invoices=3", 5)
    out = run_cli("certify", "invoice-triage").stdout
    assert "evidence (billing-ops/invoice-triage, from the ledger):" in out
    assert "mcp_server stripe-refunds: 6 call(s) in 2 run(s)" in out
    assert "run-5-0 … run-5-1" in out


def test_bad_uses_of_evidence(certified: Path) -> None:
    done = run_cli("certify", "--all", "--evidence")
    assert done.exit_code == 2 and "--evidence goes with --verify" in done.stderr
    done = run_cli("certify", "--verify", "--evidence")
    assert done.exit_code == 2 and "--evidence: no ledger at" in done.stderr
    with (certified / "hub.yaml").open("a") as f:
        f.write("certify:\n  evidence: maybe\n")
    done = run_cli("certify", "--verify")
    assert done.exit_code == 2 and "certify.evidence" in done.stderr
