"""Concurrent ingests and killed ingests, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import jsonl, record, stored

FLUSH = 20_000  # hubrails.core.ledger.ingest.FLUSH_ROWS


def hub(db: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hubrails", "ledger", "ingest", "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def runs(start: int, stop: int) -> list[str]:
    return [json.dumps(record(run_id=f"r{i:06d}", tool_calls=i % 7)) for i in range(start, stop)]


def test_overlapping_concurrent_ingests_store_each_run_once(registry: Path, ledger_db: str) -> None:
    digest_keyed = [json.dumps(record(output_tokens=i)) for i in range(50)]
    first = jsonl(registry / "a.jsonl", runs(0, 3000) + digest_keyed)
    second = jsonl(registry / "b.jsonl", digest_keyed + runs(1500, 4500))
    procs = [hub(ledger_db, "--format", "json", str(p)) for p in (first, second, first)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1] for r in results]
    inserted = [json.loads(out)["inserted"] for out, _ in results]
    assert sum(inserted) == 4550
    assert all(json.loads(out)["conflict_count"] == 0 for out, _ in results)
    keys = [r["run_key"] for r in stored(ledger_db, "run_key")]
    assert len(keys) == len(set(keys)) == 4550


def _in_transaction(db: str) -> bool:
    """Whether an ingest is holding its write transaction open right now."""
    if db.startswith("sqlite"):
        probe = sqlite3.connect(db.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    import psycopg

    with psycopg.connect(db, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hubrails' "
            "AND xact_start IS NOT NULL"
        ).fetchone()
        return bool(found and found[0])


def _processes_using(db: str) -> list[int]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if db.encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("before", [10, 0])  # 0: a first import (a rollback journal on SQLite)
def test_killed_ingest_leaves_the_store_consistent(
    registry: Path, ledger_db: str, before: int
) -> None:
    done = hub(ledger_db, str(jsonl(registry / "before.jsonl", runs(0, before))))
    done.communicate(timeout=60)
    assert done.returncode == 0
    proc = hub(ledger_db, "-", stdin=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write("".join(line + "\n" for line in runs(10, FLUSH + 5010)))
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not _in_transaction(ledger_db):
        assert proc.poll() is None and time.monotonic() < deadline, "ingest never started"
        time.sleep(0.05)
    time.sleep(0.5)  # let it load the first batch
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 15
    while _processes_using(ledger_db):  # its parser processes exit too
        assert time.monotonic() < deadline, "worker processes outlived the killed ingest"
        time.sleep(0.1)
    kept = [f"r{i:06d}" for i in range(before)]
    assert [r["run_key"] for r in stored(ledger_db, "run_key")] == kept
    everything = jsonl(registry / "all.jsonl", runs(0, FLUSH + 5010))
    again = hub(ledger_db, "--format", "json", str(everything))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert json.loads(out)["inserted"] == FLUSH + 5010 - before
    assert len(stored(ledger_db, "run_key")) == FLUSH + 5010
    if ledger_db.startswith("sqlite"):
        check = sqlite3.connect(ledger_db.removeprefix("sqlite:///"))
        try:
            assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            check.close()
