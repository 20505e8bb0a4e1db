"""``hub ledger serve`` as a real process, fed by the real OpenTelemetry SDK exporters."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.collector import emit_claude, env_off, log_provider, post, serving
from tests.helpers import run_cli, stored
from tests.otlp_json import api_request, logs

pytest.importorskip("uvicorn")


@pytest.fixture(autouse=True)
def _no_otel_env() -> None:
    env_off()


def wait_for(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def new_token(root: Path, team: str) -> str:
    run = run_cli("ledger", "token", "new", team, "--tokens", str(root / "tokens.yaml"))
    assert run.exit_code == 0, run.stderr
    return run.stdout.strip()


def tracer(url: str, token: str | None = None, **kw: Any) -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    headers = {"Authorization": f"Bearer {token}"} if token else None
    exporter = OTLPSpanExporter(endpoint=f"{url}/v1/traces", headers=headers, timeout=30)
    provider = TracerProvider(
        resource=Resource.create({"service.name": "triage", "hub.team": "sre"})
    )
    provider.add_span_processor(BatchSpanProcessor(exporter, **kw))
    return provider


def agent_runs(provider: Any, count: int, prefix: str = "run", pace: float = 0.0) -> None:
    spans = provider.get_tracer("agents")
    for n in range(count):
        with spans.start_as_current_span("invoke_agent triage") as span:
            span.set_attributes({
                "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "triage",
                "gen_ai.request.model": "claude-sonnet-4-5-20250929",
                "gen_ai.usage.input_tokens": 1000 + n, "gen_ai.usage.output_tokens": 10,
                "hub.run": f"{prefix}{n}",
            })  # fmt: skip
        time.sleep(pace)


def test_claude_code_logs_and_genai_spans_through_the_exporters(registry: Path) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    token = new_token(registry, "sre")
    tokens = str(registry / "tokens.yaml")
    with serving(registry, db, "--tokens", tokens, "--quiet", "0.3") as server:
        logs_out = log_provider(server.url, token=token)
        emit_claude(logs_out, "s1", 20, error_every=5)
        logs_out.shutdown()
        spans_out = tracer(server.url, token, schedule_delay_millis=60_000)
        genai = spans_out.get_tracer("openai")
        with genai.start_as_current_span("invoke_agent triage") as agent:
            agent.set_attribute("gen_ai.operation.name", "invoke_agent")
            for _ in range(2):
                with genai.start_as_current_span("chat") as chat:
                    chat.set_attributes({
                        "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
                        "gen_ai.usage.input_tokens": 500, "gen_ai.usage.output_tokens": 50,
                    })  # fmt: skip
        with genai.start_as_current_span("chat") as chat:  # a trace of one chat span
            chat.set_attributes({
                "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 70, "gen_ai.usage.output_tokens": 7,
            })  # fmt: skip
        spans_out.shutdown()
        wait_for(lambda: len(stored(db)) == 22)
        assert server.stop() == 0  # SIGTERM: a clean exit
    rows = {r["run_key"]: r for r in stored(db)}
    claude = [r for k, r in rows.items() if k.startswith("claude-code:s1:")]
    assert len(claude) == 20
    assert {r["team"] for r in claude} == {"sre"}
    assert sum(r["outcome"] == "failed" for r in claude) == 4
    assert {(r["input_tokens"], r["cache_read_tokens"], r["tool_calls"]) for r in claude} == {
        (2000, 19_000, 1)
    }
    assert sum(r["cost_usd"] for r in claude) == pytest.approx(20 * 0.02)
    otel = sorted(
        (r["input_tokens"], r["output_tokens"]) for k, r in rows.items() if k[:5] == "otel:"
    )
    assert otel == [(70, 7), (1000, 100)]
    report = run_cli("ledger", "report", "--db", db, "--since", "2026-06-01", "-f", "json")
    assert report.exit_code == 0, report.stderr
    assert "claude-code" in report.stdout


def test_metrics_only_sessions_cumulative_and_delta(registry: Path) -> None:
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk.metrics import Counter, MeterProvider
    from opentelemetry.sdk.metrics.export import AggregationTemporality as Temporality
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    from tests.collector import resource

    db = f"sqlite:///{registry / 'ledger.db'}"
    with serving(registry, db, "--quiet", "0.5") as server:
        for session, temporality in (("cum", Temporality.CUMULATIVE), ("delta", Temporality.DELTA)):
            exporter = OTLPMetricExporter(
                endpoint=f"{server.url}/v1/metrics",
                preferred_temporality={Counter: temporality},
            )
            reader = PeriodicExportingMetricReader(exporter, export_interval_millis=100)
            provider = MeterProvider(metric_readers=[reader], resource=resource("sre"))
            meter = provider.get_meter("com.anthropic.claude_code")
            cost = meter.create_counter("claude_code.cost.usage", unit="USD")
            used = meter.create_counter("claude_code.token.usage", unit="tokens")
            at = {"session.id": session, "model": "claude-sonnet-4-5-20250929"}
            for _ in range(3):
                cost.add(0.25, at)
                used.add(100, {**at, "type": "input"})
                used.add(10, {**at, "type": "output"})
                used.add(1000, {**at, "type": "cacheRead"})
                time.sleep(0.25)  # several exports: cumulative repeats totals, delta does not
            provider.shutdown()
        wait_for(lambda: len(stored(db)) == 2)
    for row in stored(db):
        assert row["run_key"].split(":")[1] in ("cum", "delta")
        assert row["cost_usd"] == pytest.approx(0.75)
        assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"]) == (
            300,
            30,
            3000,
        )


def test_killed_mid_stream_and_restarted_stores_each_run_once(registry: Path) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    with serving(registry, db, "--quiet", "0.5") as server:
        spans_out = tracer(server.url, schedule_delay_millis=10, max_export_batch_size=50)
        logs_out = log_provider(server.url, timeout=30)
        senders = [
            threading.Thread(target=agent_runs, args=(spans_out, 600, "run", 0.003)),
            threading.Thread(target=emit_claude, args=(logs_out, "k1", 40)),
        ]
        for sender in senders:
            sender.start()
        wait_for(lambda: len(stored(db)) >= 100, 30)
        server.kill()  # SIGKILL: requests in flight are neither committed nor answered
        assert len(stored(db)) < 600  # the senders had more to send: they meet a dead server
        server.start()  # the same port: the exporters' retries reach the new process
        for sender in senders:
            sender.join()
        assert spans_out.force_flush(60_000) and logs_out.force_flush(60_000)
        spans_out.shutdown()
        logs_out.shutdown()
        wait_for(lambda: len(stored(db)) == 640, 30)
    rows = stored(db)
    assert len(rows) == 640
    runs = sorted(r["input_tokens"] for r in rows if r["run_key"].startswith("otel:"))
    assert runs == [1000 + n for n in range(600)]
    claude = [r for r in rows if r["run_key"].startswith("claude-code:k1:")]
    assert {(r["input_tokens"], r["tool_calls"]) for r in claude} == {(2000, 1)}
    assert len(claude) == 40
    assert daily_runs(db) == 640  # the report's per-day sums count each run once too


def daily_runs(db: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(db)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(sqlalchemy.text("SELECT sum(runs) FROM ledger_daily")).scalar_one()
            )
    finally:
        engine.dispose()


def test_tokens_bind_records_to_their_team(registry: Path) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    sre, billing = new_token(registry, "sre"), new_token(registry, "billing")
    assert sre != billing
    text = (registry / "tokens.yaml").read_text()
    assert sre not in text and "sha256:" in text
    body = json.dumps(logs(api_request("s1", "p1", 1), api_request("s1", "p1", 2))).encode()
    with serving(registry, db, "--tokens", str(registry / "tokens.yaml"), "--quiet", "0.2") as s:
        url = f"{s.url}/v1/logs"
        assert post(url, body, "application/json")[0] == 401
        assert post(url, body, "application/json", Authorization="Bearer nope")[0] == 401
        code, answer, _ = post(url, body, "application/json", Authorization=f"Bearer {billing}")
        assert code == 200
        partial = json.loads(answer)["partialSuccess"]
        assert int(partial["rejectedLogRecords"]) == 2
        assert "'sre' is not the team of the token ('billing')" in partial["errorMessage"]
        time.sleep(1)
        assert stored(db) == []
        code, answer, _ = post(url, body, "application/json", Authorization=f"Bearer {sre}")
        assert (code, json.loads(answer)) == (200, {})
        wait_for(lambda: len(stored(db)) == 1)


def test_tokens_added_and_revoked_while_serving(registry: Path) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    path = registry / "tokens.yaml"
    sre = new_token(registry, "sre")
    body = json.dumps(logs(api_request("s1", "p1", 1))).encode()
    with serving(registry, db, "--tokens", str(path), "--quiet", "0.2") as s:
        url = f"{s.url}/v1/logs"
        billing = new_token(registry, "billing")  # added while the server runs
        wait_for(
            lambda: post(url, body, "application/json", Authorization=f"Bearer {billing}")[0] == 200
        )
        teams = yaml.safe_load(path.read_text())["teams"]
        path.write_text(yaml.safe_dump({"teams": {"billing": teams["billing"]}}))  # sre revoked
        wait_for(
            lambda: post(url, body, "application/json", Authorization=f"Bearer {sre}")[0] == 401
        )
        assert post(url, body, "application/json", Authorization=f"Bearer {billing}")[0] == 200


def test_bad_bodies_are_refused(registry: Path) -> None:
    db = f"sqlite:///{registry / 'ledger.db'}"
    body = json.dumps(logs(*(api_request("s1", "p1", n) for n in range(200)))).encode()
    with serving(registry, db, "--max-body", "0.01") as server:
        url = f"{server.url}/v1/logs"
        assert len(body) > 10_486
        assert post(url, body, "application/json")[0] == 413
        bomb = gzip.compress(b" " * 1_000_000)  # small on the wire, too large inflated
        assert post(url, bomb, "application/json", **{"Content-Encoding": "gzip"})[0] == 413
        small = json.dumps(logs(api_request("s1", "p1", 1))).encode()
        cut = gzip.compress(small)[:-12]
        code, answer, _ = post(url, cut, "application/json", **{"Content-Encoding": "gzip"})
        assert (code, json.loads(answer)["message"]) == (400, "the gzip body is truncated")
        code, answer, _ = post(url, b"\xff\x00garbage", "application/x-protobuf")
        assert code == 400 and b"ExportLogsServiceRequest" in answer
        assert post(url, b"{not json", "application/json")[0] == 400
        assert post(url, small, "text/plain")[0] == 415
        assert (
            post(url, gzip.compress(small), "application/json", **{"Content-Encoding": "gzip"})[0]
            == 200
        )


def test_sigterm_finishes_the_request_in_flight(registry: Path) -> None:
    import http.client

    db = f"sqlite:///{registry / 'ledger.db'}"
    body = json.dumps(logs(api_request("s1", "p1", 1))).encode()
    answers: list[int] = []
    with serving(registry, db, "--quiet", "0") as server:

        def slow_body() -> Any:
            yield body[:20]
            time.sleep(1.0)  # SIGTERM arrives while the body is still coming
            yield body[20:]

        def send() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
            conn.request(
                "POST", "/v1/logs", slow_body(), {"Content-Type": "application/json"},
                encode_chunked=True,
            )  # fmt: skip
            try:
                answers.append(conn.getresponse().status)
            finally:
                conn.close()

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.4)
        assert server.process is not None
        server.process.terminate()
        sender.join()
        assert server.process.wait(30) == 0
    assert answers == [200]
    assert len(stored(db)) == 1 or stored_open(db) == 1


def stored_open(db: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(db)
    try:
        with engine.connect() as conn:
            sql = sqlalchemy.text("SELECT count(*) FROM ledger_open_events")
            return int(conn.execute(sql).scalar_one())
    finally:
        engine.dispose()
