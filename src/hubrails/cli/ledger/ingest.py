"""``hub ledger ingest``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.ledger._options import DbOption, SummaryFormat, open_ledger
from hubrails.errors import ExitCode

if TYPE_CHECKING:
    from hubrails.core.ledger.records import Reject


def ingest_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="JSON Lines files (gzip too) or OTLP/JSON span, log and metric exports; - for "
            "standard input.",
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
    from hubrails.core.ledger.registry_facts import known_names
    from hubrails.core.ledger.rejects import RejectsFile, refuse_inputs
    from hubrails.render import ingest_renderer

    if skip_invalid:  # before anything is read or opened
        refuse_inputs(rejects, inputs)
    config, store = open_ledger(root, db)
    sink = None
    try:
        if skip_invalid and store.engine.url.get_backend_name() == "sqlite":
            refuse_inputs(rejects, [], Path(store.engine.url.database or ":memory:"))
        sink = RejectsFile(rejects) if skip_invalid else None  # an unwritable folder fails first

        def on_reject(reject: Reject) -> None:
            for message in reject.messages():
                sys.stderr.write(f"{message}\n")
            if sink is not None:
                sink.write(reject.text)

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
        if sink is not None:
            sink.commit()
    finally:
        if sink is not None:
            sink.discard()
        store.engine.dispose()
    ingest_renderer(output.value)(result, sys.stdout, rejects if skip_invalid else None)
    if result.rejected or result.conflict_count:
        raise typer.Exit(ExitCode.FINDINGS)
