"""Ctrl-C in the middle of a promotion leaves the repository as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.gitrepo import bare_remote, git, hub_repo, make_dirty, snapshot
from tests.helpers import sigint_as_a_terminal_has_it

BRANCH = "refs/heads/promote/support/sentiment-triage"


def test_interrupt_during_the_push_puts_everything_back(tmp_path: Path, hub_template: Path) -> None:
    hub = hub_repo(tmp_path / "hub", hub_template)
    origin = bare_remote(tmp_path / "origin.git", hub)
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nsleep 8\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    make_dirty(hub)
    before = snapshot(hub)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "hubrails", "promote", "sentiment-triage"],
            cwd=hub,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "TMPDIR": str(scratch)},
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C would hit
            preexec_fn=sigint_as_a_terminal_has_it,
        )
    deadline = time.monotonic() + 60
    while not git(hub, "for-each-ref", BRANCH) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the branch exists and the push is under way
    assert git(hub, "for-each-ref", BRANCH), "the promotion never created its branch"
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == 130, errors.read_text()
    assert snapshot(hub) == before
    assert list(scratch.iterdir()) == []  # the scratch index and quarantine are gone
