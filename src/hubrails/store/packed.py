"""A batch of ledger rows packed as a serialized in-memory SQLite database: a parser makes it,
the SQLite loader attaches it and copies it in one statement (no Python object per row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hubrails.store.sql import COLUMNS

STAGE = "hub_stage"  # the attached in-memory database a packed batch is opened as
PACKED_TABLE = "hub_rows"
Row = tuple[Any, ...]  # in the order of COLUMNS
_COLS = ", ".join(COLUMNS)


@dataclass(frozen=True, slots=True)
class Packed:
    """Rows as a serialized SQLite database (``pack``), and the input line of each."""

    count: int
    data: bytes
    lines: bytes  # array("q"): the line of the row with rowid i is item i - 1


def pack(rows: Sequence[Row], lines: Sequence[int]) -> Packed:
    """``rows`` as one table of an in-memory SQLite database, serialized: cheaper to make and
    to send than pickled tuples, and copied by the loader in SQL."""
    import array
    import sqlite3

    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute(f"CREATE TABLE {PACKED_TABLE} ({_COLS})")  # untyped: values kept as given
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO {PACKED_TABLE} VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        db.execute("COMMIT")
        return Packed(len(rows), db.serialize(), array.array("q", lines).tobytes())
    finally:
        db.close()
