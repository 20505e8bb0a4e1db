"""From an empty folder, as a new user: the README's quick start, command by command, making
the edits that certify's failures name; then a spoke's path (init, an agent using hub assets,
validate, certify, promote, merge, validate again). Real ``hub`` processes, real git."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import commit_all, git

PROJECT = Path(__file__).resolve().parents[2]
HUB = Path(sys.executable).parent / "hub"
FIXTURES = PROJECT / "tests/fixtures/mcp"
SKILL_MD = """\
---
name: incident-summary
description: Summarise an incident from its timeline, for the postmortem.
---

Read the timeline and write a five-line summary: impact, cause, fix, follow-ups, owner.
"""
SPOKE_SKILL_MD = """\
---
name: sentiment-triage
description: Tell angry tickets from calm ones.
---

Label each ticket calm, annoyed or angry.
"""
EDIT = re.compile(r"set '([a-z_]+): ([a-z]+)' at (\S+?):(\d+)")


def quick_start() -> list[str]:
    """The commands of the README's quick start block, comments dropped, ``&&`` split."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        code = line.split("  #", 1)[0].strip()
        commands += [part.strip() for part in code.split("&&") if part.strip()]
    return commands


def hub(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"}  # one table row per line
    return subprocess.run(
        [str(HUB), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def apply_edits(root: Path, output: str) -> list[str]:
    """Make every edit that certify's failures name ("set 'KEY: VALUE' at FILE:LINE")."""
    done = []
    for key, value, path, line in sorted(set(EDIT.findall(output))):
        target = root / path
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        index = int(line) - 1
        assert re.match(rf"^\s*{key}:", lines[index]), (path, line, lines[index])
        lines[index] = re.sub(rf"({key}:\s*)\S+", rf"\g<1>{value}", lines[index], count=1)
        target.write_text("".join(lines), encoding="utf-8")
        done.append(f"{path}: {key}: {value}")
    return done


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with what the quick start asks the user to bring."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(FIXTURES / "with-package.json", work / "server.json")
    shutil.copy(FIXTURES / "tools-list-response.json", work / "tools.json")
    skill = Path(os.environ["HOME"]) / "skills/incident-summary"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(SKILL_MD, encoding="utf-8")
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    return work


def run_quick_start(work: Path) -> Path:
    cwd = work
    certify_failed = False
    for command in quick_start():
        home = os.environ["HOME"]
        words = [home + w[1:] if w.startswith("~/") else w for w in shlex.split(command)]
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        assert words[0] == "hub", command
        args = ["../" + a if a in ("server.json", "tools.json") else a for a in words[1:]]
        done = hub(cwd, *args)
        if args[:2] == ["certify", "--all"] and "--write" not in args:
            assert done.returncode == 1, done.stdout + done.stderr
            edits = apply_edits(cwd, done.stdout)
            assert edits == [
                "registry/spokes/sre/agents/incident-triage.yaml: data_classification: restricted",
                "registry/tools/local-weather.yaml: status: vetted",
            ], done.stdout
            certify_failed = True
            continue
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    assert certify_failed
    assert (cwd / "certificates/sre/incident-triage.json").is_file()
    return cwd


def test_the_readme_quick_start_certifies_a_real_agent(empty: Path) -> None:
    root = run_quick_start(empty)
    agent = (root / "registry/spokes/sre/agents/incident-triage.yaml").read_text()
    assert "name: incident-summary" in agent and "name: local-weather" in agent
    assert "Describe what" not in agent  # not the template description
    assert hub(root, "certify", "--verify").returncode == 0


def test_a_spokes_path_from_init_to_a_merged_promotion(empty: Path, tmp_path: Path) -> None:
    hub_root = run_quick_start(empty)
    commit_all(hub_root, "the hub")
    spoke = empty / "sre-agents"
    made = hub(empty, "init", str(spoke), "--spoke", "--team", "sre", "--hub-url", "../acme-hub")
    assert made.returncode == 0, made.stderr
    skill = tmp_path / "sentiment-triage"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SPOKE_SKILL_MD, encoding="utf-8")
    assert hub(spoke, "import", "skill", str(skill)).returncode == 0
    uses = ["--skill", "incident-summary", "--skill", "sentiment-triage", "--tool", "local-weather"]
    made = hub(spoke, "new", "agent", "pager", *uses, "-d", "Pages the on-call engineer.")
    assert made.returncode == 0, made.stderr
    validated = hub(spoke, "validate", "--require-hub")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    certified = hub(spoke, "certify", "pager")
    assert certified.returncode == 1
    assert apply_edits(spoke, certified.stdout) == [
        "registry/agents/pager.yaml: data_classification: restricted"
    ]
    assert hub(spoke, "certify", "pager", "--write").returncode == 0
    commit_all(spoke, "the pager agent")

    promoted = hub(spoke, "promote", "sentiment-triage")
    assert promoted.returncode == 0, promoted.stdout + promoted.stderr
    assert "next: once the pull request is merged, delete registry/skills/sentiment-triage/" in (
        promoted.stdout
    )
    git(hub_root, "merge", "-q", "--ff-only", "promote/sre/sentiment-triage")  # the review

    again = hub(spoke, "validate", "--fetch")
    assert again.returncode == 1
    assert "is also defined in the hub ../acme-hub: registry/skills/sentiment-triage" in (
        again.stdout
    )
    assert "delete this one, registry/skills/sentiment-triage/" in again.stdout
    shutil.rmtree(spoke / "registry/skills/sentiment-triage")
    commit_all(spoke, "the skill lives in the hub now")
    final = hub(spoke, "validate")
    assert final.returncode == 0, final.stdout
    assert hub(spoke, "certify", "pager").returncode == 0  # the agent now uses the hub's copy
