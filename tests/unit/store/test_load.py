"""Bulk loading (store/load): each run stored once, duplicates and conflicts counted and listed
in line order, the daily sums kept right, packed SQLite batches, and a load that is not
finished leaving nothing behind, on SQLite and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from hubrails.store import load as load_module
from hubrails.store import normalise_url
from hubrails.store.load import Conflict, DailySums, Merged, loader, merge_sums
from hubrails.store.packed import Row, pack, pack_sums
from hubrails.store.reader import DAY_MS, SUMS
from hubrails.store.sql import COLUMNS, Store, open_store
from tests.ledger_rows import run_row


@pytest.fixture
def store(ledger_db: str, tmp_path: Path) -> Iterator[Store]:
    made = open_store(normalise_url(ledger_db, tmp_path))
    yield made
    made.close()


def _row(key: str, day: int = 10, digest: str = "0" * 32, **kw: Any) -> Row:
    values = run_row(key, day * DAY_MS + 1000, digest=digest, **kw)
    return tuple(values[c] for c in COLUMNS)


def _sums(rows: list[Row]) -> DailySums:
    """What a parser keeps for ``rows``: their SUMS by (day, team, agent, model)."""
    found: DailySums = {}
    for r in rows:
        v = dict(zip(COLUMNS, r, strict=True))
        outcome = v["outcome"]
        one = [1, v["input_tokens"], v["output_tokens"], v["cache_read_tokens"],
               v["cache_write_tokens"], v["cost_usd"] or 0.0, int(v["cost_usd"] is None),
               v["review_minutes"], int(outcome == "resolved"), int(outcome == "escalated"),
               int(outcome == "failed"), int(outcome == "abandoned")]  # fmt: skip
        key = (v["ts_ms"] // DAY_MS, v["team"], v["agent"], v["price_model"] or v["model"])
        merge_sums(found, {key: one})
    return found


def _load(store: Store, *batches: tuple[str, list[Row], list[int]]) -> Merged:
    with loader(store) as load:
        for source, rows, lines in batches:
            load.add(source, rows, lines, _sums(rows))
        return load.finish()


def _stored(store: Store) -> dict[str, str]:
    with store.read() as conn:
        return dict(conn.execute(text("SELECT run_key, digest FROM ledger_runs")).all())


def _daily(store: Store) -> dict[tuple[Any, ...], dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(text(f"SELECT day, team, agent, model, {', '.join(SUMS)} "
                                 "FROM ledger_daily")).all()  # fmt: skip
    return {tuple(r[:4]): dict(zip(SUMS, r[4:], strict=True)) for r in rows}


def test_merge_sums_adds_per_key_without_sharing_lists() -> None:
    into: DailySums = {(1, "t", "a", "m"): [1, 2.5]}
    more: DailySums = {(1, "t", "a", "m"): [2, 0.5], (2, "t", "a", "m"): [1, 1.0]}
    merge_sums(into, more)
    assert into == {(1, "t", "a", "m"): [3, 3.0], (2, "t", "a", "m"): [1, 1.0]}
    more[2, "t", "a", "m"][0] = 99
    assert into[2, "t", "a", "m"] == [1, 1.0]
    merge_sums(into, {})
    assert len(into) == 2


def test_duplicates_are_what_is_neither_inserted_nor_in_conflict() -> None:
    assert Merged(offered=10, inserted=6, conflict_count=3, conflicts=()).duplicates == 1


def test_new_runs_are_stored_with_their_daily_sums(store: Store) -> None:
    rows = [
        _row("a"),
        _row("b", cost=None, outcome="failed"),
        _row("c", day=11, team="web", price_model="m-priced"),
    ]
    merged = _load(store, ("in.jsonl", rows, [1, 2, 3]))
    assert merged == Merged(3, 3, 0, ())
    assert set(_stored(store)) == {"a", "b", "c"}
    daily = _daily(store)
    assert set(daily) == {(10, "sre", "triage", "m"), (11, "web", "triage", "m-priced")}
    day10 = daily[10, "sre", "triage", "m"]
    assert (day10["runs"], day10["cost_usd"], day10["unpriced"]) == (2, 1.0, 1)
    assert (day10["resolved"], day10["failed"], day10["input_tokens"]) == (1, 1, 20)


def test_a_second_load_of_the_same_runs_adds_nothing(store: Store) -> None:
    rows = [_row("a"), _row("b")]
    _load(store, ("in.jsonl", rows, [1, 2]))
    before = _daily(store)
    merged = _load(store, ("in.jsonl", rows, [1, 2]))
    assert (merged.inserted, merged.duplicates, merged.conflict_count) == (0, 2, 0)
    assert _daily(store) == before


def test_a_key_stored_with_other_content_is_a_conflict_and_the_stored_row_wins(
    store: Store,
) -> None:
    _load(store, ("first.jsonl", [_row("a"), _row("b")], [1, 2]))
    changed = [_row("c"), _row("b", digest="1" * 32), _row("a", digest="2" * 32), _row("d")]
    merged = _load(store, ("second.jsonl", changed, [4, 9, 7, 12]))
    assert (merged.offered, merged.inserted, merged.conflict_count) == (4, 2, 2)
    assert merged.conflicts == (  # in line order, not input or key order
        Conflict("second.jsonl", 7, "a"),
        Conflict("second.jsonl", 9, "b"),
    )
    assert _stored(store) == dict.fromkeys("abcd", "0" * 32)
    assert _daily(store)[10, "sre", "triage", "m"]["runs"] == 4


def test_a_key_repeated_in_one_batch_is_stored_once(store: Store) -> None:
    rows = [_row("a"), _row("a"), _row("a", digest="9" * 32)]
    merged = _load(store, ("in.jsonl", rows, [1, 2, 3]))
    assert (merged.inserted, merged.duplicates) == (1, 1)
    assert merged.conflicts == (Conflict("in.jsonl", 3, "a"),)
    assert _daily(store)[10, "sre", "triage", "m"]["runs"] == 1


def test_only_the_sums_of_the_rows_inserted_are_added(store: Store) -> None:
    _load(store, ("first.jsonl", [_row("a")], [1]))
    with loader(store) as load:
        wrong: DailySums = {(10, "sre", "triage", "m"): [100] * len(SUMS)}
        all_new = load.add("second.jsonl", [_row("a"), _row("b")], [1, 2], wrong)
        merged = load.finish()
    assert all_new is False and merged.inserted == 1
    assert _daily(store)[10, "sre", "triage", "m"]["runs"] == 2  # not the 100 given


def test_conflicts_past_the_listed_limit_are_counted_not_listed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_module, "CONFLICTS_LISTED", 2)
    _load(store, ("first.jsonl", [_row(k) for k in "abc"], [1, 2, 3]))
    merged = _load(store, ("second.jsonl", [_row(k, digest="1" * 32) for k in "cba"], [3, 2, 1]))
    assert merged.conflict_count == 3
    assert merged.conflicts == (Conflict("second.jsonl", 1, "a"), Conflict("second.jsonl", 2, "b"))


def test_conflicts_of_several_sources_are_listed_by_source_then_line(store: Store) -> None:
    _load(store, ("first.jsonl", [_row("a"), _row("b")], [1, 2]))
    merged = _load(
        store,
        ("a.jsonl", [_row("b", digest="1" * 32)], [5]),
        ("b.jsonl", [_row("a", digest="1" * 32)], [1]),
    )
    assert merged.conflicts == (Conflict("a.jsonl", 5, "b"), Conflict("b.jsonl", 1, "a"))


def test_an_empty_batch_offers_nothing(store: Store) -> None:
    with loader(store) as load:
        load.add("empty.jsonl", [], [], {})
        assert load.finish() == Merged(0, 0, 0, ())


def test_a_load_not_finished_is_rolled_back(store: Store) -> None:
    with loader(store) as load:
        load.add("in.jsonl", [_row("a")], [1], _sums([_row("a")]))
    assert _stored(store) == {} and _daily(store) == {}


def test_a_load_that_fails_is_rolled_back_and_the_error_raised(store: Store) -> None:
    with pytest.raises(RuntimeError, match="parser died"), loader(store) as load:
        load.add("in.jsonl", [_row("a")], [1], _sums([_row("a")]))
        load.finish()
        raise RuntimeError("parser died")
    assert _stored(store) == {}
    assert _load(store, ("in.jsonl", [_row("a")], [1])).inserted == 1  # the store still works


def test_sums_kept_by_parsers_are_added_on_sqlite_and_made_in_sql_on_postgresql(
    store: Store,
) -> None:
    rows = [_row("a"), _row("b")]
    with loader(store) as load:
        load.add("in.jsonl", rows, [1, 2], {})  # a parser's batch: its sums come apart
        load.add_sums(pack_sums((*k, *v) for k, v in _sums(rows).items()))
        load.finish()
    assert _daily(store)[10, "sre", "triage", "m"]["runs"] == 2


def test_labelled_runs_leave_their_evidence_when_the_load_finishes(store: Store) -> None:
    labelled = _row("a", labels='{"hub.tools": "Bash=2"}')
    _load(store, ("in.jsonl", [labelled, _row("b")], [1, 2]))
    with store.read() as conn:
        found = conn.execute(text("SELECT kind, subject, run_key, calls FROM ledger_evidence"))
        assert [tuple(r) for r in found] == [("tool", "Bash", "a", 2)]


# SQLite only: packed batches (what parser processes send).


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    made = open_store(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield made
    made.close()


def test_a_packed_batch_is_stored_like_rows(sqlite_store: Store) -> None:
    rows = [_row("a"), _row("b", day=11, labels='{"hub.denied": "Bash"}')]
    with loader(sqlite_store) as load:
        assert load.add("in.jsonl", pack(rows, [3, 8]), [], _sums(rows)) is True
        merged = load.finish()
    assert merged == Merged(2, 2, 0, ())
    assert set(_stored(sqlite_store)) == {"a", "b"}
    assert set(_daily(sqlite_store)) == {(10, "sre", "triage", "m"), (11, "sre", "triage", "m")}
    with sqlite_store.read() as conn:
        found = conn.execute(text("SELECT kind, subject, run_key FROM ledger_evidence")).all()
    assert [tuple(r) for r in found] == [("denied", "Bash", "b")]


def test_a_packed_batchs_conflicts_carry_its_own_lines(sqlite_store: Store) -> None:
    _load(sqlite_store, ("first.jsonl", [_row("a"), _row("b")], [1, 2]))
    rows = [_row("c"), _row("b", digest="1" * 32), _row("a", digest="1" * 32)]
    with loader(sqlite_store) as load:
        assert load.add("second.jsonl", pack(rows, [30, 20, 10]), [], {}) is False
        merged = load.finish()
    assert merged.conflicts == (
        Conflict("second.jsonl", 10, "a"),
        Conflict("second.jsonl", 20, "b"),
    )
    assert (merged.inserted, merged.duplicates) == (1, 0)
    assert _daily(sqlite_store)[10, "sre", "triage", "m"]["runs"] == 3


def test_packed_batches_can_follow_each_other_in_one_load(sqlite_store: Store) -> None:
    with loader(sqlite_store) as load:
        load.add("a.jsonl", pack([_row("a")], [1]), [], _sums([_row("a")]))
        load.add("b.jsonl", pack([_row("b")], [1]), [], _sums([_row("b")]))
        merged = load.finish()
    assert merged.inserted == 2 and set(_stored(sqlite_store)) == {"a", "b"}
    with loader(sqlite_store) as load:  # the staging database is detached after each load
        load.add("c.jsonl", pack([_row("c")], [1]), [], _sums([_row("c")]))
        load.finish()
    assert set(_stored(sqlite_store)) == {"a", "b", "c"}


@pytest.mark.parametrize("threshold", [2, 3])
def test_a_large_postgresql_load_leaves_the_planner_statistics_of_what_it_loaded(
    store: Store, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    if not store.postgres:
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(load_module, "ANALYZE_AFTER", threshold)
    _load(store, ("in.jsonl", [_row("a"), _row("b")], [1, 2]))
    with store.read() as conn:
        found: dict[str, float] = dict(
            conn.execute(
                text(
                    "SELECT relname, reltuples FROM pg_class "
                    "WHERE relname IN ('ledger_runs', 'ledger_daily')"
                )
            ).all()
        )
    # -1: never analysed (a new table); after ANALYZE, the rows it found
    expected = {"ledger_runs": 2, "ledger_daily": 1} if threshold == 2 else dict.fromkeys(found, -1)
    assert found == expected
