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


def _edit_statement(root: Path, change: Any) -> None:
    statement = json.loads((root / CERT).read_text(encoding="utf-8"))
    change(statement)
    (root / CERT).write_text(json.dumps(statement, indent=2), encoding="utf-8")


def _set(*where: str | int, value: Any) -> Any:
    def change(statement: Any) -> None:
        target = statement
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value

    return change


def _shift_issued(minutes: int) -> Any:
    import datetime as dt

    def change(statement: Any) -> None:
        issued = dt.datetime.fromisoformat(statement["predicate"]["issued_at"])
        later = issued + dt.timedelta(minutes=minutes)
        statement["predicate"]["issued_at"] = later.isoformat().replace("+00:00", "Z")

    return change


def _add_waiver(statement: Any) -> None:
    statement["predicate"]["waivers"].append(
        {
            "check": "logging",
            "reason": "forged",
            "granted_by": "@me",
            "expires": "2099-01-01",
            "file": "registry/waivers/forged.yaml",
        }
    )


EDITS = {
    "expires_at": _set("predicate", "expires_at", value="2099-01-01T00:00:00Z"),
    "issued_at-earlier": _shift_issued(-60 * 24),
    "issued_at-later": _shift_issued(1),
    "issued_at-future": _set("predicate", "issued_at", value="2099-01-01T00:00:00Z"),
    "subject-name": _set("subject", 0, "name", value="registry/agents/other.yaml"),
    "agent-team": _set("predicate", "agent", "team", value="billing-ops"),
    "agent-name": _set("predicate", "agent", "name", value="other"),
    "policy_sha256": _set("predicate", "policy_sha256", value="0" * 64),
    "waivers": _add_waiver,
    "hub-commit": _set("predicate", "hub", "commit", value="0" * 40),
    "tool-version": _set("predicate", "tool", "version", value="0.0.1"),
    "tool-name": _set("predicate", "tool", "name", value="other"),
    "input-digest": _set("predicate", "inputs", 0, "sha256", value="0" * 64),
    "predicate-type": _set("predicateType", value="https://example.com/other/v1"),
}


@pytest.mark.parametrize("field", list(EDITS))
def test_verify_catches_every_edited_field(repo: Path, field: str) -> None:
    write_all(repo)
    assert verify()[:2] == (0, set())
    _edit_statement(repo, EDITS[field])
    code, problems, _ = verify()
    assert code == 1, field
    assert problems in ({("edited", CERT)}, {("stale", CERT)}), problems


@pytest.mark.parametrize(
    "value",
    [
        "2099-01-01t00:00:00z",
        "2099-02-30T00:00:00Z",
        "2099-01-01T00:00:00+99:99",
        "2099-01-01T00:00:00.5Z",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_verify_refuses_a_time_it_does_not_write(repo: Path, value: str) -> None:
    write_all(repo)
    _edit_statement(repo, _set("predicate", "expires_at", value=value))
    code, problems, run = verify()
    assert (code, problems) == (1, {("edited", CERT)})
    assert "expires_at" in run.json()["certificates"][0]["message"]


@pytest.mark.parametrize("text", ["[" * 100_000, '{"_type": NaN}', "\udcff", ""])
def test_verify_refuses_garbage_without_an_internal_error(repo: Path, text: str) -> None:
    write_all(repo)
    (repo / CERT).write_bytes(text.encode("utf-8", "surrogateescape"))
    assert verify()[:2] == (1, {("edited", CERT)})


def test_verify_a_certificate_of_a_dirty_hub_claimed_clean(repo: Path) -> None:
    edit(repo / "registry/tools/slack.yaml", "Read recent messages", "Read the recent messages")
    write_all(repo)
    assert verify()[:2] == (0, set())
    _edit_statement(repo, _set("predicate", "hub", "dirty", value=False))
    code, problems, run = verify()
    assert (code, problems) == (1, {("edited", CERT)})
    assert "registry/tools/slack.yaml" in run.json()["certificates"][0]["message"]


def test_verify_holds_in_another_checkout(repo: Path, tmp_path: Path) -> None:
    write_all(repo)
    with git.Repo(repo) as r:
        r.git.add("-A")
        r.index.commit("certificates")
        r.git.clone(str(repo), str(tmp_path / "elsewhere"))
    import os

    os.chdir(tmp_path / "elsewhere")
    code, problems, run = verify()
    assert (code, problems) == (0, set()), run.stdout


def test_verify_in_a_shallow_clone_says_to_fetch_the_history(repo: Path, tmp_path: Path) -> None:
    with git.Repo(repo) as r:
        r.git.commit("--allow-empty", "-m", "before")
    write_all(repo)
    with git.Repo(repo) as r:
        r.git.add("-A")
        r.index.commit("certificates")
        r.git.clone("--depth=1", f"file://{repo}", str(tmp_path / "shallow"))
    import os

    os.chdir(tmp_path / "shallow")
    code, problems, run = verify()
    assert code == 1
    assert ("edited", CERT) in problems
    assert "fetch-depth: 0" in json.dumps(run.json())
    with git.Repo(tmp_path / "shallow") as r:
        r.git.fetch("--unshallow")
    assert verify()[:2] == (0, set())


def test_verify_refuses_a_certificate_that_is_a_link(repo: Path, tmp_path: Path) -> None:
    write_all(repo)
    outside = tmp_path / "outside.json"
    outside.write_bytes((repo / CERT).read_bytes())  # a valid certificate, kept elsewhere
    (repo / CERT).unlink()
    (repo / CERT).symlink_to(outside)
    code, problems, run = verify()
    assert (code, problems) == (1, {("edited", CERT)})
    assert "symbolic link" in run.json()["certificates"][0]["message"]


@pytest.mark.parametrize("link", ["certificates", "certificates/sre", CERT])
def test_write_refuses_to_follow_a_link_outside(repo: Path, tmp_path: Path, link: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(outside / "x.json" if link == CERT else outside)
    run = run_cli("certify", "incident-triage", "--write")
    assert run.exit_code == 2, run.stderr
    assert "refusing to write" in run.stderr
    assert list(outside.rglob("*")) == []


def test_write_all_writes_nothing_when_one_target_is_refused(repo: Path, tmp_path: Path) -> None:
    (repo / "certificates").mkdir()
    (repo / "certificates/sre").symlink_to(tmp_path)
    run = run_cli("certify", "--all", "--write")
    assert run.exit_code == 2
    assert [p.name for p in (repo / "certificates").iterdir()] == ["sre"]


@pytest.mark.parametrize(("days", "year"), [("999999999999", 2126), (".inf", 2027), (".nan", 2027)])
def test_absurd_validity_is_bounded(repo: Path, days: str, year: int) -> None:
    import datetime as dt

    edit(repo / "registry/guardrails/baseline.yaml", "validity_days: 90", f"validity_days: {days}")
    write_all(repo)
    assert verify()[:2] == (0, set())
    expires = json.loads((repo / CERT).read_text(encoding="utf-8"))["predicate"]["expires_at"]
    this_year = dt.datetime.now(dt.UTC).year
    assert int(expires[:4]) <= year + this_year - 2026


def test_verify_in_forked_workers_agrees_with_the_serial_one(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With many agents each certificate is compared in the worker that recomputed it and its
    hub revision checked afterwards in the parent: the same problems, in the same order."""
    from hubrails.core.certify import run as certify_module

    write_all(repo)
    written = sorted(str(p.relative_to(repo)) for p in repo.glob("certificates/*/*.json"))
    assert len(written) >= 3, written
    edited, unheld, missing = written[:3]
    _edit_file(repo / edited, EDITS["waivers"])  # found in the worker (the recomputation)
    _edit_file(repo / unheld, EDITS["input-digest"])  # found in the parent (the git history)
    (repo / missing).unlink()
    serial = run_cli("certify", "--verify", "--format", "json")
    monkeypatch.setattr(certify_module, "PARALLEL_THRESHOLD", 2)
    forked = run_cli("certify", "--verify", "--format", "json")
    assert forked.exit_code == serial.exit_code == 1
    assert forked.json() == serial.json()
    found = {p["path"]: p for p in forked.json()["certificates"]}
    assert set(found) == {edited, unheld, missing}
    assert "waivers" in found[edited]["message"]
    assert "does not hold" in found[unheld]["message"]
    assert found[missing]["kind"] == "missing"


def _edit_file(path: Path, change: Any) -> None:
    statement = json.loads(path.read_text(encoding="utf-8"))
    change(statement)
    path.write_text(json.dumps(statement, indent=2), encoding="utf-8")
