"""What agents were seen doing, per run: the tools, MCP servers and actions they used and the
calls a guard denied or gated (``ledger_evidence``), stored exactly once per run and subject.

Evidence arrives two ways: from Claude Code's log events when the collector closes a run, and
from ``hub.*`` labels of ingested records (what ``hub guard session-end`` writes):
``hub.tools``, ``hub.denied``, ``hub.gated`` and ``hub.mcp_servers``, each a comma-separated
list of ``NAME=COUNT`` (the count optional). A tool named ``mcp__SERVER__ACTION`` also counts
for its server and action. Rows are keyed by (team, agent, kind, subject, run): a retried
request or a re-ingested file adds nothing. The kinds, a run's rows and the queries that read
them are in ``evidence_data`` (standard library only).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Index, String, Table, Text

from hubrails.store.evidence_data import MARK, Row, label_counts, rows_of
from hubrails.store.sql import COLUMNS, metadata

evidence = Table(
    "ledger_evidence",
    metadata,
    Column("team", Text, primary_key=True),
    Column("agent", Text, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("run_key", Text, primary_key=True),
    Column("calls", BigInteger, nullable=False),
    Column("ts_ms", BigInteger, nullable=False),
    Index("ledger_evidence_kind_ts", "kind", "ts_ms"),
    sqlite_with_rowid=False,
)

# Per (team, agent, kind, subject): the runs and calls seen so far, the first and last time and
# run keys; recomputed from ``ledger_evidence`` for the groups each load touches (so exactly
# once), and what a review reads: thousands of rows, not a scan of every run's evidence.
seen = Table(
    "ledger_evidence_seen",
    metadata,
    Column("team", Text, primary_key=True),
    Column("agent", Text, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("runs", BigInteger, nullable=False),
    Column("calls", BigInteger, nullable=False),
    Column("first_ms", BigInteger, nullable=False),
    Column("last_ms", BigInteger, nullable=False),
    Column("first_run", Text, nullable=False),
    Column("last_run", Text, nullable=False),
    sqlite_with_rowid=False,
)
_SEEN = ", ".join(c.name for c in seen.columns)
_GROUP = "team, agent, kind, subject"
_RECOUNT = (
    f"INSERT INTO ledger_evidence_seen ({_SEEN}) SELECT {_GROUP}, count(*), sum(calls), "
    "min(ts_ms), max(ts_ms), min(run_key), max(run_key) FROM ledger_evidence "
    "WHERE team = {m} AND agent = {m} AND kind = {m} AND subject = {m} "
    f"GROUP BY {_GROUP} ON CONFLICT ({_GROUP}) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ("runs", "calls", "first_ms", "last_ms",
                                                 "first_run", "last_run"))
)  # fmt: skip

_CHUNK = 500
_labels_of = operator.itemgetter(COLUMNS.index("labels"))
_KEY, _DIGEST, _TEAM, _AGENT, _TS, _LABELS = (
    COLUMNS.index(c) for c in ("run_key", "digest", "team", "agent", "ts_ms", "labels")
)


def add(conn: Connection, rows: Sequence[Row]) -> None:
    """Store ``rows``, skipping those stored already (in key order: no deadlock)."""
    if not rows:
        return
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    sql = (
        f"INSERT INTO ledger_evidence VALUES ({', '.join([mark] * 7)}) ON CONFLICT "
        "(team, agent, kind, subject, run_key) DO NOTHING"
    )
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.executemany(sql, sorted(rows))
    cursor.executemany(_RECOUNT.format(m=mark), sorted({r[:4] for r in rows}))


class Pending:
    """Runs of a load whose labels may carry evidence, stored when the load finishes, for the
    runs stored with their digest (a run in conflict keeps the stored content's evidence)."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        self.runs: list[tuple[Any, ...]] = []

    def take(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Keep the rows (ledger_runs columns) whose labels name evidence (rows without
        labels are passed over in C: a million cost ~10 ms)."""
        rows = rows if isinstance(rows, list | tuple) else list(rows)
        if any(map(_labels_of, rows)):
            self.runs += [r for r in rows if r[_LABELS] is not None and MARK in r[_LABELS]]

    def flush(self, conn: Connection) -> None:
        """Store the evidence of the kept runs that the ledger holds with their digest."""
        if not self.runs:
            return
        stored: dict[str, str] = {}
        mark = "%s" if conn.dialect.name == "postgresql" else "?"
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        keys = sorted({r[_KEY] for r in self.runs})
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            cursor.execute(
                "SELECT run_key, digest FROM ledger_runs "
                f"WHERE run_key IN ({', '.join([mark] * len(chunk))})",
                chunk,
            )
            stored.update(cursor.fetchall())
        rows: list[Row] = []
        for r in self.runs:
            if stored.get(r[_KEY]) == r[_DIGEST]:
                counts = label_counts(json.loads(r[_LABELS]))
                rows += rows_of(r[_TEAM], r[_AGENT], r[_KEY], r[_TS], counts)
        add(conn, rows)
        self.runs = []
