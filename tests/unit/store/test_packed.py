"""A batch packed as a serialized SQLite database: what it holds, exactly as given, and the
line of each row."""

from __future__ import annotations

import array
import sqlite3
from typing import Any

import pytest

from hubrails.store.packed import PACKED_TABLE, Packed, pack
from hubrails.store.sql import COLUMNS
from tests.ledger_rows import run_row


def _row(key: str, **kw: Any) -> tuple[Any, ...]:
    values = run_row(key, 1_000, **kw)
    return tuple(values[c] for c in COLUMNS)


def _opened(packed: Packed) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(packed.data)
        return db.execute(f"SELECT * FROM {PACKED_TABLE} ORDER BY rowid").fetchall()
    finally:
        db.close()


def test_packed_rows_come_back_in_order_with_their_lines() -> None:
    rows = [_row("b"), _row("a", labels='{"hub.tools": "Bash=1"}'), _row("c", cost=None)]
    packed = pack(rows, [7, 3, 12])
    assert packed.count == 3
    assert _opened(packed) == rows
    assert list(array.array("q", packed.lines)) == [7, 3, 12]


def test_the_table_has_the_ledger_columns_in_order() -> None:
    db = sqlite3.connect(":memory:")
    db.deserialize(pack([_row("a")], [1]).data)
    names = [r[1] for r in db.execute(f"PRAGMA table_info({PACKED_TABLE})")]
    db.close()
    assert tuple(names) == COLUMNS


def test_values_are_kept_as_given_without_type_affinity() -> None:
    row = _row("a", input_tokens="00012", review_minutes=1.5, model=7)
    (back,) = _opened(pack([row], [1]))
    index = COLUMNS.index
    assert back[index("input_tokens")] == "00012"  # a typed column would make it 12
    assert back[index("review_minutes")] == 1.5 and back[index("model")] == 7


def test_an_empty_batch_packs_to_an_empty_table() -> None:
    packed = pack([], [])
    assert packed.count == 0 and packed.lines == b""
    assert _opened(packed) == []


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(sqlite3.ProgrammingError, match="supplied"):
        pack([_row("a")[:-1]], [1])


def test_packed_daily_sums_come_back_as_given_under_their_column_names() -> None:
    from hubrails.store.packed import SUMS_TABLE, pack_sums
    from hubrails.store.sql import SUMS

    sums = [(20_000, "sre", "triage", "m", *range(1, 13)), (20_001, "sre", "a", "m", *[0] * 12)]
    db = sqlite3.connect(":memory:")
    db.deserialize(pack_sums(iter(sums)))
    names = tuple(r[1] for r in db.execute(f"PRAGMA table_info({SUMS_TABLE})"))
    back = db.execute(f"SELECT * FROM {SUMS_TABLE} ORDER BY rowid").fetchall()
    db.close()
    assert names == ("day", "team", "agent", "model", *SUMS)
    assert back == sums
