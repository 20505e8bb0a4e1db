"""The program itself: version, help, completion, lazy imports, no tracebacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubrails import __version__
from hubrails.cli import main
from tests.helpers import run_cli, sigint_as_a_terminal_has_it


def hub(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hubrails", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_version() -> None:
    assert hub("--version").stdout == f"hubrails {__version__}\n"
    assert run_cli("--version").stdout.strip() == f"hubrails {__version__}"


def test_help_lists_validate() -> None:
    run = run_cli("--help")
    assert run.exit_code == 0
    assert "validate" in run.stdout


def test_completion_is_offered() -> None:
    assert "--install-completion" in run_cli("--help").stdout


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; sys.argv = ['hub', '--help']\n"
        "from hubrails.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('jsonschema', 'git', 'yaml', 'sqlalchemy') if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stderr.strip() == "[]"


def test_unwritable_cache_is_not_fatal(registry: Path) -> None:
    (registry / ".hub").mkdir()
    (registry / ".hub" / "cache").write_text("a file where a folder belongs\n")
    done = hub("validate", cwd=registry)
    assert done.returncode == 0, done.stderr
    assert "no findings" in done.stdout


def test_in_process_runs_free_what_they_opened(
    registry: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main(argv)`` called in a process that goes on (tests, the fuzzer, an embedding tool)
    leaves its collector as it was and freezes nothing: a run's garbage, with the files and
    connections it holds, is freed (only the process's own command freezes, at its exit)."""
    import gc

    monkeypatch.chdir(registry)
    main(["certify", "--all"])  # imports and caches made once
    gc.collect()
    frozen, fds = gc.get_freeze_count(), len(list(Path("/proc/self/fd").iterdir()))
    for _ in range(3):
        assert main(["certify", "--all"]) == 0
        assert main(["validate"]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    gc.collect()
    assert len(list(Path("/proc/self/fd").iterdir())) <= fds + 2
    capsys.readouterr()


@pytest.mark.parametrize("args", [["validate", "--strict"], ["validate"]])
def test_internal_errors_exit_3_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Through typer, and in ``hub validate FILE...``'s run before typer: one boundary."""
    import hubrails.cli.app
    import hubrails.cli.validate_run

    def broken(*_: object, **__: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(hubrails.cli.app, "application", lambda _: broken)
    monkeypatch.setattr(hubrails.cli.validate_run, "run_validate", broken)
    monkeypatch.delenv("HUB_DEBUG", raising=False)
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


SLOW_PARALLEL_RUN = """
import os, sys, time
import hubrails.core.validate.collect as collect
from hubrails.cli import main

collect.PARALLEL_THRESHOLD, collect.CHUNK = 2, 1
parent, analyse = os.getpid(), collect.analyse_file
def slow_in_parent(*args, **kwargs):  # the worker runs out of work and waits for more
    # the parent stays in its first file past the Ctrl-C; the worker is slowed a little, so that
    # on a loaded machine it cannot take every file before the parent takes one
    time.sleep(30 if os.getpid() == parent else 0.2)
    return analyse(*args, **kwargs)
collect.analyse_file = slow_in_parent
print("started", flush=True)
sys.exit(main(["validate", "--no-cache"]))
"""


def interrupt(script: str, registry: Path, after: float) -> None:
    """Run ``script`` (it prints ``started``), send Ctrl-C to its process group ``after``
    seconds later, and expect exit 130 within seconds, with no traceback."""
    run = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=registry,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=sigint_as_a_terminal_has_it,
    )
    assert run.stdout is not None and run.stdout.readline() == "started\n"
    time.sleep(after)
    started = time.monotonic()
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=20)
    assert run.returncode == 130, stderr
    assert time.monotonic() - started < 8
    assert "Traceback" not in stderr


def test_ctrl_c_during_a_parallel_run_stops_it_at_once(registry: Path) -> None:
    """Ctrl-C reaches the whole process group, here while a worker waits for work: the workers
    leave it to the parent, which stops them — no traceback, no hang, exit 130."""
    interrupt(SLOW_PARALLEL_RUN, registry, 1.5)  # the parent is in its first file; the worker done


SLOW_PARALLEL_CERTIFY = """
import os, sys, time
import hubrails.core.certify.run as run
from hubrails.cli import main

run.PARALLEL_THRESHOLD = 2
parent, certify_agent = os.getpid(), run.certify_agent
def slow_in_workers(ws, agent, *args, **kwargs):  # one worker is busy, the other waits
    if os.getpid() != parent and "/support/" in agent.path:
        time.sleep(30)
    return certify_agent(ws, agent, *args, **kwargs)
run.certify_agent = slow_in_workers
print("started", flush=True)
sys.exit(main(["certify", "--all"]))
"""


def test_ctrl_c_during_a_parallel_certification_stops_it_at_once(registry: Path) -> None:
    """The same SIGINT rule for certify's workers (one pool serves every parallel path)."""
    interrupt(SLOW_PARALLEL_CERTIFY, registry, 2)  # one worker is in the support agent, one done
