"""``hub promote`` of a skill holding a committed file name that is not UTF-8: a clear
refusal (exit 2) that names the file escaped as git does, never an internal error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.test_promote_hub import SPOKE
from tests.gitrepo import commit_all, hub_repo, snapshot
from tests.helpers import run_cli


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_template: Path) -> Path:
    root = hub_repo(tmp_path / "hub", hub_template)
    monkeypatch.chdir(root)
    return root


def test_a_committed_file_name_that_is_not_utf8_is_refused(hub: Path) -> None:
    scripts = hub / SPOKE / "scripts"
    scripts.mkdir(exist_ok=True)
    (scripts / os.fsdecode(b"b\xffad.sh")).write_text("x\n")
    commit_all(hub)
    before = snapshot(hub)
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code == 2, (run.stdout, run.stderr)
    assert f"{SPOKE}/scripts/b\\377ad.sh" in run.stderr
    assert snapshot(hub) == before


def test_a_hub_file_name_that_is_not_utf8_is_a_finding_of_the_promoted_tree(hub: Path) -> None:
    (hub / os.fsdecode(b"registry/prompts/b\xffad.yaml")).write_text("apiVersion: hubrails/v1\n")
    commit_all(hub)
    run = run_cli("promote", "sentiment-triage", "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
