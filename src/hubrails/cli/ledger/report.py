"""``hub ledger report`` and ``hub ledger budget``."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.ledger._options import (
    AsOfOption,
    DbOption,
    SinceOption,
    SummaryFormat,
    TeamOption,
    UntilOption,
    as_of,
    open_for_reading,
)
from hubrails.errors import ExitCode


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


def report_command(
    since: SinceOption = None,
    until: UntilOption = None,
    team: TeamOption = None,
    by: Annotated[By, typer.Option("--by", help="Group the breakdown by.")] = By.TEAM,
    output: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format (csv: the breakdown).")
    ] = ReportFormat.TEXT,
    moment_given: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """Report cost, review time and failures over a window, with the platform's sections.

    Per group: runs, tokens, cost, cost per resolved task, failure rate, review minutes and
    review cost; then the top cost drivers, cheaper-tier candidates, review-time hotspots,
    quietly failing workloads and budget status.

    Exit 0, or 2 on a usage error.
    """
    from hubrails.core.ledger.registry_facts import registry_report
    from hubrails.core.ledger.window import window

    moment = as_of(moment_given)
    span = window(since, until, moment)
    config, store = open_for_reading(root, db)
    try:
        report = registry_report(config, store, span, as_of=moment, by=by.value, team=team)
    finally:
        store.close()
    from hubrails.render import report_renderer

    report_renderer(output.value)(report, sys.stdout)


def budget_command(
    team: TeamOption = None,
    output: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SummaryFormat.TEXT,
    moment_given: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """Check each team's month-to-date cost against its budget, for cron and CI alerts.

    Exit 0 when every team is within budget, 1 when any is over or projected to be over by
    month end, 2 on a usage error.
    """
    from hubrails.core.ledger.budget import budget_status
    from hubrails.core.ledger.registry_facts import budgets

    moment = as_of(moment_given)
    config, store = open_for_reading(root, db)
    try:
        lines = budget_status(store, budgets(config), moment, team)
    finally:
        store.close()
    if output is SummaryFormat.JSON:
        from hubrails.render.json.ledger import render_budget

        render_budget(lines, moment, sys.stdout)
    else:
        from hubrails.render.text.ledger import render_budget as render_budget_text

        render_budget_text(lines, sys.stdout)
    if any(line.alert for line in lines):
        raise typer.Exit(ExitCode.FINDINGS)
