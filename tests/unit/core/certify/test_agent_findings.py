"""An agent's own validation errors: from the index cache while the file is unchanged, else
analysed from the bytes certify loaded, never read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.certify.agent_findings import OwnFindings
from hubrails.core.validate import index_cache
from tests.helpers import copy_example, edit, run_cli
from tests.unit.core.certify.workspaces import workspace

AGENT = "spokes/sre/agents/incident-triage.yaml"
SHOWN = f"registry/{AGENT}"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_example(tmp_path / "hub")
    monkeypatch.chdir(root)
    return root


def test_a_clean_agent_has_no_errors_and_a_broken_one_has_its_errors(hub: Path) -> None:
    ws = workspace(hub)
    assert OwnFindings(ws.config, use_index=False).errors(ws.agent(AGENT)) == []
    edit(hub / "registry" / AGENT, "  team: sre\n", "  team: sre\n  colour: blue\n")
    ws = workspace(hub)
    errors = OwnFindings(ws.config, use_index=False).errors(ws.agent(AGENT))
    assert [(f.rule, f.path) for f in errors] == [("schema-additional-properties", SHOWN)]


def test_the_bytes_certify_read_are_judged_not_the_file_now(hub: Path) -> None:
    edit(hub / "registry" / AGENT, "  team: sre\n", "  team: sre\n  colour: blue\n")
    ws = workspace(hub)
    agent = ws.agent(AGENT)
    (hub / "registry" / AGENT).unlink()  # gone since: the loaded bytes still say it all
    errors = OwnFindings(ws.config, use_index=False).errors(agent)
    assert [f.rule for f in errors] == ["schema-additional-properties"]


def test_the_index_cache_answers_for_an_unchanged_file_and_learns_a_changed_one(
    hub: Path,
) -> None:
    assert run_cli("validate").exit_code == 0  # fills the index cache
    ws = workspace(hub)
    own = OwnFindings(ws.config, use_index=True)
    assert own.errors(ws.agent(AGENT)) == []
    assert own.added == []  # from the cache: nothing analysed
    edit(hub / "registry" / AGENT, "  team: sre\n", "  team: sre\n  colour: blue\n")
    ws = workspace(hub)
    own = OwnFindings(ws.config, use_index=True)
    agent = ws.agent(AGENT)
    assert [f.rule for f in own.errors(agent)] == ["schema-additional-properties"]
    assert [(rel, digest) for rel, digest, _, _ in own.added] == [(SHOWN, agent.manifest.digest)]
    own.save()
    stored = index_cache.IndexCache(
        index_cache.index_path(ws.config), index_cache.repository_key(ws.config)
    )
    assert stored.known_digest(SHOWN) == agent.manifest.digest  # blake2b of the bytes read


def test_an_unreadable_agent_has_no_own_errors(hub: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("kind: Agent\n", encoding="utf-8")
    (hub / "registry" / AGENT).unlink()
    (hub / "registry" / AGENT).symlink_to(outside)
    ws = workspace(hub)
    agent = ws.agent(AGENT)
    assert not agent.ok
    assert OwnFindings(ws.config, use_index=False).errors(agent) == []  # agent-loads says why
