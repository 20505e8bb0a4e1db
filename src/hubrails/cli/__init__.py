"""The ``hub`` command line: parse, call core, render. ``main`` is the error boundary."""

from __future__ import annotations

import os
import sys

from hubrails import __version__
from hubrails.errors import ExitCode


def main() -> None:
    """Entry point of ``hub`` and ``hubrails``."""
    if sys.argv[1:] == ["--version"]:  # answered before typer is imported: keeps it instant
        sys.stdout.write(f"hubrails {__version__}\n")
        return
    from hubrails.cli.app import application

    try:
        application(sys.argv[1] if len(sys.argv) > 1 else None)(prog_name="hub")
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:  # the last line of defence: never a bare traceback
        if os.environ.get("HUB_DEBUG"):
            raise
        sys.stderr.write(
            f"hub: internal error: {type(exc).__name__}: {exc}\n"
            "hub: this is a bug; rerun with HUB_DEBUG=1 for the traceback\n"
        )
        sys.exit(ExitCode.INTERNAL)
