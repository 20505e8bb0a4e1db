"""The dashboard's data: the ledger report of a window (the very one ``hub ledger report``
builds), its series, and the registry's governance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.dashboard.governance import Governance, governance
from hubrails.core.dashboard.series import Series, series
from hubrails.core.ledger.report import Report
from hubrails.core.ledger.window import Window
from hubrails.store.reader import Queries


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the page shows."""

    title: str
    team: str | None
    report: Report  # by team, as ``hub ledger report --format json`` gives it
    series: Series
    governance: Governance
    saving: float  # the cheaper-tier candidates' projected monthly saving, together


def build_dashboard(
    ws: Workspace,
    store: Queries,
    span: Window,
    *,
    as_of: dt.datetime,
    team: str | None,
    ledger_url: str | None,
    now: dt.datetime,
) -> Dashboard:
    """Gather the page's data: the ledger's over ``span`` (``team``'s only, when given) with
    budgets as of ``as_of``, and the registry's governance as of ``now`` (certificates and
    waivers hold or expire by the clock, whatever window the ledger is looked at in)."""
    from hubrails.core.ledger.registry_facts import registry_report

    config = ws.config
    report = registry_report(config, store, span, as_of=as_of, team=team)
    return Dashboard(
        title=config.root.name,
        team=team,
        report=report,
        series=series(store, span, team, report.review_hourly_usd),
        governance=governance(ws, span, ledger_url, now, team),
        saving=sum(c.monthly_saving for c in report.cheaper_tier),
    )
