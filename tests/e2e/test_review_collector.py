"""The review loop end to end: Claude Code shaped log events through the real OpenTelemetry
SDK exporter into a real ``hub ledger serve``; then ``hub review`` lists each item the events
make, and ``hub certify --verify --evidence`` fails the contradicted certificate."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.collector import env_off, resource, serving
from tests.e2e.test_collector import new_token, wait_for
from tests.helpers import run_cli, stored

pytest.importorskip("uvicorn")
MODEL = "claude-sonnet-4-5-20250929"


@pytest.fixture(autouse=True)
def _no_otel_env() -> None:
    env_off()


def provider(url: str, token: str, team: str, agent: str) -> Any:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

    exporter = OTLPLogExporter(endpoint=f"{url}/v1/logs",
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    out = LoggerProvider(resource=resource(team, **{"hub.agent": agent}))
    out.add_log_record_processor(BatchLogRecordProcessor(exporter, schedule_delay_millis=50))
    return out


def emit(out: Any, session: str, events: list[tuple[str | None, str, dict[str, Any]]]) -> None:
    """Events (prompt id, name, attributes) as Claude Code logs them, an hour ago."""
    logger = out.get_logger("com.anthropic.claude_code.events")
    start = datetime.now(UTC) - timedelta(hours=1)
    for n, (prompt, name, attrs) in enumerate(events):
        moment = start + timedelta(seconds=n)
        common: dict[str, Any] = {"session.id": session, "event.name": name,
                                  "event.timestamp": moment.isoformat().replace("+00:00", "Z"),
                                  "event.sequence": n}  # fmt: skip
        if prompt:
            common["prompt.id"] = prompt
        logger.emit(body=f"claude_code.{name}", attributes={**common, **attrs},
                    timestamp=int(moment.timestamp() * 1e9))  # fmt: skip
    out.shutdown()


def request(cost: float) -> dict[str, Any]:
    return {"model": MODEL, "cost_usd": cost, "input_tokens": 100, "output_tokens": 10,
            "cache_read_tokens": 0, "cache_creation_tokens": 0}  # fmt: skip


def test_telemetry_through_the_collector_makes_review_items(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("certify", "--all", "--write").exit_code == 0
    db = f"sqlite:///{registry / 'ledger.db'}"
    billing, sre = new_token(registry, "billing-ops"), new_token(registry, "sre")
    tools = json.dumps({"mcp_server_name": "github", "mcp_tool_name": "create_issue"})
    with serving(registry, db, "--tokens", str(registry / "tokens.yaml"), "--quiet", "0.3") as s:
        emit(provider(s.url, billing, "billing-ops", "invoice-triage"), "b1", [
            ("p0", "user_prompt", {"prompt_length": 10}),
            ("p0", "api_request", request(900.0)),  # the team's budget is $800
            ("p0", "tool_result", {"tool_name": "mcp_tool", "tool_parameters": tools,
                                   "success": "true"}),
            (None, "mcp_server_connection", {"status": "connected", "server_name": "mystery",
                                             "transport_type": "stdio"}),
        ])  # fmt: skip
        events: list[tuple[str | None, str, dict[str, Any]]] = []
        for n in range(12):  # half of them fail; each tries a denied server
            events += [
                (f"p{n}", "api_request", request(0.01)),
                (
                    f"p{n}",
                    "tool_decision",
                    {
                        "tool_name": "mcp__pastebin-share__share",
                        "decision": "reject",
                        "source": "hook",
                    },
                ),
            ]
            if n % 2:
                events.append((f"p{n}", "api_error", {"model": MODEL, "error": "overloaded"}))
        emit(provider(s.url, sre, "sre", "incident-triage"), "s1", events)  # fmt: skip
        wait_for(lambda: len(stored(db)) == 13, 30)
        engine = create_engine(db)
        with engine.connect() as conn:
            kinds = conn.execute(text("SELECT DISTINCT kind FROM ledger_evidence")).scalars()
            assert set(kinds) == {"tool", "mcp_server", "mcp_action", "denied"}
        engine.dispose()
        assert s.stop() == 0
    done = run_cli("review", "--db", db, "--format", "json")
    assert done.exit_code == 1, done.stderr
    found = {(i["team"], i["agent"]): {r["code"] for r in i["reasons"]}
             for i in done.json()["items"]}  # fmt: skip
    assert found == {
        ("billing-ops", "invoice-triage"): {"undeclared-mcp-server", "unknown-mcp-server"},
        ("billing-ops", None): {"over-budget"},
        ("sre", "incident-triage"): {"quietly-failing", "guard-denials"},
        ("growth", "release-notes"): {"certified-silent"},
        ("support", "ticket-responder"): {"certified-silent"},
    }
    monkeypatch.setenv("HUB_LEDGER_URL", db)
    verified = run_cli("certify", "--verify", "--evidence")
    assert verified.exit_code == 1
    assert "billing-ops/invoice-triage: the ledger's evidence contradicts" in verified.stdout
    assert "used in run(s) claude-code:b1:p0" in verified.stdout
    assert "'mystery' is no Tool in the catalog: used in run(s) claude-code:b1" in verified.stdout
