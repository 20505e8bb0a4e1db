"""A batch of ledger rows packed as a serialized in-memory SQLite database: a parser makes it,
the SQLite loader attaches it and copies it in one statement (no Python object per row)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hubrails.store.sql import COLUMNS, SUMS

STAGE = "hub_stage"  # the attached in-memory database a packed batch is opened as
PACKED_TABLE = "hub_rows"
SUMS_TABLE = "hub_sums"  # of packed daily sums: day, team, agent, model, then SUMS
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

    return Packed(
        len(rows), _serialized(PACKED_TABLE, COLUMNS, rows), array.array("q", lines).tobytes()
    )


def pack_sums(sums: Iterable[tuple[Any, ...]]) -> bytes:
    """Daily sums, each (day, team, agent, model, *SUMS), packed like rows: the loader adds
    them to the table in one statement."""
    return _serialized(SUMS_TABLE, ("day", "team", "agent", "model", *SUMS), sums)


def _serialized(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> bytes:
    """``rows`` as ``table`` of an in-memory SQLite database, serialized. One table a pack, so
    its root page is the same in every pack: the loader opens pack after pack under one schema
    name, and SQLite keeps the schema it read there until a name is not found in it."""
    import sqlite3

    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.execute(f"CREATE TABLE {table} ({', '.join(columns)})")  # untyped: values as given
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", rows)
        db.execute("COMMIT")
        return db.serialize()
    finally:
        db.close()
