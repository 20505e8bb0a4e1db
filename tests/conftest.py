"""Fixtures: an isolated copy of the example registry, and a fixed git identity."""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import copy_example
from tests.postgres import Server, fresh_database, running_server


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Keep caches, homes and git identity inside the test's own folder; undo what ``main``
    does to the garbage collector of the process it ends (a test calls it in-process)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("HUB_DEBUG", raising=False)
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example hub registry; the current folder is its root."""
    root = copy_example(tmp_path / "hub")
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A real PostgreSQL server for the session (skipped, or failed under
    HUB_REQUIRE_POSTGRES=1, when none can be started)."""
    with running_server() as server:
        if isinstance(server, str):
            if os.environ.get("HUB_REQUIRE_POSTGRES") == "1":
                pytest.fail(f"HUB_REQUIRE_POSTGRES=1 but PostgreSQL cannot start: {server}")
            pytest.skip(f"no PostgreSQL server: {server}")
        yield server


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ledger database URL: a SQLite file, or a fresh database on the real server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    server: Server = request.getfixturevalue("postgres_server")
    with fresh_database(server, f"ledger_{os.getpid()}_{next(_databases)}") as url:
        yield url
