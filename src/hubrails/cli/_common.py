"""Options and helpers shared by the commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from hubrails.errors import HubError

P = ParamSpec("P")
R = TypeVar("R")

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="The registry repository (default: found upward from here).",
        file_okay=False,
        show_default=False,
    ),
]


def fail(error: HubError) -> typer.Exit:
    """Print a HubError as one line (plus hint) on stderr; return the exit to raise."""
    where = error.location()
    sys.stderr.write(f"hub: {where + ': ' if where else ''}{error.message}\n")
    if error.hint:
        sys.stderr.write(f"hub: hint: {error.hint}\n")
    return typer.Exit(int(error.exit_code))


def boundary(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`HubError` raised by a command into its message and exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except HubError as error:
            raise fail(error) from None

    return wrapper
