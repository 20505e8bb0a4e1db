"""Bulk loading into the ledger, one transaction per ingest, each run stored exactly once.

SQLite: one ``BEGIN IMMEDIATE`` transaction (writers queue), rows inserted in batches with
``ON CONFLICT DO NOTHING``; a parser process sends its batch ``pack``-ed as a small SQLite
database, which the loader attaches and copies in one ``INSERT … SELECT`` (no Python object
per row in the busy loading process). PostgreSQL: rows ``COPY``-ed into a temporary staging
table, then merged with one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` under an advisory lock.
A key that is stored already with a different digest is a conflict; the stored row wins.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from hubrails.store.evidence import Pending
from hubrails.store.evidence_data import MARK
from hubrails.store.packed import PACKED_TABLE, STAGE, SUMS_TABLE, Packed, Row
from hubrails.store.sql import COLUMNS, DAILY_KEY_SQL, SUMS, SUMS_SQL, Store
from hubrails.store.sqlite import first_import

STAGING = "hub_staging"
CONFLICTS_LISTED = 1000
# Rows one PostgreSQL load inserts from which it ends with ANALYZE: else the planner still
# counts the tables as they were (after a first million runs it took 160,000 daily rows for
# 600 and sorted them on disk) until autovacuum comes round.
ANALYZE_AFTER = 50_000
_MERGE_LOCK = 7_4202
_COLS = ", ".join(COLUMNS)
_KEY, _DIGEST = COLUMNS.index("run_key"), COLUMNS.index("digest")
_IN_CHUNK = 500

# (day, team, agent, model) -> the SUMS of the runs stored for it
DailySums = dict[tuple[int, str, str, str], list[Any]]
_UPSERT_DAILY = (
    f"INSERT INTO ledger_daily (day, team, agent, model, {', '.join(SUMS)}) "
    "{source} ON CONFLICT (day, team, agent, model) DO UPDATE SET "
    + ", ".join(f"{c} = ledger_daily.{c} + excluded.{c}" for c in SUMS)
)
_MERGE = (
    f"WITH inserted AS (INSERT INTO ledger_runs ({_COLS}) SELECT {_COLS} FROM {STAGING} "
    "ON CONFLICT (run_key) DO NOTHING RETURNING *), rolled AS ("
    + _UPSERT_DAILY.format(
        source=f"SELECT {DAILY_KEY_SQL}, {SUMS_SQL} FROM inserted GROUP BY 1, 2, 3, 4"
    )
    + ") SELECT count(*) FROM inserted"
)


def merge_sums(into: DailySums, more: DailySums) -> None:
    """Add the sums of ``more`` to ``into``."""
    for key, sums in more.items():
        found = into.get(key)
        if found is None:
            into[key] = list(sums)
        else:
            for i, value in enumerate(sums):
                found[i] += value


@dataclass(frozen=True, slots=True)
class Conflict:
    """A run whose key is stored already with different content."""

    source: str
    line: int
    run_key: str


@dataclass(frozen=True, slots=True)
class Merged:
    """What a load did: rows offered, inserted, and those in conflict."""

    offered: int
    inserted: int
    conflict_count: int
    conflicts: tuple[Conflict, ...]

    @property
    def duplicates(self) -> int:
        """Rows already stored with the same content (or repeated in the input)."""
        return self.offered - self.inserted - self.conflict_count


class _SqliteLoader:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.offered = self.inserted = self.conflict_count = 0
        self.conflicts: list[Conflict] = []
        self.done = False
        self.daily: DailySums = {}
        self.evidence = Pending()
        marks = ", ".join("?" * len(COLUMNS))
        self.sql = f"INSERT INTO ledger_runs VALUES ({marks}) ON CONFLICT (run_key) DO NOTHING"

    def add(
        self, source: str, rows: Sequence[Row] | Packed, lines: Sequence[int], sums: DailySums
    ) -> bool:
        """Store ``rows`` (or a packed batch: then ``lines`` are in it); true when every one
        was new, so ``sums`` (theirs) count as given; else the sums of the rows this batch did
        insert are added from SQL."""
        count = rows.count if isinstance(rows, Packed) else len(rows)
        if not count:
            return True
        raw = self.conn.connection.driver_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        # Writers hold the lock, so the rows this batch inserts are those past the last rowid.
        before = cursor.execute("SELECT coalesce(max(rowid), 0) FROM ledger_runs").fetchone()[0]
        if isinstance(rows, Packed):
            raw.deserialize(rows.data, name=STAGE)  # type: ignore[union-attr]
            # OR FAIL: a failed constraint stops the ingest, whose transaction then rolls back
            # whole, so SQLite keeps no statement journal (the default, ABORT, first wrote each
            # page a batch touched to a temporary file: 1.2 million writes a million rows).
            cursor.execute(
                f"INSERT OR FAIL INTO ledger_runs SELECT {_COLS} FROM {STAGE}.{PACKED_TABLE} "
                "WHERE true ON CONFLICT (run_key) DO NOTHING"
            )
            labelled = f"SELECT {_COLS} FROM {STAGE}.{PACKED_TABLE} WHERE instr(labels, ?)"
            self.evidence.take(raw.execute(labelled, (MARK,)).fetchall())  # type: ignore[union-attr]
        else:
            cursor.executemany(self.sql, rows)
            self.evidence.take(rows)
        self.offered += count
        self.inserted += cursor.rowcount
        if cursor.rowcount == count:
            merge_sums(self.daily, sums)
            return True
        if isinstance(rows, Packed):
            self._check_packed(cursor, source, rows)
        else:
            self._check(cursor, source, rows, lines)
        cursor.execute(
            f"SELECT {DAILY_KEY_SQL}, {SUMS_SQL} FROM ledger_runs WHERE rowid > ? "
            "GROUP BY 1, 2, 3, 4",
            (before,),
        )
        merge_sums(self.daily, {tuple(r[:4]): list(r[4:]) for r in cursor.fetchall()})
        return False

    def add_sums(self, packed: bytes) -> None:
        """Add daily sums kept elsewhere (by the parser processes; ``pack_sums``) to the table."""
        raw = self.conn.connection.driver_connection
        raw.deserialize(packed, name=STAGE)  # type: ignore[union-attr]
        raw.execute(  # type: ignore[union-attr]
            _UPSERT_DAILY.format(source=f"SELECT * FROM {STAGE}.{SUMS_TABLE} WHERE true")
        )

    def _upsert(self, sums: DailySums) -> None:
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        marks = ", ".join("?" * (4 + len(SUMS)))
        cursor.executemany(
            _UPSERT_DAILY.format(source=f"VALUES ({marks})"),
            ((*key, *values) for key, values in sums.items()),
        )

    def _check(self, cursor: Any, source: str, rows: Sequence[Row], lines: Sequence[int]) -> None:
        """Compare the digests of the rows not inserted with the stored ones."""
        stored: dict[str, str] = {}
        keys = list({row[_KEY] for row in rows})
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = keys[i : i + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(
                f"SELECT run_key, digest FROM ledger_runs WHERE run_key IN ({marks})", chunk
            )
            stored.update(cursor.fetchall())
        found = sorted(  # rows come in key order; conflicts are listed in line order
            (line, row[_KEY])
            for row, line in zip(rows, lines, strict=True)
            if stored.get(row[_KEY], row[_DIGEST]) != row[_DIGEST]
        )
        for line, key in found:
            self._conflict(Conflict(source, line, key))

    def _check_packed(self, cursor: Any, source: str, packed: Packed) -> None:
        """``_check`` for a packed batch, in SQL."""
        import array

        lines = array.array("q", packed.lines)
        cursor.execute(
            f"SELECT s.rowid, s.run_key FROM {STAGE}.{PACKED_TABLE} s JOIN ledger_runs r "
            "ON r.run_key = s.run_key WHERE r.digest <> s.digest"
        )
        for line, key in sorted((lines[i - 1], key) for i, key in cursor.fetchall()):
            self._conflict(Conflict(source, line, key))

    def _conflict(self, conflict: Conflict) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < CONFLICTS_LISTED:
            self.conflicts.append(conflict)

    def finish(self) -> Merged:
        self._upsert(self.daily)
        self.evidence.flush(self.conn)
        self.done = True
        return Merged(self.offered, self.inserted, self.conflict_count, tuple(self.conflicts))


class _PostgresLoader:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.offered = 0
        self.done = False
        self.evidence = Pending()
        # Made once a connection and emptied at each commit: creating and dropping it each
        # transaction wrote the catalog each time. Asked for in every transaction, so a pooler
        # that hands each transaction another server session (PgBouncer) still finds it.
        conn.execute(
            text(
                f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ON COMMIT DELETE ROWS AS "
                "SELECT *, ''::text AS src, 0 AS line FROM ledger_runs WITH NO DATA"
            )
        )

    def add(
        self, source: str, rows: Sequence[Row] | Packed, lines: Sequence[int], sums: DailySums
    ) -> bool:
        """Stage ``rows``; the daily sums are added in SQL when merging (``sums`` are unused).
        Batches for PostgreSQL are never packed."""
        assert not isinstance(rows, Packed)
        if not rows:
            return False
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {STAGING} ({_COLS}, src, line) FROM STDIN") as copy:
            for row, line in zip(rows, lines, strict=True):
                copy.write_row((*row, source, line))
        self.evidence.take(rows)
        self.offered += len(rows)
        return False

    def add_sums(self, packed: bytes) -> None:
        """Nothing: the merge adds the daily sums of the rows it inserts."""

    def finish(self) -> Merged:
        # One merge at a time: concurrent ingests neither deadlock on each other's keys nor
        # miss each other's rows when comparing digests.
        # The lock and the merge in one round trip (two statements, no parameters).
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(f"SELECT pg_advisory_xact_lock({_MERGE_LOCK}); {_MERGE}")
        cursor.nextset()
        inserted = cursor.fetchone()[0]
        listed: list[Any] = []
        if inserted < self.offered:  # else no key was there before: no conflict is possible
            where = (
                f"FROM {STAGING} s JOIN ledger_runs r ON r.run_key = s.run_key "
                "WHERE r.digest <> s.digest"
            )
            listed = list(
                self.conn.execute(
                    text(
                        f"SELECT s.src, s.line, s.run_key {where} "
                        f"ORDER BY s.src, s.line LIMIT {CONFLICTS_LISTED}"
                    )
                )
            )
        count = len(listed)
        if count == CONFLICTS_LISTED:
            count = self.conn.execute(text(f"SELECT count(*) {where}")).scalar_one()
        if inserted >= ANALYZE_AFTER:  # the planner's statistics, as after any bulk load
            cursor.execute("ANALYZE ledger_runs, ledger_daily")
        self.evidence.flush(self.conn)
        self.done = True
        return Merged(self.offered, inserted, count, tuple(Conflict(*c) for c in listed))


Loader = _SqliteLoader | _PostgresLoader


@contextlib.contextmanager
def loader(store: Store, *, large: bool = False) -> Iterator[Loader]:
    """A loader inside one write transaction: committed if the body called ``finish()`` and
    returned normally, rolled back otherwise (a kill rolls back too: nothing half-stored).
    A ``large`` load into an empty SQLite ledger is a ``first_import``."""
    with store.engine.connect() as conn, contextlib.ExitStack() as outside:
        conn.execution_options(hub_immediate=True)
        raw: Any = conn.connection.driver_connection
        if not store.postgres:  # where packed batches are opened; not within a transaction
            if large:
                outside.enter_context(first_import(raw))
            raw.execute(f"ATTACH ':memory:' AS {STAGE}")
        try:
            transaction = conn.begin()
            try:
                load: Loader = _PostgresLoader(conn) if store.postgres else _SqliteLoader(conn)
                yield load
            except BaseException:
                transaction.rollback()
                raise
            if load.done:
                transaction.commit()
            else:
                transaction.rollback()
        finally:
            if not store.postgres:
                raw.execute(f"DETACH {STAGE}")
