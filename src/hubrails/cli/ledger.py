"""``hub ledger``: ingest agent runs, report cost, check budgets, emit records."""

from __future__ import annotations

import sys
from datetime import datetime
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


class ReportFormat(StrEnum):
    """Output formats of ``hub ledger report``."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class By(StrEnum):
    """What the breakdown groups by."""

    TEAM = "team"
    AGENT = "agent"
    MODEL = "model"
    DAY = "day"


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date or time (default: now); budgets use its month.",
        show_default=False,
    ),
]
TeamOption = Annotated[
    str | None, typer.Option("--team", help="Only this team.", show_default=False)
]


def _as_of(text: str | None) -> datetime:
    from datetime import UTC

    from hubrails.core.ledger.window import parse_time

    now = datetime.now(UTC)
    return parse_time(text, now, end=True, option="--as-of") if text else now


@app.command("report")
@boundary
def report_command(
    since: Annotated[
        str | None,
        typer.Option(help="Start: a date, a date-time or a span back like 30d (default: 30d)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="End (included when a date; default: --as-of).")
    ] = None,
    team: TeamOption = None,
    by: Annotated[By, typer.Option("--by", help="Group the breakdown by.")] = By.TEAM,
    output: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format (csv: the breakdown).")
    ] = ReportFormat.TEXT,
    as_of: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """Report runs, tokens, cost, cost per resolved task, failure rate and review cost, with
    the top cost drivers, cheaper-tier candidates, review-time hotspots, quietly failing
    workloads and budget status.

    Exit 0, or 2 on a usage error.
    """
    from hubrails.core.ledger.pricing import load_pricing
    from hubrails.core.ledger.registry import budgets, review_hourly_usd
    from hubrails.core.ledger.report import build_report
    from hubrails.core.ledger.window import window

    moment = _as_of(as_of)
    span = window(since, until, moment)
    config, store = _open(root, db)
    try:
        report = build_report(
            store,
            load_pricing(config),
            span,
            as_of=moment,
            by=by.value,
            team=team,
            budgets=budgets(config),
            review_hourly_usd=review_hourly_usd(config),
        )
    finally:
        store.engine.dispose()
    if output is ReportFormat.TEXT:
        from hubrails.render.report_text import render_text

        render_text(report, sys.stdout)
    else:
        from hubrails.render.report_data import render_csv, render_json

        (render_json if output is ReportFormat.JSON else render_csv)(report, sys.stdout)


@app.command("budget")
@boundary
def budget_command(
    team: TeamOption = None,
    output: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SummaryFormat.TEXT,
    as_of: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """Check each team's month-to-date cost against its budget, for cron and CI alerts.

    Exit 0 when every team is within budget, 1 when any is over or projected to be over by
    month end, 2 on a usage error.
    """
    from hubrails.core.ledger.budget import budget_status
    from hubrails.core.ledger.registry import budgets

    moment = _as_of(as_of)
    config, store = _open(root, db)
    try:
        lines = budget_status(store, budgets(config), moment, team)
    finally:
        store.engine.dispose()
    if output is SummaryFormat.JSON:
        import json

        from hubrails.render.report_data import budget_data

        json.dump(
            {"as_of": moment.isoformat(), "budgets": budget_data(lines)}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
    else:
        from hubrails.render.report_text import render_budget_text

        render_budget_text(lines, sys.stdout)
    if any(line.alert for line in lines):
        raise typer.Exit(ExitCode.FINDINGS)


class Outcome(StrEnum):
    """How a task ended."""

    RESOLVED = "resolved"
    ESCALATED = "escalated"
    FAILED = "failed"
    ABANDONED = "abandoned"


@app.command("emit")
@boundary
def emit_command(
    team: Annotated[str, typer.Option(help="The team that owns the agent.")],
    agent: Annotated[str, typer.Option(help="The agent that ran.")],
    model: Annotated[str, typer.Option(help="Model id or pricing alias.")],
    input_tokens: Annotated[int, typer.Option(help="Input tokens, without cache reads/writes.")],
    output_tokens: Annotated[int, typer.Option(help="Output tokens.")],
    tool_calls: Annotated[int, typer.Option(help="Tool calls made.")] = 0,
    review_minutes: Annotated[
        float, typer.Option("--review-minutes", help="Human review minutes.")
    ] = 0,
    outcome: Annotated[Outcome, typer.Option(help="How the task ended.")] = Outcome.RESOLVED,
    ts: Annotated[
        str | None, typer.Option(help="RFC 3339 end time (default: now).", show_default=False)
    ] = None,
    run_id: Annotated[
        str | None, typer.Option(help="Run id (default: a new UUID).", show_default=False)
    ] = None,
    cache_read_tokens: Annotated[int | None, typer.Option(show_default=False)] = None,
    cache_write_tokens: Annotated[int | None, typer.Option(show_default=False)] = None,
    cost_usd: Annotated[
        float | None, typer.Option(help="Known cost (else priced at ingest).", show_default=False)
    ] = None,
    duration_ms: Annotated[int | None, typer.Option(show_default=False)] = None,
    label: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE label (repeatable).", show_default=False)
    ] = None,
    to: Annotated[
        Path, typer.Option("--to", envvar="HUB_LEDGER_FILE", help="The JSON Lines file.")
    ] = Path("runs.jsonl"),
) -> None:
    """Append one validated run record to a JSON Lines file, safely under concurrent writers.

    Prints the record. Exit 0, or 2 when the record is invalid.
    """
    import json

    from hubrails.errors import HubError
    from hubrails.ledger import emit_run

    labels = {}
    for item in label or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise HubError(f"--label {item!r}: expected KEY=VALUE")
        labels[key] = value
    record = emit_run(
        to,
        team=team,
        agent=agent,
        model=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        tool_calls=tool_calls,
        human_review_minutes=review_minutes,
        task_outcome=outcome.value,
        ts=ts,
        run_id=run_id,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
        cost_usd=cost_usd,
        duration_ms=duration_ms,
        labels=labels or None,
    )
    sys.stdout.write(json.dumps(record) + "\n")
