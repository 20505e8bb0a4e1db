"""``hub mcp probe`` and ``hub mcp verify``: live MCP servers against the pinned actions."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import ExitCode
from hubrails.render import Format

app = typer.Typer(
    name="mcp",
    help="Talk to live MCP servers: probe their tools, pin fingerprints, catch drift.",
    no_args_is_help=True,
)
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", help="Seconds to wait for each server (connect and list).", min=0.1),
]


@app.command("probe")
def probe_command(
    tool: Annotated[str, typer.Argument(help="The Tool whose MCP server to probe.")],
    write: Annotated[
        bool, typer.Option("--write", help="Pin the live tools into the manifest.")
    ] = False,
    timeout: TimeoutOption = 20.0,
    root: RootOption = None,
) -> None:
    """List a Tool's live MCP tools against its manifest's actions: new, changed, removed.

    With --write the manifest's spec.actions and spec.mcp.server are rewritten in place (the
    rest of the file is kept): each action's description, input schema digest, annotations and
    fingerprint; new actions are added with risk: high. Exit 2 if the server cannot be reached.
    """
    from hubrails.core.mcp.client import Limits
    from hubrails.core.mcp.run import probe_tool
    from hubrails.core.registry.config import load_config, locate

    config = load_config(locate(root))
    outcome = probe_tool(config, tool, write=write, limits=Limits(timeout=timeout))
    found = outcome.probe
    out = sys.stdout
    out.write(
        f"{outcome.tool}: server {found.server_name} {found.server_version}, "
        f"{len(found.tools)} tools\n"
    )
    for change in outcome.changes:
        out.write(f"  {change.kind:<9} {change.action}\n")
        if change.kind == "changed":
            out.write(
                f"    pinned: {change.old_description}\n    live:   {change.new_description}\n"
            )
    if not outcome.changes:
        out.write("  every action matches its pin\n")
    if outcome.written:
        out.write(f"wrote {outcome.path}\n")


@app.command("verify")
def verify_command(
    tools: Annotated[
        list[str] | None,
        typer.Argument(help="Tools to verify (default: every vetted tool).", show_default=False),
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    allow_unreachable: Annotated[
        bool,
        typer.Option("--allow-unreachable", help="A server that cannot be reached is a warning."),
    ] = False,
    timeout: TimeoutOption = 20.0,
    root: RootOption = None,
) -> None:
    """Compare live MCP servers with their pinned fingerprints (for a scheduled CI job).

    A changed fingerprint or a removed action is an error, a new unpinned action a warning, an
    unreachable server an error unless --allow-unreachable. Exit 0 clean, 1 findings, 2 bad input.
    """
    from hubrails.core.mcp.client import Limits
    from hubrails.core.mcp.run import verify
    from hubrails.core.registry.config import load_config, locate
    from hubrails.render import validation_renderer

    config = load_config(locate(root))
    result = verify(
        config, list(tools or ()), allow_unreachable=allow_unreachable, limits=Limits(timeout)
    )
    validation_renderer(output)(result, sys.stdout, config.root)
    if result.failed():
        raise typer.Exit(ExitCode.FINDINGS)
