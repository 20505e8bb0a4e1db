"""What the dashboard draws, from hand-built data: the spend stack (the top teams by cost, the
rest as one series), the budget bars and marks, the outcome shares, the review pairs and the
savings (the top 15), the failure sparkline, and the tools by status and risk."""

from __future__ import annotations

import pytest

from hubrails.core.dashboard.governance import Governance, ToolStatus
from hubrails.core.dashboard.series import AgentTrend, Series
from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Line, TierCandidate
from hubrails.render.html import view
from hubrails.render.html.charts import PALETTE
from tests.unit.render.html.dashboards import dashboard

DAYS = ("2026-06-01", "2026-06-02")


def test_spend_names_every_team_when_the_palette_has_room() -> None:
    series = Series(DAYS, ("sre", "ops"), {"sre": (3.0, 1.0), "ops": (1.0, 0.0)}, ())
    found = view.spend(dashboard(series=series))
    assert found["series"] == ["sre", "ops"]
    assert found["table"] == [("2026-06-01", [3.0, 1.0], 4.0), ("2026-06-02", [1.0, 0.0], 1.0)]
    assert found["top"] == 5.0
    assert [s.label for s in found["segments"]] == [
        "2026-06-01 · sre: $3.00", "2026-06-01 · ops: $1.00", "2026-06-02 · sre: $1.00",
    ]  # fmt: skip


def test_spend_folds_the_teams_beyond_the_palette_into_one_series() -> None:
    teams = tuple(f"t{i:02}" for i in range(PALETTE + 1))
    series = Series(DAYS, teams, {t: (1.0, float(i)) for i, t in enumerate(teams)}, ())
    found = view.spend(dashboard(series=series))
    assert found["series"] == [*teams[: PALETTE - 1], "2 other teams"]
    day2 = found["table"][1]
    assert day2[1][-1] == 9.0 + 10.0 and day2[2] == sum(range(PALETTE + 1))
    assert max(s.colour for s in found["segments"]) == PALETTE - 1


def test_spend_of_a_window_without_teams_has_no_segments() -> None:
    found = view.spend(dashboard())
    assert (found["segments"], found["series"], found["top"]) == ([], [], 1.0)
    assert [row[2] for row in found["table"]] == [0, 0, 0]


def test_a_budget_bar_is_projected_under_spent_with_the_budget_as_a_mark() -> None:
    lines = (BudgetLine("sre", 100.0, 60.0, 140.0, 0, "projected-over"),
             BudgetLine("ops", None, 10.0, 20.0, 0, "no-budget"))  # fmt: skip
    sre, ops = view.budgets(dashboard(budgets=lines))
    assert sre == view.Bar("sre", 0.0, (
        (0.0, 140.0 / 200 * view.BAR, 8, "projected $140.00", 0),
        (0.0, 60.0 / 200 * view.BAR, 7, "spent $60.00", 0),
    ), ((100.0 / 200 * view.BAR, "budget $100.00"),))  # fmt: skip
    assert ops.y == view.ROW and ops.marks == () and ops.parts[1][2] == 1
    assert view.budgets(dashboard()) == []


def test_the_outcome_mix_is_shares_of_one_bar_without_empty_parts() -> None:
    rows = (Line("sre", Totals(runs=4000, resolved=3000, failed=1000), 0.0, 1.0),
            Line("idle", Totals(), 0.0, 0.0))  # fmt: skip
    sre, idle = view.outcome_mix(dashboard(rows=rows))
    assert sre.parts == (
        (0.0, view.BAR * 0.75, 0, "resolved: 3,000 runs", 0),
        (view.BAR * 0.75, view.BAR * 0.25, 2, "failed: 1,000 runs", 0),
    )
    assert (idle.label, idle.y, idle.parts) == ("idle", view.ROW, ())


def trend(team: str, agent: str, cost: float, review: float) -> AgentTrend:
    return AgentTrend(team, agent, Totals(runs=1, cost=cost), review, (0.5, None, 1.0))


def test_review_pairs_put_the_most_review_cost_first_and_keep_the_top_fifteen() -> None:
    agents = tuple(trend("sre", f"a{i:02}", 1.0, float(i)) for i in range(20))
    tied = (trend("ops", "z", 1.0, 19.0), trend("ops", "b", 30.0, 19.0))
    bars, top = view.review_pairs(dashboard(series=Series(DAYS, (), {}, agents + tied)))
    assert len(bars) == view.TOP_N
    assert [b.label for b in bars[:4]] == ["ops/b", "ops/z", "sre/a19", "sre/a18"]
    assert top == 50.0  # ops/b's model cost of 30 on a round axis
    model, review = bars[0].parts
    assert model == (0.0, 30.0 / 50 * view.BAR, 1, "model $30.00", 1)
    assert review == (0.0, 19.0 / 50 * view.BAR, 4, "review $19.00", 2)
    assert view.review_pairs(dashboard()) == ([], 1.0)


def test_savings_are_the_top_fifteen_candidates_on_one_axis() -> None:
    found = tuple(TierCandidate("sre", f"a{i:02}", "opus", "large", 10, 0.9, 9.0, "sonnet",
                                "medium", 3.0, 40.0 - i) for i in range(20))  # fmt: skip
    bars = view.savings(dashboard(cheaper_tier=found))
    assert len(bars) == view.TOP_N
    assert bars[0] == view.Bar("sre/a00", 0.0, ((0.0, 40.0 / 50 * view.BAR, 2,
                                                 "$40.00 a month", 0),))  # fmt: skip
    assert bars[-1].y == (view.TOP_N - 1) * view.ROW
    assert view.savings(dashboard()) == []


def test_a_failure_trend_skips_the_weeks_without_runs() -> None:
    assert view.trend((0.0, None, 1.0)) == "0.0,20.0 96.0,0.0"
    assert view.trend(()) == ""


def test_tools_are_counted_by_status_and_risk_in_the_order_of_risk() -> None:
    tools = (ToolStatus("a", None, "vetted", "high", 0), ToolStatus("b", None, "vetted", "low", 2),
             ToolStatus("c", "sre", "draft", "low", 1), ToolStatus("d", None, "draft", "odd", 0),
             ToolStatus("e", None, "vetted", "critical", 0))  # fmt: skip
    risks, matrix = view.tool_matrix(dashboard(governance=Governance((), (), tools, None, ())))
    assert risks == ["low", "high", "critical", "odd"]
    assert matrix == [("draft", [1, 0, 0, 1]), ("vetted", [1, 1, 1, 0])]
    assert view.tool_matrix(dashboard()) == ([], [])


@pytest.mark.parametrize("risk", ["low", "medium", "high", "critical"])
def test_a_known_risk_sorts_before_an_unknown_one(risk: str) -> None:
    tools = (ToolStatus("x", None, "vetted", "aaa", 0), ToolStatus("y", None, "vetted", risk, 0))
    risks, _ = view.tool_matrix(dashboard(governance=Governance((), (), tools, None, ())))
    assert risks == [risk, "aaa"]
