"""The fuzz tests' summary (examples run, exit codes, known internal errors met), and
Hypothesis's own files kept out of the repository."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis.configuration import set_hypothesis_home_dir

from tests.fuzz.known import EXAMPLES, EXITS, HITS, REASONS

# No example database (``database=None`` in every budget); its other caches go to /tmp.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hubrails-hypothesis")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The examples run, the exit codes seen by command, and each known internal error met."""
    if not EXAMPLES:
        return
    total = sum(EXAMPLES.values())
    terminalreporter.write_line(f"fuzz: {total} examples run ({dict(sorted(EXAMPLES.items()))})")
    for command in sorted({command for command, _ in EXITS}):
        codes = {int(code): n for (c, code), n in sorted(EXITS.items()) if c == command}
        terminalreporter.write_line(f"fuzz: exit codes of {command}: {codes}")
    for key, hits in sorted(HITS.items()):
        terminalreporter.write_line(f"fuzz: known internal error {key}: {hits} inputs")
    for (command, reason), n in (REASONS or Counter()).most_common(30):
        terminalreporter.write_line(f"fuzz: {n:5} x {command}: {reason}")
