"""The ``hub`` command line: parse, call core, render. :func:`main` is the one error boundary."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from hubrails import __version__


def main(argv: list[str] | None = None) -> int:
    """Run ``hub`` with ``argv`` (default: the process's arguments) and return its exit code.

    The one place where errors become exit codes: a :class:`~hubrails.errors.HubError` is its
    message on stderr and its code (2 unless it says otherwise), a usage error 2, Ctrl-C 130, and
    anything else an internal error, 3 (the traceback only with ``HUB_DEBUG=1``).
    """
    import gc

    collecting = gc.isenabled()
    try:
        args = sys.argv[1:] if argv is None else list(argv)
        if args == ["--version"]:  # answered before typer is imported: keeps it instant
            sys.stdout.write(f"hubrails {__version__}\n")
            return 0
        if args[:1] == ["guard"] and not {"-h", "--help"} & set(args):
            # Claude Code starts the guard on every tool call: answer without typer (< 50 ms)
            from hubrails.core.runtime.guard_main import run

            return run(args[1:])
        from hubrails.cli import complete

        request = complete.requested()
        if request is not None:  # a shell asks for completions: kinds and names answered here
            reply = complete.answer(request[1])
            if reply is not None:
                sys.stdout.write(reply + "\n")
                return 0
        named = sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] if argv is None else "hub"
        prog = request[0] if request else ("hubrails" if named == "hubrails" else "hub")
        # A run lasts seconds and builds hundreds of thousands of objects that reference
        # counting frees: the cycle collector would only scan them again and again (hub
        # certify --all on 1,000 agents: 2.1 s -> 1.4 s), and once more at exit, which freezing
        # them skips (only for the process's own command: a caller's garbage frozen would never
        # be freed, with the files and connections it holds).
        gc.disable()
        if args[:1] == ["validate"]:
            from hubrails.cli.validate_run import plain_files, run_validate

            files = plain_files(args[1:])
            if files is not None:  # the pre-commit hook's form: no option to parse, no typer
                return _bounded(lambda: run_validate(files))
        return _bounded(lambda: _application(args, prog))
    except KeyboardInterrupt:  # also while the application is imported, in the first 100 ms
        sys.stderr.write("hub: interrupted\n")
        return 130
    finally:
        if argv is None:  # the process ends with this command
            gc.freeze()
        if collecting:
            gc.enable()


def _completion(args: list[str], prog: str) -> int:
    """``--install-completion [SHELL]`` (for both ``hub`` and ``hubrails``) and
    ``--show-completion [SHELL]``, the shell named or else detected."""
    from hubrails.cli import complete
    from hubrails.errors import HubError

    shell = args[1] if len(args) > 1 else None
    if len(args) > 2 or (shell is not None and shell not in complete.SHELLS):
        raise HubError(
            f"{args[0]} takes one shell: {', '.join(complete.SHELLS)}",
            hint=f"e.g. hub {args[0]} zsh",
        )
    if args[0] == "--show-completion":
        sys.stdout.write(complete.script(shell, prog) + "\n")
        return 0
    for chosen, path in complete.install(shell):
        sys.stdout.write(f"{chosen} completion installed in {path}\n")
    sys.stdout.write("completion takes effect in a new shell\n")
    return 0


def _bounded(call: Callable[[], int]) -> int:
    """``call``'s exit code, every failure turned into one: a ``HubError`` its message and code,
    anything unexpected an internal error (3; the traceback with ``HUB_DEBUG=1``)."""
    from hubrails.errors import ExitCode, HubError

    try:
        return call()
    except HubError as error:
        sys.stderr.write(error.render())
        return int(error.exit_code)
    except Exception as exc:  # the last line of defence: never a bare traceback
        if os.environ.get("HUB_DEBUG"):
            raise
        sys.stderr.write(
            f"hub: internal error: {type(exc).__name__}: {exc}\n"
            "hub: this is a bug; rerun with HUB_DEBUG=1 for the traceback\n"
        )
        return int(ExitCode.INTERNAL)


def _application(args: list[str], prog: str = "hub") -> int:
    """``args`` run by the typer application; its usage errors and aborts as exit codes."""
    import typer

    from hubrails.errors import ExitCode

    try:
        if args[:1] in (["--install-completion"], ["--show-completion"]):
            return _completion(args, prog)
        from hubrails.cli.app import application

        app = application(args[0] if args else None)
        code = app(args=args, prog_name=prog, standalone_mode=False)
    except typer.Abort:  # end of input at a prompt
        sys.stderr.write("hub: aborted\n")
        return int(ExitCode.USAGE)
    except typer.TyperException as error:  # a usage error: unknown option, bad value
        show = getattr(error, "show", None)
        if show is not None:
            show()
        else:
            sys.stderr.write(f"hub: {error.format_message()}\n")
        return int(error.exit_code)
    if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
        sys.stderr.write("hub: interrupted\n")
    return code if isinstance(code, int) else 0
