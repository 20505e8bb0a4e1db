"""``hub codeowners``: write (or check) .github/CODEOWNERS from the Team manifests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import ExitCode, HubError


def codeowners_command(
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 when the file is out of date (CI)."),
    ] = False,
    hub: Annotated[
        Path | None,
        typer.Option(
            "--hub",
            help="A local checkout of the hub (a spoke's Team manifest lives there).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Write .github/CODEOWNERS from the Team manifests.

    Each asset's path goes to its team's owners, the hub and its library to the platform team.
    Exit 0 when written or current, 1 with --check when out of date, 2 on bad input.
    """
    from hubrails.core.catalog import codeowners
    from hubrails.core.hub.locate import lookup_hub
    from hubrails.core.registry.config import load_config, locate
    from hubrails.core.scaffold.write import replace_file

    config = load_config(locate(root))
    found = lookup_hub(config, locate(hub) if hub else None, throttle=False)
    if found.unavailable:
        raise HubError(
            found.unavailable,
            hint="a spoke's Team manifest lives in the hub: check hub.url, or pass --hub PATH",
        )
    for message in found.warnings:
        sys.stderr.write(f"hub: warning: {message}\n")
    hub_config = found.config
    text = codeowners.render(config, hub_config)
    if codeowners.is_current(config.root, text):
        sys.stdout.write(f"{codeowners.TARGET} is up to date\n")
        return
    if check:
        sys.stderr.write(f"hub: {codeowners.TARGET} is out of date; run 'hub codeowners'\n")
        raise typer.Exit(ExitCode.FINDINGS)
    replace_file(config.root / codeowners.TARGET, text, config.root)
    sys.stdout.write(f"wrote {codeowners.TARGET}\n")
