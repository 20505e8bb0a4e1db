"""The guard's denials and gates, and the transcript's tools, reach the ledger's evidence:
``hub guard pre-tool-use`` notes them, ``session-end`` labels the run, ingest stores them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.cli.test_guard_session_end import SESSION, _end, _event, project, transcripts
from tests.helpers import run_cli
from tests.runtime_helpers import hub_process, payload

__all__ = ["project"]  # the fixture


def _pre(project: Path, tool: str, call: str) -> None:
    done = hub_process(["guard", "pre-tool-use"], payload(tool, call, SESSION),
                       {"CLAUDE_PROJECT_DIR": str(project)})  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_denied_and_gated_calls_become_evidence(project: Path, tmp_path: Path) -> None:
    _pre(project, "mcp__pastebin-share__share", "t1")  # denied server
    _pre(project, "mcp__pastebin-share__share", "t2")
    _pre(project, "mcp__stripe-refunds__create_refund", "t3")  # gated: a person is asked
    _pre(project, "mcp__stripe-refunds__list_invoices", "t4")  # allowed: not noted
    done = _end(project, _event(transcripts(tmp_path / "claude")))
    assert done.returncode == 0, done.stderr
    [line] = (project / ".claude" / "hub-runs.jsonl").read_text().splitlines()
    labels = json.loads(line)["labels"]
    assert labels["hub.tools"] == "Read=1,mcp__jira__get_issue=1"
    assert labels["hub.denied"] == "mcp__pastebin-share__share=2"
    assert labels["hub.gated"] == "mcp__stripe-refunds__create_refund=1"
    db = tmp_path / "l.db"
    ingest = run_cli("ledger", "ingest", str(project / ".claude" / "hub-runs.jsonl"),
                     "--db", f"sqlite:///{db}")  # fmt: skip
    assert ingest.exit_code == 0, ingest.stderr
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, subject, calls FROM ledger_evidence ORDER BY kind, subject")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("denied", "mcp__pastebin-share__share", 2),
        ("gated", "mcp__stripe-refunds__create_refund", 1),
        ("mcp_action", "jira/get_issue", 1),
        ("mcp_server", "jira", 1),
        ("tool", "Read", 1),
        ("tool", "mcp__jira__get_issue", 1),
    ]
