"""From lines to table rows: the key, price entry and cost of a row, the three ways a line is
read giving one row, batches in key order with their line numbers, rejects, daily sums and the
flags (unknown teams and agents, unpriced models)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from hubrails.core.ledger.pricing import Model, Price, PriceBook, _start_ms
from hubrails.core.ledger.records import Record, check
from hubrails.core.ledger.rows import Batch, Known, RowMaker
from hubrails.store.packed import Row
from hubrails.store.sql import COLUMNS, DAY_MS
from tests.helpers import record

SONNET = Model(
    "claude-sonnet-4-5",
    "standard",
    (
        Price("2026-01-01", _start_ms("2026-01-01"), 3.0, 15.0, 0.3, 3.75),
        Price("2026-06-10", _start_ms("2026-06-10"), 2.0, 10.0, 0.2, 2.5),
    ),
)
BOOK = PriceBook(
    {SONNET.id: SONNET}, {SONNET.id: SONNET.id, "sonnet": SONNET.id}
)  # the seed record's "sonnet" is an alias
KNOWN = Known(frozenset({"billing-ops", "sre"}), frozenset({("billing-ops", "invoice-triage")}))


def _maker(known: Known = KNOWN, *, daily: bool = True) -> RowMaker:
    return RowMaker(BOOK, known, daily=daily)


def _named(row: Row) -> dict[str, Any]:
    return dict(zip(COLUMNS, row, strict=True))


def _checked(obj: dict[str, Any]) -> Record:
    found = check(obj)
    assert isinstance(found, Record), found
    return found


def _lines(*objs: Any) -> list[bytes]:
    return [o if isinstance(o, bytes) else json.dumps(o).encode() for o in objs]


def test_a_row_is_priced_at_the_price_in_force_with_its_price_entry() -> None:
    row = _named(_maker().row(_checked(record(run_id="r1", cache_read_tokens=1000))))
    assert (row["run_key"], row["run_id"], row["model"], row["price_model"]) == (
        "r1",
        "r1",
        "sonnet",
        "claude-sonnet-4-5",
    )
    assert (row["tier"], row["price_from"], row["cost_source"]) == (
        "standard",
        "2026-01-01",
        "pricing",
    )
    assert row["cost_usd"] == pytest.approx((18420 * 3 + 2110 * 15 + 1000 * 0.3) / 1e6)
    later = _named(_maker().row(_checked(record(ts="2026-06-10T00:00:00Z"))))
    assert (later["price_from"], later["cost_usd"]) == (
        "2026-06-10",
        pytest.approx((18420 * 2 + 2110 * 10) / 1e6),
    )


def test_a_cost_in_the_record_is_kept_as_it_is() -> None:
    row = _named(_maker().row(_checked(record(cost_usd=0.5))))
    assert (row["cost_usd"], row["cost_source"], row["price_from"]) == (0.5, "record", None)
    assert row["price_model"] == "claude-sonnet-4-5"  # still named, for the report's tiers


def test_an_unknown_model_or_a_run_before_the_first_price_is_unpriced() -> None:
    unknown = _named(_maker().row(_checked(record(model="gpt-x"))))
    assert (unknown["price_model"], unknown["tier"], unknown["cost_usd"]) == (None, None, None)
    assert unknown["cost_source"] == "unpriced"
    early = _named(_maker().row(_checked(record(ts="2025-12-31T23:59:59Z"))))
    assert (early["price_model"], early["cost_usd"], early["cost_source"]) == (
        "claude-sonnet-4-5",
        None,
        "unpriced",
    )


def test_a_run_without_id_is_keyed_by_its_content_digest() -> None:
    maker = _maker()
    first, again = (_named(maker.row(_checked(record()))) for _ in range(2))
    other = _named(maker.row(_checked(record(tool_calls=4))))
    assert first["run_id"] is None
    assert first["run_key"] == f"digest:{first['digest']}" == again["run_key"]
    assert len(first["digest"]) == 32
    assert other["run_key"] != first["run_key"]
    with_id = _named(maker.row(_checked(record(run_id="r1"))))
    assert with_id["digest"] == first["digest"]  # the id is no part of the content


def test_each_way_of_reading_a_line_makes_the_same_row() -> None:
    rare = record(run_id="rare", input_tokens=1.0)  # a form only the schema path accepts
    ts = "2026-03-03T03:03:03Z"  # not seen before: the first line takes the plain path
    first = record(run_id="first", labels={"b": "2", "a": "1"}, ts=ts)
    objs = [first, {**first, "run_id": "again"}, rare]  # then the fast path
    batch = _maker().batch("in.jsonl", 1, _lines(*objs))
    assert batch.rejects == []
    maker = _maker()
    maker.now_ms = batch.rows[0][-1]
    expected = sorted(maker.row(_checked(o)) for o in objs)
    assert batch.rows == expected


def test_a_batch_is_in_key_order_keeping_line_numbers_and_the_order_of_equal_keys() -> None:
    lines = _lines(record(run_id="b"), record(run_id="a"), record(run_id="b", tool_calls=9))
    batch = _maker().batch("in.jsonl", 41, lines)
    assert [(row[0], row[COLUMNS.index("tool_calls")]) for row in batch.rows] == [
        ("a", 3),
        ("b", 3),
        ("b", 9),
    ]
    assert batch.lines == [42, 41, 43]
    assert (batch.source, batch.size()) == ("in.jsonl", 3)


def test_bad_lines_are_rejects_at_their_line_and_the_rest_are_rows() -> None:
    lines = _lines(record(run_id="ok"), b"not json", record(tool_calls=-1), b'{"team": "sre"}')
    batch = _maker().batch("in.jsonl", 1, lines)
    assert [r[0] for r in batch.rows] == ["ok"]
    assert [r.line for r in batch.rejects] == [2, 3, 4]
    assert batch.rejects[0].problems[0][0] == "json"
    assert batch.rejects[1].problems[0][0] == "tool_calls"


def test_an_empty_batch_has_nothing() -> None:
    batch = _maker().batch("in.jsonl", 1, [])
    assert (batch.rows, batch.lines, batch.rejects, batch.daily, batch.size()) == (
        [],
        [],
        [],
        {},
        0,
    )


def test_an_indented_document_after_the_first_line_is_not_joined() -> None:
    batch = _maker().batch("in.jsonl", 2, [b"{", b'"team": "sre"}'])
    assert [r.line for r in batch.rejects] == [2, 3]


def test_unknown_teams_and_agents_of_known_teams_are_flagged_and_counted() -> None:
    lines = _lines(
        record(run_id="1"),  # billing-ops/invoice-triage: declared
        record(run_id="2", team="ghosts"),
        record(run_id="3", team="ghosts", agent="x"),
        record(run_id="4", team="sre", agent="new-agent"),
        record(run_id="5", model="gpt-x"),
        record(run_id="6", model="gpt-x", cost_usd=1.0),  # a cost of its own: not unpriced
    )
    batch = _maker().batch("in.jsonl", 1, lines)
    assert batch.unknown_teams == Counter({"ghosts": 2})  # not counted as unknown agents too
    assert batch.unknown_agents == Counter({"sre/new-agent": 1})
    assert batch.unpriced == Counter({"gpt-x": 1})


def test_a_registry_that_declares_nothing_flags_no_name() -> None:
    batch = _maker(Known()).batch("in.jsonl", 1, _lines(record(team="anyone", agent="any")))
    assert (batch.unknown_teams, batch.unknown_agents) == (Counter(), Counter())


def test_daily_sums_add_each_row_to_its_day_team_agent_and_price_model() -> None:
    day = _start_ms("2026-06-06") // DAY_MS
    lines = _lines(
        record(run_id="1", cache_read_tokens=10, cache_write_tokens=5),
        record(run_id="2", task_outcome="failed", human_review_minutes=1.5),
        record(run_id="3", model="claude-sonnet-4-5", task_outcome="escalated"),  # same model
        record(run_id="4", model="gpt-x", task_outcome="abandoned"),
        record(run_id="5", ts="2026-06-07T00:00:00Z"),
    )
    batch = _maker().batch("in.jsonl", 1, lines)
    priced = (day, "billing-ops", "invoice-triage", "claude-sonnet-4-5")
    assert set(batch.daily) == {
        priced,
        (day, "billing-ops", "invoice-triage", "gpt-x"),
        (day + 1, "billing-ops", "invoice-triage", "claude-sonnet-4-5"),
    }
    runs, tokens_in, tokens_out, read, write, cost, unpriced, review, *outcomes = batch.daily[
        priced
    ]
    assert (runs, tokens_in, tokens_out, read, write) == (3, 3 * 18420, 3 * 2110, 10, 5)
    one = (18420 * 3 + 2110 * 15) / 1e6
    assert cost == pytest.approx(3 * one + (10 * 0.3 + 5 * 3.75) / 1e6)
    assert (unpriced, review, outcomes) == (0, 4 + 1.5 + 4, [1, 1, 1, 0])
    gpt = batch.daily[(day, "billing-ops", "invoice-triage", "gpt-x")]
    assert (gpt[0], gpt[5], gpt[6], gpt[8:]) == (1, 0, 1, [0, 0, 0, 1])


def test_without_daily_sums_a_batch_carries_none_but_still_its_flags() -> None:
    batch = _maker(daily=False).batch("in.jsonl", 1, _lines(record(team="ghosts")))
    assert batch.daily == {}
    assert batch.unknown_teams == Counter({"ghosts": 1})


def test_adding_a_batch_counts_its_flags_but_keeps_none_of_its_rows() -> None:
    total = Batch()
    for team in ("ghosts", "ghosts", "spirits"):
        total.add(_maker().batch("in.jsonl", 1, _lines(record(team=team, model="gpt-x"))))
    assert total.unknown_teams == Counter({"ghosts": 2, "spirits": 1})
    assert total.unpriced == Counter({"gpt-x": 3})
    assert (total.rows, total.rejects, total.size()) == ([], [], 0)
