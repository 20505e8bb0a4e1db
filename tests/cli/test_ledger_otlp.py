"""OTLP/JSON span exports with the GenAI conventions, detected and ingested."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import jsonl, record, run_cli, stored
from tests.otlp_json import value

TRACE = "5b8efff798038103d269b633813fc60c"
END_NS = "1780755660000000000"  # 2026-06-06T14:21:00Z


def attrs(**values: Any) -> list[dict[str, Any]]:
    return [{"key": k.replace("__", "."), "value": value(v)} for k, v in values.items()]


def agent_span(span_id: str, **extra: Any) -> dict[str, Any]:
    values = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "incident-triage",
        "gen_ai.request.model": "claude-sonnet-4-5-20250929",
        "gen_ai.usage.input_tokens": 12_000,
        "gen_ai.usage.output_tokens": 800,
        "gen_ai.usage.cache_read.input_tokens": 10_000,
        **extra,
    }
    return {
        "traceId": TRACE,
        "spanId": span_id,
        "name": "invoke_agent incident-triage",
        "startTimeUnixNano": "1780755600000000000",
        "endTimeUnixNano": END_NS,
        "attributes": [{"key": k, "value": attrs(x=v)[0]["value"]} for k, v in values.items()],
        "status": {},
    }


def tool_span(span_id: str, parent: str) -> dict[str, Any]:
    return {
        "traceId": TRACE,
        "spanId": span_id,
        "parentSpanId": parent,
        "name": "execute_tool pagerduty",
        "attributes": attrs(gen_ai__operation__name="execute_tool"),
    }


def export(*spans: dict[str, Any], team: str | None = "sre") -> dict[str, Any]:
    resource = attrs(service__name="incident-triage", **({"hub.team": team} if team else {}))
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": resource},
                "scopeSpans": [{"scope": {"name": "agent"}, "spans": list(spans)}],
            }
        ]
    }


def ingest(db: str, *paths: Path) -> Any:
    return run_cli("ledger", "ingest", "--db", db, *map(str, paths))


def test_agent_spans_become_runs(registry: Path, ledger_db: str) -> None:
    chat = {"traceId": TRACE, "spanId": "c1", "attributes": attrs(gen_ai__operation__name="chat")}
    doc = export(
        agent_span("a1"), tool_span("t1", "a1"), tool_span("t2", "a1"), chat, tool_span("t3", "x")
    )
    path = jsonl(registry / "spans.jsonl", [doc])
    run = ingest(ledger_db, path)
    assert run.exit_code == 0, run.stderr
    [row] = stored(ledger_db)
    assert row["run_key"] == f"otel:{TRACE}:a1"
    assert (row["team"], row["agent"], row["price_model"]) == (
        "sre",
        "incident-triage",
        "claude-sonnet-4-5",
    )
    # GenAI input_tokens include the 10,000 cache reads; the ledger counts them once.
    assert (row["input_tokens"], row["cache_read_tokens"], row["output_tokens"]) == (
        2000,
        10_000,
        800,
    )
    assert row["cost_usd"] == pytest.approx((2000 * 3 + 10_000 * 0.3 + 800 * 15) / 1e6)
    assert (row["tool_calls"], row["duration_ms"], row["outcome"]) == (2, 60_000, "resolved")
    assert row["ts_ms"] == int(END_NS) // 1_000_000


def test_resent_exports_add_nothing(registry: Path, ledger_db: str) -> None:
    path = jsonl(registry / "spans.jsonl", [export(agent_span("a1")), export(agent_span("a2"))])
    again = jsonl(registry / "again.jsonl", [export(agent_span("a2"), agent_span("a3"))])
    assert ingest(ledger_db, path).exit_code == 0
    run = ingest(ledger_db, again, path)
    assert run.exit_code == 0
    assert "ingested 1 new run from 2 inputs: 3 already stored" in run.stdout
    assert len(stored(ledger_db)) == 3


def test_indented_export_and_outcomes(registry: Path, ledger_db: str) -> None:
    failed = agent_span("f1")
    failed["status"] = {"code": 2, "message": "boom"}
    overridden = agent_span("e1", **{"hub.task_outcome": "escalated"})
    reviewed = agent_span("r1", **{"hub.human_review_minutes": 2.5, "hub.cost_usd": 0.25})
    path = registry / "export.json"
    path.write_text(json.dumps(export(failed, overridden, reviewed), indent=2))
    assert ingest(ledger_db, path).exit_code == 0
    rows = {r["run_key"].rsplit(":", 1)[1]: r for r in stored(ledger_db)}
    assert rows["f1"]["outcome"] == "failed"
    assert rows["e1"]["outcome"] == "escalated"
    assert (rows["r1"]["review_minutes"], rows["r1"]["cost_usd"]) == (2.5, 0.25)
    assert rows["r1"]["cost_source"] == "record"


def test_bad_spans_name_the_span_and_the_attribute(registry: Path, ledger_db: str) -> None:
    under = agent_span("u1", **{"gen_ai.usage.input_tokens": 5})
    path = jsonl(
        registry / "spans.jsonl",
        [
            record(run_id="plain"),
            export(agent_span("n1"), team=None),
            export(agent_span("ok"), under),
        ],
    )
    run = ingest(ledger_db, path)
    assert run.exit_code == 1
    where = "resourceSpans[0].scopeSpans[0].spans"
    assert run.stderr.splitlines() == [
        f"{path}:2: {where}[0] team: missing required field "
        "(from hub.team (span or resource attribute))",
        f"{path}:3: {where}[1] input_tokens: gen_ai.usage.input_tokens is less than its cache "
        "reads and writes; the GenAI conventions count them inside it",
    ]
    assert stored(ledger_db) == []


def chat_span(span_id: str, parent: str = "", trace: str = TRACE, **values: Any) -> dict[str, Any]:
    usage = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "claude-sonnet-4-5-20250929",
        "gen_ai.usage.input_tokens": 1500,
        "gen_ai.usage.output_tokens": 100,
        "gen_ai.usage.cache_read.input_tokens": 1000,
        **values,
    }
    return {
        "traceId": trace,
        "spanId": span_id,
        **({"parentSpanId": parent} if parent else {}),
        "name": "chat claude-sonnet-4-5",
        "startTimeUnixNano": "1780755600000000000",
        "endTimeUnixNano": END_NS,
        "attributes": [{"key": k, "value": attrs(x=v)[0]["value"]} for k, v in usage.items()],
    }


def test_usage_on_child_spans_is_summed_into_the_agent_span(registry: Path, ledger_db: str) -> None:
    bare = agent_span("a1")
    bare["attributes"] = [
        a for a in bare["attributes"] if not a["key"].startswith(("gen_ai.usage", "gen_ai.req"))
    ]
    nested = agent_span("n1")  # a sub-agent: a run of its own, its usage not added to a1
    nested["parentSpanId"] = "a1"
    doc = export(
        bare, chat_span("c1", "a1"), tool_span("t1", "c1"), chat_span("c2", "t1"), nested,
        chat_span("c3", "n1"),
    )  # fmt: skip
    assert ingest(ledger_db, jsonl(registry / "spans.jsonl", [doc])).exit_code == 0
    rows = {r["run_key"]: r for r in stored(ledger_db)}
    run = rows[f"otel:{TRACE}:a1"]
    assert (run["input_tokens"], run["cache_read_tokens"], run["output_tokens"]) == (
        1000,
        2000,
        200,
    )
    assert (run["model"], run["tool_calls"]) == ("claude-sonnet-4-5-20250929", 1)
    assert rows[f"otel:{TRACE}:n1"]["input_tokens"] == 2000  # its own usage only


def test_a_trace_of_chat_spans_only_is_one_run(registry: Path, ledger_db: str) -> None:
    other = "0af7651916cd43dd8448eb211c80319c"
    failed = chat_span("c3", trace=other)
    failed["status"] = {"code": "STATUS_CODE_ERROR"}
    doc = export(chat_span("c1"), chat_span("c2", "c1"), failed)
    assert ingest(ledger_db, jsonl(registry / "spans.jsonl", [doc])).exit_code == 0
    rows = {r["run_key"]: r for r in stored(ledger_db)}
    assert set(rows) == {f"otel:{TRACE}", f"otel:{other}"}
    run = rows[f"otel:{TRACE}"]
    assert (run["input_tokens"], run["cache_read_tokens"], run["output_tokens"]) == (
        1000,
        2000,
        200,
    )
    assert (run["team"], run["agent"], run["outcome"]) == ("sre", "incident-triage", "resolved")
    assert rows[f"otel:{other}"]["outcome"] == "failed"
