"""A certificate's hub commit checked against the hub's real git history."""

from __future__ import annotations

import hashlib
from pathlib import Path

import git

from hubrails.core.certify.hub_history import HubHistory
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig


def _hub(tmp_path: Path) -> tuple[Hub, str, str]:
    repo = git.Repo.init(tmp_path / "hub")
    guardrail = tmp_path / "hub" / "registry" / "guardrails" / "pii.yaml"
    guardrail.parent.mkdir(parents=True)
    guardrail.write_text("kind: Guardrail\n")
    repo.index.add([str(guardrail)])
    commit = repo.index.commit("one").hexsha
    digest = hashlib.sha256(b"kind: Guardrail\n").hexdigest()
    return Hub(HubConfig(root=tmp_path / "hub", role="hub"), is_self=True), commit, digest


def _inputs(digest: str) -> list[dict[str, str]]:
    return [{"path": "hub:registry/guardrails/pii.yaml", "sha256": digest}]


def test_a_commit_holding_the_recorded_digests_holds(tmp_path: Path) -> None:
    hub, commit, digest = _hub(tmp_path)
    history = HubHistory(hub, hub.config, {"hub:registry/guardrails/pii.yaml"})
    assert history.check({"commit": commit, "dirty": False}, _inputs(digest)) is None


def test_a_file_the_commit_holds_otherwise_is_named(tmp_path: Path) -> None:
    hub, commit, _ = _hub(tmp_path)
    history = HubHistory(hub, hub.config, set())
    why = history.check({"commit": commit, "dirty": False}, _inputs("0" * 64))
    assert why == (
        f"its hub commit {commit} does not hold registry/guardrails/pii.yaml as recorded "
        "(hub.dirty: false)"
    )
    # written from a dirty hub, the commit cannot hold the files: only the commit is checked
    assert history.check({"commit": commit, "dirty": True}, _inputs("0" * 64)) is None


def test_a_commit_not_in_the_history_and_a_missing_commit_are_refused(tmp_path: Path) -> None:
    hub, _, digest = _hub(tmp_path)
    history = HubHistory(hub, hub.config, set())
    unknown = "1" * 40
    assert history.check({"commit": unknown, "dirty": False}, _inputs(digest)) == (
        f"its hub commit {unknown} is not a commit of the hub's repository"
    )
    assert history.check({"commit": None, "dirty": False}, _inputs(digest)) == (
        "it records no hub commit, but the hub is a git repository"
    )
