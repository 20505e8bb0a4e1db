"""Which store errors mean "unavailable" (the collector's 503), and the ping, against real
SQLite files, a real pool and the ``ledger_db`` stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from hubrails.store import normalise_url
from hubrails.store.health import ping, unavailable
from hubrails.store.sql import Store, open_store


@pytest.fixture
def store(ledger_db: str, tmp_path: Path) -> Iterator[Store]:
    made = open_store(normalise_url(ledger_db, tmp_path))
    yield made
    made.close()


def _raised(tmp_path: Path, sql: str, *setup: str) -> SQLAlchemyError:
    engine = create_engine(f"sqlite:///{tmp_path / 'errors.db'}")
    try:
        with engine.begin() as conn:
            for statement in setup:
                conn.execute(text(statement))
            conn.execute(text(sql))
    except SQLAlchemyError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError(f"{sql} did not fail")


def test_a_store_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}")
    with pytest.raises(OperationalError) as caught:
        ping(Store(engine, "sqlite:///x"))
    assert unavailable(caught.value)


def test_no_pooled_connection_free_in_time_is_unavailable(tmp_path: Path) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    try:
        with engine.connect(), pytest.raises(PoolTimeout) as caught:
            engine.connect()
        assert unavailable(caught.value)
    finally:
        engine.dispose()


def test_a_fault_of_the_request_is_not_unavailability(tmp_path: Path) -> None:
    duplicate = _raised(
        tmp_path,
        "INSERT INTO t VALUES (1)",
        "CREATE TABLE t (k INTEGER PRIMARY KEY)",
        "INSERT INTO t VALUES (1)",
    )
    assert isinstance(duplicate, IntegrityError) and not unavailable(duplicate)
    assert not unavailable(ValueError("bad input"))
    assert not unavailable(RuntimeError("bug"))


def test_a_lost_connection_is_unavailable_and_another_database_error_is_not() -> None:
    lost = DBAPIError("SELECT 1", {}, Exception("server closed"), connection_invalidated=True)
    other = DBAPIError("SELECT 1", {}, Exception("division by zero"))
    assert unavailable(lost)
    assert not unavailable(other)


def test_a_working_store_answers_the_ping(store: Store) -> None:
    ping(store)  # no exception
    ping(store)  # and again, from the pool


def test_an_unreachable_postgresql_server_fails_the_ping_as_unavailable() -> None:
    engine = create_engine(
        "postgresql+psycopg://hub@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    try:
        with pytest.raises(SQLAlchemyError) as caught:
            ping(Store(engine, "postgresql://hub@127.0.0.1:1/none"))
        assert unavailable(caught.value)
    finally:
        engine.dispose()
