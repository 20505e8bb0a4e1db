"""Evidence rows: from ``hub.*`` labels of ingested runs, exactly once, on both stores; and
the schema 3 to 4 migration, in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from hubrails.store import normalise_url
from hubrails.store.evidence_data import label_counts, mcp_parts, rows_of
from tests.helpers import jsonl, record, run_cli, stored


def _labelled(n: int, **labels: str) -> dict[str, object]:
    return record(run_id=f"run-{n}", team="sre", agent="triage", labels=labels)


def test_label_counts_and_mcp_parts() -> None:
    counts = label_counts(
        {"hub.tools": "Bash=3, mcp__github__create_issue=1,bad=x,,Read", "hub.denied": "Bash=2"}
    )
    assert counts == {
        ("tool", "Bash"): 3,
        ("tool", "mcp__github__create_issue"): 1,
        ("tool", "Read"): 1,
        ("denied", "Bash"): 2,
    }
    assert mcp_parts("mcp__github__create_issue") == ("github", "create_issue")
    assert mcp_parts("mcp__github") is None and mcp_parts("Bash") is None
    found = rows_of("sre", "triage", "r1", 5, {("tool", "mcp__gh__x"): 2})
    assert [(r[2], r[3], r[5]) for r in found] == [
        ("mcp_action", "gh/x", 2),
        ("mcp_server", "gh", 2),
        ("tool", "mcp__gh__x", 2),
    ]


@pytest.mark.parametrize("parallel", [False, True])
def test_ingested_labels_become_evidence_once(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """In the main process and through parser processes (whose SQLite batches come packed)."""
    if parallel:
        from hubrails.core.ledger import ingest

        monkeypatch.setattr(ingest, "PARALLEL_BYTES", 1)
    runs = [
        _labelled(1, **{"hub.tools": "mcp__jira__create=2,Bash=1", "hub.denied": "mcp__x__y=1"}),
        _labelled(2, **{"hub.gated": "mcp__jira__delete=1", "other": "1"}),
        record(run_id="run-3", team="sre", agent="triage"),  # no labels: no evidence
    ]
    path = jsonl(registry / "runs.jsonl", runs)
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code == 0
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code == 0  # again
    assert len(stored(ledger_db, "run_key")) == 3
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT kind, subject, run_key, calls FROM ledger_evidence ORDER BY 3, 1, 2")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in found] == [
        ("denied", "mcp__x__y", "run-1", 1),
        ("mcp_action", "jira/create", "run-1", 2),
        ("mcp_server", "jira", "run-1", 2),
        ("tool", "Bash", "run-1", 1),
        ("tool", "mcp__jira__create", "run-1", 2),
        ("gated", "mcp__jira__delete", "run-2", 1),
    ]


def test_a_run_in_conflict_keeps_the_stored_evidence(registry: Path, ledger_db: str) -> None:
    first = jsonl(registry / "a.jsonl", [_labelled(1, **{"hub.tools": "Read=1"})])
    other = jsonl(registry / "b.jsonl", [_labelled(1, **{"hub.tools": "mcp__evil__x=1"})])
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(first)).exit_code == 0
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(other)).exit_code == 1  # conflict
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    with engine.connect() as conn:
        subjects = conn.execute(text("SELECT subject FROM ledger_evidence")).scalars().all()
    engine.dispose()
    assert subjects == ["Read"]


def test_schema_3_ledger_is_migrated_in_place(registry: Path, ledger_db: str) -> None:
    from hubrails.store.sql import SCHEMA_VERSION, open_store

    path = jsonl(registry / "a.jsonl", [record(run_id="kept")])
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code == 0
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    with engine.begin() as conn:  # back to schema 3: no evidence, open events without detail
        conn.execute(text("DROP TABLE ledger_evidence"))
        conn.execute(text("DROP TABLE ledger_open_events"))
        conn.execute(
            text(
                "CREATE TABLE ledger_open_events (event_key TEXT PRIMARY KEY, run_key TEXT NOT "
                "NULL, session_id TEXT NOT NULL, kind VARCHAR(32) NOT NULL, team TEXT, agent "
                "TEXT, model TEXT, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, "
                "cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, cost_usd "
                "FLOAT NOT NULL, ts_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL)"
            )
        )
        conn.execute(text("CREATE INDEX ledger_open_events_run ON ledger_open_events (run_key)"))
        conn.execute(
            text(
                "INSERT INTO ledger_open_events VALUES "
                "('e1', 'r1', 's1', 'api_request', 'sre', 'a', 'm', 1, 2, 3, 4, 0.5, 10, 20)"
            )
        )
        conn.execute(text("DELETE FROM hub_schema_version"))
        conn.execute(text("INSERT INTO hub_schema_version VALUES (3, 0)"))
    engine.dispose()
    url = normalise_url(ledger_db, Path.cwd())
    open_store(url).close()
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM hub_schema_version")).scalars().all()
        event = conn.execute(text("SELECT * FROM ledger_open_events")).one()
        tables = inspect(conn).get_table_names()
        columns = [c["name"] for c in inspect(conn).get_columns("ledger_open_events")]
        indexes = [i["name"] for i in inspect(conn).get_indexes("ledger_open_events")]
    engine.dispose()
    assert sorted(versions) == [3, SCHEMA_VERSION] and SCHEMA_VERSION == 4
    assert columns[-2:] == ["detail", "received_ms"]
    assert tuple(event) == ("e1", "r1", "s1", "api_request", "sre", "a", "m", 1, 2, 3, 4, 0.5,
                            10, None, 20)  # fmt: skip
    assert "ledger_evidence" in tables and "hub_open_events_v3" not in tables
    assert indexes == ["ledger_open_events_run"]
    assert len(stored(ledger_db, "run_key")) == 1
    open_store(url).close()  # at schema 4: nothing more to do
