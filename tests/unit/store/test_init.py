"""Ledger URLs, answered without SQLAlchemy (store/__init__.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.store import missing_sqlite_file, normalise_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///.hub/ledger.db", "sqlite:////repo/.hub/ledger.db"),  # from the repository
        ("sqlite:////abs/ledger.db", "sqlite:////abs/ledger.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url, Path("/repo")) == expected


def test_missing_sqlite_file(tmp_path: Path) -> None:
    there = tmp_path / "ledger.db"
    assert missing_sqlite_file(f"sqlite:///{there}")
    there.write_bytes(b"")
    assert not missing_sqlite_file(f"sqlite:///{there}?mode=ro")
    assert not missing_sqlite_file("sqlite:///:memory:")
    assert not missing_sqlite_file("postgresql+psycopg://u@h/db")
