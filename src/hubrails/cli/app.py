"""The root Typer application; each command group lives in its own module."""

from __future__ import annotations

from importlib import import_module
from typing import Annotated

import typer

from hubrails import __version__

# Each top-level command: the module that defines it, and the command (or group of commands).
# Running one command imports only its module: the others' modules stay unloaded, and typer
# turns only that one into a click command.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "validate_command"),
    "init": ("scaffold", "init_command"),
    "new": ("scaffold", "new_command"),
    "catalog": ("catalog", "app"),
    "codeowners": ("codeowners", "codeowners_command"),
    "import": ("interop", "import_app"),
    "export": ("interop", "export_app"),
    "schema": ("schema", "app"),
    "certify": ("certify", "certify_command"),
    "policy": ("certify", "policy_command"),
    "keygen": ("signing", "keygen_command"),
    "promote": ("promote", "promote_command"),
    "review": ("review", "review_command"),
    "ledger": ("ledger", "app"),
    "guard": ("guard", "app"),
    "mcp": ("mcp", "app"),
    "dashboard": ("dashboard", "dashboard_command"),
}


def application(command: str | None = None) -> typer.Typer:
    """The ``hub`` application: every command, or only ``command`` when that is one of them
    (what running it needs; ``hub --help`` and unknown commands get them all)."""
    app = typer.Typer(
        name="hub",
        help="Governance rails for AI agent registries: validate manifests, certify agents, "
        "promote skills, track cost.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    wanted = [command] if command in COMMANDS else list(COMMANDS)
    for name in wanted:
        module, attribute = COMMANDS[name]
        target = getattr(import_module(f"hubrails.cli.{module}"), attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hubrails {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """hubrails: the platform team's rails for AI agents."""
