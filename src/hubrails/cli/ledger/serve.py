"""``hub ledger serve``: the central OTLP/HTTP collector."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.ledger._options import DbOption, open_ledger
from hubrails.errors import HubError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 4318,
    db: DbOption = None,
    tokens: Annotated[
        Path | None,
        typer.Option(
            "--tokens",
            help=(
                "Team tokens file (hub ledger token new), re-read when it changes;"
                " requires Authorization: Bearer."
            ),
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        float,
        typer.Option("--quiet", help="Seconds without events after which a run is written."),
    ] = 300.0,
    max_body_mib: Annotated[
        float, typer.Option("--max-body", help="Largest request body, in MiB (413 beyond).")
    ] = 16.0,
    root: RootOption = None,
) -> None:
    """Receive OpenTelemetry (OTLP/HTTP) from agents and Claude Code into the ledger.

    POST /v1/traces, /v1/logs and /v1/metrics (protobuf or JSON, gzip too); GET /healthz.
    A request is answered only after its records are committed. Without --tokens the server
    listens on loopback only. SIGTERM finishes the requests in flight, then exits.
    """
    from hubrails.core.collector import tokens as team_tokens
    from hubrails.core.ledger.pricing import load_pricing
    from hubrails.core.ledger.registry_facts import known_names

    if tokens is None and host not in LOOPBACK:
        raise HubError(
            f"refusing to listen on {host} without --tokens",
            hint="create tokens with 'hub ledger token new TEAM' and pass --tokens FILE",
        )
    book = team_tokens.TokenBook(tokens) if tokens is not None else None
    if book is not None and not book.current():
        raise HubError(f"{tokens} holds no tokens", hint="hub ledger token new TEAM --tokens FILE")
    try:
        import uvicorn

        from hubrails.core.collector.app import Settings, create_app
        from hubrails.core.collector.service import Collector
    except ImportError as exc:
        raise HubError(
            f"hub ledger serve needs the collector extra ({exc.name} is missing)",
            hint="pip install 'hubrails[collector]'",
        ) from None
    config, store = open_ledger(root, db)
    collector = Collector(store, load_pricing(config), known_names(config), int(quiet * 1000))
    every = max(0.1, min(5.0, quiet / 4))  # how often open runs are checked
    settings = Settings(collector, book, int(max_body_mib * (1 << 20)), every)
    if book is None:
        sys.stderr.write(
            f"no --tokens: listening on loopback only ({host}:{port}), without authentication\n"
        )
    sys.stderr.write(f"hub ledger serve: http://{host}:{port} -> {store.engine.url!r}\n")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=30,
            lifespan="on",
        )
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises it again with the handler found
    # here: one that ignores it, so the command ends with exit code 0.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        server.run()
    finally:
        store.engine.dispose()
    if not server.started:
        raise HubError(f"cannot listen on {host}:{port}")
