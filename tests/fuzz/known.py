"""The budgets of the fuzz tests, and the internal errors they tolerate for now.

Every entry of :data:`KNOWN` is an internal error that issue 18 lists (the "Internal errors"
section and the numbered items), being fixed on its own branch. A fuzz test that meets one
counts it (the summary at the end of ``pytest`` prints the counts) and goes on; any other
exception fails the test. Remove an entry when its fix lands: the fuzzer then holds it.
"""

from __future__ import annotations

import os
import re
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings

from hubrails.errors import HubError
from tests.helpers import Run, run_cli

BIG = int(os.environ.get("HUB_FUZZ_EXAMPLES", "0"))


def budget(ci: int, share: float) -> settings:
    """Hypothesis settings: ``ci`` examples in a normal run, ``share`` of ``HUB_FUZZ_EXAMPLES``
    when that is set. Deterministic either way (``derandomize``), never a database file."""
    return settings(
        max_examples=max(1, int(BIG * share)) if BIG else ci,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


@dataclass(frozen=True)
class Known:
    """An internal error issue 18 lists: the exception type, where the innermost hubrails frame
    is (``file`` relative to the package, or ``file:function``; ``a|b`` for either), and a
    pattern of its message."""

    key: str
    item: str
    exc: str
    where: str
    message: str = ""

    def matches(self, exc_name: str, where: str, message: str) -> bool:
        """Whether an error (raised at ``where``, ``file:function``) is this one."""
        places = (where, where.split(":", 1)[0])
        return (
            exc_name == self.exc
            and any(w in places for w in self.where.split("|"))
            and re.search(self.message, message) is not None
        )


# Every listed internal error of issue 18 is fixed: none is tolerated any more.
KNOWN: tuple[Known, ...] = ()

EXAMPLES: Counter[str] = Counter()  # examples run, by test
HITS: Counter[str] = Counter()  # tolerated known errors, by key
EXITS: Counter[tuple[str, int]] = Counter()  # exit codes seen, by (command, code)
REASONS: Counter[tuple[str, str]] | None = Counter() if os.environ.get("HUB_FUZZ_REASONS") else None


def innermost(exc: BaseException) -> str:
    """``path/in/hubrails.py:function`` of the innermost frame inside the hubrails package."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if "/hubrails/" in frame.filename:
            where = f"{frame.filename.rsplit('/hubrails/', 1)[1]}:{frame.name}"
    return where


def known(exc_name: str, where: str, message: str) -> Known | None:
    """The entry of :data:`KNOWN` an error is, if any."""
    return next((k for k in KNOWN if k.matches(exc_name, where, message)), None)


class InternalError(AssertionError):
    """An internal error the fuzzer found that no entry of :data:`KNOWN` tolerates."""


@dataclass
class Guard:
    """What a guarded block ended with: nothing (``ok``), a known internal error, or a
    :class:`~hubrails.errors.HubError` (a clear refusal, exit 2: not a bug)."""

    known: Known | None = None
    refused: HubError | None = None

    @property
    def ok(self) -> bool:
        """The block ran to its end."""
        return self.known is None and self.refused is None


@contextmanager
def no_internal_error(what: str, sample: Any = None) -> Iterator[Guard]:
    """Run the block; an exception is a refusal, a known error (counted), or a failure naming
    the exception, where it was raised, and the input."""
    guard = Guard()
    try:
        yield guard
    except AssertionError:
        raise
    except HubError as exc:
        guard.refused = exc
    except Exception as exc:
        where = innermost(exc)
        entry = known(type(exc).__name__, where, str(exc))
        if entry is None:
            raise InternalError(
                f"{what}: internal error {type(exc).__name__} at {where}: {exc!s:.300}\n"
                f"input: {sample!r:.3000}"
            ) from exc
        HITS[entry.key] += 1
        guard.known = entry


def count(test: str) -> None:
    """One more example run by ``test``."""
    EXAMPLES[test] += 1


def cli(*args: str) -> Run:
    """``hub ARGS`` in-process (:func:`tests.helpers.run_cli`), its exit code counted by
    command: the summary shows how deep the mutants got."""
    run = run_cli(*args)
    command = " ".join(a for a in args[:2] if not a.startswith(("-", "/")))
    EXITS[command, run.exit_code] += 1
    if REASONS is not None and run.exit_code == 2:  # HUB_FUZZ_REASONS=1: why mutants fail
        first = (run.stderr.strip().splitlines() or [""])[0]
        REASONS[command, re.sub(r"/\S+", "PATH", first)[:100]] += 1
    return run


def known_in_output(stderr: str) -> Known | None:
    """The known error a ``HUB_DEBUG=1`` subprocess traceback (or an internal-error message)
    on ``stderr`` shows, if any."""
    frames = re.findall(r'File "[^"]*/hubrails/([^"]+)", line \d+, in ([\w<>]+)', stderr)
    last = re.findall(r"^(\w+(?:\.\w+)*): (.*)$", stderr, re.MULTILINE)
    internal = re.search(r"hub: internal error: (\w+): (.*)", stderr)
    name, message = (internal.group(1), internal.group(2)) if internal else ("", "")
    if last and not internal:
        name, message = last[-1][0].rsplit(".", 1)[-1], last[-1][1]
    where = ":".join(frames[-1]) if frames else ""
    return known(name, where, message)
