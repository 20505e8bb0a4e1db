"""The open-run buffer in the store: retries add nothing, restarts lose nothing, metrics and
logs of one session are never both counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.collector.service import Collector
from hubrails.core.ledger.pricing import load_pricing
from hubrails.core.ledger.registry_facts import known_names
from hubrails.core.registry.config import load_config, locate
from hubrails.store.sql import open_store
from tests.helpers import stored
from tests.otlp_json import api_request, logs, metrics, point


def collector(root: Path, db: str, now: list[float]) -> Collector:
    config = load_config(locate(root))
    store = open_store(db.replace("postgresql://", "postgresql+psycopg://"))
    return Collector(store, load_pricing(config), known_names(config), 60_000, lambda: now[0])


def test_open_runs_survive_a_restart_and_retries_add_nothing(
    registry: Path, ledger_db: str
) -> None:
    now = [1000.0]
    first = collector(registry, ledger_db, now)
    first.handle("logs", logs(api_request("s1", "p1", 1)), None)
    first.handle("logs", logs(api_request("s1", "p1", 1), api_request("s1", "p1", 2)), None)
    now[0] += 30
    assert first.close().runs == 0  # not quiet yet
    first.store.engine.dispose()  # the server is gone; its open run is in the store
    second = collector(registry, ledger_db, now)
    now[0] += 61
    closed = second.close()
    assert (closed.runs, closed.inserted) == (1, 1)
    [row] = stored(ledger_db)
    assert row["input_tokens"] == 200
    second.handle("logs", logs(api_request("s1", "p1", 2)), None)  # a late retry: dropped
    now[0] += 61
    assert second.close().runs == 0
    assert len(stored(ledger_db)) == 1
    second.store.engine.dispose()


def test_metrics_of_a_logged_session_are_not_counted(registry: Path, ledger_db: str) -> None:
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    c.handle("logs", logs(api_request("s1", "p1", 1)), None)
    both = metrics([point("s1", 9.0, 60), point("m1", 0.5, 60)], [point("m1", 7, 60, type="input")])
    c.handle("metrics", both, None)
    now[0] += 61
    assert c.close().runs == 2
    rows = {r["run_key"].split(":metrics:")[0]: r for r in stored(ledger_db)}
    assert set(rows) == {"claude-code:s1:p1", "claude-code:m1"}
    assert rows["claude-code:s1:p1"]["cost_usd"] == pytest.approx(0.01)
    c.store.engine.dispose()


def test_a_cumulative_series_over_two_windows_counts_each_part_once(
    registry: Path, ledger_db: str
) -> None:
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    window = metrics([point("m1", 0.5, 60)], [point("m1", 70, 60, type="input")])
    c.handle("metrics", window, None)
    now[0] += 61
    assert c.close().runs == 1
    c.handle("metrics", window, None)  # a retry of a closed window: nothing new
    later = metrics([point("m1", 0.8, 900)], [point("m1", 100, 900, type="input")])
    c.handle("metrics", later, None)
    now[0] += 61
    assert c.close().runs == 1
    rows = stored(ledger_db)
    assert sorted(r["input_tokens"] for r in rows) == [30, 70]
    assert sum(r["cost_usd"] for r in rows) == pytest.approx(0.8)
    c.store.engine.dispose()


def test_a_span_run_stored_with_other_content_is_counted_as_rejected(
    registry: Path, ledger_db: str
) -> None:
    from tests.otlp_json import attrs

    def export(tokens: int) -> dict[str, object]:
        span = {
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "a1",
            "endTimeUnixNano": "1780755660000000000",
            "attributes": attrs({
                "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "triage",
                "gen_ai.request.model": "claude-sonnet-4-5-20250929",
                "gen_ai.usage.input_tokens": tokens, "gen_ai.usage.output_tokens": 1,
            }),
        }  # fmt: skip
        resource = {"attributes": attrs({"hub.team": "sre"})}
        return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}

    c = collector(registry, ledger_db, [1000.0])
    assert c.handle("traces", export(10), None).rejected == 0
    assert c.handle("traces", export(10), None).rejected == 0  # a retry: the same run
    other = c.handle("traces", export(99), "sre")
    assert (other.accepted, other.rejected) == (0, 1)
    assert "stored already with other content" in other.message
    assert stored(ledger_db, "input_tokens") == [{"input_tokens": 10}]
    c.store.engine.dispose()


def test_closing_takes_a_limited_number_of_runs_at_a_time(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubrails.store import open_runs

    monkeypatch.setattr(open_runs, "CLOSE_LIMIT", 2)
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    c.handle("logs", logs(*(api_request("s1", f"p{n}", n) for n in range(3))), None)
    now[0] += 61
    first, second = c.close(), c.close()
    assert (first.runs, first.more, second.runs, second.more) == (2, True, 1, False)
    assert len(stored(ledger_db)) == 3
    c.store.engine.dispose()


TRACE = "5b8efff798038103d269b633813fc60c"


def span(span_id: str, op: str, parent: str = "", usage: bool = True) -> dict[str, object]:
    from tests.otlp_json import attrs

    values: dict[str, object] = {"gen_ai.operation.name": op, "gen_ai.agent.name": "triage"}
    if usage:
        values |= {
            "gen_ai.request.model": "claude-sonnet-4-5-20250929",
            "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
        }  # fmt: skip
    return {
        "traceId": TRACE, "spanId": span_id, "parentSpanId": parent,
        "endTimeUnixNano": "1780755660000000000", "attributes": attrs(values),
    }  # fmt: skip


def spans_export(*spans: dict[str, object]) -> dict[str, object]:
    from tests.otlp_json import attrs

    resource = {"attributes": attrs({"service.name": "triage", "hub.team": "sre"})}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": list(spans)}]}]}


def test_spans_of_one_trace_in_several_requests_make_one_run(
    registry: Path, ledger_db: str
) -> None:
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    # The chat spans end (and are exported) before their agent span, which has no usage.
    c.handle("traces", spans_export(span("c1", "chat", "a1"), span("c2", "chat", "a1")), None)
    c.handle("traces", spans_export(span("a1", "invoke_agent", usage=False)), None)
    # A trace of chat spans only, over two requests.
    other = [
        {**span(f"x{n}", "chat"), "traceId": "0af7651916cd43dd8448eb211c80319c"} for n in (1, 2)
    ]
    c.handle("traces", spans_export(other[0]), None)
    c.handle("traces", spans_export(other[1]), None)
    assert stored(ledger_db) == []  # open until quiet
    now[0] += 61
    c.close()
    rows = {r["run_key"]: r["input_tokens"] for r in stored(ledger_db)}
    assert rows == {f"otel:{TRACE}:a1": 200, "otel:0af7651916cd43dd8448eb211c80319c": 200}
    c.store.engine.dispose()


def test_chat_spans_after_their_agent_run_are_not_counted_again(
    registry: Path, ledger_db: str
) -> None:
    now = [1000.0]
    c = collector(registry, ledger_db, now)
    c.handle("traces", spans_export(span("a1", "invoke_agent")), None)  # usage: stored at once
    assert len(stored(ledger_db)) == 1
    c.handle("traces", spans_export(span("c1", "chat", "a1")), None)
    now[0] += 61
    c.close()
    assert [r["run_key"] for r in stored(ledger_db)] == [f"otel:{TRACE}:a1"]
    c.store.engine.dispose()
