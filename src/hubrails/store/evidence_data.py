"""What evidence rows are: their kinds, rows from a run's counts or ``hub.*`` labels, and the
queries reviews and certify read them with (standard library only: the session-end hook and a
review of a SQLite ledger need no SQLAlchemy)."""

from __future__ import annotations

from typing import Any

from hubrails.store.reader import Query

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

# (team, agent, kind, subject, run_key, calls, ts_ms): the columns of ``ledger_evidence``
Row = tuple[str, str, str, str, str, int, int]


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
            if name and count.isdecimal():  # not isdigit: int() refuses "²"
                counts[kind, name] = counts.get((kind, name), 0) + int(count)
    return counts


def encode(counts: dict[str, int]) -> str:
    """A label value listing ``counts`` (the inverse of the parse above)."""
    return ",".join(f"{name}={n}" for name, n in sorted(counts.items()) if "," not in name)


_SHAPE = "team, agent, kind, subject, {n}, {calls}, {last}, {first_run}, {last_run}"
_RAW = _SHAPE.format(n="count(*)", calls="sum(calls)", last="max(ts_ms)",
                     first_run="min(run_key)", last_run="max(run_key)")  # fmt: skip
_GROUP = " GROUP BY team, agent, kind, subject"


def window_query(since_ms: int, until_ms: int, team: str | None = None) -> Query:
    """Evidence per (team, agent, kind, subject) in ``[since_ms, until_ms)``: runs, calls,
    the last time, and the first and last run keys (in key order) as examples; read from
    every run's rows (a window that ends before the latest evidence)."""
    only = " AND team = :team" if team else ""
    return (
        f"SELECT {_RAW} FROM ledger_evidence WHERE +ts_ms >= :a AND +ts_ms < :b{only}{_GROUP}",
        {"a": since_ms, "b": until_ms, "team": team},
    )


def seen_queries(since_ms: int, until_ms: int, team: str | None = None) -> list[Query]:
    """The latest evidence time; then what was seen since ``since_ms`` (counts since first
    seen), denials apart; then the denials in the window (counted in it): the rows of
    :func:`window_query`'s shape for a window that ends at or after the latest evidence."""
    only = " AND team = :team" if team else ""
    params = {"a": since_ms, "b": until_ms, "team": team}
    shape = _SHAPE.format(n="runs", calls="calls", last="last_ms", first_run="first_run",
                          last_run="last_run")  # fmt: skip
    return [
        ("SELECT max(last_ms) FROM ledger_evidence_seen", {}),
        (f"SELECT {shape} FROM ledger_evidence_seen WHERE last_ms >= :a AND kind <> 'denied'"
         f"{only}", params),
        (f"SELECT {_RAW} FROM ledger_evidence WHERE kind = 'denied' AND ts_ms >= :a "
         f"AND ts_ms < :b{only}{_GROUP}", params),
    ]  # fmt: skip


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
