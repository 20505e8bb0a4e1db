"""A committed example hub, built once per session and copied by each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.gitrepo import commit_all, git, hub_repo, init_repo
from tests.helpers import edit, write

SPOKE_SKILL = "registry/skills/sentiment-triage"


@pytest.fixture(scope="session")
def hub_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example hub registry, committed on main."""
    return hub_repo(tmp_path_factory.mktemp("template") / "hub")


@pytest.fixture
def spoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_template: Path) -> Path:
    """A support spoke with the skill sentiment-triage; its hub is the bare ../hub.git."""
    source = hub_repo(tmp_path / "hub-src", hub_template)
    root = tmp_path / "spoke"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: support\n"
            "hub:\n  url: ../hub.git\n  ref: main\n"
        },
    )
    (root / "registry/skills").mkdir(parents=True)
    (root / "registry/agents").mkdir()
    shutil.move(source / "registry/spokes/support/skills/sentiment-triage", root / SPOKE_SKILL)
    shutil.move(
        source / "registry/spokes/support/agents/ticket-responder.yaml",
        root / "registry/agents/ticket-responder.yaml",
    )
    edit(root / f"{SPOKE_SKILL}/skill.yaml", "../../../../../schemas", "../../../schemas")
    commit_all(source, "support moved to its own repository")
    git(tmp_path, "clone", "-q", "--bare", str(source), "hub.git")
    init_repo(root)
    monkeypatch.chdir(root)
    return root
