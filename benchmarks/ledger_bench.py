"""Time ``hub ledger ingest`` and ``hub ledger report`` on generated ledgers.

Usage: python benchmarks/ledger_bench.py [--count 1000000] [--no-postgres]

Builds a hub registry with the generator's 40 teams (each with a budget), generates the
records, then times ingest (SQLite, and PostgreSQL on a throwaway server when it can start),
a second ingest of the same file (idempotent: adds nothing) and the report. Peak memory is
the ingest process's maximum resident set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

from tests.helpers import copy_example  # noqa: E402

from ledger_gen import TEAMS, generate  # noqa: E402

TEAM = """apiVersion: hubrails/v1
kind: Team
metadata: {{name: {name}, version: "1.0.0", description: Generated team.}}
spec:
  owners: ["@acme/{name}"]
  contact: {{email: {name}@acme.example}}
  budget: {{monthly_usd: {budget}}}
"""


def hub(root: Path, *args: str) -> tuple[float, float, int]:
    """Run ``hub ARGS`` in ``root``; return wall and CPU seconds (its parsers' included) and
    the peak resident memory of the main process in MiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hubrails", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"hub {' '.join(args)} failed with {proc.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def bench(root: Path, db: str, data: Path, label: str) -> None:
    """Ingest twice and report, printing one line each."""
    for step in ("ingest", "re-ingest"):
        seconds, cpu, rss = hub(root, "ledger", "ingest", "--db", db, str(data))
        print(f"{label:10} {step:17} {seconds:7.2f} s  {cpu:7.2f} s CPU  {rss:5d} MiB")
    for args in ((), ("--by", "agent", "--format", "json")):
        seconds, cpu, rss = hub(
            root, "ledger", "report", "--db", db, "--as-of", "2026-11-25", *args
        )
        step = "report " + " ".join(args[:2])
        print(f"{label:10} {step:17} {seconds:7.2f} s  {cpu:7.2f} s CPU  {rss:5d} MiB")


def main() -> None:
    """Build, generate, time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as folder:
        root = copy_example(Path(folder) / "hub")
        for i, name in enumerate(TEAMS):
            path = root / "registry" / "teams" / f"{name}.yaml"
            path.write_text(TEAM.format(name=name, budget=500 + 250 * (i % 8)))
        data = Path(folder) / "runs.jsonl"
        started = time.perf_counter()
        generate(args.count, data, days=60, seed=1, end=datetime(2026, 11, 25, tzinfo=UTC))
        size = data.stat().st_size >> 20
        took = time.perf_counter() - started
        print(f"generated {args.count:,} records ({size} MiB) in {took:.1f} s")
        bench(root, f"sqlite:///{root / '.hub' / 'ledger.db'}", data, "sqlite")
        if args.no_postgres:
            return
        from tests.postgres import fresh_database, running_server

        with running_server() as server:
            if isinstance(server, str):
                print(f"postgresql skipped: {server}")
                return
            with fresh_database(server, "bench") as url:
                bench(root, url, data, "postgresql")


if __name__ == "__main__":
    main()
