"""``hub ledger``: ingest agent runs, report cost, check budgets, emit records."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption, boundary
from hubrails.errors import ExitCode

if TYPE_CHECKING:
    from hubrails.core.config import HubConfig
    from hubrails.core.ledger.records import Reject
    from hubrails.store.sql import Store

app = typer.Typer(
    help="The cost ledger: one record per agent run, in one store.", no_args_is_help=True
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="HUB_LEDGER_URL",
        help="Ledger database URL (sqlite:///PATH or postgresql://…); default: ledger.url in "
        "hub.yaml, else .hub/ledger.db.",
        show_default=False,
    ),
]


class SummaryFormat(StrEnum):
    """Output formats of the ingest summary."""

    TEXT = "text"
    JSON = "json"


def _open(root: Path | None, db: str | None) -> tuple[HubConfig, Store]:
    from hubrails.core.config import load_config, locate
    from hubrails.core.ledger.registry import ledger_url
    from hubrails.store.sql import open_store

    config = load_config(locate(root))
    return config, open_store(ledger_url(config, db))


@app.command("ingest")
@boundary
def ingest_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="JSON Lines files (gzip too) or OTLP/JSON span exports; - for standard input.",
            metavar="FILE...",
        ),
    ],
    db: DbOption = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Ingest the valid records and write the invalid lines out."
        ),
    ] = False,
    rejects: Annotated[
        Path,
        typer.Option("--rejects", help="Where --skip-invalid writes the invalid lines."),
    ] = Path("rejects.jsonl"),
    output: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="Summary format.")
    ] = SummaryFormat.TEXT,
    root: RootOption = None,
) -> None:
    """Ingest agent runs into the ledger, all or nothing, idempotently.

    Every record is validated; by default one invalid record means nothing is stored and every
    bad line is listed (FILE:LINE: FIELD: REASON). Re-ingesting adds nothing; a run_id stored
    before with different content is reported as a conflict and never overwritten.
    Exit 0 when all is stored, 1 when records were invalid or in conflict, 2 on a usage error.
    """
    from hubrails.cli._progress import progress_bar
    from hubrails.core.ledger.ingest import ingest
    from hubrails.core.ledger.pricing import load_pricing
    from hubrails.core.ledger.registry import known_names
    from hubrails.render.ledger import render_ingest

    config, store = _open(root, db)
    sink = rejects.open("w", encoding="utf-8") if skip_invalid else None
    try:

        def on_reject(reject: Reject) -> None:
            for message in reject.messages():
                sys.stderr.write(f"{message}\n")
            if sink is not None:
                sink.write(reject.text + "\n")

        with progress_bar(inputs) as advance:
            result = ingest(
                store,
                inputs,
                load_pricing(config),
                known_names(config),
                skip_invalid=skip_invalid,
                on_reject=on_reject,
                on_progress=advance,
            )
    finally:
        if sink is not None:
            sink.close()
        store.engine.dispose()
    render_ingest(result, output.value, sys.stdout, rejects if skip_invalid else None)
    if result.rejected or result.conflict_count:
        raise typer.Exit(ExitCode.FINDINGS)
