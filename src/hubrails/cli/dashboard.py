"""``hub dashboard``: one self-contained HTML page of the ledger and the registry's governance."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.ledger._options import (
    AsOfOption,
    DbOption,
    SinceOption,
    TeamOption,
    UntilOption,
    as_of,
    open_for_reading,
)
from hubrails.errors import HubError

DEFAULT_OUT = Path(".hub") / "dashboard.html"


def dashboard_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The HTML file to write, or - for standard output "
            "(default: .hub/dashboard.html in the repository).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    team: TeamOption = None,
    moment_given: AsOfOption = None,
    db: DbOption = None,
    root: RootOption = None,
) -> None:
    """Write one self-contained HTML page: spend, outcomes, review, cheaper tiers, governance.

    The numbers are those of 'hub ledger report --format json' for the same window; the page
    needs no network and no server (open the file, or publish it as a CI artifact).

    Exit 0, or 2 on a usage error.
    """
    import io
    from datetime import UTC, datetime

    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.dashboard.build import build_dashboard
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.ledger.registry_facts import ledger_url
    from hubrails.core.ledger.window import window

    try:
        import jinja2  # noqa: F401  (the renderer imports it only when it renders)

        from hubrails.render.html import render_dashboard
    except ImportError as exc:
        raise HubError(
            f"hub dashboard needs the dashboard extra ({exc.name} is missing)",
            hint="pip install 'hubrails[dashboard]'",
        ) from None
    moment = as_of(moment_given)
    span = window(since, until, moment)
    config, store = open_for_reading(root, db)
    try:
        ws = Workspace(config, find_hub(config))
        data = build_dashboard(
            ws,
            store,
            span,
            as_of=moment,
            team=team,
            ledger_url=ledger_url(config, db),
            now=datetime.now(UTC),
        )
    finally:
        store.close()
    for warning in data.governance.warnings:
        sys.stderr.write(f"hub: warning: {warning}\n")
    if out is not None and str(out) == "-":
        render_dashboard(data, sys.stdout)
        return
    from hubrails.core.runtime.files import atomic_write

    page = io.StringIO()
    render_dashboard(data, page)
    target = out if out is not None else config.root / DEFAULT_OUT
    atomic_write(target, page.getvalue())
    sys.stderr.write(f"hub: wrote {target} ({len(page.getvalue().encode()) // 1024} KiB)\n")
