"""Done when (issue 17): Claude Code's telemetry, sent the way ``hub export claude-code``
configures it, ends up as ledger runs that ``hub ledger report`` shows.

The exporters are the OpenTelemetry SDK's, configured from nothing but the environment the
exported settings give Claude Code (plus the bearer token, which the user's environment adds:
it never goes into the committed settings)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.collector import claude_events, env_off, serving
from tests.helpers import run_cli, stored

pytest.importorskip("uvicorn")

AGENT, TEAM = "invoice-triage", "billing-ops"  # a shipped agent and its team
PROMPTS = 3


@pytest.fixture(autouse=True)
def _no_otel_env() -> None:
    env_off()


def exported_env(registry: Path, endpoint: str, out: Path) -> dict[str, str]:
    run = run_cli("export", "claude-code", AGENT, str(out), "--otlp-endpoint", endpoint)
    assert run.exit_code == 0, run.stderr
    settings = json.loads((out / ".claude" / "settings.json").read_text(encoding="utf-8"))
    env: dict[str, str] = settings["env"]
    assert env["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"
    # What Claude Code's exporters are: OTLP logs and metrics, protobuf over HTTP.
    assert (env["OTEL_LOGS_EXPORTER"], env["OTEL_METRICS_EXPORTER"]) == ("otlp", "otlp")
    assert env["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"
    return env


def send_as_claude_code(session: str) -> None:
    """Claude Code's events and metrics for ``PROMPTS`` prompts of ``session``, through SDK
    exporters that read their endpoint, headers and resource from ``OTEL_*`` only."""
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource

    resource = Resource.create({"service.name": "claude-code", "service.version": "2.1.0"})
    logs = LoggerProvider(resource=resource)
    logs.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(), export_interval_millis=60_000)
    metrics = MeterProvider(metric_readers=[reader], resource=resource)
    logger = logs.get_logger("com.anthropic.claude_code.events")
    meter = metrics.get_meter("com.anthropic.claude_code")
    cost = meter.create_counter("claude_code.cost.usage", unit="USD")
    used = meter.create_counter("claude_code.token.usage", unit="tokens")
    for n in range(PROMPTS):
        for body, attrs in claude_events(session, f"p{n}", n * 10):
            logger.emit(body=body, attributes=attrs, timestamp=1780755660000000000 + n)
        at = {"session.id": session, "model": "claude-sonnet-4-5-20250929"}
        cost.add(0.02, at)  # the same usage again on the metrics signal: never counted twice
        used.add(2000, {**at, "type": "input"})
    logs.shutdown()
    metrics.shutdown()


def test_exported_settings_send_claude_code_telemetry_into_the_report(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    tokens = str(registry / "tokens.yaml")
    issued = {}
    for team in (TEAM, "sre"):
        made = run_cli("ledger", "token", "new", team, "--tokens", tokens)
        assert made.exit_code == 0, made.stderr
        issued[team] = made.stdout.strip()
    with serving(registry, db, "--tokens", tokens, "--quiet", "0.3") as server:
        env = exported_env(registry, server.url, tmp_path / "work")
        assert env["OTEL_RESOURCE_ATTRIBUTES"] == f"hub.team={TEAM},hub.agent={AGENT}"
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # Another team's token: the records name billing-ops, so every one is refused.
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer {issued['sre']}")
        send_as_claude_code("other-token")
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer {issued[TEAM]}")
        send_as_claude_code("session-1")
        deadline = time.monotonic() + 20
        while len(stored(db)) < PROMPTS and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # a closing pass more: nothing else may arrive
        assert server.stop() == 0
    rows = stored(db)
    assert sorted(r["run_key"] for r in rows) == [
        f"claude-code:session-1:p{n}" for n in range(PROMPTS)
    ]
    report = run_cli("ledger", "report", "--db", db, "--since", "2026-06-01", "--by", "agent")
    assert report.exit_code == 0, report.stderr
    doc: dict[str, Any] = json.loads(
        run_cli(
            "ledger", "report", "--db", db, "--since", "2026-06-01", "--by", "agent", "-f", "json"
        ).stdout
    )
    (row,) = doc["rows"]
    assert (row["key"], row["runs"], row["failed"]) == (f"{TEAM}/{AGENT}", PROMPTS, 0)
    total = doc["total"]
    # Per prompt: two API requests (1,200 + 800 input, 300 + 200 output, 9,000 + 10,000 cache
    # read, 500 cache write, $0.0125 + $0.0075) and one tool call.
    assert (total["input_tokens"], total["output_tokens"]) == (PROMPTS * 2000, PROMPTS * 500)
    assert total["cost_usd"] == pytest.approx(PROMPTS * 0.02)
    assert {(r["team"], r["agent"], r["tool_calls"], r["cache_read_tokens"]) for r in rows} == {
        (TEAM, AGENT, 1, 19_000)
    }
    assert AGENT in report.stdout
