"""Generate realistic ledger records: 40 teams, 400 agents, several models, skewed outcomes.

Usage: python benchmarks/ledger_gen.py COUNT OUT.jsonl [--days 60 | --months 10] [--shuffle]
       [--seed 1] [--end 2026-11-25]

``--shuffle`` writes the records in random order (logs merged from many machines) with run ids
that are not zero-padded (``run-1-12345``), so neither time nor key order follows the file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

TEAMS = [f"team-{i:02d}" for i in range(40)]
MODELS = [("sonnet", 50), ("claude-opus-4-5", 12), ("haiku", 30), ("claude-sonnet-4", 8)]
OUTCOMES = [("resolved", 76), ("escalated", 12), ("failed", 8), ("abandoned", 4)]


def _pick(pairs: list[tuple[str, int]], rng: random.Random, n: int) -> list[str]:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights, k=n)


def generate(
    count: int, out: Path, *, days: int, seed: int, end: datetime, shuffle: bool = False
) -> None:
    """Write ``count`` records to ``out`` (JSON Lines), spread over ``days`` before ``end``;
    in time order (give or take a minute), or shuffled with unpadded run ids."""
    rng = random.Random(seed)
    agents = [(team, f"agent-{team[-2:]}-{j}") for team in TEAMS for j in range(10)]
    home = {agent: _pick(MODELS, rng, 1)[0] for agent in agents}  # each agent has a main model
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(agents))))
    chosen = rng.choices(agents, cum_weights=weights, k=count)  # a few agents dominate cost
    step = days * 86400 / count
    start = end - timedelta(days=days)
    order: Sequence[int] = range(count)
    if shuffle:
        order = list(order)
        random.Random(seed + 1).shuffle(order)
    with out.open("w", encoding="utf-8") as f:
        for i in order:
            team, agent = chosen[i]
            model = home[(team, agent)] if rng.random() < 0.9 else _pick(MODELS, rng, 1)[0]
            record = {
                "run_id": f"run-{seed}-{i}" if shuffle else f"run-{seed}-{i:08d}",
                "team": team,
                "agent": agent,
                "model": model,
                "input_tokens": rng.randint(500, 40000),
                "output_tokens": rng.randint(50, 4000),
                "cache_read_tokens": rng.choice((0, 0, rng.randint(0, 20000))),
                "tool_calls": rng.randint(0, 12),
                "human_review_minutes": rng.choice((0,) * 12 + (1, 2, 5, 15)),
                "task_outcome": _pick(OUTCOMES, rng, 1)[0],
                # Logs arrive in time order, give or take a minute.
                "ts": (start + timedelta(seconds=i * step + rng.random() * 60))
                .astimezone(UTC)
                .strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            f.write(json.dumps(record) + "\n")


def main() -> None:
    """Parse arguments and generate."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--months", type=int, help="spread over this many 30-day months")
    parser.add_argument("--shuffle", action="store_true", help="records in random order")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", default="2026-11-25")
    args = parser.parse_args()
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    days = args.months * 30 if args.months else args.days
    generate(args.count, args.out, days=days, seed=args.seed, end=end, shuffle=args.shuffle)


if __name__ == "__main__":
    main()
