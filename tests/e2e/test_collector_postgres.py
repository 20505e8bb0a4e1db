"""Two ``hub ledger serve`` processes on one PostgreSQL store, receiving the same retried
batches at the same time: each run is stored once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.collector import post, serving
from tests.helpers import stored
from tests.otlp_json import api_request, attrs, event, logs
from tests.postgres import Server, fresh_database

pytest.importorskip("uvicorn")


@pytest.fixture
def pg_url(postgres_server: Server) -> Iterator[str]:
    with fresh_database(postgres_server, f"collector_{time.monotonic_ns()}") as url:
        yield url


def spans_request(batch: int, size: int) -> dict[str, Any]:
    usage = attrs({
        "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "triage",
        "gen_ai.request.model": "claude-sonnet-4-5-20250929",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    })  # fmt: skip
    spans = [
        {
            "traceId": f"{batch:016x}{n:016x}",
            "spanId": f"{n + 1:016x}",
            "name": "invoke_agent triage",
            "startTimeUnixNano": "1780755600000000000",
            "endTimeUnixNano": "1780755660000000000",
            "attributes": usage,
        }
        for n in range(size)
    ]
    resource = {"attributes": attrs({"service.name": "triage", "hub.team": "sre"})}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": spans}]}]}


def logs_request(prompt: int) -> dict[str, Any]:
    base = prompt * 10
    return logs(
        api_request("pg", f"p{prompt}", base),
        event("tool_result", "pg", f"p{prompt}", base + 1, tool_name="Bash"),
        api_request("pg", f"p{prompt}", base + 2),
    )


def daily_runs(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT coalesce(sum(runs), 0) FROM ledger_daily").fetchone()
        assert row is not None
        return int(row[0])


def test_two_servers_store_each_retried_run_once(registry: Path, pg_url: str) -> None:
    bodies = [("traces", spans_request(b, 50)) for b in range(12)]
    bodies += [("logs", logs_request(p)) for p in range(12)]
    encoded = [(signal, json.dumps(body).encode()) for signal, body in bodies]
    with (
        serving(registry, pg_url, "--quiet", "0.5") as one,
        serving(registry, pg_url, "--quiet", "0.5") as two,
    ):
        sends = [
            (f"{server.url}/v1/{signal}", body)
            for _ in range(2)  # each batch twice, as an exporter's retry
            for signal, body in encoded
            for server in (one, two)
        ]
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda s: post(s[0], s[1], "application/json")[0], sends))
        assert set(codes) == {200}
        deadline = time.monotonic() + 20
        while len(stored(pg_url)) < 612 and time.monotonic() < deadline:
            time.sleep(0.2)
    rows = stored(pg_url)
    assert len(rows) == 612
    claude = [r for r in rows if r["run_key"].startswith("claude-code:pg:")]
    assert {(r["input_tokens"], r["tool_calls"]) for r in claude} == {(200, 1)}
    assert daily_runs(pg_url) == 612


def test_store_unavailable_is_503_with_retry_after(registry: Path, pg_url: str) -> None:
    import psycopg

    name = pg_url.rsplit("/", 1)[1]
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    body = json.dumps(spans_request(1, 1)).encode()
    with serving(registry, pg_url) as server, psycopg.connect(admin, autocommit=True) as conn:
        url = f"{server.url}/v1/traces"
        assert post(url, body, "application/json")[0] == 200
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        code, answer, headers = post(url, body, "application/json")
        assert (code, headers.get("retry-after")) == (503, "5")
        assert json.loads(answer)["message"] == "the ledger store is unavailable"
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for _ in range(3):  # the pool drops dead connections as it meets them
            code = post(url, body, "application/json")[0]
            if code == 200:
                break
        assert code == 200
    assert len(stored(pg_url)) == 1
