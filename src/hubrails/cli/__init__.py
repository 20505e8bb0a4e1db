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
    import gc

    # A run lasts seconds and builds hundreds of thousands of objects that reference counting
    # frees: the cycle collector would only scan them again and again (hub certify --all on
    # 1,000 agents: 2.1 s -> 1.4 s), and once more at exit, which freezing them skips.
    gc.disable()
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
    finally:
        gc.freeze()
