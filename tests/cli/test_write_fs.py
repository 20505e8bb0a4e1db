"""Commands that read a folder or write into the repository, and the filesystem: FIFOs are
never opened for a blocking read, nothing is written outside the repository, and a refused
command writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli, write

SKILL = "---\nname: piped\ndescription: A skill with a FIFO in it.\n---\nBody.\n"


def _hub(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hubrails", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("linked", [False, True])
def test_import_refuses_a_fifo_in_the_folder(registry: Path, tmp_path: Path, linked: bool) -> None:
    write(tmp_path, {"piped/SKILL.md": SKILL})
    (tmp_path / "piped/scripts").mkdir()
    fifo = tmp_path / "piped/scripts/run.sh"
    if linked:
        os.mkfifo(tmp_path / "piped/fifo")
        fifo.symlink_to(tmp_path / "piped/fifo")
    else:
        os.mkfifo(fifo)
    done = _hub(registry, "import", "skill", str(tmp_path / "piped"))
    assert done.returncode == 2, done.stderr
    assert "not a regular file (a FIFO)" in done.stderr
    assert not (registry / "registry/skills/piped").exists()


def test_import_refuses_a_fifo_as_skill_md(registry: Path, tmp_path: Path) -> None:
    (tmp_path / "piped").mkdir()
    os.mkfifo(tmp_path / "piped/SKILL.md")
    done = _hub(registry, "import", "skill", str(tmp_path / "piped"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr


def _files(folder: Path) -> list[Path]:
    """Everything under ``folder`` but caches."""
    return sorted(p for p in folder.rglob("*") if ".hub" not in p.parts)


@pytest.mark.parametrize(
    ("team", "message"),
    [
        ("../../../tmp/x", "is not a valid team name"),
        ("ghost", "there is no team 'ghost'"),
    ],
)
def test_new_checks_the_team(registry: Path, tmp_path: Path, team: str, message: str) -> None:
    before = _files(tmp_path)
    run = run_cli("new", "agent", "foo", "--team", team)
    assert run.exit_code == 2
    assert message in run.stderr
    assert _files(tmp_path) == before
    assert run_cli("new", "agent", "foo", "--team", "sre").exit_code == 0


def test_import_skill_checks_the_team(registry: Path, tmp_path: Path) -> None:
    write(tmp_path, {"s/SKILL.md": "---\nname: teamless\ndescription: d\n---\n"})
    run = run_cli("import", "skill", str(tmp_path / "s"), "--team", "../../x")
    assert run.exit_code == 2
    assert "is not a valid team name" in run.stderr


def test_new_refuses_to_write_through_a_linked_folder(registry: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (registry / "registry/spokes/sre/agents").rename(tmp_path / "kept")
    (registry / "registry/spokes/sre/agents").symlink_to(outside, target_is_directory=True)
    run = run_cli("new", "agent", "foo", "--team", "sre")
    assert run.exit_code == 2
    assert "leads outside" in run.stderr
    assert list(outside.iterdir()) == []


def test_import_refuses_to_write_through_a_linked_folder(registry: Path, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "linked-out/SKILL.md": "---\nname: linked-out\ndescription: d\n---\n",
            "linked-out/x.md": "x",
        },
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    skills = registry / "registry/skills"
    skills.rename(tmp_path / "kept")
    skills.symlink_to(outside, target_is_directory=True)
    run = run_cli("import", "skill", str(tmp_path / "linked-out"))
    assert run.exit_code == 2
    assert "leads outside" in run.stderr
    assert list(outside.iterdir()) == []


def test_codeowners_refuses_to_write_through_a_linked_folder(
    registry: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (registry / ".github").symlink_to(outside, target_is_directory=True)
    run = run_cli("codeowners")
    assert run.exit_code == 2
    assert "leads outside" in run.stderr
    assert list(outside.iterdir()) == []


def test_init_writes_nothing_when_a_target_leads_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "registry").symlink_to(outside, target_is_directory=True)
    run = run_cli("init", str(repo), "--hub")
    assert run.exit_code == 2
    assert "leads outside" in run.stderr
    assert list(outside.iterdir()) == []
    assert [p.name for p in repo.iterdir()] == ["registry"]
