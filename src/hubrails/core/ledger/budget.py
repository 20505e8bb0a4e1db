"""Budget status: each team's month-to-date cost against ``spec.budget.monthly_usd``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubrails.core.ledger.query import team_costs
from hubrails.core.ledger.window import DAY_MS, month_to_date
from hubrails.store.reader import Queries

OVER, PROJECTED_OVER, OK, NO_BUDGET = "over", "projected-over", "ok", "no-budget"


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One team's month so far, and where it is heading."""

    team: str
    budget: float | None
    spent: float
    projected: float
    unpriced: int
    status: str

    @property
    def alert(self) -> bool:
        """Whether the team is over budget or projected to be."""
        return self.status in (OVER, PROJECTED_OVER)


def budget_status(
    store: Queries, budgets: dict[str, float], as_of: datetime, team: str | None = None
) -> list[BudgetLine]:
    """Every team with a budget or with spending this month, worst first."""
    span, month_days = month_to_date(as_of)
    elapsed = max(1.0, (span.until_ms - span.since_ms) / DAY_MS)  # one day at least
    costs = team_costs(store, span)
    lines = []
    for name in sorted(set(budgets) | set(costs)):
        if team is not None and name != team:
            continue
        spent, unpriced = costs.get(name, (0.0, 0))
        projected = spent / elapsed * month_days
        budget = budgets.get(name)
        if budget is None:
            status = NO_BUDGET
        elif spent > budget:
            status = OVER
        elif projected > budget:
            status = PROJECTED_OVER
        else:
            status = OK
        lines.append(BudgetLine(name, budget, spent, projected, unpriced, status))
    order = {OVER: 0, PROJECTED_OVER: 1, OK: 2, NO_BUDGET: 3}
    return sorted(lines, key=lambda b: (order[b.status], -b.spent, b.team))
