"""The fuzz tests' summary: examples run and known internal errors met."""

from __future__ import annotations

from typing import Any

from tests.fuzz.known import EXAMPLES, HITS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line with the examples run, one per known internal error met."""
    if not EXAMPLES:
        return
    total = sum(EXAMPLES.values())
    terminalreporter.write_line(f"fuzz: {total} examples run ({dict(sorted(EXAMPLES.items()))})")
    for key, hits in sorted(HITS.items()):
        terminalreporter.write_line(f"fuzz: known internal error {key}: {hits} inputs")
