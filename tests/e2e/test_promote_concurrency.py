"""Concurrent promotions: different skills both land; the same skill lands exactly once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import bare_remote, commit_all, git, hub_repo, snapshot
from tests.helpers import edit

SPOKES = "registry/spokes"


@pytest.fixture
def hub(tmp_path: Path, hub_template: Path) -> Path:
    """A hub with two promotable skills (support/sentiment-triage, growth/tone-check) and an
    origin remote."""
    root = hub_repo(tmp_path / "hub", hub_template)
    tone = root / SPOKES / "growth/skills/tone-check"
    shutil.copytree(root / SPOKES / "support/skills/sentiment-triage", tone)
    for name in ("skill.yaml", "SKILL.md"):
        edit(tone / name, "name: sentiment-triage", "name: tone-check")
    edit(tone / "skill.yaml", "team: support", "team: growth")
    commit_all(root, "growth: tone-check")
    bare_remote(tmp_path / "origin.git", root)
    return root


def start(root: Path, skill: str) -> subprocess.Popen[str]:
    """``hub promote SKILL --format json`` as a separate process."""
    return subprocess.Popen(
        [sys.executable, "-m", "hubrails", "promote", skill, "--format", "json"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, dict[str, object]]]:
    """Exit codes and JSON documents of finished promotions."""
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode in (0, 1), err
        results.append((process.returncode, json.loads(out)))
    return results


def test_different_skills_both_succeed(hub: Path, tmp_path: Path) -> None:
    results = finish([start(hub, "sentiment-triage"), start(hub, "tone-check")])
    assert [code for code, _ in results] == [0, 0], results
    for branch in ("promote/support/sentiment-triage", "promote/growth/tone-check"):
        assert git(tmp_path / "origin.git", "rev-parse", branch) == git(hub, "rev-parse", branch)


def test_same_skill_lands_exactly_once(hub: Path, tmp_path: Path) -> None:
    before = snapshot(hub)
    results = finish([start(hub, "sentiment-triage") for _ in range(3)])
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1, 1], results
    winner = next(doc for code, doc in results if code == 0)
    for code, doc in results:
        if code == 1:
            assert doc["reason"] in ("branch-exists", "branch-race", "push-rejected"), doc
    branch = "promote/support/sentiment-triage"
    assert git(hub, "rev-parse", branch) == winner["commit"]
    assert git(tmp_path / "origin.git", "rev-parse", branch) == winner["commit"]
    after = snapshot(hub)
    assert {k: v for k, v in after.items() if k != "refs"} == {
        k: v for k, v in before.items() if k != "refs"
    }
    new = set(after["refs"]) - set(before["refs"])  # type: ignore[call-overload]
    assert new == {
        f"refs/heads/{branch} {winner['commit']}",
        f"refs/remotes/origin/{branch} {winner['commit']}",
    }


def test_same_skill_from_a_spoke_lands_exactly_once(spoke: Path, tmp_path: Path) -> None:
    results = finish([start(spoke, "sentiment-triage") for _ in range(3)])
    assert sorted(code for code, _ in results) == [0, 1, 1], results
    winner = next(doc for code, doc in results if code == 0)
    hub = tmp_path / "hub.git"
    assert git(hub, "rev-parse", "promote/support/sentiment-triage") == winner["commit"]
