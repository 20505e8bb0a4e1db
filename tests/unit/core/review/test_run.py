"""The review queue built in-process from a ledger filled by hand (runs and daily sums written
straight into SQLite) or ingested with evidence (SQLite and PostgreSQL), against the example
registry: each condition makes its reason, items are ordered errors first, and an agent with
nothing wrong makes no item."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.certify.waivers import Waiver
from hubrails.core.ledger.window import Window
from hubrails.core.registry.config import load_config
from hubrails.core.review.facts import RegistryFacts, registry_facts
from hubrails.core.review.items import ERROR, WARNING, Review, Thresholds
from hubrails.core.review.run import build_review
from hubrails.store import normalise_url
from hubrails.store.sql import Store, open_store
from tests.helpers import edit, jsonl, record, run_cli
from tests.ledger_rows import ledger_of, run_row

AS_OF = dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC)
DAY = 86_400_000
UNTIL = int(AS_OF.timestamp() * 1000)
SPAN = Window(UNTIL - 30 * DAY, UNTIL)


def ms(days_ago: float) -> int:
    return UNTIL - int(days_ago * DAY)


_ledgers = itertools.count()


def facts(root: Path) -> RegistryFacts:
    return registry_facts(load_config(root))


@pytest.fixture
def empty(registry: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{registry / 'empty.db'}")
    yield store
    store.close()


def review_of(registry: Path, rows: list[dict[str, Any]], **kw: Any) -> Review:
    """The review of a new SQLite ledger holding ``rows`` (none: an empty ledger)."""
    path = registry / f"ledger-{next(_ledgers)}.db"
    store = ledger_of(path, rows) if rows else open_store(f"sqlite:///{path}")
    try:
        return build_review(store, facts(registry), SPAN, as_of=AS_OF, **kw)
    finally:
        store.close()


def codes(review: Review) -> dict[str, list[str]]:
    return {i.key: [r.code for r in i.reasons] for i in review.items}


def waiver(expires: dt.date, agent: str = "incident-triage", team: str | None = "sre") -> Waiver:
    return Waiver("short-logs", "registry/waivers/short-logs.yaml", 11, agent, team, "logging",
                  "Log shipping moves", "@carol", expires, "0" * 64, "platform")  # fmt: skip


def test_a_quiet_registry_has_an_empty_queue(registry: Path, empty: Store) -> None:
    review = build_review(empty, facts(registry), SPAN, as_of=AS_OF)
    assert (review.items, review.agents, review.errors) == ((), 4, 0)
    assert (review.window, review.as_of, review.thresholds) == (SPAN, AS_OF, Thresholds())


def test_a_waiver_ending_soon_is_a_warning_on_its_agent(registry: Path, empty: Store) -> None:
    soon = waiver(AS_OF.date() + dt.timedelta(days=14))
    later = waiver(AS_OF.date() + dt.timedelta(days=15))
    review = build_review(empty, facts(registry), SPAN, as_of=AS_OF, waivers=[soon, later])
    [item] = review.items
    assert (item.key, item.path, item.severity) == (
        "sre/incident-triage",
        "registry/spokes/sre/agents/incident-triage.yaml",
        WARNING,
    )
    [reason] = item.reasons
    assert reason.message == "the waiver of check 'logging' ends on 2026-07-04 (in 14 days)"
    assert reason.evidence == ("registry/waivers/short-logs.yaml: Log shipping moves",)
    assert reason.action == "fix the check before then, or renew registry/waivers/short-logs.yaml"


def test_a_waiver_for_another_team_or_agent_makes_no_item(registry: Path, empty: Store) -> None:
    others = [waiver(AS_OF.date(), team="growth"), waiver(AS_OF.date(), agent="nobody")]
    assert build_review(empty, facts(registry), SPAN, as_of=AS_OF, waivers=others).items == ()
    anyteam = build_review(
        empty, facts(registry), SPAN, as_of=AS_OF, waivers=[waiver(AS_OF.date(), team=None)]
    )
    assert codes(anyteam) == {"sre/incident-triage": ["waiver-expiring"]}


def test_a_team_over_its_budget_is_an_error_naming_its_top_agents(registry: Path) -> None:
    rows = [run_row(f"r{n}", ms(1 + n / 10), team="sre", agent=f"a{n}", cost=100.0 + n)
            for n in range(4)]  # fmt: skip
    review = review_of(registry, rows, budgets={"sre": 300.0, "growth": 10_000.0})
    [item] = review.items
    assert (item.key, item.agent, item.path, item.severity) == (
        "sre",
        None,
        "registry/teams/sre.yaml",
        ERROR,
    )
    [reason] = item.reasons
    assert reason.code == "over-budget"
    assert reason.message.startswith("month to date $406.00 of $300.00; projected $")
    assert reason.evidence == (
        "a3: $103.00 in the window",
        "a2: $102.00 in the window",
        "a1: $101.00 in the window",
    )
    assert review.errors == 1


def test_a_team_projected_over_its_budget_is_a_warning(registry: Path) -> None:
    review = review_of(
        registry, [run_row("r", ms(1), team="sre", cost=100.0)], budgets={"sre": 150.0}
    )
    [item] = review.items
    assert [(r.code, r.severity) for r in item.reasons] == [("projected-over-budget", WARNING)]


def test_an_agent_failing_quietly_is_an_error(registry: Path) -> None:
    rows = [run_row(f"r{n}", ms(1 + n / 10), agent="incident-triage",
                    outcome="failed" if n < 3 else "resolved") for n in range(10)]  # fmt: skip
    review = review_of(registry, rows)
    [item] = review.items
    [reason] = item.reasons
    assert (item.key, reason.code, reason.severity) == (
        "sre/incident-triage",
        "quietly-failing",
        ERROR,
    )
    assert reason.evidence == ("10 runs in the window, 30% failed or abandoned",)
    assert item.last_seen == (AS_OF - dt.timedelta(days=1)).date().isoformat()


def test_a_cost_far_above_the_agents_baseline_warns_per_day_and_per_run(registry: Path) -> None:
    rows = [run_row(f"r{d}", ms(d + 0.5), agent="incident-triage", cost=1.0 if d < 7 else 0.1)
            for d in range(35)]  # fmt: skip
    review = review_of(registry, rows)
    [item] = review.items
    assert [r.code for r in item.reasons] == ["cost-per-day", "cost-per-run"]
    assert item.reasons[0].message == (
        "cost per day $1.0000 over the last 7 days, 10.0x its baseline median"
    )
    assert item.reasons[1].evidence[1] == "last 7 days: 7 runs, $7.00"
    # a higher bar makes no item
    lenient = review_of(registry, rows, thresholds=Thresholds(min_ratio=20.0, mad_k=3.0))
    assert lenient.items == ()


def test_a_certified_agent_with_telemetry_and_no_run_is_silent(registry: Path) -> None:
    cert = registry / "certificates/sre/incident-triage.json"
    cert.parent.mkdir(parents=True)
    predicate = {"verdict": "pass", "expires_at": "2026-09-01T00:00:00Z"}
    cert.write_text(json.dumps({"predicate": predicate}), encoding="utf-8")
    old = run_row("old", ms(40), agent="incident-triage")
    [item] = review_of(registry, [old]).items
    [reason] = item.reasons
    assert (item.key, reason.code, reason.severity) == (
        "sre/incident-triage",
        "certified-silent",
        WARNING,
    )
    assert reason.evidence == (
        (AS_OF - dt.timedelta(days=40)).date().strftime("last seen %Y-%m-%d"),
    )
    assert item.last_seen is None  # nothing in the window
    [never] = review_of(registry, []).items
    assert never.reasons[0].evidence == ("never seen",)
    assert review_of(registry, [run_row("new", ms(1), agent="incident-triage")]).items == ()
    manifest = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    edit(manifest, "  telemetry:\n    enabled: true", "  telemetry:\n    enabled: false")
    assert review_of(registry, []).items == ()  # no telemetry declared: silence is expected
    edit(manifest, "  telemetry:\n    enabled: false", "  telemetry:\n    enabled: true")
    cert.write_text(json.dumps({"predicate": {**predicate, "verdict": "fail"}}), encoding="utf-8")
    assert review_of(registry, []).items == ()  # not certified: not expected to run


def test_errors_come_first_then_by_team_and_agent(registry: Path, empty: Store) -> None:
    rows = [run_row(f"f{n}", ms(1 + n / 10), team="support", agent="ticket-responder",
                    outcome="failed") for n in range(10)]  # fmt: skip
    waivers = [
        waiver(AS_OF.date(), agent="release-notes", team="growth"),
        waiver(AS_OF.date()),
    ]
    review = review_of(registry, rows, waivers=waivers)
    assert [i.key for i in review.items] == [
        "support/ticket-responder",
        "growth/release-notes",
        "sre/incident-triage",
    ]


def test_tool_use_and_denials_from_the_evidence(registry: Path, ledger_db: str) -> None:
    runs = [
        record(run_id=f"r{n}", team="sre", agent="incident-triage",
               ts=(AS_OF - dt.timedelta(days=1, hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               labels={"hub.tools": "mcp__jira__create_issue=1,mcp__github__search_code=1",
                       "hub.denied": "mcp__pastebin-share__share=1"})
        for n in range(5)
    ]  # fmt: skip
    done = run_cli("ledger", "ingest", "--db", ledger_db, str(jsonl(registry / "r.jsonl", runs)))
    assert done.exit_code == 0, done.stderr
    store = open_store(normalise_url(ledger_db, registry))
    try:
        review = build_review(store, facts(registry), SPAN, as_of=AS_OF)
        strict = build_review(store, facts(registry), SPAN, as_of=AS_OF,
                              thresholds=Thresholds(denials=6))  # fmt: skip
    finally:
        store.close()
    [item] = review.items
    assert [(r.code, r.severity) for r in item.reasons] == [
        ("undeclared-mcp-server", ERROR),
        ("guard-denials", WARNING),
    ]
    assert item.reasons[0].message == "MCP server 'jira' is not in the agent's spec.tools"
    assert item.reasons[1].message == "5 tool calls denied in the window"
    assert item.last_seen is not None and item.last_seen.startswith("2026-06-19T")
    assert codes(strict) == {"sre/incident-triage": ["undeclared-mcp-server"]}
