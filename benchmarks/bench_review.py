"""Time ``hub review`` over 1,000,000 runs of 1,000 agents (SQLite), beside ``hub ledger
report`` and ``hub --version`` (the start-up floor) in the same run.

Usage: python benchmarks/bench_review.py [--count 1000000] [--agents 1000] [--runs 5]
       [--evidence 0.05]

Builds a hub registry (the example's tools, 100 teams each with a budget, ``--agents`` agents
declaring github and slack), writes ``--count`` records over 60 days (a Zipf-like skew over the
agents; ``--evidence`` of them carry ``hub.*`` labels: declared tools, now and then an
undeclared server, an unvetted tool or a denial), ingests them once, warms the catalog
snapshot, then times each command ``--runs`` times, alternating, as its own process. Prints a
markdown table: median and minimum wall seconds, CPU seconds, peak MiB, the median ratio to
the floor, and the 1-minute load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

from tests.helpers import copy_example  # noqa: E402

from ledger_bench import TEAM, Sample, hub, timed  # noqa: E402

END = datetime(2026, 11, 25, tzinfo=UTC)
AGENT = """apiVersion: hubrails/v1
kind: Agent
metadata: {{name: {name}, team: {team}, version: "1.0.0", description: Generated agent.}}
spec:
  model: sonnet
  data_classification: internal
  tools:
    - {{name: github, version: "^2.0.0", actions: [list_commits, search_code]}}
    - {{name: slack, version: "^1.4.0", actions: [slack_post_message]}}
  logging: {{enabled: true, retention_days: 30, destination: "s3://logs/{name}"}}
  telemetry: {{enabled: true, exporter: otlp, endpoint: "https://otel.example:4318"}}
"""
TOOLS = ("mcp__github__list_commits=2", "mcp__slack__slack_post_message=1", "Read=3")
ODD = ("mcp__linear__create_issue=1", "mcp__filesystem-write__write_file=1",
       "mcp__github__delete_repo=1")  # fmt: skip


def registry(folder: Path, agents: int) -> tuple[Path, list[tuple[str, str]]]:
    """The example hub with 100 budgeted teams and ``agents`` agents."""
    root = copy_example(folder / "hub")
    teams = [f"team-{i:02d}" for i in range(100)]
    for i, name in enumerate(teams):
        text = TEAM.format(name=name, budget=500 + 250 * (i % 8))
        (root / "registry" / "teams" / f"{name}.yaml").write_text(text)
    names = [(teams[i % 100], f"agent-{i:04d}") for i in range(agents)]
    for team, name in names:
        folder_ = root / "registry" / "spokes" / team / "agents"
        folder_.mkdir(parents=True, exist_ok=True)
        (folder_ / f"{name}.yaml").write_text(AGENT.format(name=name, team=team))
    return root, names


def records(out: Path, count: int, agents: list[tuple[str, str]], share: float) -> None:
    """``count`` records over the 60 days before END, in time order."""
    rng = random.Random(1)
    weights = list(itertools.accumulate(1 / (r + 1) ** 0.8 for r in range(len(agents))))
    chosen = rng.choices(agents, cum_weights=weights, k=count)
    start, step = END - timedelta(days=60), 60 * 86400 / count
    with out.open("wb") as f:
        for i, (team, agent) in enumerate(chosen):
            moment = start + timedelta(seconds=i * step)
            record: dict[str, object] = {
                "run_id": f"run-{i:08d}", "team": team, "agent": agent, "model": "sonnet",
                "input_tokens": rng.randint(500, 40000), "output_tokens": rng.randint(50, 4000),
                "tool_calls": rng.randint(0, 12), "human_review_minutes": 0,
                "task_outcome": rng.choices(("resolved", "failed"), (90, 10))[0],
                "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }  # fmt: skip
            if rng.random() < share:
                tools = [*TOOLS, rng.choice(ODD)] if rng.random() < 0.05 else list(TOOLS)
                record["labels"] = {"hub.tools": ",".join(tools)}
                if rng.random() < 0.1:
                    record["labels"]["hub.denied"] = "mcp__pastebin-share__share=1"  # type: ignore[index]
            f.write(orjson.dumps(record) + b"\n")


def row(label: str, samples: list[Sample], floor: list[Sample]) -> str:
    wall = [s[0] for s in samples]
    ratio = statistics.median(s[0] / f[0] for s, f in zip(samples, floor, strict=True))
    loads = [s[3] for s in samples]
    return (f"| {label} | {statistics.median(wall):.2f} | {min(wall):.2f} | "
            f"{statistics.median(s[1] for s in samples):.2f} | {max(s[2] for s in samples)} | "
            f"{ratio:.1f} | {min(loads):.1f} to {max(loads):.1f} |")  # fmt: skip


def main() -> None:
    """Build, ingest, time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--evidence", type=float, default=0.05)
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="hub-review-") as folder:
        root, agents = registry(Path(folder), args.agents)
        data = Path(folder) / "runs.jsonl"
        records(data, args.count, agents, args.evidence)
        db = f"sqlite:///{Path(folder) / 'ledger.db'}"
        ingest = timed(hub("ledger", "ingest", "--db", db, str(data)), root)
        print(f"ingest: {ingest[0]:.1f} s wall, {ingest[1]:.1f} s CPU (load {ingest[3]:.1f})")
        as_of = ("--as-of", END.isoformat())
        commands = {
            "hub review": hub("review", "--db", db, *as_of),
            "hub review --format sarif": hub("review", "--db", db, "-f", "sarif", *as_of),
            "hub ledger report": hub("ledger", "report", "--db", db, *as_of),
        }
        for command in commands.values():
            timed(command, root)  # the catalog snapshot and the OS caches, warmed
        samples: dict[str, list[Sample]] = {name: [] for name in commands}
        floor: list[Sample] = []
        for _ in range(args.runs):
            floor.append(timed(hub("--version"), root))
            for name, command in commands.items():
                samples[name].append(timed(command, root))
        print(f"\n{args.count:,} runs, {args.agents:,} agents, {args.evidence:.0%} with evidence")
        print("| command | median s | min s | CPU s | peak MiB | x floor | load |")
        print("|---|---:|---:|---:|---:|---:|---|")
        print(row("hub --version (floor)", floor, floor))
        for name, found in samples.items():
            print(row(name, found, floor))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
