"""``hub promote SKILL``: open a promotion branch that moves a spoke skill into the hub library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import HubError
from hubrails.render import PromotionFormat


def promote_command(
    skill: Annotated[
        str, typer.Argument(help="The skill to promote: NAME, or TEAM/NAME in a hub repository.")
    ],
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch", help="Branch name (default: promote/TEAM/SKILL).", show_default=False
        ),
    ] = None,
    push: Annotated[
        bool | None,
        typer.Option(
            "--push/--no-push",
            help="Push the branch to the hub remote (default: when the hub has a remote).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing branch that hub promote made."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and the diff; change nothing.")
    ] = False,
    output: Annotated[
        PromotionFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PromotionFormat.TEXT,
    root: RootOption = None,
) -> None:
    """Promote a spoke skill into the hub library on a new branch; print the pull request.

    In a hub repository: a skill under registry/spokes/TEAM/skills/.
    In a spoke repository: into the hub named in hub.yaml, pushed there.
    Your working tree, index, HEAD, stash and branches are never touched.
    Exit 0: made (or planned, with --dry-run); 1: refused, nothing created; 2: bad usage.
    """
    from hubrails.core.promote.outcome import Options
    from hubrails.core.promote.run import promote
    from hubrails.core.registry.config import load_config, locate
    from hubrails.render import promotion_renderer
    from hubrails.render.json.promotion import render_refusal

    options = Options(skill, branch=branch, push=push, force=force, dry_run=dry_run)
    try:
        promotion = promote(load_config(locate(root, [Path.cwd()]), remember=False), options)
    except HubError as error:  # bots get a JSON answer for every failure; main() reports it
        if output is PromotionFormat.JSON:
            render_refusal(error, sys.stdout)
        raise
    promotion_renderer(output)(promotion, sys.stdout)
