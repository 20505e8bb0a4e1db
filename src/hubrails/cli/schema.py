"""``hub schema export``: the JSON Schemas for editors and other tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(name="schema", help="The manifest JSON Schemas.", no_args_is_help=True)


@app.command("export")
def export_command(
    folder: Annotated[
        Path, typer.Argument(help="Where to write the *.schema.json files.", file_okay=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
) -> None:
    """Write every JSON Schema (2020-12) into FOLDER, for editors and other tools.

    The schemas refer to each other by relative $ref. Refuses to overwrite without --force
    (exit 2).
    """
    from hubrails.core.scaffold.create import schema_files
    from hubrails.core.scaffold.write import make_folder, replace_file, write_new

    files = {rel.removeprefix("schemas/"): text for rel, text in schema_files().items()}
    make_folder(folder)
    if force:
        for rel, text in files.items():
            assert isinstance(text, str)
            replace_file(folder / rel, text, folder)
    else:
        write_new(folder, dict(files))
    sys.stdout.write(f"wrote {len(files)} schemas to {folder}\n")
