"""The catalog's snapshot of a registry: every asset (SKILL.md documents aside) with its file's
error count, the reversed references, and the stored copy kept by file size and time (with
racy times distrusted, and none kept when a linked folder makes the walk unreliable)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from hubrails.core.catalog import snapshot
from hubrails.core.catalog.snapshot import Entry, Snapshot, Use, load
from hubrails.core.registry.config import load_config
from hubrails.core.validate.collect import collect
from hubrails.core.validate.reports import Asset
from tests.helpers import edit, write

STORED = Path(".hub/cache/catalog.json")
JIRA = "registry/tools/jira.yaml"


def stored(root: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((root / STORED).read_bytes())
    return data


def age(root: Path, seconds: float = 60) -> None:
    """Date every file of the registry back, so that no time is too recent to trust."""
    then = time.time_ns() - int(seconds * 1e9)
    for folder, _, names in os.walk(root / "registry"):
        for name in names:
            os.utime(Path(folder, name), ns=(then, then))


def test_the_snapshot_holds_every_asset_validation_sees_except_skill_documents(
    registry: Path,
) -> None:
    config = load_config(registry, remember=False)
    found = load(config, use_cache=False)
    reports = [r for r in collect(config, use_cache=False) if r.asset is not None]
    assert [e.path for e in found.entries] == sorted(
        r.path for r in reports if r.asset is not None and r.asset.kind != "SkillDoc"
    )
    assert all(e.asset.kind != "SkillDoc" for e in found.entries)
    assert any(r.asset is not None and r.asset.kind == "SkillDoc" for r in reports)
    by_path = {r.path: r.asset for r in reports}
    assert all(e.asset == by_path[e.path] for e in found.entries)  # tuples decoded as tuples
    assert not (registry / STORED).exists()  # without the cache nothing is kept


def test_users_are_the_references_made_to_an_asset_in_path_order(registry: Path) -> None:
    found = load(load_config(registry, remember=False))
    users = found.users("Tool", "pagerduty")
    assert [u.entry.path for u in users] == sorted(u.entry.path for u in users)
    agent = next(u for u in users if u.entry.asset.name == "incident-triage")
    assert agent.version == "^2.0.0"
    assert agent.actions[:2] == ("list_incidents", "get_incident")
    assert isinstance(agent.actions, tuple)
    assert found.users("Tool", "no-such-tool") == []


def test_a_mention_in_a_description_is_no_reference(registry: Path) -> None:
    found = load(load_config(registry, remember=False))
    assert not any(name.startswith("Mention/") for name in found.edges)


def test_a_files_errors_are_counted_on_its_entry(registry: Path) -> None:
    edit(registry / JIRA, "spec:\n", "spec:\n  colour: blue\n  flavour: mint\n")
    found = load(load_config(registry, remember=False))
    errors = {e.asset.name: e.errors for e in found.entries}
    assert errors["jira"] == 2
    assert errors["github"] == 0


def test_the_stored_snapshot_is_reused_while_no_manifest_changes(registry: Path) -> None:
    age(registry)
    config = load_config(registry, remember=False)
    first = load(config)
    data = stored(registry)
    assert data["key"] and isinstance(data["stamps"], dict)
    assert data["stamps"][JIRA] == [
        (registry / JIRA).stat().st_mtime_ns,
        (registry / JIRA).stat().st_size,
    ]
    # what is stored is what is used: a planted description shows
    entries = data["entries"]
    assert isinstance(entries, list)
    row = next(r for r in entries if r[0] == JIRA)
    row[1][Asset._fields.index("description")] = "planted"
    (registry / STORED).write_text(json.dumps(data), encoding="utf-8")
    again = load(config)
    assert {e.path: e.asset.description for e in again.entries}[JIRA] == "planted"
    assert [e.path for e in again.entries] == [e.path for e in first.entries]


def test_a_changed_manifest_is_analysed_again_and_patched_in(registry: Path) -> None:
    age(registry)
    config = load_config(registry, remember=False)
    load(config)
    edit(registry / JIRA, 'version: "1.3.0"', 'version: "1.4.0"')
    write(
        registry,
        {
            "registry/tools/new-tool.yaml": (registry / JIRA)
            .read_text()
            .replace("name: jira", "name: new-tool")
        },
    )
    (registry / "registry/tools/slack.yaml").unlink()
    found = load(config)
    versions = {e.asset.name: e.asset.version for e in found.entries if e.asset.kind == "Tool"}
    assert versions["jira"] == "1.4.0" and "new-tool" in versions and "slack" not in versions
    assert found.users("Tool", "slack")[0].entry.asset.kind in ("Agent", "Skill")  # users stay
    rebuilt = load(config, use_cache=False)
    assert found == rebuilt


@pytest.mark.parametrize(("limit", "kept"), [(snapshot.PATCH_LIMIT, True), (0, False)])
def test_past_the_patch_limit_the_snapshot_is_rebuilt_rather_than_patched(
    registry: Path, monkeypatch: pytest.MonkeyPatch, limit: int, kept: bool
) -> None:
    age(registry)
    config = load_config(registry, remember=False)
    load(config)
    data = stored(registry)
    entries = data["entries"]
    assert isinstance(entries, list)
    github = "registry/tools/github.yaml"
    next(r for r in entries if r[0] == github)[1][Asset._fields.index("description")] = "planted"
    (registry / STORED).write_text(json.dumps(data), encoding="utf-8")
    edit(registry / JIRA, 'version: "1.3.0"', 'version: "1.4.0"')
    monkeypatch.setattr(snapshot, "PATCH_LIMIT", limit)
    found = {e.path: e.asset for e in load(config).entries}
    assert found[JIRA].version == "1.4.0"
    assert (found[github].description == "planted") is kept  # a patch keeps unchanged rows


def test_a_manifest_modified_just_before_the_snapshot_is_not_trusted_by_time(
    registry: Path,
) -> None:
    age(registry)
    (registry / JIRA).touch()  # now: an edit within the clock's granularity could follow
    load(load_config(registry, remember=False))
    stamps = stored(registry)["stamps"]
    assert isinstance(stamps, dict)
    assert stamps[JIRA] == [0, -1]
    assert stamps["registry/tools/github.yaml"][1] > 0


def test_a_snapshot_of_another_layout_or_format_is_not_used(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(registry)
    config = load_config(registry, remember=False)
    load(config)
    data = stored(registry)
    data["entries"] = []
    (registry / STORED).write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    assert len(load(config).entries) == len(load(config, use_cache=False).entries) > 0


@pytest.mark.parametrize(
    "folder", ["registry/skills/pr-review", "registry/spokes/sre", "registry/tools/vendored"]
)
def test_a_linked_folder_in_the_registry_keeps_no_snapshot(
    registry: Path, tmp_path: Path, folder: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    if (registry / folder).exists():
        (registry / folder).rename(elsewhere)
    else:
        elsewhere.mkdir()
    (registry / folder).symlink_to(elsewhere, target_is_directory=True)
    found = load(load_config(registry, remember=False))
    assert found.entries
    assert not (registry / STORED).exists()


def test_a_snapshot_decodes_its_edges_only_when_asked() -> None:
    entry = Entry("registry/agents/a.yaml", Asset("Agent", "a", 1, 1), 0)
    found = Snapshot((entry,), {"Tool/x": '[[0,"^1",["read"]]]', "Tool/bad": "not json"})
    assert found.users("Tool", "x") == [Use(entry, "^1", ("read",))]
    with pytest.raises(ValueError):
        found.users("Tool", "bad")
