"""``hub ledger ingest`` of OTLP logs and metrics files (the Collector's file exporter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import jsonl, run_cli, stored
from tests.otlp_json import api_request, event, logs, metrics, point


def test_claude_code_logs_file_becomes_runs(registry: Path, ledger_db: str) -> None:
    lines = [
        logs(api_request("s1", "p1", 1), event("tool_result", "s1", "p1", 2, tool_name="Bash")),
        logs(api_request("s1", "p1", 3), api_request("s1", "p2", 4)),  # p1 spans two lines
        logs(api_request("s1", "p1", 3)),  # a resend: counted once
    ]
    path = jsonl(registry / "logs.jsonl", lines)
    run = run_cli("ledger", "ingest", "--db", ledger_db, str(path))
    assert run.exit_code == 0, run.stderr
    rows = {r["run_key"]: r for r in stored(ledger_db)}
    assert set(rows) == {"claude-code:s1:p1", "claude-code:s1:p2"}
    p1 = rows["claude-code:s1:p1"]
    assert (p1["input_tokens"], p1["cache_read_tokens"], p1["tool_calls"]) == (200, 2000, 1)
    assert (p1["cost_usd"], p1["cost_source"]) == (pytest.approx(0.02), "record")
    again = run_cli("ledger", "ingest", "--db", ledger_db, str(path))
    assert "2 already stored" in again.stdout


def test_metrics_count_only_for_sessions_without_log_events(registry: Path, ledger_db: str) -> None:
    tokens = [point(s, 10, 60, type="input") for s in ("s1", "m1")]
    lines = [
        logs(api_request("s1", "p1", 1)),
        metrics([point("s1", 0.5, 60), point("m1", 0.25, 60)], tokens),
    ]
    path = jsonl(registry / "mixed.jsonl", lines)
    run = run_cli("ledger", "ingest", "--db", ledger_db, str(path))
    assert run.exit_code == 0, run.stderr
    rows = {r["run_key"].split(":metrics:")[0]: r for r in stored(ledger_db)}
    assert set(rows) == {"claude-code:s1:p1", "claude-code:m1"}
    assert rows["claude-code:s1:p1"]["cost_usd"] == pytest.approx(0.01)  # not 0.51
    assert rows["claude-code:m1"]["cost_usd"] == pytest.approx(0.25)


def test_a_run_without_a_team_is_reported(registry: Path, ledger_db: str) -> None:
    path = jsonl(registry / "logs.jsonl", [logs(api_request("s1", "p1", 1), team=None)])
    run = run_cli("ledger", "ingest", "--db", ledger_db, str(path))
    assert run.exit_code == 1
    assert "claude-code:s1:p1 team" in run.stderr
