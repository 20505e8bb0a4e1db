"""A small hand-built dashboard for the HTML renderer's unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hubrails.core.dashboard.build import Dashboard
from hubrails.core.dashboard.governance import Governance
from hubrails.core.dashboard.series import Series
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Line, Report
from hubrails.core.ledger.window import DAY_MS, Window

SINCE = 20_605 * DAY_MS  # 2026-06-01


def report(**changes: Any) -> Report:
    fields: dict[str, Any] = {
        "window": Window(SINCE, SINCE + 3 * DAY_MS),
        "as_of": datetime(2026, 6, 4, tzinfo=UTC),
        "by": "team",
        "review_hourly_usd": 90.0,
        "total": Line("total", Totals(), 0.0, 0.0),
        "rows": (),
        "top_drivers": (),
        "cheaper_tier": (),
        "review_hotspots": (),
        "failing": (),
        "budgets": (),
    }
    return Report(**{**fields, **changes})


def dashboard(
    *,
    series: Series | None = None,
    governance: Governance | None = None,
    title: str = "hub",
    team: str | None = None,
    **report_changes: Any,
) -> Dashboard:
    return Dashboard(
        title=title,
        team=team,
        report=report(**report_changes),
        series=series or Series(("2026-06-01", "2026-06-02", "2026-06-03"), (), {}, ()),
        governance=governance or Governance((), (), (), None, ()),
        saving=0.0,
    )
