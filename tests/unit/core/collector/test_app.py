"""The OTLP/HTTP receiver, in process (driven as ASGI, a real SQLite store): tokens,
the answers in the request's encoding (200, partial success, 400, 401, 413, 415, 503 with
Retry-After), gzip bodies, the health check, and the background pass that closes quiet runs."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from google.rpc import status_pb2  # type: ignore[import-untyped]
from sqlalchemy import create_engine

from hubrails.core.collector.app import RETRY_AFTER_S, Settings, _team, create_app
from hubrails.core.collector.decode import JSON, PROTOBUF
from hubrails.core.collector.service import Collector
from hubrails.core.collector.tokens import TokenBook, new_token
from hubrails.core.ledger.pricing import PriceBook
from hubrails.core.ledger.rows import Known
from hubrails.store.sql import Store, open_store
from tests.helpers import stored
from tests.otlp_json import api_request, logs


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    made = open_store(url)
    yield made
    made.close()


@pytest.fixture
def token(tmp_path: Path) -> str:
    new_token(tmp_path / "tokens.yaml", "other")
    return new_token(tmp_path / "tokens.yaml", "sre")


def _settings(store: Store, tmp_path: Path | None, **kw: Any) -> Settings:
    collector = Collector(store, PriceBook(), Known(), quiet_ms=kw.pop("quiet_ms", 300_000))
    tokens = TokenBook(tmp_path / "tokens.yaml") if tmp_path is not None else None
    return Settings(collector, tokens, **kw)


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return orjson.loads(self.content)


async def _request(
    app: Any, method: str, path: str, content: bytes | list[bytes], headers: dict[str, str]
) -> Answer:
    """One HTTP request through the ASGI interface, as a server would pass it; a list of parts
    is a body sent in chunks, without a Content-Length."""
    sent = dict(headers)
    if isinstance(content, bytes):
        sent["Content-Length"] = str(len(content))
    parts = [content] if isinstance(content, bytes) else content
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": part, "more_body": n < len(parts) - 1}
        for n, part in enumerate(parts)
    ]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 4318),
        "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()],
    }  # fmt: skip
    answer = Answer(0, {}, b"")

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status_code = message["status"]
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.content += message.get("body", b"")

    await app(scope, receive, send)
    return answer


class Client:
    """Requests to the receiver, each in an event loop of its own."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def post(
        self, path: str, content: bytes | list[bytes] = b"", headers: dict[str, str] | None = None
    ) -> Answer:
        return asyncio.run(_request(self.app, "POST", path, content, headers or {}))

    def get(self, path: str) -> Answer:
        return asyncio.run(_request(self.app, "GET", path, b"", {}))


def _client(store: Store, tmp_path: Path | None, **kw: Any) -> Client:
    return Client(create_app(_settings(store, tmp_path, **kw)))


def _json(body: Any) -> bytes:
    return orjson.dumps(body)


def test_a_bearer_token_names_its_team_and_anything_else_is_refused(
    store: Store, tmp_path: Path, token: str
) -> None:
    settings = _settings(store, tmp_path)
    assert _team(settings, f"Bearer {token}") == (True, "sre")
    assert _team(settings, f"bearer   {token}  ") == (True, "sre")  # scheme in any case
    for header in (None, "", token, f"Basic {token}", "Bearer ", "Bearer    ", "Bearer nope"):
        assert _team(settings, header) == (False, None), header
    assert _team(_settings(store, None), None) == (True, None)  # no tokens: no authentication


def test_an_accepted_request_is_answered_in_its_own_encoding(
    store: Store, url: str, tmp_path: Path, token: str
) -> None:
    client = _client(store, tmp_path)
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.post(
        "/v1/logs",
        content=_json(logs(api_request("s1", "p1", 1), team=None)),
        headers={**auth, "Content-Type": "application/json; charset=utf-8"},
    )
    assert (answer.status_code, answer.headers["content-type"]) == (200, JSON)
    assert answer.content == b"{}"
    assert len(stored(url)) == 0  # kept open: not a run yet
    empty = client.post("/v1/traces", content=b"", headers={**auth, "Content-Type": PROTOBUF})
    assert (empty.status_code, empty.headers["content-type"], empty.content) == (
        200,
        PROTOBUF,
        b"",
    )


def test_records_refused_are_a_partial_success(store: Store, tmp_path: Path, token: str) -> None:
    answer = _client(store, tmp_path).post(
        "/v1/logs",
        content=_json(logs(api_request("s1", "p1", 1), team="web")),
        headers={"Authorization": f"Bearer {token}", "Content-Type": JSON},
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "partialSuccess": {
            "rejectedLogRecords": "1",
            "errorMessage": "event s1:api_request:1: hub.team 'web' is not the team of the token"
            " ('sre')",
        }
    }


def test_a_gzip_body_is_accepted_and_another_encoding_refused(store: Store) -> None:
    client = _client(store, None)
    body = _json(logs(api_request("s1", "p1", 1)))
    headers = {"Content-Type": JSON, "Content-Encoding": "gzip"}
    assert client.post("/v1/logs", content=gzip.compress(body), headers=headers).status_code == 200
    identity = {"Content-Type": JSON, "Content-Encoding": "identity"}
    assert client.post("/v1/logs", content=body, headers=identity).status_code == 200
    refused = client.post(
        "/v1/logs", content=body, headers={"Content-Type": JSON, "Content-Encoding": "br"}
    )
    assert refused.status_code == 415
    assert refused.json() == {"code": 3, "message": "unsupported content encoding 'br': use gzip"}


def test_no_valid_token_is_401_in_the_requests_encoding(store: Store, tmp_path: Path) -> None:
    client = _client(store, tmp_path)
    answer = client.post("/v1/logs", content=b"", headers={"Content-Type": PROTOBUF})
    assert (answer.status_code, answer.headers["content-type"]) == (401, PROTOBUF)
    status = status_pb2.Status.FromString(answer.content)
    assert (status.code, status.message) == (
        16,
        "a valid 'Authorization: Bearer TOKEN' is required",
    )
    wrong = client.post(
        "/v1/logs", content=b"{}", headers={"Content-Type": JSON, "Authorization": "Bearer x"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, 16)


def test_an_unsupported_content_type_is_415_answered_in_json(store: Store) -> None:
    answer = _client(store, None).post(
        "/v1/metrics", content=b"x", headers={"Content-Type": "text/plain"}
    )
    assert (answer.status_code, answer.headers["content-type"]) == (415, JSON)
    assert answer.json() == {
        "code": 3,
        "message": f"unsupported content type 'text/plain': use {PROTOBUF} or {JSON}",
    }


def test_a_malformed_body_is_400(store: Store) -> None:
    client = _client(store, None)
    answer = client.post("/v1/logs", content=b"{nope", headers={"Content-Type": JSON})
    assert (answer.status_code, answer.json()["code"]) == (400, 3)
    assert answer.json()["message"].startswith("the body is not valid JSON: ")
    bad = client.post("/v1/traces", content=b"\xff\xff", headers={"Content-Type": PROTOBUF})
    assert bad.status_code == 400
    assert status_pb2.Status.FromString(bad.content).message.startswith(
        "the body is not a valid ExportTraceServiceRequest: "
    )


def test_a_body_over_the_limit_is_413_whether_announced_streamed_or_inflated(
    store: Store,
) -> None:
    client = _client(store, None, max_body=100)
    headers = {"Content-Type": JSON}
    announced = client.post("/v1/logs", content=b" " * 101, headers=headers)
    assert (announced.status_code, announced.json()) == (
        413,
        {"code": 8, "message": "the body is larger than 100 bytes"},
    )

    streamed = client.post("/v1/logs", content=[b" " * 60, b" " * 60], headers=headers)
    assert (streamed.status_code, streamed.json()["code"]) == (413, 8)
    inflated = client.post(
        "/v1/logs",
        content=gzip.compress(b" " * 101),
        headers={**headers, "Content-Encoding": "gzip"},
    )
    assert (inflated.status_code, inflated.json()["message"]) == (
        413,
        "the decompressed body is larger than 100 bytes",
    )
    assert client.post("/v1/logs", content=b"{}" + b" " * 98, headers=headers).status_code == 200


def test_only_the_three_signals_are_posted_and_health_is_a_get(store: Store) -> None:
    client = _client(store, None)
    assert client.get("/healthz").json() == {"status": "ok"}
    assert (
        client.post("/v1/profiles", content=b"{}", headers={"Content-Type": JSON}).status_code
        == 404
    )
    assert client.get("/v1/logs").status_code == 405


def test_an_unavailable_store_is_503_with_retry_after(tmp_path: Path) -> None:
    # A PostgreSQL server that is not there: a real connection, refused.
    engine = create_engine(
        "postgresql+psycopg://hub@127.0.0.1:1/ledger", connect_args={"connect_timeout": 2}
    )
    down = Store(engine, "postgresql://hub@127.0.0.1:1/ledger")
    try:
        client = _client(down, None)
        health = client.get("/healthz")
        assert (health.status_code, health.json()) == (503, {"status": "unavailable"})
        assert health.headers["retry-after"] == str(RETRY_AFTER_S)
        answer = client.post(
            "/v1/logs",
            content=_json(logs(api_request("s1", "p1", 1))),
            headers={"Content-Type": JSON},
        )
        assert (answer.status_code, answer.headers["retry-after"]) == (503, "5")
        assert answer.json() == {"code": 14, "message": "the ledger store is unavailable"}
    finally:
        engine.dispose()


def test_quiet_runs_are_closed_in_the_background_while_serving(store: Store, url: str) -> None:
    app = create_app(_settings(store, None, quiet_ms=0, close_every_s=0.01))

    async def serve() -> int:
        async with app.router.lifespan_context(app):  # what the server runs: the closing pass
            body = _json(logs(api_request("s1", "p1", 1)))
            answer = await _request(app, "POST", "/v1/logs", body, {"Content-Type": JSON})
            deadline = time.monotonic() + 10
            while not stored(url) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return answer.status_code

    assert asyncio.run(serve()) == 200
    assert [row["run_key"] for row in stored(url, "run_key")] == ["claude-code:s1:p1"]
