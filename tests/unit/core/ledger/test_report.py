"""The report's sections from a ledger filled by hand: the breakdowns and their order, shares,
top drivers, the cheaper-tier estimate, review hotspots, quietly failing agents (by rate and by
trend, at the thresholds' edges), the two weeks compared, and unknown agents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.ledger.pricing import Model, Price, PriceBook
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import (
    Line,
    Report,
    Thresholds,
    build_report,
    failing_agents,
    weekly_sums,
)
from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.store.sql import Store, open_store
from tests.ledger_rows import ledger_of, run_row

JUNE_1 = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp() * 1000)
JUNE = Window(JUNE_1, JUNE_1 + 30 * DAY_MS)
AS_OF = datetime(2026, 7, 1, tzinfo=UTC)


def _model(id_: str, tier: str, input_: float) -> Model:
    return Model(id_, tier, (Price("2026-01-01", 0, input_, 0.0, 0.0, 0.0),))


BOOK = PriceBook(
    {m.id: m for m in (_model("big", "premium", 10.0), _model("mid", "standard", 2.0),
                       _model("mid-dear", "standard", 4.0), _model("small", "economy", 1.0))},
    {"big": "big", "mid": "mid", "mid-dear": "mid-dear", "small": "small", "alias": "big"},
)  # fmt: skip


def _runs(prefix: str, count: int, day: int = 0, **kw: Any) -> list[dict[str, Any]]:
    """``count`` runs on day ``day`` of June (all at one moment)."""
    return [run_row(f"{prefix}{n}", JUNE_1 + day * DAY_MS + n, **kw) for n in range(count)]


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Any]:
    stores: list[Store] = []

    def make(rows: list[dict[str, Any]]) -> Store:
        path = tmp_path / f"ledger-{len(stores)}.db"
        stores.append(ledger_of(path, rows) if rows else open_store(f"sqlite:///{path}"))
        return stores[-1]

    yield make
    for store in stores:
        store.close()


def _report(store: Store, span: Window = JUNE, **kw: Any) -> Report:
    return build_report(store, BOOK, span, as_of=AS_OF, **kw)


def test_an_empty_ledger_reports_zeros_and_empty_sections(ledger: Any) -> None:
    report = _report(ledger([]))
    assert report.total == Line("total", Totals(), 0.0, 0.0)
    assert (report.rows, report.top_drivers, report.cheaper_tier) == ((), (), ())
    assert (report.review_hotspots, report.failing, report.unknown) == ((), (), ())
    assert report.budgets == ()
    assert report.total.cost_per_resolved is None


def test_rows_are_by_cost_then_key_with_their_share_of_the_total(ledger: Any) -> None:
    store = ledger(
        _runs("a", 1, team="web", cost=1.0)
        + _runs("b", 1, team="ops", cost=1.0)
        + _runs("c", 2, team="sre", cost=3.0)
        + _runs("d", 1, team="ml", cost=None)
    )
    report = _report(store, review_hourly_usd=60.0)
    assert [(r.key, r.totals.cost, r.share) for r in report.rows] == [
        ("sre", 6.0, 0.75),
        ("ops", 1.0, 0.125),  # a tie in cost: by key
        ("web", 1.0, 0.125),
        ("ml", 0.0, 0.0),
    ]
    assert (report.total.totals.runs, report.total.totals.unpriced, report.total.share) == (
        5,
        1,
        1.0,
    )
    assert report.rows[0].cost_per_resolved == 3.0


def test_rows_by_agent_by_model_and_by_day(ledger: Any) -> None:
    store = ledger(
        _runs("a", 1, day=2, agent="x", model="alias", price_model="big", cost=5.0)
        + _runs("b", 1, day=0, agent="y", model="m", cost=1.0)
    )
    assert [r.key for r in _report(store, by="agent").rows] == ["sre/x", "sre/y"]
    assert [r.key for r in _report(store, by="model").rows] == ["big", "m"]  # the priced id
    by_day = _report(store, by="day")
    assert [r.key for r in by_day.rows] == ["2026-06-01", "2026-06-03"]  # by date, not cost
    assert by_day.by == "day"


def test_review_costs_the_rate_of_its_minutes(ledger: Any) -> None:
    store = ledger(_runs("a", 2, cost=0.5, review_minutes=30.0))
    report = _report(store, review_hourly_usd=90.0)
    assert report.total.review_cost == pytest.approx(90.0)  # an hour at 90
    assert report.rows[0].review_cost == pytest.approx(90.0)


def test_top_drivers_are_the_dearest_agents_up_to_the_limit(ledger: Any) -> None:
    store = ledger(
        _runs("a", 1, agent="cheap", cost=1.0)
        + _runs("b", 1, agent="dear", cost=9.0)
        + _runs("c", 1, team="web", agent="mid", cost=5.0)
    )
    report = _report(store, thresholds=Thresholds(top=2))
    assert [(d.key, d.share) for d in report.top_drivers] == [("sre/dear", 0.6), ("web/mid", 1 / 3)]


def test_review_hotspots_are_agents_whose_review_costs_more_than_their_model(
    ledger: Any,
) -> None:
    store = ledger(
        _runs("a", 1, agent="equal", cost=1.0, review_minutes=1.0)  # 1.0 == 1.0: not more
        + _runs("b", 1, agent="a-bit", cost=1.0, review_minutes=2.0)
        + _runs("c", 1, agent="much", cost=1.0, review_minutes=10.0)
    )
    report = _report(store, review_hourly_usd=60.0)
    assert [(h.agent, h.cost, h.review_cost) for h in report.review_hotspots] == [
        ("much", 1.0, 10.0),  # the biggest gap first
        ("a-bit", 1.0, 2.0),
    ]
    assert _report(store).review_hotspots == ()  # no rate: review costs nothing


def test_an_agent_failing_above_the_rate_with_enough_runs_is_listed() -> None:
    th = Thresholds()
    per_agent = {
        ("sre", "above"): Totals(runs=10, failed=2, abandoned=1),
        ("sre", "at"): Totals(runs=10, failed=2),  # 20% is not above 20%
        ("sre", "few"): Totals(runs=9, failed=9),  # too few runs to say
        ("ops", "worst"): Totals(runs=10, abandoned=5),
    }
    found = failing_agents(per_agent, {}, th)
    assert [(f.team, f.agent, f.failure_rate) for f in found] == [
        ("ops", "worst", 0.5),
        ("sre", "above", pytest.approx(0.3)),
    ]
    assert found[1].reason == "30% of runs failed or were abandoned"


def test_an_agent_failing_more_week_over_week_is_listed() -> None:
    th = Thresholds()
    per_agent = {("sre", "a"): Totals(runs=20, failed=3), ("sre", "b"): Totals(runs=20, failed=3)}
    weekly = {
        ("sre", "a", 0): Totals(runs=10, failed=2),  # 10% -> 20%: risen by the threshold
        ("sre", "a", 1): Totals(runs=10, failed=1),
        ("sre", "b", 0): Totals(runs=10, failed=2),
        ("sre", "b", 1): Totals(runs=9, failed=1),  # too few runs the week before to compare
    }
    [flagged] = failing_agents(per_agent, weekly, th)
    assert (flagged.agent, flagged.runs, flagged.failure_rate) == ("a", 20, 0.15)
    assert flagged.reason == "failures rising week over week: 10% → 20%"
    assert failing_agents(per_agent, weekly, Thresholds(rising_by=0.11)) == []


def test_the_two_weeks_are_the_last_seven_days_of_the_window_and_the_seven_before(
    ledger: Any,
) -> None:
    store = ledger(
        _runs("old", 1, day=15)  # June 16: before both weeks
        + _runs("before", 2, day=16)  # June 17, the first day of week 1
        + _runs("late", 3, day=23)  # June 24, the first day of week 0
        + _runs("last", 4, day=29)  # June 30, the window's last day
    )
    weekly = weekly_sums(store, JUNE).totals()
    assert {k: t.runs for k, t in weekly.items()} == {
        ("sre", "triage", 0): 7,
        ("sre", "triage", 1): 2,
    }
    short = weekly_sums(store, Window(JUNE_1 + 20 * DAY_MS, JUNE.until_ms)).totals()
    assert {k: t.runs for k, t in short.items()} == {("sre", "triage", 0): 7}  # week 1 cut short
    assert weekly_sums(store, JUNE, team="web") == {}


def test_a_cheaper_tier_candidate_saves_the_safe_estimate_per_month(ledger: Any) -> None:
    tokens = {"input_tokens": 1_000_000, "output_tokens": 0}
    store = ledger(_runs("a", 10, model="alias", cost=10.0, **tokens))  # 10 runs at 10 each
    report = _report(store, span=Window(JUNE_1, JUNE_1 + 15 * DAY_MS))
    [candidate] = report.cheaper_tier
    assert (candidate.model, candidate.tier, candidate.runs, candidate.success_rate) == (
        "big",
        "premium",
        10,
        1.0,
    )
    # The dearer of the cheaper tier's models: 10 M input tokens at 4 per million.
    assert (candidate.cheaper_model, candidate.cheaper_tier) == ("mid-dear", "standard")
    assert candidate.cheaper_cost == pytest.approx(40.0)
    assert candidate.monthly_saving == pytest.approx((100.0 - 40.0) * 30 / 15)


@pytest.mark.parametrize(
    ("count", "changes"),
    [
        (9, {}),  # too few runs
        (10, {"cost": 3.0}),  # the cheaper tier would cost more than this
        (10, {"model": "small"}),  # nothing is cheaper
        (10, {"model": "unknown"}),  # not in the price list
    ],
)
def test_no_cheaper_tier_candidate_without_enough_runs_or_a_saving(
    ledger: Any, count: int, changes: dict[str, Any]
) -> None:
    fields = {"model": "big", "cost": 10.0, "input_tokens": 1_000_000, **changes}
    assert _report(ledger(_runs("a", count, **fields))).cheaper_tier == ()


def test_a_quietly_failing_agent_or_one_below_the_success_rate_is_no_candidate(
    ledger: Any,
) -> None:
    fields: dict[str, Any] = {"model": "big", "cost": 10.0, "input_tokens": 1_000_000}
    rows = _runs("ok", 17, agent="fair", **fields) + _runs(
        "bad", 3, agent="fair", outcome="escalated", **fields
    )  # 85% resolved: a candidate
    rows += _runs("x", 8, agent="poor", **fields) + _runs(
        "y", 2, agent="poor", outcome="escalated", **fields
    )  # 80% resolved
    # 85% resolved too, but failing more and more: 1 in 10 the week before, 2 in 10 the last.
    rows += _runs("f", 9, day=16, agent="rising", **fields)
    rows += _runs("g", 1, day=16, agent="rising", outcome="failed", **fields)
    rows += _runs("h", 8, day=23, agent="rising", **fields)
    rows += _runs("i", 2, day=23, agent="rising", outcome="failed", **fields)
    report = _report(ledger(rows))
    assert [f.agent for f in report.failing] == ["rising"]
    assert [c.agent for c in report.cheaper_tier] == ["fair"]


def test_one_team_only_and_unknown_agents_when_the_declared_ones_are_given(ledger: Any) -> None:
    store = ledger(
        _runs("a", 1, team="sre", agent="known", cost=2.0)
        + _runs("b", 1, team="sre", agent="stray", cost=1.0)
        + _runs("c", 1, team="web", agent="other", cost=5.0)
    )
    known = frozenset({("sre", "known")})
    report = _report(store, team="sre", known=known, budgets={"sre": 10.0, "web": 1.0})
    assert report.total.totals.cost == 3.0
    assert [r.key for r in report.rows] == ["sre"]
    assert [(u.team, u.agent, u.reason) for u in report.unknown] == [
        ("sre", "stray", "not declared in the registry")
    ]
    assert [b.team for b in report.budgets] == ["sre"]
    assert _report(store).unknown == ()  # nothing declared given: nothing unknown
