"""The OTLP/HTTP receiver: a Starlette application (run by uvicorn in ``hub ledger serve``).

``POST /v1/traces|logs|metrics`` in ``application/x-protobuf`` or ``application/json``,
optionally gzip; 200 with the OTLP response (``partial_success`` when some were rejected) only
after the transaction committed; 400 malformed, 401 no or unknown token, 413 too large,
415 unsupported type, 503 with ``Retry-After`` when the store is unavailable. ``GET /healthz``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from hubrails.core.collector.decode import (
    JSON,
    PROTOBUF,
    BadBodyError,
    decode,
    gunzip,
    response,
    status,
)
from hubrails.core.collector.service import Collector
from hubrails.core.collector.tokens import TokenBook, digest

log = logging.getLogger("hubrails.collector")
RETRY_AFTER_S = 5


@dataclass(frozen=True, slots=True)
class Settings:
    """How the receiver runs."""

    collector: Collector
    tokens: TokenBook | None  # None: no authentication (loopback only)
    max_body: int = 16 << 20
    close_every_s: float = 5.0


def _team(settings: Settings, header: str | None) -> tuple[bool, str | None]:
    """(allowed, team) for an ``Authorization`` header."""
    if settings.tokens is None:
        return True, None
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False, None
    presented = digest(token.strip())
    for known, team in settings.tokens.current().items():
        if hmac.compare_digest(known, presented):
            return True, team
    return False, None


def create_app(settings: Settings) -> Any:
    """The ASGI application."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from hubrails.store.health import ping, unavailable

    collector = settings.collector

    def fail(kind: str, code: int, message: str, **headers: str) -> Response:
        grpc = {400: 3, 401: 16, 413: 8, 415: 3, 503: 14}.get(code, 13)
        return Response(status(kind, grpc, message), code, headers=headers, media_type=kind)

    async def body(request: Request) -> bytes:
        length = request.headers.get("content-length")
        if length and length.isdecimal() and length.isascii() and int(length) > settings.max_body:
            raise BadBodyError(413, f"the body is larger than {settings.max_body} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body:
                raise BadBodyError(413, f"the body is larger than {settings.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def export(request: Request) -> Response:
        signal = request.url.path.rsplit("/", 1)[-1]
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        answer = kind if kind in (JSON, PROTOBUF) else JSON
        allowed, team = _team(settings, request.headers.get("authorization"))
        if not allowed:
            return fail(answer, 401, "a valid 'Authorization: Bearer TOKEN' is required")
        if kind not in (JSON, PROTOBUF):
            return fail(answer, 415, f"unsupported content type {kind!r}: use {PROTOBUF} or {JSON}")
        try:
            data = await body(request)
            encoding = request.headers.get("content-encoding", "").strip().lower()
            if encoding == "gzip":
                data = gunzip(data, settings.max_body)
            elif encoding not in ("", "identity"):
                raise BadBodyError(415, f"unsupported content encoding {encoding!r}: use gzip")
            obj = decode(signal, data, kind)
        except BadBodyError as exc:
            return fail(answer, exc.status, exc.message)
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            outcome = await run_in_threadpool(collector.handle, signal, obj, team)
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("store unavailable: %s", str(exc).splitlines()[0])
            return fail(
                answer,
                503,
                "the ledger store is unavailable",
                **{"Retry-After": str(RETRY_AFTER_S)},
            )
        payload = response(signal, answer, outcome.rejected, outcome.message)
        return Response(payload, 200, media_type=answer)

    async def healthz(_request: Request) -> Response:
        try:
            await run_in_threadpool(ping, collector.store)
        except Exception as exc:
            if not unavailable(exc):
                raise
            return JSONResponse({"status": "unavailable"}, 503, {"Retry-After": str(RETRY_AFTER_S)})
        return JSONResponse({"status": "ok"})

    async def closer() -> None:
        more = False
        while True:
            if not more:
                await asyncio.sleep(settings.close_every_s)
            try:
                closed = await run_in_threadpool(collector.close)
            except Exception as exc:
                log.warning("closing open runs failed (kept for the next pass): %s", exc)
                more = False
                continue
            more = closed.more
            for reject in closed.rejects:
                for message in reject.messages():
                    log.warning("run not stored: %s", message)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(closer())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route(f"/v1/{signal}", export, methods=["POST"]) for signal in ("traces", "logs", "metrics")
    ]
    routes.append(Route("/healthz", healthz, methods=["GET"]))
    return Starlette(routes=routes, lifespan=lifespan)
