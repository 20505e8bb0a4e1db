"""``hub ledger token new``: a collector token for a team."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DEFAULT_TOKENS = Path("ledger-tokens.yaml")

app = typer.Typer(help="Collector tokens, one or more per team.", no_args_is_help=True)


@app.command("new")
def new_command(
    team: Annotated[str, typer.Argument(help="The team the token may write records for.")],
    tokens: Annotated[
        Path, typer.Option("--tokens", help="The tokens file (created when missing).")
    ] = DEFAULT_TOKENS,
) -> None:
    """Print a new token for TEAM once; the tokens file keeps only its SHA-256."""
    from hubrails.core.collector.tokens import new_token

    typer.echo(new_token(tokens, team))
    typer.echo(
        f"stored its SHA-256 for team {team} in {tokens}; the token is not shown again", err=True
    )
