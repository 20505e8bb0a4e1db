"""The root Typer application; each command group lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from hubrails import __version__
from hubrails.cli import (
    catalog,
    certify,
    codeowners,
    interop,
    ledger,
    promote,
    scaffold,
    schema,
    validate,
)

app = typer.Typer(
    name="hub",
    help="Governance rails for AI agent registries: validate manifests, certify agents, "
    "promote skills, track cost.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("validate")(validate.validate_command)
app.command("init")(scaffold.init_command)
app.command("new")(scaffold.new_command)
app.add_typer(catalog.app)
app.command("codeowners")(codeowners.codeowners_command)
app.add_typer(interop.import_app)
app.add_typer(interop.export_app)
app.add_typer(schema.app)
app.command("certify")(certify.certify_command)
app.command("policy")(certify.policy_command)
app.command("promote")(promote.promote_command)
app.add_typer(ledger.app, name="ledger")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hubrails {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """hubrails: the platform team's rails for AI agents."""
