"""Time ``hub ledger ingest`` and ``hub ledger report`` against their floors, in the same run.

Usage: python benchmarks/ledger_bench.py [--counts 100000 1000000] [--runs 5]
       [--shapes in-order shuffled] [--months 10] [--no-postgres] [--no-duckdb]

Builds a hub registry with the generator's 40 teams (each with a budget) and, for each count
and shape (``in-order``: log order; ``shuffled``: random order, unpadded run ids), records
spread over ``--months`` months. Each run of each step is its own process, with the input's
file pages read first (so the OS file cache is warm) and the 1-minute load average noted:

- ingest into a fresh ledger, alternating with the floor (orjson + one ``executemany`` into a
  SQLite table keyed by run id, ``ledger_floor.py``) so both see the same load; the ratio is
  the median of the per-pair ratios;
- ``hub ledger report`` over the whole span and over the default 30 days, alternating with
  DuckDB ``read_json`` + the same GROUP BY on the JSONL.

Wall and CPU seconds (child processes included) and peak resident memory (the largest of the
process and its parsers) are medians over ``--runs``. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

from tests.helpers import copy_example  # noqa: E402

import measured  # noqa: E402
from ledger_gen import TEAMS, generate  # noqa: E402

END = datetime(2026, 11, 25, tzinfo=UTC)
TEAM = """apiVersion: hubrails/v1
kind: Team
metadata: {{name: {name}, version: "1.0.0", description: Generated team.}}
spec:
  owners: ["@acme/{name}"]
  contact: {{email: {name}@acme.example}}
  budget: {{monthly_usd: {budget}}}
"""
Sample = tuple[float, float, int, float]  # wall s, CPU s, peak MiB, load average


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def warm(path: Path) -> None:
    """Read ``path`` so its pages are in the OS file cache."""
    with path.open("rb") as f:
        while f.read(8 << 20):
            pass


def timed(args: Sequence[str], cwd: Path) -> Sample:
    """Run ``args``; wall and CPU seconds (children included), peak MiB, load at the start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = load()
    done = measured.run(args, cwd, env)
    if done.code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with {done.code}")
    return done.wall, done.cpu, done.peak_mib, before


def hub(*args: str) -> list[str]:
    """The command line of ``hub ARGS``."""
    return [sys.executable, "-m", "hubrails", *args]


def row(label: str, samples: list[Sample], floor: list[Sample] | None, what: str) -> str:
    """One markdown row: medians, and the median per-pair ratio to the floor."""
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    rss = max(s[2] for s in samples)
    loads = [s[3] for s in samples + (floor or [])]
    cells = [label, f"{wall:.2f}", f"{min(s[0] for s in samples):.2f}", f"{cpu:.2f}", f"{rss}"]
    if floor:
        ratio = statistics.median(h[0] / f[0] for h, f in zip(samples, floor, strict=True))
        cells += [f"{statistics.median(f[0] for f in floor):.2f}", what, f"{ratio:.2f}"]
    else:
        cells += ["", "", ""]
    cells.append(f"{min(loads):.1f} to {max(loads):.1f}")
    return "| " + " | ".join(cells) + " |"


def pairs(
    runs: int, first: Callable[[], Sample], second: Callable[[], Sample] | None
) -> tuple[list[Sample], list[Sample]]:
    """``runs`` samples of each, alternating."""
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(runs):
        a.append(first())
        if second is not None:
            b.append(second())
    return a, b


@contextlib.contextmanager
def databases(kind: str, folder: Path, server: object) -> Iterator[Callable[[int], str]]:
    """A maker of fresh ledger URLs of ``kind``."""
    if kind == "sqlite":
        yield lambda n: f"sqlite:///{folder / f'ledger-{n}.db'}"
        return
    from tests.postgres import fresh_database

    with contextlib.ExitStack() as stack:

        def make(n: int) -> str:
            return stack.enter_context(fresh_database(server, f"bench_{os.getpid()}_{n}"))  # type: ignore[arg-type]

        yield make


def bench_store(
    kind: str, server: object, root: Path, data: Path, label: str, runs: int, duck: bool
) -> list[str]:
    """Ingest and report rows for one store."""
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-db-") as tmp:
        folder = Path(tmp)
        with databases(kind, folder, server) as fresh:
            counter = iter(range(10**6))
            urls: list[str] = []

            def ingest() -> Sample:
                url = fresh(next(counter))
                urls.append(url)
                warm(data)
                return timed(hub("ledger", "ingest", "--db", url, str(data)), root)

            def floor() -> Sample:
                db = folder / f"floor-{next(counter)}.db"
                warm(data)
                sample = timed(
                    [sys.executable, str(ROOT / "benchmarks/ledger_floor.py"), "ingest",
                     str(data), str(db)],
                    root,
                )  # fmt: skip
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                return sample

            hubs, floors = pairs(runs, ingest, floor if kind == "sqlite" else None)
            out.append(row(f"{label} {kind} ingest", hubs, floors or None, "floor ingest"))
            url = urls[-1]
            for span, since in (("whole span", "2026-01-01"), ("30 days", None)):
                extra = ("--since", since) if since else ()
                until = END.date().isoformat()
                start = since or (END - timedelta(days=30)).date().isoformat()

                def report(extra: tuple[str, ...] = extra, until: str = until) -> Sample:
                    return timed(
                        hub("ledger", "report", "--db", url, "--as-of", until, *extra), root
                    )

                def duckdb(start: str = start, until: str = until) -> Sample:
                    warm(data)
                    return timed(
                        [sys.executable, str(ROOT / "benchmarks/ledger_floor.py"), "duckdb",
                         str(data), "--since", start, "--until", until],
                        root,
                    )  # fmt: skip

                reports, ducks = pairs(runs, report, duckdb if duck else None)
                out.append(row(f"{label} {kind} report, {span}", reports, ducks or None, "DuckDB"))
            print("\n".join(out[-3:]), flush=True)
    return out


def main() -> None:
    """Build, generate, time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shapes", nargs="+", default=["in-order", "shuffled"])
    parser.add_argument("--months", type=int, default=10)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--no-duckdb", action="store_true")
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        "| count, shape, store, step | median s | min s | CPU s | peak MiB | floor s | floor "
        "| ratio | load |\n|---|---:|---:|---:|---:|---:|---|---:|---|",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as folder, servers(args.stores) as pg:
        root = copy_example(Path(folder) / "hub")
        for i, name in enumerate(TEAMS):
            path = root / "registry" / "teams" / f"{name}.yaml"
            path.write_text(TEAM.format(name=name, budget=500 + 250 * (i % 8)))
        for count in args.counts:
            for shape in args.shapes:
                data = Path(folder) / f"runs-{shape}-{count}.jsonl"
                generate(count, data, days=30 * args.months, seed=1, end=END,
                         shuffle=shape == "shuffled")  # fmt: skip
                for kind in args.stores:
                    if kind == "postgresql" and isinstance(pg, str):
                        print(f"postgresql skipped: {pg}")
                        continue
                    bench_store(
                        kind, pg, root, data, f"{count:,} {shape}", args.runs, not args.no_duckdb
                    )
                data.unlink()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


@contextlib.contextmanager
def servers(stores: Sequence[str]) -> Iterator[object]:
    """A throwaway PostgreSQL server when asked for (or why there is none)."""
    if "postgresql" not in stores:
        yield "not asked for"
        return
    from tests.postgres import running_server

    with running_server() as server:
        yield server


if __name__ == "__main__":
    main()
