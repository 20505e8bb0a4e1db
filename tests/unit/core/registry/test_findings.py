"""Findings order: total, so every run prints findings at one position in the same order."""

from __future__ import annotations

import itertools

from hubrails.core.registry.findings import Finding, Severity


def test_findings_at_one_position_are_ordered_by_message() -> None:
    made = [
        Finding("schema-required", Severity.ERROR, "p.yaml", 5, 7, f"missing required field '{f}'")
        for f in ("tier", "prices", "aliases")
    ]
    orders = {
        tuple(f.message for f in sorted(shuffled, key=Finding.sort_key))
        for shuffled in itertools.permutations(made)
    }
    assert orders == {
        (
            "missing required field 'aliases'",
            "missing required field 'prices'",
            "missing required field 'tier'",
        )
    }
