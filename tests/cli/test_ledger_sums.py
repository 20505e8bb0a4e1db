"""The sums reports add up in SQL (daily sums plus the partial edge days) match the sums of
the stored runs themselves, exactly (costs in cents), on random windows and on both stores."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import jsonl, record, run_cli, stored

DAY_MS = 86_400_000
START_MS = int(datetime(2026, 5, 1, tzinfo=UTC).timestamp() * 1000)
SPAN_DAYS = 40
TEAMS = ("billing-ops", "sre", "growth")
MODELS = ("sonnet", "opus", "haiku", "gpt-9")  # gpt-9 is not priced
OUTCOMES = ("resolved", "escalated", "failed", "abandoned")
FIELDS = (
    "runs", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost",
    "unpriced", "review_minutes", "resolved", "escalated", "failed", "abandoned",
)  # fmt: skip
AS_OF = datetime(2026, 6, 20, tzinfo=UTC)


def _records(rng: random.Random, first: int, count: int) -> list[dict[str, Any]]:
    out = []
    for n in range(first, first + count):
        ts = START_MS + rng.randrange(SPAN_DAYS * DAY_MS)
        fields: dict[str, Any] = {
            "run_id": f"run-{n}",
            "team": rng.choice(TEAMS),
            "agent": f"agent-{rng.randrange(4)}",
            "model": rng.choice(MODELS),
            "input_tokens": rng.randrange(100, 50_000),
            "output_tokens": rng.randrange(10, 5000),
            "cache_read_tokens": rng.choice((0, rng.randrange(20_000))),
            "cache_write_tokens": rng.choice((0, 0, rng.randrange(5000))),
            "human_review_minutes": rng.choice((0, 0, 1.5, 7, 15)),
            "task_outcome": rng.choice(OUTCOMES),
            "ts": datetime.fromtimestamp(ts / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        if rng.random() < 0.1:
            fields["cost_usd"] = round(rng.random(), 6)
        out.append(record(**fields))
    return out


def _per_run(runs: list[dict[str, Any]], since: int, until: int, key: Any) -> dict[Any, Any]:
    """Sums of the stored runs in ``[since, until)`` grouped by ``key(run)``, in Python."""
    sums: dict[Any, list[Any]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0])
    for r in runs:
        if not since <= r["ts_ms"] < until:
            continue
        s = sums[key(r)]
        s[0] += 1
        s[1] += r["input_tokens"]
        s[2] += r["output_tokens"]
        s[3] += r["cache_read_tokens"]
        s[4] += r["cache_write_tokens"]
        if r["cost_usd"] is None:
            s[6] += 1
        else:
            s[5] += r["cost_usd"]
        s[7] += r["review_minutes"]
        s[8 + OUTCOMES.index(r["outcome"])] += 1
    return {k: _cents(v) for k, v in sums.items()}


def _sums(t: Any) -> list[Any]:
    return [getattr(t, f) for f in FIELDS]


def _cents(values: Any) -> tuple[Any, ...]:
    """Sums with the cost in whole cents and review minutes to the hundredth."""
    v = list(values)
    return (*v[:5], round(v[5] * 100), *v[6:7], round(v[7] * 100), *v[8:])


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_sums_match_the_runs_on_random_windows(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    from hubrails.core.ledger import ingest, workers
    from hubrails.core.ledger.pricing import load_pricing
    from hubrails.core.ledger.query import grouped, team_costs
    from hubrails.core.ledger.report import build_report
    from hubrails.core.ledger.window import Window
    from hubrails.core.registry.config import load_config
    from hubrails.store import normalise_url
    from hubrails.store.reader import sqlite_reader
    from hubrails.store.sql import open_store

    # Parse in worker processes, in small chunks, so some batches are all new and others
    # repeat runs stored already: both ways of keeping the daily sums are exercised.
    monkeypatch.setattr(ingest, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(workers, "BLOCK_BYTES", 40_000)
    rng = random.Random(seed)
    first = _records(rng, 0, 1500)
    again = first[200:500] + _records(rng, 1500, 1200)  # some repeated, most new
    rng.shuffle(again)
    for n, records in enumerate((first, again)):
        run = run_cli(
            "ledger", "ingest", "--db", ledger_db, str(jsonl(registry / f"{n}.jsonl", records))
        )
        assert run.exit_code in (0, 1), run.stderr
    assert _daily_matches_runs(ledger_db) > 0
    runs = stored(ledger_db, "ts_ms, team, agent, model, price_model, input_tokens, "
                  "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, "
                  "review_minutes, outcome")  # fmt: skip
    assert len(runs) == 2700

    def model(r: dict[str, Any]) -> str:
        return str(r["price_model"] or r["model"])

    keys: dict[tuple[str, ...], Any] = {
        ("team", "agent", "model"): lambda r: (r["team"], r["agent"], model(r)),
        ("team",): lambda r: (r["team"],),
        ("day",): lambda r: (r["ts_ms"] // DAY_MS,),
        (): lambda r: (),
    }
    store = open_store(normalise_url(ledger_db, Path.cwd()))
    reader = sqlite_reader(normalise_url(ledger_db, Path.cwd()))
    assert (reader is None) == ledger_db.startswith("postgresql")
    book = load_pricing(load_config(registry))

    def per_total(since: int, until: int) -> tuple[Any, ...]:
        return tuple(_per_run(runs, since, until, keys[()]).get((), _cents([0] * 12)))

    try:
        windows = [
            (START_MS, START_MS + SPAN_DAYS * DAY_MS),
            (START_MS + DAY_MS, START_MS + 2 * DAY_MS),
        ]
        for _ in range(12):
            a, b = sorted(START_MS - DAY_MS + rng.randrange((SPAN_DAYS + 2) * DAY_MS) for _ in "ab")
            windows.append((a, b + 1))
        windows.append((windows[-1][0], windows[-1][0] + 3600_000))  # within one day
        for since, until in windows:
            for names, key in keys.items():
                expected = _per_run(runs, since, until, key)
                found = grouped(store, Window(since, until), names)
                got = {k: _cents(v) for k, v in found.items()}
                if reader is not None:  # the same sums without SQLAlchemy
                    plain = grouped(reader, Window(since, until), names)
                    assert {k: _cents(v) for k, v in plain.items()} == got
                if names == ("day",):
                    got = {(int(k[0]),): v for k, v in got.items()}
                assert got == expected, (since, until, names)
            report = build_report(store, book, Window(since, until), as_of=AS_OF, by="agent")
            per_agent = _per_run(runs, since, until, lambda r: f"{r['team']}/{r['agent']}")
            assert {line.key: _cents(_sums(line.totals)) for line in report.rows} == per_agent
            assert _cents(_sums(report.total.totals)) == per_total(since, until)
            costs = team_costs(store, Window(since, until))
            per_team = _per_run(runs, since, until, keys[("team",)])
            assert {t: (round(c * 100), u) for t, (c, u) in costs.items()} == {
                t: (s[5], s[6]) for (t,), s in per_team.items()
            }
    finally:
        store.engine.dispose()


def _daily_matches_runs(url: str) -> int:
    """Check that the daily sums are those of the stored runs; the number of daily rows."""
    from sqlalchemy import create_engine, text

    from hubrails.store import normalise_url
    from hubrails.store.sql import DAILY_KEY_SQL, SUMS, SUMS_SQL

    engine = create_engine(normalise_url(url, Path.cwd()))
    try:
        with engine.connect() as conn:
            daily = conn.execute(
                text(f"SELECT day, team, agent, model, {', '.join(SUMS)} FROM ledger_daily")
            ).fetchall()
            runs = conn.execute(
                text(f"SELECT {DAILY_KEY_SQL}, {SUMS_SQL} FROM ledger_runs GROUP BY 1, 2, 3, 4")
            ).fetchall()
    finally:
        engine.dispose()
    as_cents = {tuple(r[:4]): _cents([float(v) for v in r[4:]]) for r in daily}
    assert as_cents == {tuple(r[:4]): _cents([float(v) for v in r[4:]]) for r in runs}
    return len(daily)


def test_schema_1_ledger_is_migrated_keeping_its_sums(registry: Path, ledger_db: str) -> None:
    from sqlalchemy import create_engine, inspect, text

    from hubrails.store import normalise_url
    from hubrails.store.sql import SCHEMA_VERSION, SUMS

    rng = random.Random(3)
    path = jsonl(registry / "a.jsonl", _records(rng, 0, 300))
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(path)).exit_code in (0, 1)
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    sums = ", ".join(
        f"{c} {'FLOAT' if c in ('cost_usd', 'review_minutes') else 'BIGINT'} NOT NULL" for c in SUMS
    )
    with engine.begin() as conn:  # back to schema 1: the daily sums keyed by day first
        conn.execute(text("CREATE TABLE old_daily AS SELECT * FROM ledger_daily"))
        conn.execute(text("DROP TABLE ledger_daily"))
        conn.execute(
            text(
                "CREATE TABLE ledger_daily (day INTEGER NOT NULL, team TEXT NOT NULL, "
                f"agent TEXT NOT NULL, model TEXT NOT NULL, {sums}, "
                "PRIMARY KEY (day, team, agent, model))"
            )
        )
        names = f"day, team, agent, model, {', '.join(SUMS)}"
        conn.execute(text(f"INSERT INTO ledger_daily ({names}) SELECT {names} FROM old_daily"))
        conn.execute(text("DROP TABLE old_daily"))
        conn.execute(text("DELETE FROM hub_schema_version"))
        conn.execute(text("INSERT INTO hub_schema_version VALUES (1, 0)"))
    engine.dispose()
    more = jsonl(registry / "b.jsonl", _records(rng, 200, 300))  # a third seen already
    assert run_cli("ledger", "ingest", "--db", ledger_db, str(more)).exit_code in (0, 1)
    assert len(stored(ledger_db, "run_key")) == 500
    assert _daily_matches_runs(ledger_db) > 100
    engine = create_engine(normalise_url(ledger_db, Path.cwd()))
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM hub_schema_version")).scalars().all()
    key = inspect(engine).get_pk_constraint("ledger_daily")["constrained_columns"]
    engine.dispose()
    assert key == ["team", "agent", "model", "day"]
    assert sorted(versions) == [1, SCHEMA_VERSION] and SCHEMA_VERSION == 4
