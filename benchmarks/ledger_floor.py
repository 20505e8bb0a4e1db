"""The floors ``hub ledger`` is measured against, on the same JSON Lines file.

Usage: python benchmarks/ledger_floor.py ingest RUNS.jsonl DB.sqlite
       python benchmarks/ledger_floor.py duckdb RUNS.jsonl [--since YYYY-MM-DD --until YYYY-MM-DD]

``ingest``: orjson + one ``executemany`` into a SQLite table keyed by run id, in one
transaction, with the ledger's pragmas: no validation, no pricing, no digest, no daily sums.
``duckdb``: DuckDB's ``read_json`` straight from the file and the report's GROUP BY (team,
agent, model) over the window (``pip install duckdb``; a benchmark dependency only).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

COLUMNS = (
    "run_id", "team", "agent", "model", "ts", "input_tokens", "output_tokens",
    "cache_read_tokens", "tool_calls", "human_review_minutes", "task_outcome",
)  # fmt: skip


def _rows(path: Path) -> Iterator[tuple[Any, ...]]:
    import orjson

    with path.open("rb") as f:
        for line in f:
            obj = orjson.loads(line)
            yield tuple(obj.get(c) for c in COLUMNS)


def ingest(path: Path, db: Path) -> None:
    """Load ``path`` into a fresh table keyed by run id."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute(f"CREATE TABLE IF NOT EXISTS runs ({COLUMNS[0]} TEXT PRIMARY KEY, "
                 + ", ".join(COLUMNS[1:]) + ")")  # fmt: skip
    conn.execute("BEGIN IMMEDIATE")
    marks = ", ".join("?" * len(COLUMNS))
    conn.executemany(f"INSERT INTO runs VALUES ({marks}) ON CONFLICT DO NOTHING", _rows(path))
    conn.execute("COMMIT")
    conn.close()


def duckdb_report(path: Path, since: str, until: str) -> int:
    """The report's grouping by DuckDB on the file; returns the number of groups."""
    import duckdb  # type: ignore[import-not-found, unused-ignore]

    relation: Any = duckdb.sql(
        "SELECT team, agent, model, count(*), sum(input_tokens), sum(output_tokens), "
        "sum(cache_read_tokens), sum(human_review_minutes), "
        "sum(CASE WHEN task_outcome = 'resolved' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN task_outcome IN ('failed', 'abandoned') THEN 1 ELSE 0 END) "
        f"FROM read_json('{path}', format = 'newline_delimited') "
        "WHERE ts >= CAST(? AS TIMESTAMP) AND ts < CAST(? AS TIMESTAMP) GROUP BY 1, 2, 3",
        params=[since, until],
    )
    return len(relation.fetchall())


def main() -> None:
    """Run one floor."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("ingest", "duckdb"))
    parser.add_argument("data", type=Path)
    parser.add_argument("db", type=Path, nargs="?")
    parser.add_argument("--since", default="2026-10-26")
    parser.add_argument("--until", default="2026-11-25")
    args = parser.parse_args()
    if args.what == "ingest":
        if args.db is None:
            sys.exit("ingest needs DB")
        ingest(args.data, args.db)
    else:
        print(duckdb_report(args.data, args.since, args.until))


if __name__ == "__main__":
    main()
