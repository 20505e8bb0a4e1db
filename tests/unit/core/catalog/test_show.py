"""``describe``, behind ``hub catalog show``: one asset's manifest read from its repository (or
its hub), each reference resolved to the asset it leads to with its problems, its direct users
and how many assets depend on it in all."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hubrails.core.catalog.query import Catalog, find, load_catalog
from hubrails.core.catalog.show import describe
from hubrails.core.registry.config import load_config
from hubrails.errors import HubError
from tests.helpers import copy_example, edit

AGENT = "registry/spokes/sre/agents/incident-triage.yaml"


def catalog_of(root: Path) -> Catalog:
    return load_catalog(load_config(root, remember=False), use_cache=False)


def test_an_agents_references_lead_to_their_assets_and_its_model_to_the_pricing(
    registry: Path,
) -> None:
    config = load_config(registry, remember=False)
    catalog = catalog_of(registry)
    view = describe(catalog, find(catalog, "agent/incident-triage"), config)
    assert view.manifest["metadata"]["version"] == "1.4.2"
    resolved = {(r.ref.kind, r.ref.name): r for r in view.references}
    assert resolved["Skill", "runbook-lookup"].target == find(catalog, "skill/runbook-lookup")
    assert resolved["Tool", "pagerduty"].target == find(catalog, "tool/pagerduty")
    assert resolved["Prompt", "triage-system"].target == find(catalog, "prompt/triage-system")
    model = resolved["Model", "claude-sonnet-4-5"].target
    assert model is not None and model.asset.kind == "Pricing"
    assert all(r.problems == () for r in view.references)
    assert resolved["Team", "sre"].target == find(catalog, "team/sre")  # its owner is one too
    assert [r.ref.name for r in view.references][:4] == [
        "sre",
        "incident-summary",
        "runbook-lookup",
        "pagerduty",
    ]
    assert (view.used_by, view.dependents) == ((), 0)


def test_a_broken_or_out_of_range_reference_keeps_its_problems(registry: Path) -> None:
    edit(registry / AGENT, "name: runbook-lookup", "name: runbook-lookupp")
    edit(registry / AGENT, 'version: "^1.4.0"', 'version: "^9.0.0"')
    catalog = catalog_of(registry)
    view = describe(catalog, find(catalog, "incident-triage"), load_config(registry))
    by_name = {r.ref.name: r for r in view.references}
    missing = by_name["runbook-lookupp"]
    assert missing.target is None
    assert len(missing.problems) == 1 and "no Skill named 'runbook-lookupp'" in missing.problems[0]
    slack = by_name["slack"]
    assert slack.target == find(catalog, "tool/slack")  # found, but not in range
    assert slack.problems and "^9.0.0" in slack.problems[0]


def test_users_are_sorted_and_dependents_counted_transitively(registry: Path) -> None:
    # incident-triage uses github no longer directly, only through the skill runbook-lookup
    edit(
        registry / AGENT,
        '    - name: github\n      version: "^2.0.0"\n      actions:\n        - search_code\n'
        "        - get_file_contents\n        - list_commits\n",
        "",
    )
    catalog = catalog_of(registry)
    view = describe(catalog, find(catalog, "tool/github"), load_config(registry))
    kinds_names = [(u.entry.asset.kind, u.entry.asset.name) for u in view.used_by]
    assert kinds_names == sorted(kinds_names)
    assert ("Skill", "runbook-lookup") in kinds_names
    assert ("Agent", "incident-triage") not in kinds_names
    assert view.dependents == len(set(kinds_names)) + 1  # incident-triage, through the skill
    skill = describe(catalog, find(catalog, "skill/incident-summary"), load_config(registry))
    assert [u.entry.asset.name for u in skill.used_by] == ["incident-triage"]
    assert skill.dependents == 1


def test_a_hub_asset_is_read_from_the_hubs_repository(tmp_path: Path) -> None:
    hub = copy_example(tmp_path / "hub")
    config = load_config(hub, remember=False)
    catalog = catalog_of(hub)
    tool = find(catalog, "tool/github")
    as_seen_by_a_spoke = Catalog(catalog.local, catalog.local)
    hub_entry = dataclasses.replace(tool, path=f"hub:{tool.path}")
    elsewhere = dataclasses.replace(config, root=tmp_path / "nowhere")
    view = describe(as_seen_by_a_spoke, hub_entry, elsewhere, config)
    assert view.entry == hub_entry
    assert view.manifest["metadata"]["name"] == "github"


def test_a_manifest_that_no_longer_loads_is_an_error_at_its_path(registry: Path) -> None:
    catalog = catalog_of(registry)
    entry = find(catalog, "incident-triage")
    (registry / AGENT).write_text("kind: Agent\nmetadata: [broken\n", encoding="utf-8")
    with pytest.raises(HubError) as caught:
        describe(catalog, entry, load_config(registry))
    assert caught.value.path == AGENT
    assert caught.value.line is not None and caught.value.line >= 2


def test_a_manifest_over_the_size_limit_is_an_error(registry: Path) -> None:
    catalog = catalog_of(registry)
    small = dataclasses.replace(load_config(registry, remember=False), max_file_bytes=100)
    with pytest.raises(HubError, match="over the limit of 100") as caught:
        describe(catalog, find(catalog, "incident-triage"), small)
    assert caught.value.path == AGENT
