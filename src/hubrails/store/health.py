"""Whether the ledger store answers: a ping, and which errors mean it is unavailable (the
collector answers those with 503 and ``Retry-After``) rather than a fault of the request."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hubrails.store.sql import Store


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the store cannot be reached (down, refusing, connection lost, or
    no pooled connection free in time)."""
    if isinstance(exc, OperationalError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def ping(store: Store) -> None:
    """Ask the store for nothing; raises when it does not answer."""
    with store.read() as conn:
        conn.execute(text("SELECT 1"))
