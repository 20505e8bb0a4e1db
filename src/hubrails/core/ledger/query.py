"""The sums reports are built from: totals per group of runs, from the store's aggregate
queries (`store/aggregates`) over a time window."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hubrails.core.ledger.window import Window
from hubrails.store.aggregates import grouped_rows
from hubrails.store.reader import Queries


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a group of runs. ``cost`` covers the priced runs only."""

    runs: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0
    review_minutes: float = 0.0
    resolved: int = 0
    escalated: int = 0
    failed: int = 0
    abandoned: int = 0

    @classmethod
    def of(cls, sums: Sequence[Any]) -> Totals:
        """Totals from sums in the order of the fields (and of ``SUMS``)."""
        return cls(*(kind(v or 0) for kind, v in zip(_KINDS, sums, strict=True)))

    @property
    def failure_rate(self) -> float:
        """Failed and abandoned runs as a share of all runs."""
        return (self.failed + self.abandoned) / self.runs if self.runs else 0.0

    @property
    def success_rate(self) -> float:
        """Resolved runs as a share of all runs."""
        return self.resolved / self.runs if self.runs else 0.0


_KINDS = (int, int, int, int, int, float, int, float, int, int, int, int)


class Sums(dict[Any, list[float]]):
    """Running sums per key, turned into :class:`Totals` at the end (adding frozen
    dataclasses a hundred thousand times is slow)."""

    def add(self, key: Any, values: Sequence[float]) -> None:
        """Add ``values`` to the sums of ``key``."""
        found = self.get(key)
        if found is None:
            self[key] = list(values)
        else:
            found[:] = map(operator.add, found, values)

    def totals(self) -> dict[Any, Totals]:
        """The totals per key."""
        return {key: Totals.of(values) for key, values in self.items()}


def grouped(store: Queries, span: Window, keys: Sequence[str], team: str | None = None) -> Sums:
    """The sums (in the order of ``SUMS``) of the runs in ``span`` grouped by ``keys`` (of
    team, agent, model and day), added up in SQL by the store (whole days from the daily sums,
    the partial days at either end from the runs); only those few groups are merged here."""
    sums = Sums()
    for key, values in grouped_rows(store, span.since_ms, span.until_ms, keys, team):
        sums.add(key, [k(v or 0) for k, v in zip(_KINDS, values, strict=True)])
    return sums


def team_costs(store: Queries, span: Window) -> dict[str, tuple[float, int]]:
    """Per team: the priced cost and the number of unpriced runs in ``span``."""
    totals = grouped(store, span, ("team",)).totals()
    return {team: (t.cost, t.unpriced) for (team,), t in totals.items()}
