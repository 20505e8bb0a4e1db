"""The ledger's schema: created once, versioned, a newer one refused, and the schema 1 to 2
and 2 to 3 steps (3 to 4 is in test_evidence), on SQLite and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from hubrails.errors import HubError
from hubrails.store import normalise_url
from hubrails.store.reader import SUMS
from hubrails.store.schema import ensure_schema
from hubrails.store.sql import SCHEMA_VERSION, Store, metadata, open_store, schema_version
from tests.ledger_rows import opened_at_once

DAY_ROW = {"team": "sre", "agent": "triage", "model": "m", "day": 10,
           **{name: i + 1 for i, name in enumerate(SUMS)}}  # fmt: skip


@pytest.fixture
def store(ledger_db: str, tmp_path: Path) -> Iterator[Store]:
    made = open_store(normalise_url(ledger_db, tmp_path))
    yield made
    made.close()


def _versions(store: Store) -> list[int]:
    with store.read() as conn:
        return sorted(conn.execute(select(schema_version.c.version)).scalars())


def _tables(store: Store) -> set[str]:
    with store.read() as conn:
        return set(inspect(conn).get_table_names())


def _back_to(store: Store, version: int, *statements: str, **params: Any) -> None:
    with store.write() as conn:
        for statement in statements:
            conn.execute(text(statement), params)
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=version, applied_ms=0))


def test_a_new_ledger_has_every_table_and_the_current_version(store: Store) -> None:
    assert _tables(store) == set(metadata.tables)
    assert _versions(store) == [SCHEMA_VERSION]


def test_a_current_ledger_is_left_as_it_is(store: Store) -> None:
    ensure_schema(store)
    ensure_schema(store)
    assert _versions(store) == [SCHEMA_VERSION]


def test_a_newer_ledger_is_refused_and_left_unchanged(store: Store) -> None:
    _back_to(store, SCHEMA_VERSION + 1, "DROP TABLE ledger_log_sessions")
    with pytest.raises(HubError) as caught:
        ensure_schema(store)
    assert str(caught.value) == (
        f"the ledger has schema version {SCHEMA_VERSION + 1}, newer than this hubrails "
        f"understands ({SCHEMA_VERSION})"
    )
    assert caught.value.hint == "upgrade hubrails"
    assert _versions(store) == [SCHEMA_VERSION + 1]
    assert "ledger_log_sessions" not in _tables(store)  # the tables it created: rolled back


def test_a_schema_1_ledger_has_its_daily_sums_rekeyed_by_group(store: Store) -> None:
    sums = ", ".join(f"{n} {'FLOAT' if n in ('cost_usd', 'review_minutes') else 'BIGINT'} "
                     "NOT NULL" for n in SUMS)  # fmt: skip
    names = ", ".join(DAY_ROW)
    _back_to(
        store,
        1,
        "DROP TABLE ledger_daily",
        f"CREATE TABLE ledger_daily (day INTEGER NOT NULL, team TEXT NOT NULL, agent TEXT NOT "
        f"NULL, model TEXT NOT NULL, {sums}, PRIMARY KEY (day, team, agent, model))",
        f"INSERT INTO ledger_daily ({names}) VALUES ({', '.join(':' + n for n in DAY_ROW)})",
        **DAY_ROW,
    )
    ensure_schema(store)
    with store.read() as conn:
        key = inspect(conn).get_pk_constraint("ledger_daily")["constrained_columns"]
        found = conn.execute(text(f"SELECT {names} FROM ledger_daily")).one()
    assert key == ["team", "agent", "model", "day"]
    assert dict(zip(DAY_ROW, found, strict=True)) == DAY_ROW
    assert "hub_daily_v1" not in _tables(store)
    assert _versions(store) == [1, SCHEMA_VERSION]
    ensure_schema(store)  # migrated once: nothing more to do
    assert _versions(store) == [1, SCHEMA_VERSION]


def test_a_schema_2_ledger_gains_the_open_run_and_evidence_tables(store: Store) -> None:
    added = ("ledger_open_events", "ledger_open_points", "ledger_open_spans",
             "ledger_log_sessions", "ledger_evidence", "ledger_evidence_seen")  # fmt: skip
    _back_to(store, 2, *(f"DROP TABLE {name}" for name in added))
    assert _tables(store).isdisjoint(added)
    ensure_schema(store)
    assert _tables(store) == set(metadata.tables)
    with store.read() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns("ledger_open_events")]
    assert columns[-2:] == ["detail", "received_ms"]  # created at the current shape
    assert _versions(store) == [2, SCHEMA_VERSION]


def test_concurrent_first_runs_create_the_schema_once(ledger_db: str, tmp_path: Path) -> None:
    opened, failures = opened_at_once(normalise_url(ledger_db, tmp_path))
    try:
        assert failures == []
        assert _versions(opened[0]) == [SCHEMA_VERSION]
    finally:
        for store in opened:
            store.close()
