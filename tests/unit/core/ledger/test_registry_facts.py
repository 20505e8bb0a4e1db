"""What the ledger takes from the registry: the store's URL (given, ``hub.yaml``, default), the
review rate, the declared teams and agents, the budgets, and a report made with all of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.ledger.registry_facts import (
    budgets,
    declared,
    known_names,
    ledger_settings,
    ledger_url,
    registry_report,
    review_hourly_usd,
)
from hubrails.core.ledger.rows import Known
from hubrails.core.ledger.window import Window
from hubrails.core.registry.config import HubConfig, load_config
from tests.helpers import edit
from tests.ledger_rows import ledger_of, run_row

TEAMS = frozenset({"billing-ops", "growth", "platform", "sre", "support"})
JUNE_1 = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp() * 1000)


def _config(tmp_path: Path, raw: dict[str, Any] | None) -> HubConfig:
    return HubConfig(root=tmp_path, role="hub", raw=raw)


@pytest.mark.parametrize(
    "raw", [None, {}, {"ledger": None}, {"ledger": "sqlite:///x.db"}, {"ledger": ["url"]}]
)
def test_no_ledger_mapping_means_no_settings(tmp_path: Path, raw: dict[str, Any] | None) -> None:
    config = _config(tmp_path, raw)
    assert ledger_settings(config) == {}
    assert ledger_url(config, None) == f"sqlite:///{tmp_path / '.hub/ledger.db'}"
    assert review_hourly_usd(config) == 0.0


def test_the_given_url_wins_over_hub_yaml_and_relative_sqlite_paths_are_from_the_root(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, {"ledger": {"url": "sqlite:///data/ledger.db"}})
    assert ledger_url(config, None) == f"sqlite:///{tmp_path / 'data/ledger.db'}"
    assert ledger_url(config, "sqlite:////abs/l.db") == "sqlite:////abs/l.db"
    assert ledger_url(config, "postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert ledger_url(config, "") == f"sqlite:///{tmp_path / 'data/ledger.db'}"  # empty: unset


def test_the_review_rate_is_a_number_or_zero(tmp_path: Path) -> None:
    def rate(value: Any) -> float:
        return review_hourly_usd(_config(tmp_path, {"ledger": {"review_hourly_usd": value}}))

    assert rate(90) == 90.0 and isinstance(rate(90), float)
    assert rate(72.5) == 72.5
    assert rate("90") == 0.0
    assert rate(None) == 0.0


def test_the_example_registry_declares_its_teams_and_their_agents(registry: Path) -> None:
    config = load_config(registry)
    teams, agents = declared(config)
    assert teams == TEAMS
    assert {
        ("sre", "incident-triage"),
        ("billing-ops", "invoice-triage"),
        ("support", "ticket-responder"),
        ("growth", "release-notes"),
    } <= agents
    assert {team for team, _ in agents} <= TEAMS
    assert known_names(config) == Known(teams, agents)
    assert ledger_url(config, None) == f"sqlite:///{registry / '.hub/ledger.db'}"
    assert review_hourly_usd(config) == 90.0


def test_a_manifest_removed_is_no_longer_declared(registry: Path) -> None:
    config = load_config(registry)
    assert ("sre", "incident-triage") in declared(config)[1]
    (registry / "registry/spokes/sre/agents/incident-triage.yaml").unlink()
    (registry / "registry/teams/growth.yaml").unlink()
    teams, agents = declared(config)
    assert ("sre", "incident-triage") not in agents
    assert teams == TEAMS - {"growth"}


def test_an_agent_manifest_naming_no_team_declares_no_pair(registry: Path) -> None:
    agents = registry / "registry/spokes/sre/agents"
    text = (agents / "incident-triage.yaml").read_text(encoding="utf-8")
    orphan = text.replace("name: incident-triage\n  team: sre\n", "name: orphan\n")
    (agents / "orphan.yaml").write_text(orphan, encoding="utf-8")
    _teams, found = declared(load_config(registry))
    assert ("sre", "incident-triage") in found
    assert not [pair for pair in found if pair[1] == "orphan"]


def test_budgets_are_each_teams_monthly_usd_for_the_teams_that_set_one(registry: Path) -> None:
    config = load_config(registry)
    assert budgets(config) == {
        "billing-ops": 800.0,
        "growth": 300.0,
        "platform": 2000.0,
        "sre": 1500.0,
        "support": 1200.0,
    }
    edit(registry / "registry/teams/growth.yaml", "  budget:\n    monthly_usd: 300\n", "")
    edit(registry / "registry/teams/sre.yaml", "monthly_usd: 1500", "monthly_usd: 0")
    found = budgets(config)
    assert "growth" not in found
    assert found["sre"] == 0.0


def test_a_registry_report_uses_the_registrys_prices_budgets_rate_and_names(
    registry: Path,
) -> None:
    rows = [
        run_row(f"a{n}", JUNE_1 + n, team="sre", agent="incident-triage", model="opus", cost=0.2)
        for n in range(10)
    ]  # they succeed on the premium tier, and sonnet (the example's standard tier) costs less
    rows.append(run_row("b", JUNE_1 + 20, team="sre", agent="stray", cost=1.0, review_minutes=60.0))
    store = ledger_of(registry / "ledger.db", rows)
    try:
        span = Window(JUNE_1, JUNE_1 + 10 * 86_400_000)
        report = registry_report(
            load_config(registry), store, span, as_of=datetime(2026, 6, 11, tzinfo=UTC)
        )
    finally:
        store.close()
    assert (report.review_hourly_usd, report.by) == (90.0, "team")
    assert report.total.totals.runs == 11
    [candidate] = report.cheaper_tier
    assert (candidate.agent, candidate.model, candidate.cheaper_tier) == (
        "incident-triage",
        "claude-opus-4-5",
        "standard",
    )
    assert report.total.review_cost == pytest.approx(90.0)
    assert [(u.team, u.agent) for u in report.unknown] == [("sre", "stray")]
    assert [(h.team, h.agent) for h in report.review_hotspots] == [("sre", "stray")]
    assert {b.team for b in report.budgets} == TEAMS
    [sre] = [b for b in report.budgets if b.team == "sre"]
    assert sre.budget == 1500.0
    assert sre.spent == pytest.approx(3.0)
