"""The ledger's schema, created and versioned on first use, and its migrations."""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from hubrails.errors import HubError
from hubrails.store import evidence as _evidence  # noqa: F401  (its table, in ``metadata``)
from hubrails.store.sql import (
    SCHEMA_VERSION,
    Store,
    daily,
    metadata,
    open_events,
    schema_version,
)

_SCHEMA_LOCK = 7_4201  # pg_advisory_xact_lock key for creating the schema


def ensure_schema(store: Store) -> None:
    """Create the tables on first use, migrate an older schema, refuse a newer one: atomically
    (on PostgreSQL under an advisory lock, so that concurrent first runs do not race)."""
    import time

    with store.write() as conn:
        if store.postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        metadata.create_all(conn, checkfirst=True)
        found = conn.execute(select(schema_version.c.version)).scalars().all()
        if found and max(found) == 1:
            _daily_by_group(conn, store.postgres)
        if found and max(found) == 3:  # (older ledgers had no open events: created just now)
            _open_events_detail(conn, store.postgres)
        if not found or max(found) < SCHEMA_VERSION:
            conn.execute(
                schema_version.insert().values(
                    version=SCHEMA_VERSION, applied_ms=int(time.time() * 1000)
                )
            )
        elif max(found) > SCHEMA_VERSION:
            raise HubError(
                f"the ledger has schema version {max(found)}, newer than this hubrails "
                f"understands ({SCHEMA_VERSION})",
                hint="upgrade hubrails",
            )


def _daily_by_group(conn: Connection, postgres: bool) -> None:
    """Schema 1 to 2: the daily sums, keyed by day first, copied into the table keyed by group."""
    conn.execute(text("ALTER TABLE ledger_daily RENAME TO hub_daily_v1"))
    if postgres:  # the old key's index keeps its name, which the new table's needs
        conn.execute(text("ALTER INDEX ledger_daily_pkey RENAME TO hub_daily_v1_pkey"))
    daily.create(conn)
    names = ", ".join(c.name for c in daily.columns)
    conn.execute(text(f"INSERT INTO ledger_daily ({names}) SELECT {names} FROM hub_daily_v1"))
    conn.execute(text("DROP TABLE hub_daily_v1"))


def _open_events_detail(conn: Connection, postgres: bool) -> None:
    """Schema 3 to 4: the open events copied into the table with a ``detail`` column (before
    ``received_ms``, so an event's fields stay in column order); ``ledger_evidence`` is new."""
    conn.execute(text("DROP INDEX ledger_open_events_run"))
    conn.execute(text("ALTER TABLE ledger_open_events RENAME TO hub_open_events_v3"))
    if postgres:
        conn.execute(text("ALTER INDEX ledger_open_events_pkey RENAME TO hub_open_events_v3_pkey"))
    open_events.create(conn)
    names = ", ".join(c.name for c in open_events.columns if c.name != "detail")
    conn.execute(
        text(f"INSERT INTO ledger_open_events ({names}) SELECT {names} FROM hub_open_events_v3")
    )
    conn.execute(text("DROP TABLE hub_open_events_v3"))
