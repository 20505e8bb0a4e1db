"""The PostgreSQL ledger read with psycopg alone: at this schema only, every query of a batch
in one read-only transaction, parameters named as everywhere else."""

from __future__ import annotations

import psycopg
import pytest

from hubrails.store import normalise_url
from hubrails.store.postgres_reader import driver_sql, postgres_reader
from hubrails.store.reader import SCHEMA_VERSION
from hubrails.store.sql import open_store
from tests.postgres import Server, fresh_database


def test_named_parameters_become_psycopg_ones_and_the_rest_is_kept() -> None:
    sql = "SELECT x::text, '5%' FROM t WHERE a = :a AND b >= :since_ms AND c = ':no'"
    assert driver_sql(sql) == (
        "SELECT x::text, '5%%' FROM t WHERE a = %(a)s AND b >= %(since_ms)s AND c = '%(no)s'"
    )


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.db", "mysql://h/db", "not a url"])
def test_only_postgresql_urls_are_read(url: str) -> None:
    assert postgres_reader(url) is None


def test_a_ledger_at_this_schema_is_read_in_one_transaction(postgres_server: Server) -> None:
    with fresh_database(postgres_server, "reader_current") as url:
        open_store(normalise_url(url, postgres_server.folder)).close()  # the schema, made
        reader = postgres_reader(normalise_url(url, postgres_server.folder))
        assert reader is not None
        try:
            first, second = reader.queries(
                [
                    ("SELECT max(version) FROM hub_schema_version", {}),
                    ("SELECT :n + 1, current_setting('transaction_read_only')", {"n": 41}),
                ]
            )
            assert first == [(SCHEMA_VERSION,)] and second == [(42, "on")]
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                reader.queries([("DELETE FROM ledger_runs", {})])
            assert reader.queries([("SELECT count(*) FROM ledger_runs", {})]) == [[(0,)]]
        finally:
            reader.close()


def test_no_schema_another_version_or_no_server_is_left_to_the_store(
    postgres_server: Server,
) -> None:
    with fresh_database(postgres_server, "reader_empty") as url:
        assert postgres_reader(url) is None  # no tables: the store creates them
        open_store(normalise_url(url, postgres_server.folder)).close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO hub_schema_version VALUES (%s, 0)", (SCHEMA_VERSION + 1,))
        assert postgres_reader(url) is None  # newer: the store says so
    closed = postgres_server.url().replace(f":{postgres_server.port}/", ":1/")
    assert postgres_reader(closed) is None  # nothing listening: the store tells the error
