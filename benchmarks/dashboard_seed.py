"""A seeded ledger for the shipped example registry (``registry/``): 90 days of runs of its four
agents, shaped so that every dashboard section has something to show (a team over budget, a
quietly failing agent, a review hotspot, a cheaper-tier candidate).

Usage: python benchmarks/dashboard_seed.py OUT.jsonl [--end 2026-06-20] [--days 90] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# (team, agent, model, runs a day, failure share, review minutes a run)
AGENTS = (
    ("billing-ops", "invoice-triage", "sonnet", 40, 0.06, 4),
    ("sre", "incident-triage", "claude-opus-4-5", 25, 0.04, 0),
    ("growth", "release-notes", "haiku", 12, 0.35, 1),
    ("support", "ticket-responder", "sonnet", 30, 0.10, 9),
)


def seed_records(end: datetime, *, days: int = 90, seed: int = 7) -> list[dict[str, Any]]:
    """The records of ``days`` days before ``end``, the same for the same arguments."""
    rng = random.Random(seed)
    start = end - timedelta(days=days)
    records = []
    for day in range(days):
        for team, agent, model, per_day, failing, review in AGENTS:
            growth = 1 + day / days  # spend grows over the window
            for i in range(int(per_day * growth * rng.uniform(0.7, 1.3))):
                roll = rng.random()
                outcome = (
                    "failed"
                    if roll < failing * 0.7
                    else "abandoned"
                    if roll < failing
                    else "escalated"
                    if roll < failing + 0.08
                    else "resolved"
                )
                moment = start + timedelta(days=day, seconds=rng.uniform(0, 86_399))
                records.append(
                    {
                        "run_id": f"seed-{team}-{agent}-{day}-{i}",
                        "team": team,
                        "agent": agent,
                        "model": model,
                        "input_tokens": rng.randint(2_000, 30_000),
                        "output_tokens": rng.randint(200, 3_000),
                        "cache_read_tokens": rng.choice((0, rng.randint(0, 10_000))),
                        "tool_calls": rng.randint(0, 8),
                        "human_review_minutes": rng.choice((0, review, review * 2)),
                        "task_outcome": outcome,
                        "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                )
    return records


def main() -> None:
    """Parse arguments and write the records as JSON Lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--end", default="2026-06-20")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    end = datetime.fromisoformat(args.end).replace(tzinfo=UTC)
    with args.out.open("w", encoding="utf-8") as f:
        for record in seed_records(end, days=args.days, seed=args.seed):
            f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
