"""``hub catalog``: find what exists before writing it again, and what depends on what."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.render import OutputFormat

if TYPE_CHECKING:
    from hubrails.core.catalog.query import Catalog
    from hubrails.core.registry.config import HubConfig

app = typer.Typer(
    name="catalog",
    help="List, show, search the registry's assets, and see what depends on them.",
    no_args_is_help=True,
)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
HubOption = Annotated[
    Path | None,
    typer.Option(
        "--hub",
        help="A local checkout of the hub (a spoke's catalog then includes the hub's assets).",
        file_okay=False,
        show_default=False,
    ),
]
NameArgument = Annotated[str, typer.Argument(help="NAME, or KIND/NAME when names collide.")]
KindOption = Annotated[
    str | None, typer.Option("--kind", "-k", help="Only this kind.", show_default=False)
]


def _open(root: Path | None, hub: Path | None) -> tuple[HubConfig, HubConfig | None, Catalog]:
    from hubrails.core.catalog.query import load_catalog
    from hubrails.core.hub.locate import lookup_hub
    from hubrails.core.registry.config import load_config, locate

    config = load_config(locate(root))
    found = lookup_hub(config, locate(hub) if hub else None, throttle=True)
    for message in (*found.warnings, *([found.unavailable] if found.unavailable else [])):
        sys.stderr.write(f"hub: warning: {message}\n")
    hub_config = found.config
    return config, hub_config, load_catalog(config, hub_config)


@app.command("ls")
def ls_command(
    kind: Annotated[
        str | None,
        typer.Argument(help="Only this kind (tool, skill, agent, ...).", show_default=False),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's assets.", show_default=False)
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only tools with this status.", show_default=False),
    ] = None,
    lifecycle: Annotated[
        str | None,
        typer.Option("--lifecycle", help="Only this lifecycle stage.", show_default=False),
    ] = None,
    output: FormatOption = OutputFormat.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """List assets, by kind then name. Exit 0, or 2 on a wrong invocation."""
    from hubrails.core.catalog.query import list_assets, parse_kind

    wanted = parse_kind(kind) if kind else None
    _, _, catalog = _open(root, hub)
    entries = list_assets(catalog, wanted, team=team, status=status, lifecycle=lifecycle)
    _renderer(output).render_list(entries, sys.stdout)


@app.command("show")
def show_command(
    name: NameArgument,
    kind: KindOption = None,
    output: FormatOption = OutputFormat.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Show one asset: its manifest, its references resolved, and who uses it."""
    from hubrails.core.catalog.query import find
    from hubrails.core.catalog.show import describe

    config, hub_config, catalog = _open(root, hub)
    entry = find(catalog, name, kind)
    _renderer(output).render_show(describe(catalog, entry, config, hub_config), sys.stdout)


@app.command("uses")
def uses_command(
    name: NameArgument,
    kind: KindOption = None,
    output: FormatOption = OutputFormat.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Impact analysis: every asset that depends on NAME, transitively.

    What breaks if NAME is deprecated or removed, nearest first, with the chain in between.
    """
    from hubrails.core.catalog.query import find, impact

    _, _, catalog = _open(root, hub)
    entry = find(catalog, name, kind)
    _renderer(output).render_impact(entry, impact(catalog, entry), sys.stdout)


@app.command("search")
def search_command(
    text: Annotated[list[str], typer.Argument(help="Words to look for.")],
    kind: KindOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many.")] = 20,
    output: FormatOption = OutputFormat.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Search names, labels and descriptions; best matches first."""
    from hubrails.core.catalog.query import parse_kind, search

    query = " ".join(text)
    wanted = parse_kind(kind) if kind else None
    _, _, catalog = _open(root, hub)
    hits = search(catalog, query, kind=wanted, limit=limit)
    _renderer(output).render_search(query, hits, sys.stdout)


def _renderer(output: OutputFormat) -> ModuleType:
    from hubrails.render import catalog_renderer

    return catalog_renderer(output)
