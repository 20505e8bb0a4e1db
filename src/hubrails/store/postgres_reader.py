"""A PostgreSQL ledger read with psycopg alone: what the reports, the review and certify ask of a
ledger at the current schema, without importing SQLAlchemy (a third of a report's start)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hubrails.store.reader import SCHEMA_VERSION, Query

# PostgreSQL's memory for one sort or hash in a read: with its default, 4 MB, grouping the daily
# sums of a million runs (160,000 rows) was sorted on disk, 0.28 s; hashed in memory, 0.07 s.
READ_WORK_MEM = "64MB"
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")  # :name, not a ::cast


def driver_sql(sql: str) -> str:
    """``sql`` with ``:name`` parameters (SQLAlchemy's, SQLite's) as psycopg's ``%(name)s``."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class PostgresReader:
    """One connection, opened on first use; each batch of queries in its own read-only
    transaction."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.conn: Any = None

    def queries(self, batch: Sequence[Query]) -> list[list[Any]]:
        """The rows of each query, all in one read transaction."""
        import psycopg

        if self.conn is None:
            self.conn = psycopg.connect(self.conninfo, application_name="hubrails")
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION READ ONLY")
            self.conn.execute(f"SET LOCAL work_mem = '{READ_WORK_MEM}'")
            return [self.conn.execute(driver_sql(sql), params).fetchall() for sql, params in batch]

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def postgres_reader(url: str) -> PostgresReader | None:
    """The PostgreSQL ledger at ``url`` when it can be reached and is at this schema version;
    ``None`` otherwise (the store is then opened, created or migrated, or the error told)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        return None
    import psycopg

    reader = PostgresReader(f"postgresql://{rest}")
    try:
        [[(found,)]] = reader.queries([("SELECT max(version) FROM hub_schema_version", {})])
    except psycopg.Error:  # no server, no schema yet, or a URL libpq reads otherwise
        reader.close()
        return None
    if found != SCHEMA_VERSION:
        reader.close()
        return None
    return reader
