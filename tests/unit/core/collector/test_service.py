"""One export request into the store: spans with usage as runs at once, the others and Claude
Code's events and points kept open; a token's team is the only team its records may name (and
the team of those that name none); what was accepted and rejected, with the first reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.collector.service import Collector, Outcome
from hubrails.core.ledger.pricing import Model, Price, PriceBook
from hubrails.core.ledger.rows import Known
from hubrails.store.sql import open_store
from tests.helpers import stored
from tests.otlp_json import MODEL, api_request, attrs, logs, metrics, point

SONNET = Model("claude-sonnet-4-5", "standard", (Price("2025-01-01", 0, 3.0, 15.0, 0.3, 3.75),))
BOOK = PriceBook({SONNET.id: SONNET}, {SONNET.id: SONNET.id, MODEL: SONNET.id})
TRACE = "5b8efff798038103d269b633813fc60c"


def _open(url: str, now: list[float]) -> Collector:
    store = open_store(url.replace("postgresql://", "postgresql+psycopg://"))
    return Collector(store, BOOK, Known(), 60_000, lambda: now[0])


@pytest.fixture
def now() -> list[float]:
    return [1000.0]


@pytest.fixture
def both(ledger_db: str, now: list[float]) -> Iterator[tuple[Collector, str]]:
    """A collector on SQLite, then on PostgreSQL, and its URL."""
    made = _open(ledger_db, now)
    yield made, ledger_db
    made.store.close()


@pytest.fixture
def lite(tmp_path: Path, now: list[float]) -> Iterator[tuple[Collector, str]]:
    """A collector on SQLite and its URL (for what does not depend on the database)."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    made = _open(url, now)
    yield made, url
    made.store.close()


def _span(
    span_id: str, op: str = "invoke_agent", usage: bool = True, more: dict[str, Any] | None = None
) -> Any:
    values: dict[str, Any] = {"gen_ai.operation.name": op, "gen_ai.agent.name": "triage"}
    if usage:
        values |= {"gen_ai.request.model": MODEL, "gen_ai.usage.input_tokens": 100,
                   "gen_ai.usage.output_tokens": 10}  # fmt: skip
    values |= more or {}
    return {"traceId": TRACE, "spanId": span_id,
            "endTimeUnixNano": "1780755660000000000", "attributes": attrs(values)}  # fmt: skip


def _traces(*spans: Any, team: str | None = "sre") -> dict[str, Any]:
    resource = {"attributes": attrs({"hub.team": team} if team else {})}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": list(spans)}]}]}


def _teams(url: str) -> list[tuple[str, str]]:
    return [(r["run_key"], r["team"]) for r in stored(url, "run_key, team")]


def test_a_span_run_with_usage_is_stored_at_once(both: tuple[Collector, str]) -> None:
    collector, url = both
    assert collector.handle("traces", _traces(_span("a1")), None) == Outcome(1, 0)
    assert _teams(url) == [(f"otel:{TRACE}:a1", "sre")]
    [row] = stored(url, "price_model, cost_usd")
    assert row["price_model"] == "claude-sonnet-4-5"
    assert row["cost_usd"] == pytest.approx((100 * 3 + 10 * 15) / 1e6)


def test_events_are_kept_open_until_quiet_and_take_the_tokens_team(
    both: tuple[Collector, str], now: list[float]
) -> None:
    collector, url = both
    request = logs(api_request("s1", "p1", 1), api_request("s1", "p1", 2), team=None)
    assert collector.handle("logs", request, "sre") == Outcome(2, 0)
    assert collector.close().runs == 0  # not quiet yet
    now[0] += 61
    closed = collector.close()
    assert (closed.runs, closed.inserted, closed.rejects) == (1, 1, ())
    assert _teams(url) == [("claude-code:s1:p1", "sre")]


def test_a_record_naming_another_team_than_the_tokens_is_refused(
    lite: tuple[Collector, str], now: list[float]
) -> None:
    collector, url = lite
    request = logs(api_request("s1", "p1", 1), team="web")
    assert collector.handle("logs", request, "sre") == Outcome(
        0, 1, "event s1:api_request:1: hub.team 'web' is not the team of the token ('sre')"
    )
    kept = collector.handle("traces", _traces(_span("c1", "chat"), team="web"), "sre")
    assert kept == Outcome(
        0, 1, f"span {TRACE}:c1: hub.team 'web' is not the team of the token ('sre')"
    )
    assert collector.handle("logs", logs(api_request("s2", "p1", 1), team="sre"), "sre") == (
        Outcome(1, 0)
    )  # its own team, named: fine
    now[0] += 61
    collector.close()
    assert _teams(url) == [("claude-code:s2:p1", "sre")]


def test_without_a_token_a_record_must_name_its_team(lite: tuple[Collector, str]) -> None:
    collector, _url = lite
    reason = "no hub.team resource attribute (and no token to take it from)"
    points = metrics([point("s1", 0.01, 10)], [], team=None)
    outcome = collector.handle("metrics", points, None)
    assert (outcome.accepted, outcome.rejected) == (0, 1)
    assert outcome.message.startswith("point ") and outcome.message.endswith(f": {reason}")
    assert collector.handle("logs", logs(api_request("s1", "p1", 1), team=None), None) == Outcome(
        0, 1, f"event s1:api_request:1: {reason}"
    )
    assert collector.handle("logs", logs(api_request("s1", "p1", 1)), None) == Outcome(1, 0)


def test_spans_naming_no_team_take_the_tokens_whether_stored_or_kept_open(
    lite: tuple[Collector, str],
) -> None:
    collector, url = lite
    other = "0af7651916cd43dd8448eb211c80319c"
    chat = {**_span("c1", "chat"), "traceId": other}
    assert collector.handle("traces", _traces(_span("a1"), chat, team=None), "sre") == (
        Outcome(2, 0)
    )
    collector.close(quiet_ms=-1)
    assert _teams(url) == [(f"otel:{other}", "sre"), (f"otel:{TRACE}:a1", "sre")]


def test_a_span_run_naming_another_team_is_refused_with_its_place(
    lite: tuple[Collector, str],
) -> None:
    collector, url = lite
    outcome = collector.handle("traces", _traces(_span("a1", more={"hub.team": "web"})), "sre")
    assert outcome == Outcome(
        0,
        1,
        "resourceSpans[0].scopeSpans[0].spans[0]: hub.team 'web' is not the team of the token"
        " ('sre')",
    )
    assert stored(url) == []


def test_a_span_run_that_fails_the_record_checks_is_rejected_with_the_reason(
    lite: tuple[Collector, str],
) -> None:
    collector, url = lite
    bad = _span("a1", more={"gen_ai.usage.input_tokens": -5})
    assert collector.handle("traces", _traces(bad, _span("a2")), None) == Outcome(
        1, 1, "input_tokens: -5 is less than the minimum of 0"
    )
    assert _teams(url) == [(f"otel:{TRACE}:a2", "sre")]


def test_a_request_with_runs_to_store_and_spans_to_keep_counts_both(
    lite: tuple[Collector, str],
) -> None:
    collector, url = lite
    other = "0af7651916cd43dd8448eb211c80319c"
    chat = {**_span("c1", "chat"), "traceId": other}  # its agent span may come later
    assert collector.handle("traces", _traces(_span("a1"), chat), "sre") == Outcome(2, 0)
    assert _teams(url) == [(f"otel:{TRACE}:a1", "sre")]
    # A later span of a trace kept open stays open too, even with usage of its own.
    late = {**_span("a2"), "traceId": other}
    assert collector.handle("traces", _traces(late), "sre") == Outcome(1, 0)
    assert len(stored(url)) == 1
    assert collector.close(quiet_ms=-1).runs == 1  # a negative quiet period: close them all
    assert [key for key, _ in _teams(url)] == [f"otel:{other}:a2", f"otel:{TRACE}:a1"]


def test_an_empty_request_does_nothing(lite: tuple[Collector, str]) -> None:
    collector, url = lite
    for signal in ("traces", "logs", "metrics"):
        assert collector.handle(signal, {}, "sre") == Outcome(0, 0)
    assert stored(url) == []
