"""The collector's open runs in the store (store/open_runs): events, metric points and spans
kept once, and the closing transaction that takes the quiet runs out, on SQLite and a real
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hubrails.store import normalise_url
from hubrails.store import open_runs as module
from hubrails.store.open_runs import (
    CLOSED_KEPT_MS,
    EVENT_COLUMNS,
    POINT_COLUMNS,
    add,
    add_spans,
    closing,
    open_traces,
)
from hubrails.store.sql import Store, open_store, runs
from tests.ledger_rows import run_row

Row = tuple[Any, ...]


@pytest.fixture
def store(ledger_db: str, tmp_path: Path) -> Iterator[Store]:
    made = open_store(normalise_url(ledger_db, tmp_path))
    yield made
    made.close()


def _event(key: str, run: str, session: str = "s1", ts: int = 10, detail: str | None = None) -> Row:
    return (key, run, session, "api_request", "sre", "triage", "m", 1, 2, 3, 4, 0.5, ts, detail)


def _point(key: str, session: str, value: float = 1.0, baseline: int = 0) -> Row:
    return (key, session, "tokens|input|m", "tokens", 1, baseline, "sre", "triage", "m", 0, 5,
            value)  # fmt: skip


def _table(store: Store, name: str, order: str) -> list[Row]:
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {name} ORDER BY {order}"))]


def test_the_row_shapes_are_the_tables_columns_without_received_ms() -> None:
    assert EVENT_COLUMNS[0] == "event_key" and EVENT_COLUMNS[-1] == "detail"
    assert POINT_COLUMNS[0] == "point_key" and POINT_COLUMNS[-1] == "value"
    assert "received_ms" not in EVENT_COLUMNS + POINT_COLUMNS
    assert len(_event("e", "r")) == len(EVENT_COLUMNS)
    assert len(_point("p", "s")) == len(POINT_COLUMNS)


def test_events_and_points_are_kept_once_whatever_the_retries(store: Store) -> None:
    events = [_event("e2", "r1", detail="Bash"), _event("e1", "r1")]
    points = [_point("p1", "s9")]
    add(store, events, points, now_ms=100)
    add(store, events, points, now_ms=200)  # a retried request
    assert _table(store, "ledger_open_events", "event_key") == [
        (*_event("e1", "r1"), 100),
        (*_event("e2", "r1", detail="Bash"), 100),
    ]
    assert _table(store, "ledger_open_points", "point_key") == [(*_point("p1", "s9"), 100)]
    assert _table(store, "ledger_log_sessions", "session_id") == [("s1", 100)]


def test_nothing_to_add_writes_nothing(store: Store) -> None:
    add(store, [], [], now_ms=100)
    assert _table(store, "ledger_open_events", "event_key") == []
    assert _table(store, "ledger_log_sessions", "session_id") == []


def test_events_of_a_run_stored_already_are_dropped(store: Store) -> None:
    with store.write() as conn:
        conn.execute(runs.insert(), [run_row("r-done", 1)])
    add(store, [_event("e1", "r-done"), _event("e2", "r-open")], [], now_ms=100)
    assert [r[0] for r in _table(store, "ledger_open_events", "event_key")] == ["e2"]
    assert _table(store, "ledger_log_sessions", "session_id") == [("s1", 100)]  # still logged


def test_open_traces_are_those_with_spans_kept(store: Store) -> None:
    with store.write() as conn:
        add_spans(conn, [("t1:a", "t1", "{}", '{"n": 1}'), ("t2:a", "t2", "{}", "{}")], 100)
        add_spans(conn, [("t1:a", "t1", "{}", '{"n": "retried"}')], 200)
    with store.read() as conn:
        assert open_traces(conn, ["t1", "t3", "t2"]) == {"t1", "t2"}
        assert open_traces(conn, []) == set()
        many = [f"x{i}" for i in range(1200)] + ["t2"]  # more than one chunk of keys
        assert open_traces(conn, many) == {"t2"}
    assert [r[3] for r in _table(store, "ledger_open_spans", "span_key")] == ['{"n": 1}', "{}"]


def test_closing_takes_out_the_events_of_the_quiet_runs_only(store: Store) -> None:
    add(store, [_event("e1", "quiet"), _event("e2", "quiet")], [], now_ms=100)
    add(store, [_event("e3", "busy")], [], now_ms=100)
    add(store, [_event("e4", "busy")], [], now_ms=500)  # the run is still going
    with closing(store, cutoff=100, now_ms=600) as close:
        found = close.events()
        assert sorted(found) == [_event("e1", "quiet"), _event("e2", "quiet")]
        assert close.more is False
        close.load.finish()
    assert [r[1] for r in _table(store, "ledger_open_events", "event_key")] == ["busy", "busy"]


def test_closing_says_when_more_runs_than_its_limit_are_ready(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CLOSE_LIMIT", 2)
    add(store, [_event(f"e{i}", f"r{i}") for i in range(3)], [], now_ms=100)
    with closing(store, cutoff=100, now_ms=600) as close:
        assert len({e[1] for e in close.events()}) == 2 and close.more is True
        close.load.finish()
    with closing(store, cutoff=100, now_ms=600) as close:
        assert len(close.events()) == 1 and close.more is False
        close.load.finish()


def test_a_closing_not_finished_puts_everything_back(store: Store) -> None:
    add(store, [_event("e1", "r1")], [_point("p1", "s9")], now_ms=100)
    with closing(store, cutoff=100, now_ms=600) as close:
        assert len(close.events()) == 1 and len(close.points()) == 1
    assert len(_table(store, "ledger_open_events", "event_key")) == 1
    assert _table(store, "ledger_open_points", "point_key")[0][5] == 0  # not marked closed


def test_closing_gives_the_points_of_quiet_metric_only_sessions_once(store: Store) -> None:
    add(store, [_event("e1", "r1", session="logged")], [], now_ms=100)
    add(store, [], [_point("p1", "metrics"), _point("p2", "logged")], now_ms=100)
    add(store, [], [_point("p3", "recent")], now_ms=500)
    with closing(store, cutoff=100, now_ms=600) as close:
        assert close.points() == [_point("p1", "metrics")]  # a logged session's: no double count
        close.load.finish()
    baselines = {r[0]: r[5] for r in _table(store, "ledger_open_points", "point_key")}
    assert baselines == {"p1": 1, "p2": 1, "p3": 0}  # closed points stay for later windows
    with closing(store, cutoff=100, now_ms=600) as close:
        assert close.points() == []  # closed: never given again
        close.load.finish()


def test_closed_points_are_deleted_a_day_after_they_came(store: Store) -> None:
    add(store, [], [_point("old", "s1")], now_ms=100)
    add(store, [], [_point("new", "s2")], now_ms=200)
    with closing(store, cutoff=200, now_ms=600) as close:
        assert len(close.points()) == 2
        close.load.finish()
    add(store, [], [_point("open", "s3")], now_ms=50)  # old, but never closed (cutoff 0)

    def pass_at(now_ms: int) -> list[str]:
        with closing(store, cutoff=0, now_ms=now_ms) as close:
            assert close.points() == []
            close.load.finish()
        return [r[0] for r in _table(store, "ledger_open_points", "point_key")]

    assert pass_at(100 + CLOSED_KEPT_MS) == ["new", "old", "open"]  # exactly a day: kept
    assert pass_at(101 + CLOSED_KEPT_MS) == ["new", "open"]


def test_closing_gives_the_spans_of_quiet_traces_and_deletes_them(store: Store) -> None:
    with store.write() as conn:
        add_spans(conn, [("t1:a", "t1", '{"r": 1}', '{"s": "a"}'),
                         ("t1:b", "t1", '{"r": 1}', '{"s": "b"}')], 100)  # fmt: skip
        add_spans(conn, [("t2:a", "t2", "{}", "{}")], 500)
    with closing(store, cutoff=100, now_ms=600) as close:
        chunks = list(close.spans())
        close.load.finish()
    assert [sorted(chunk) for chunk in chunks] == [
        [('{"r": 1}', '{"s": "a"}'), ('{"r": 1}', '{"s": "b"}')]
    ]
    assert [r[1] for r in _table(store, "ledger_open_spans", "span_key")] == ["t2"]


def test_stored_under_finds_the_prefixes_of_stored_run_keys(store: Store) -> None:
    with store.write() as conn:
        conn.execute(runs.insert(), [run_row("otel:t1:s1", 1), run_row("otel:t2", 1),
                                     run_row("otel:t3x:s1", 1)])  # fmt: skip
    with closing(store, cutoff=0, now_ms=0) as close:
        found = close.stored_under(["otel:t1", "otel:t2", "otel:t3", "otel:t4"])
    assert found == {"otel:t1"}  # a key equal to the prefix, or longer before ':', is not
