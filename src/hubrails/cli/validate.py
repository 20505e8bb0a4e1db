"""``hub validate``: schema, layout and reference checks of registry manifests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.render import Format


def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to report on (default: the whole registry). References are "
            "always resolved against the whole registry.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    hub: Annotated[
        Path | None,
        typer.Option(
            "--hub",
            help="A local checkout of the hub (for a spoke repository).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore the index cache.")] = False,
    fetch: Annotated[
        bool,
        typer.Option(
            "--fetch", help="Fetch a spoke's hub now, not at most once per fetch_every_minutes."
        ),
    ] = False,
    require_hub: Annotated[
        bool,
        typer.Option(
            "--require-hub",
            help="Fail (exit 2) when a spoke's hub cannot be fetched, instead of warning.",
        ),
    ] = False,
    root: RootOption = None,
) -> None:
    """Validate manifests: schemas, layout, names, references and version ranges.

    Exit 0 when clean, 1 when there are findings (errors, or warnings with --strict),
    2 when the invocation itself is wrong.
    """
    from hubrails.cli.validate_run import run_validate

    code = run_validate(
        list(paths or []),
        output=output,
        strict=strict,
        hub=hub,
        no_cache=no_cache,
        fetch=fetch,
        require_hub=require_hub,
        root=root,
    )
    if code:
        raise typer.Exit(code)
