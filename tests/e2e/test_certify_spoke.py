"""A spoke repository certifies against a hub held in a separate bare repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import git
import pytest

from tests.helpers import copy_example, edit, run_cli, write

AGENT = "registry/agents/incident-triage.yaml"


def commit(repo_dir: Path, message: str) -> str:
    with git.Repo(repo_dir) as repo:
        repo.git.add("-A")
        return repo.index.commit(message).hexsha


@pytest.fixture
def hub_work(tmp_path: Path) -> Path:
    """A working copy of the hub, pushed to a bare repository at tmp/hub.git."""
    work = copy_example(tmp_path / "hub-work")
    spoke_agent = work / "registry/spokes/sre/agents/incident-triage.yaml"
    (tmp_path / "agent.yaml").write_bytes(spoke_agent.read_bytes())
    spoke_agent.unlink()
    git.Repo.init(work, initial_branch="main").close()
    commit(work, "hub")
    with git.Repo(work) as repo:
        repo.git.clone("--bare", str(work), str(tmp_path / "hub.git"))
        repo.create_remote("origin", str(tmp_path / "hub.git"))
    return work


@pytest.fixture
def spoke(tmp_path: Path, hub_work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The SRE team's spoke repository, naming the bare hub."""
    root = tmp_path / "sre"
    write(
        root,
        {
            "hub.yaml": "apiVersion: hubrails/v1\nkind: HubConfig\nrole: spoke\nteam: sre\n"
            f"hub:\n  url: {tmp_path / 'hub.git'}\n  ref: main\n",
            AGENT: (tmp_path / "agent.yaml").read_text(encoding="utf-8"),
        },
    )
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    return root


def certify_json(*args: str) -> tuple[int, dict[str, object], str]:
    run = run_cli("certify", "incident-triage", "--format", "json", *args)
    return run.exit_code, run.json() if run.stdout else {}, run.stderr


def test_spoke_certifies_against_the_bare_hub(spoke: Path, hub_work: Path) -> None:
    code, document, err = certify_json()
    assert code == 0, (document, err)
    with git.Repo(hub_work) as repo:
        assert document["hub"] == {"commit": repo.head.commit.hexsha, "dirty": False, "ref": "main"}
    assert any(p.is_dir() for p in (spoke.parent / "cache" / "hubs").iterdir())


def test_certificate_names_hub_files(spoke: Path) -> None:
    assert run_cli("certify", "incident-triage", "--write").exit_code == 0
    text = (spoke / "certificates/sre/incident-triage.json").read_text(encoding="utf-8")
    assert '"hub:registry/tools/pagerduty.yaml"' in text
    assert f'"{AGENT}"' in text
    assert run_cli("certify", "--verify").exit_code == 0


def test_hub_changes_are_fetched(spoke: Path, hub_work: Path) -> None:
    assert certify_json()[0] == 0
    edit(
        hub_work / "registry/guardrails/baseline.yaml",
        "min_retention_days: 30",
        "min_retention_days: 120",
    )
    commit(hub_work, "longer logs")
    with git.Repo(hub_work) as repo:
        repo.git.push("origin", "main")
    code, document, _ = certify_json()
    assert code == 1
    checks = {c["id"]: c["status"] for c in document["agents"][0]["checks"]}  # type: ignore[index]
    assert checks["logging"] == "fail"


def test_unreachable_hub_falls_back_to_the_cache_with_a_warning(
    spoke: Path, tmp_path: Path, hub_work: Path
) -> None:
    assert certify_json()[0] == 0
    shutil.move(tmp_path / "hub.git", tmp_path / "moved.git")
    code, _, stderr = certify_json()
    assert code == 0
    with git.Repo(hub_work) as repo:
        head = repo.head.commit.hexsha
    assert f"using the cached copy at commit {head}" in stderr


def test_unreachable_hub_without_a_cache_is_an_input_error(spoke: Path, tmp_path: Path) -> None:
    shutil.move(tmp_path / "hub.git", tmp_path / "moved.git")
    run = run_cli("certify", "incident-triage")
    assert run.exit_code == 2
    assert "cannot clone the hub" in run.stderr
    assert f"{tmp_path / 'hub.git'}' does not exist" in run.stderr  # git's own reason, not ""
    assert "Traceback" not in run.stderr


def test_unknown_ref_is_an_input_error(spoke: Path) -> None:
    edit(spoke / "hub.yaml", "ref: main", "ref: release-9")
    run = run_cli("certify", "incident-triage")
    assert run.exit_code == 2
    assert "no branch, tag or commit 'release-9'" in run.stderr


def test_ref_can_be_a_tag(spoke: Path, hub_work: Path) -> None:
    with git.Repo(hub_work) as repo:
        tagged = repo.head.commit.hexsha
        repo.create_tag("v1")
        repo.git.push("origin", "v1")
    edit(hub_work / "registry/teams/sre.yaml", "  platform: false\n", "  platform: false\n  # x\n")
    commit(hub_work, "later")
    with git.Repo(hub_work) as repo:
        repo.git.push("origin", "main")
    edit(spoke / "hub.yaml", "ref: main", "ref: v1")
    code, document, _ = certify_json()
    assert code == 0
    assert document["hub"]["commit"] == tagged  # type: ignore[index]


def test_local_hub_checkout_option(spoke: Path, hub_work: Path) -> None:
    edit(spoke / "hub.yaml", "url: ", "url: https://git.invalid/")
    code, document, _ = certify_json("--hub", str(hub_work))
    assert code == 0
    assert document["hub"]["ref"] is None  # type: ignore[index]


def test_unsafe_transport_is_refused(spoke: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    edit(spoke / "hub.yaml", f"url: {tmp_path / 'hub.git'}", f"url: 'ext::sh -c touch% {marker}'")
    run = run_cli("certify", "incident-triage")
    assert run.exit_code == 2
    assert "cannot clone the hub" in run.stderr
    assert not marker.exists()


def test_spoke_policy_names_hub_files_and_spoke_waivers_do_not_count(spoke: Path) -> None:
    run = run_cli("policy", "incident-triage", "--format", "json")
    assert run.exit_code == 0, run.stderr
    sources = run.json()["policy"]["logging.min_retention_days"]["sources"]
    assert sources[0]["path"] == "hub:registry/guardrails/baseline.yaml"
    edit(spoke / AGENT, "    retention_days: 90\n", "    retention_days: 7\n")
    write(
        spoke,
        {
            "registry/waivers/short-logs.yaml": "apiVersion: hubrails/v1\nkind: Waiver\n"
            "metadata:\n  name: short-logs\n  team: sre\n  version: 1.0.0\n"
            "  description: Self-granted.\nspec:\n  agent: incident-triage\n  check: logging\n"
            '  reason: We say so.\n  granted_by: "@bob"\n  expires: "2999-01-01"\n'
        },
    )
    certify = run_cli("certify", "incident-triage")
    assert certify.exit_code == 1
    assert "registry/waivers/short-logs.yaml: waiver ignored" in certify.stderr


def test_a_spoke_signs_with_a_key_its_hubs_team_lists(
    spoke: Path, hub_work: Path, tmp_path: Path
) -> None:
    """The hub lists team sre's key and requires signing; the spoke's certificate is held to
    both, the hub's policy applying to the spoke."""
    key = tmp_path / "keys" / "sre.pem"
    made = run_cli("keygen", "--out", str(key))
    assert made.exit_code == 0, made.stderr
    entry = made.stdout.split("signing_keys:\n", 1)[1]
    team = hub_work / "registry/teams/sre.yaml"
    team.write_text(
        team.read_text(encoding="utf-8")
        + "  signing_keys:\n"
        + "".join(f"  {line}\n" for line in entry.splitlines()),
        encoding="utf-8",
    )
    with (hub_work / "hub.yaml").open("a", encoding="utf-8") as out:
        out.write("certify:\n  signing: required\n")
    commit(hub_work, "sre signs its certificates")
    with git.Repo(hub_work) as repo:
        repo.git.push("origin", "main")
    assert run_cli("certify", "incident-triage", "--write").exit_code == 2  # --sign required
    signed = run_cli("certify", "incident-triage", "--write", "--sign", str(key))
    assert signed.exit_code == 0, signed.stderr
    assert run_cli("certify", "--verify").exit_code == 0
    certificate = spoke / "certificates/sre/incident-triage.json"
    text = certificate.read_text(encoding="utf-8")
    certificate.write_text(text.replace('"sig": "', '"sig": "AAAA', 1), encoding="utf-8")
    broken = run_cli("certify", "--verify")
    assert broken.exit_code == 1 and "untrusted" in broken.stdout
