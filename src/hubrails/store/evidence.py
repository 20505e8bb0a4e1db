"""What agents were seen doing, per run: the tools, MCP servers and actions they used and the
calls a guard denied or gated (``ledger_evidence``), stored exactly once per run and subject.

Evidence arrives two ways: from Claude Code's log events when the collector closes a run, and
from ``hub.*`` labels of ingested records (what ``hub guard session-end`` writes):
``hub.tools``, ``hub.denied``, ``hub.gated`` and ``hub.mcp_servers``, each a comma-separated
list of ``NAME=COUNT`` (the count optional). A tool named ``mcp__SERVER__ACTION`` also counts
for its server and action. Rows are keyed by (team, agent, kind, subject, run): a retried
request or a re-ingested file adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Index, String, Table, Text

from hubrails.store.reader import Query
from hubrails.store.sql import COLUMNS, metadata

TOOL, MCP_SERVER, MCP_ACTION, DENIED, GATED = "tool", "mcp_server", "mcp_action", "denied", "gated"
KINDS = (TOOL, MCP_SERVER, MCP_ACTION, DENIED, GATED)
LABELS = {
    "hub.tools": TOOL,
    "hub.denied": DENIED,
    "hub.gated": GATED,
    "hub.mcp_servers": MCP_SERVER,
}
MARK = '"hub.'  # in a run's labels JSON: it may carry evidence
MCP_PREFIX = "mcp__"
_CHUNK = 500

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
    Index("ledger_evidence_ts", "ts_ms"),
    sqlite_with_rowid=False,
)

# (team, agent, kind, subject, run_key, calls, ts_ms): the columns of ``evidence``
Row = tuple[str, str, str, str, str, int, int]
_KEY, _DIGEST, _TEAM, _AGENT, _TS, _LABELS = (
    COLUMNS.index(c) for c in ("run_key", "digest", "team", "agent", "ts_ms", "labels")
)


def mcp_parts(tool: str) -> tuple[str, str] | None:
    """The server and action of a tool named ``mcp__SERVER__ACTION`` (else ``None``)."""
    if not tool.startswith(MCP_PREFIX):
        return None
    server, sep, action = tool[len(MCP_PREFIX) :].partition("__")
    return (server, action) if server and sep and action else None


def rows_of(
    team: str, agent: str, run_key: str, ts_ms: int, counts: dict[tuple[str, str], int]
) -> list[Row]:
    """The evidence rows of one run from its ``(kind, subject) -> calls``; a tool used that is
    an MCP action counts for its server and its action too."""
    found: dict[tuple[str, str], int] = {}
    for (kind, subject), calls in counts.items():
        found[kind, subject] = found.get((kind, subject), 0) + calls
        parts = mcp_parts(subject) if kind == TOOL else None
        if parts is not None:
            found[MCP_SERVER, parts[0]] = found.get((MCP_SERVER, parts[0]), 0) + calls
            key = (MCP_ACTION, f"{parts[0]}/{parts[1]}")
            found[key] = found.get(key, 0) + calls
    return [(team, agent, k, s, run_key, c, ts_ms) for (k, s), c in sorted(found.items())]


def label_counts(labels: dict[str, Any]) -> dict[tuple[str, str], int]:
    """``(kind, subject) -> calls`` from a run's ``hub.*`` labels (malformed entries skipped)."""
    counts: dict[tuple[str, str], int] = {}
    for label, kind in LABELS.items():
        value = labels.get(label)
        if not isinstance(value, str):
            continue
        for entry in value.split(","):
            name, sep, count = entry.strip().rpartition("=")
            if not sep:
                name, count = count, "1"
            if name and count.isdigit():
                counts[kind, name] = counts.get((kind, name), 0) + int(count)
    return counts


def encode(counts: dict[str, int]) -> str:
    """A label value listing ``counts`` (the inverse of the parse above)."""
    return ",".join(f"{name}={n}" for name, n in sorted(counts.items()) if "," not in name)


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


class Pending:
    """Runs of a load whose labels may carry evidence, stored when the load finishes, for the
    runs stored with their digest (a run in conflict keeps the stored content's evidence)."""

    __slots__ = ("runs",)

    def __init__(self) -> None:
        self.runs: list[tuple[Any, ...]] = []

    def take(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Keep the rows (ledger_runs columns) whose labels name evidence."""
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


def window_query(since_ms: int, until_ms: int, team: str | None = None) -> Query:
    """Evidence per (team, agent, kind, subject) in ``[since_ms, until_ms)``: runs, calls,
    the last time, and the first and last run keys (in key order) as examples."""
    only = " AND team = :team" if team else ""
    return (
        "SELECT team, agent, kind, subject, count(*), sum(calls), max(ts_ms), min(run_key), "
        f"max(run_key) FROM ledger_evidence WHERE ts_ms >= :a AND ts_ms < :b{only} "
        "GROUP BY team, agent, kind, subject",
        {"a": since_ms, "b": until_ms, "team": team},
    )


def agent_query(team: str, agent: str, since_ms: int, limit: int = 200) -> Query:
    """One agent's evidence rows since ``since_ms``, newest first."""
    return (
        "SELECT kind, subject, run_key, calls, ts_ms FROM ledger_evidence "
        "WHERE team = :team AND agent = :agent AND ts_ms >= :a "
        f"ORDER BY ts_ms DESC, run_key LIMIT {int(limit)}",
        {"team": team, "agent": agent, "a": since_ms},
    )


def last_seen_query() -> Query:
    """The last day (days since the epoch) each (team, agent) has runs."""
    return ("SELECT team, agent, max(day) FROM ledger_daily GROUP BY team, agent", {})
