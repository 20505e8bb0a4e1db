"""The ledger-records check reads the real ledger store that ``hub ledger ingest`` fills."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers import SEED, imports_of, run_cli, write


def ledger_check(agent: str) -> dict[str, object]:
    run = run_cli("certify", agent, "--format", "json")
    checks = run.json()["agents"][0]["checks"]
    found: dict[str, object] = next(c for c in checks if c["id"] == "ledger-records")
    return found


def ingest(registry: Path, days_ago: int) -> None:
    ts = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {**SEED, "ts": ts}
    write(registry, {f"runs-{days_ago}.jsonl": json.dumps(record) + "\n"})
    assert run_cli("ledger", "ingest", f"runs-{days_ago}.jsonl").exit_code == 0


def test_no_ledger_yet_is_a_skip_that_creates_nothing(registry: Path) -> None:
    check = ledger_check("invoice-triage")
    assert check["status"] == "skip"
    assert "has no records yet ('hub ledger ingest' creates it)" in str(check), check
    assert "not reachable" not in str(check)
    assert not (registry / ".hub" / "ledger.db").exists()


def test_recent_records_pass_and_stale_ones_warn(registry: Path) -> None:
    ingest(registry, days_ago=200)
    stale = ledger_check("invoice-triage")
    assert stale["status"] == "warn", stale  # an advisory check: it warns
    ingest(registry, days_ago=1)
    assert ledger_check("invoice-triage")["status"] == "pass"
    assert ledger_check("incident-triage")["status"] == "warn"


def test_asking_a_missing_ledger_imports_no_database_driver(registry: Path) -> None:
    assert imports_of(["certify", "invoice-triage"], ("sqlalchemy",), registry).loaded == []


def test_an_absurd_window_counts_every_record(registry: Path) -> None:
    from tests.helpers import edit

    ingest(registry, days_ago=200)
    baseline = registry / "registry/guardrails/baseline.yaml"
    edit(baseline, "ledger_window_days: 30", "ledger_window_days: 999999999999999")
    assert ledger_check("invoice-triage")["status"] == "pass"


def test_one_agent_without_a_ledger_imports_no_signing_verification_or_review(
    registry: Path,
) -> None:
    """``hub certify AGENT`` (target 0.4 s) imports what it runs: no securesystemslib or key
    handling, no ``--verify`` comparison, and no review rules when there is no ledger to show
    evidence from."""
    heavy = (
        "securesystemslib",
        "cryptography",
        "hubrails.core.signing",
        "hubrails.core.certify.signatures",
        "hubrails.core.certify.verify",
        "hubrails.core.review.verify",
    )
    assert imports_of(["certify", "invoice-triage"], heavy, registry).loaded == []
