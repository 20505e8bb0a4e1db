"""One command run as its own process, with its wall and CPU time and its peak memory.

The peak is taken by ``/usr/bin/time`` where it exists, not from ``wait4``: Linux carries the
resident peak of a process across ``exec``, so a child forked from the benchmark itself reports
at least the benchmark's own size (a 50,000-manifest benchmark made ``hub --version`` look like
293 MiB). ``/usr/bin/time`` forks the command from a small process.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

TIME = Path("/usr/bin/time")


class Measured(NamedTuple):
    """Wall and CPU seconds (the command's children included), exit code and peak MiB (the
    largest of the command and the children it waited for; 0 when unknown)."""

    wall: float
    cpu: float
    code: int
    peak_mib: int


def run(cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Measured:
    """Run ``cmd`` in ``cwd``, output thrown away."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        wrapped = [str(TIME), "-f", "%M", "-o", peak.name, *cmd] if TIME.exists() else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        words = peak.read().split()  # the last is the peak in KiB (after any "exited with")
    kib = int(words[-1]) if words and words[-1].isdigit() else 0
    code = os.waitstatus_to_exitcode(status)  # time exits with the command's code
    return Measured(wall, usage.ru_utime + usage.ru_stime, code, kib // 1024)
