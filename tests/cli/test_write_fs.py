"""Commands that read a folder or write into the repository, and the filesystem: FIFOs are
never opened for a blocking read, nothing is written outside the repository, and a refused
command writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write

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
