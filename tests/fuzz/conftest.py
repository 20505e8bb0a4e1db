"""The fuzz tests' summary: examples run and known internal errors met."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.fuzz.known import EXAMPLES, EXITS, HITS, REASONS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line with the examples run, one per known internal error met."""
    if not EXAMPLES:
        return
    total = sum(EXAMPLES.values())
    terminalreporter.write_line(f"fuzz: {total} examples run ({dict(sorted(EXAMPLES.items()))})")
    commands = sorted({command for command, _ in EXITS})
    for command in commands:
        codes = {code: n for (c, code), n in sorted(EXITS.items()) if c == command}
        terminalreporter.write_line(f"fuzz: exit codes of {command}: {codes}")
    for key, hits in sorted(HITS.items()):
        terminalreporter.write_line(f"fuzz: known internal error {key}: {hits} inputs")
    for (command, reason), n in (REASONS or Counter()).most_common(30):
        terminalreporter.write_line(f"fuzz: {n:5} x {command}: {reason}")
