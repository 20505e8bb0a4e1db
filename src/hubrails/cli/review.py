"""``hub review``: the hub's review queue, from the ledger's runs and evidence."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.ledger._options import AsOfOption, DbOption, as_of, open_for_reading
from hubrails.errors import ExitCode
from hubrails.render import Format


def review_command(
    since: Annotated[
        str, typer.Option(help="Start of the window: a date, a date-time or a span back like 30d.")
    ] = "30d",
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    moment_given: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """List the agents that need a person, each with its evidence and a suggested action.

    Undeclared or unvetted MCP servers and actions used, quietly failing or failing more,
    cost far above the agent's own baseline, certified but silent, a team over (or projected
    over) budget, a waiver ending within 14 days, guard denials (docs/review.md).

    Exit 0: no item is an error. Exit 1: one is (a scheduled CI job can open an issue).
    Exit 2: the invocation is wrong.
    """
    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.waivers import load_waivers
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.ledger.registry_facts import budgets
    from hubrails.core.ledger.window import window
    from hubrails.core.review.facts import registry_facts
    from hubrails.core.review.run import build_review
    from hubrails.render import review_renderer

    moment = as_of(moment_given)
    span = window(since, None, moment)
    config, store = open_for_reading(root, db)
    try:
        hub = find_hub(config)
        waivers, warnings = load_waivers(Workspace(config, hub), moment.date())
        for message in (*hub.warnings, *warnings):
            sys.stderr.write(f"hub: warning: {message}\n")
        review = build_review(
            store,
            registry_facts(config, hub.config),
            span,
            as_of=moment,
            budgets=budgets(config),
            waivers=waivers,
        )
    finally:
        store.close()
    review_renderer(output)(review, sys.stdout)
    if review.errors:
        raise typer.Exit(ExitCode.FINDINGS)
