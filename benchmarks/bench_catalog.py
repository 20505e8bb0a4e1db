"""Wall-clock benchmark of ``hub catalog`` on a generated registry.

    python benchmarks/bench_catalog.py [--size 10000] [--runs 5] [--out benchmarks/out]

Generates a registry (``benchmarks/generate.py``, no deliberate errors) into ``OUT/catalog-nSIZE``,
fills the caches with one untimed ``hub catalog ls``, then times each command as its own process
(median of ``--runs``; output thrown away) and prints a markdown table. It also times the first
query after one manifest is edited (the snapshot is rebuilt from the index cache), for
information. Exit status 0 unless a command failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

TARGET = 0.5  # seconds, each catalog command on 10,000 manifests
HUB = [sys.executable, "-m", "hubrails"]


def run(root: Path, args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``hub ARGS`` process in ``root``; raises when it fails.

    CPU time (user + system) is what the process itself costs: on a busy shared machine the
    wall time also holds the time spent waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([*HUB, *args], cwd=root, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"hub {' '.join(args)}: exit {done.returncode}\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def most_used(root: Path, folder: str) -> str:
    """The name in ``registry/FOLDER`` that most manifests mention (a worst case for uses)."""
    names = [p.stem for p in (root / "registry" / folder).glob("*.yaml")]
    counts: Counter[str] = Counter()
    for agent in (root / "registry/spokes").glob("*/agents/*.yaml"):
        text = agent.read_text(encoding="utf-8")
        counts.update(n for n in names if f"name: {n}\n" in text)
    return counts.most_common(1)[0][0]


def main() -> int:
    """Generate, warm up, time and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    root = args.out / f"catalog-n{args.size}"
    summary = generate(root, args.size, error_rate=0)
    tool = most_used(root, "tools")
    agent = Path(summary.sample_agent).stem
    commands = {
        "ls": ["catalog", "ls"],
        "ls tool --status vetted": ["catalog", "ls", "tool", "--status", "vetted"],
        "ls --format json": ["catalog", "ls", "--format", "json"],
        f"show tool/{tool}": ["catalog", "show", f"tool/{tool}"],
        f"show agent/{agent}": ["catalog", "show", f"agent/{agent}"],
        f"uses tool/{tool}": ["catalog", "uses", f"tool/{tool}"],
        "search incident triage": ["catalog", "search", "incident", "triage"],
    }
    warm = time.perf_counter()
    run(root, ["catalog", "ls"])  # fills .hub/cache: index and snapshot
    first = time.perf_counter() - warm
    time.sleep(2.1)  # files written just now are not trusted by time; let them age
    run(root, ["catalog", "ls"])
    rows = []
    for label, argv in commands.items():
        walls, cpus = zip(*(run(root, argv) for _ in range(args.runs)), strict=True)
        wall = statistics.median(walls)
        verdict = "met" if wall < TARGET else "**missed**"
        rows.append(
            f"| `hub catalog {label}` | {wall:.3f} | {min(walls):.3f} | "
            f"{statistics.median(cpus):.3f} | {verdict} |"
        )
    edited = root / summary.sample_agent
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("description: ", "description: Edited. ", 1), encoding="utf-8")
    after_edit, _ = run(root, ["catalog", "ls"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{summary.manifests} manifests in {summary.files} files; Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.1f}\n"
    )
    print(f"| command | wall median s | wall best s | CPU median s | target < {TARGET} s |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\nfirst run (index cache and snapshot built from nothing): {first:.2f} s; "
        f"first query after editing one manifest (snapshot rebuilt): {after_edit:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
