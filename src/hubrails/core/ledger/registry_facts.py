"""What the ledger takes from the registry: where the store is, known teams and agents,
budgets and the review rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubrails.core.registry.config import HubConfig

if TYPE_CHECKING:
    from datetime import datetime

    from hubrails.core.ledger.report import Report
    from hubrails.core.ledger.rows import Known
    from hubrails.core.ledger.window import Window
    from hubrails.store.reader import Queries

DEFAULT_URL = "sqlite:///.hub/ledger.db"


def ledger_settings(config: HubConfig) -> dict[str, object]:
    """The ``ledger`` mapping of ``hub.yaml`` (empty when absent)."""
    raw = config.raw or {}
    ledger = raw.get("ledger")
    return ledger if isinstance(ledger, dict) else {}


def ledger_url(config: HubConfig, given: str | None) -> str:
    """The SQLAlchemy URL of the ledger: ``given`` (``--db``/``HUB_LEDGER_URL``), else
    ``ledger.url`` in ``hub.yaml``, else ``.hub/ledger.db`` in the repository."""
    from hubrails.store import normalise_url

    url = given or str(ledger_settings(config).get("url") or DEFAULT_URL)
    return normalise_url(url, config.root)


def review_hourly_usd(config: HubConfig) -> float:
    """The loaded cost of an hour of human review (``ledger.review_hourly_usd``; default 0)."""
    value = ledger_settings(config).get("review_hourly_usd", 0)
    return float(value) if isinstance(value, int | float) else 0.0


def declared(config: HubConfig) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The teams and (team, agent) pairs the registry declares (from the catalog snapshot:
    while no manifest changed, nothing is read but its size and time)."""
    from hubrails.core.catalog.snapshot import load

    teams: set[str] = set()
    agents: set[tuple[str, str]] = set()
    for entry in load(config).entries:
        asset = entry.asset
        if asset.kind == "Team":
            teams.add(asset.name)
        elif asset.kind == "Agent" and asset.team:
            agents.add((asset.team, asset.name))
    return frozenset(teams), frozenset(agents)


def known_names(config: HubConfig) -> Known:
    """What ingest checks records against: :func:`declared`."""
    from hubrails.core.ledger.rows import Known

    return Known(*declared(config))


def budgets(config: HubConfig) -> dict[str, float]:
    """Each team's ``spec.budget.monthly_usd``, for the teams that set one."""
    from hubrails.core.catalog.snapshot import load
    from hubrails.core.registry.teams import team_specs

    teams = [(e.asset.name, e.path) for e in load(config).entries if e.asset.kind == "Team"]
    found: dict[str, float] = {}
    for name, spec in team_specs(config, teams).items():
        budget = spec.get("budget")
        monthly = budget.get("monthly_usd") if isinstance(budget, dict) else None
        if isinstance(monthly, int | float) and not isinstance(monthly, bool):
            found[name] = float(monthly)
    return found


def registry_report(
    config: HubConfig,
    store: Queries,
    span: Window,
    *,
    as_of: datetime,
    by: str = "team",
    team: str | None = None,
) -> Report:
    """The report of ``span`` with the registry's pricing, budgets, review rate and names (what
    ``hub ledger report`` and ``hub dashboard`` show)."""
    from hubrails.core.ledger.pricing import load_pricing
    from hubrails.core.ledger.report import build_report

    return build_report(
        store,
        load_pricing(config),
        span,
        as_of=as_of,
        by=by,
        team=team,
        budgets=budgets(config),
        review_hourly_usd=review_hourly_usd(config),
        known=declared(config)[1],  # not known_names: ingest's rows import SQLAlchemy
    )
