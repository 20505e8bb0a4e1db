"""Options and helpers shared by the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="The registry repository (default: found upward from here).",
        file_okay=False,
        show_default=False,
    ),
]
