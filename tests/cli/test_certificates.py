"""Certificates: ``--write`` and ``--verify`` (stale, edited, expired, missing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import git
import pytest

from hubrails.core.registry.schemas import validate_json
from tests.helpers import edit, run_cli

CERT = "certificates/sre/incident-triage.json"
SRE = "registry/spokes/sre/agents/incident-triage.yaml"


@pytest.fixture
def repo(registry: Path) -> Path:
    """The example registry as a git repository with one commit."""
    with git.Repo.init(registry) as r:
        r.git.add("-A")
        r.index.commit("hub")
    return registry


def write_all(root: Path) -> None:
    run = run_cli("certify", "--all", "--write")
    assert run.exit_code == 0, run.stdout + run.stderr


def verify() -> Any:
    run = run_cli("certify", "--verify", "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    return run.exit_code, {(p["kind"], p["path"]) for p in run.json()["certificates"]}, run


def test_write_makes_an_in_toto_statement(repo: Path) -> None:
    run = run_cli("certify", "incident-triage", "--write")
    assert run.exit_code == 0
    assert f"wrote {CERT}" in run.stderr
    statement = json.loads((repo / CERT).read_text(encoding="utf-8"))
    assert validate_json("Certificate", statement) == []
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"][0]["name"] == SRE
    predicate = statement["predicate"]
    with git.Repo(repo) as r:
        assert predicate["hub"]["commit"] == r.head.commit.hexsha
    assert predicate["hub"]["dirty"] is False
    assert predicate["verdict"] == "pass"
    paths = {i["path"] for i in predicate["inputs"]}
    assert {SRE, "registry/tools/pagerduty.yaml", "registry/guardrails/baseline.yaml"} <= paths
    assert "registry/skills/incident-summary/SKILL.md" in paths
    assert "registry/teams/sre.yaml" in paths and "registry/pricing.yaml" in paths
    assert predicate["checks"][0]["id"] == "manifest-valid"
    assert predicate["expires_at"] > predicate["issued_at"]
    assert not list((repo / "certificates/sre").glob(".*tmp"))  # no temporary file left


def test_failing_agent_gets_no_certificate(repo: Path) -> None:
    edit(repo / SRE, "    retention_days: 90\n", "    retention_days: 7\n")
    run = run_cli("certify", "incident-triage", "--write")
    assert run.exit_code == 1
    assert "no certificate written" in run.stderr
    assert not (repo / CERT).exists()


def test_verify_passes_after_write(repo: Path) -> None:
    write_all(repo)
    assert verify()[:2] == (0, set())
    assert run_cli("certify", "--verify").stdout.strip().endswith("4 of 4 agents hold")


def test_verify_catches_a_stale_certificate(repo: Path) -> None:
    write_all(repo)
    edit(repo / "registry/tools/pagerduty.yaml", "description: List incidents", "description: List")
    code, problems, run = verify()
    assert code == 1
    assert problems == {("stale", CERT)}
    message = run.json()["certificates"][0]["message"]
    assert "registry/tools/pagerduty.yaml" in message


def test_verify_catches_an_edited_certificate(repo: Path) -> None:
    write_all(repo)
    statement = json.loads((repo / CERT).read_text(encoding="utf-8"))
    statement["predicate"]["checks"][1]["status"] = "waived"
    (repo / CERT).write_text(json.dumps(statement), encoding="utf-8")
    code, problems, run = verify()
    assert (code, problems) == (1, {("edited", CERT)})
    assert "tools-vetted" in run.json()["certificates"][0]["message"]


def test_verify_catches_an_expired_certificate(repo: Path) -> None:
    write_all(repo)
    statement = json.loads((repo / CERT).read_text(encoding="utf-8"))
    statement["predicate"]["expires_at"] = "2020-01-01T00:00:00Z"
    (repo / CERT).write_text(json.dumps(statement), encoding="utf-8")
    assert verify()[:2] == (1, {("expired", CERT)})


def test_verify_catches_a_missing_certificate(repo: Path) -> None:
    write_all(repo)
    (repo / CERT).unlink()
    code, problems, run = verify()
    assert (code, problems) == (1, {("missing", CERT)})
    assert "production agent sre/incident-triage" in run.json()["certificates"][0]["message"]


def test_verify_ignores_a_missing_certificate_of_an_experimental_agent(repo: Path) -> None:
    write_all(repo)
    (repo / CERT).unlink()
    edit(repo / SRE, '  version: "1.4.2"\n', '  version: "1.4.2"\n  lifecycle: experimental\n')
    assert verify()[:2] == (0, set())


def test_verify_catches_garbage_and_orphans(repo: Path) -> None:
    write_all(repo)
    (repo / CERT).write_text("{not json", encoding="utf-8")
    (repo / "certificates/sre/gone.json").write_text("{}", encoding="utf-8")
    assert verify()[1] == {("edited", CERT), ("stale", "certificates/sre/gone.json")}


def test_dirty_hub_is_recorded(repo: Path) -> None:
    edit(repo / "registry/tools/slack.yaml", "Read recent messages", "Read the recent messages")
    assert run_cli("certify", "incident-triage", "--write").exit_code == 0
    statement = json.loads((repo / CERT).read_text(encoding="utf-8"))
    assert statement["predicate"]["hub"]["dirty"] is True


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_verify_problems_in_ci_formats(repo: Path, fmt: str) -> None:
    write_all(repo)
    (repo / CERT).unlink()
    run = run_cli("certify", "--verify", "--format", fmt)
    assert run.exit_code == 1
    assert "certificate-missing" in run.stdout
