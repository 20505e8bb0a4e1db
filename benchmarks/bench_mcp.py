"""``hub mcp verify`` over N stdio MCP servers (the tests' FastMCP fixture), wall and CPU.

Usage: python benchmarks/bench_mcp.py [--servers 20] [--runs 3]
                                      [--server fastmcp|lowlevel|forked] [--out DIR]

``fastmcp`` starts each server as ``python honest.py`` (a cold Python process: ~0.8 s of CPU
for the SDK's imports alone); ``lowlevel`` as the same tools on the SDK's low-level server with
fewer imports (``mcp_lowlevel_server.py``); ``forked`` starts the same server from a fork server
(``mcp_forkserver.py``) in ~20 ms, which leaves ``hub``'s own cost. Prints the median wall
time (and its ratio to the floor: a Python process importing the SDK's client, which hub must
do too, timed in the same run), the CPU seconds of hub and of the servers, and the 1-minute
load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "tests" / "fixtures" / "mcp" / "honest.py"
FORKSERVER = Path(__file__).resolve().parent / "mcp_forkserver.py"
LOWLEVEL = Path(__file__).resolve().parent / "mcp_lowlevel_server.py"
HUB = Path(sys.executable).with_name("hub")

MANIFEST = """\
apiVersion: hubrails/v1
kind: Tool
metadata:
  name: {name}
  team: platform
  version: "1.0.0"
  description: A benchmark server.
spec:
  status: vetted
  risk: low
  data_classification: public
  scopes: []
  mcp:
    transport: stdio
    command: {python}
    args: {args}
  actions:
    - name: get_forecast
      risk: low
"""


def build(folder: Path, servers: int, args: list[str]) -> list[str]:
    """A registry (the shipped example plus N server Tools), every Tool pinned."""
    data = ROOT / "src" / "hubrails" / "_data"
    data = data if data.exists() else ROOT
    shutil.copy(data / "hub.yaml", folder / "hub.yaml")
    shutil.copytree(data / "registry", folder / "registry")
    names = [f"bench-{i:02d}" for i in range(servers)]
    for name in names:
        text = MANIFEST.format(name=name, python=json.dumps(sys.executable), args=json.dumps(args))
        (folder / "registry" / "tools" / f"{name}.yaml").write_text(text, encoding="utf-8")
        subprocess.run(
            [HUB, "mcp", "probe", name, "--write", "--root", folder],
            check=True,
            capture_output=True,
        )
    return names


def _ticks(pid: int) -> float:
    """CPU seconds of process ``pid`` and its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Time ``hub mcp verify`` over every benchmark Tool."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", choices=("fastmcp", "lowlevel", "forked"), default="fastmcp")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hub-bench-mcp")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    zygote = None
    command = [str(SERVER if args.server == "fastmcp" else LOWLEVEL)]
    if args.server == "forked":
        sock = str(args.out / "fork.sock")
        zygote = subprocess.Popen([sys.executable, str(FORKSERVER), "serve", sock])
        while not Path(sock).exists():
            time.sleep(0.05)
        command = ["-S", str(FORKSERVER), "connect", sock]
    try:
        names = build(args.out, args.servers, command)
        times, cpu, served, floors = [], [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()  # the floor: the client's SDK imports alone
            subprocess.run([sys.executable, "-c", "import mcp.client.session"], check=True)
            floors.append(time.perf_counter() - started)
            before, started = _children_cpu(), time.perf_counter()
            zygote_before = _ticks(zygote.pid) if zygote else 0.0
            done = subprocess.run(
                [HUB, "mcp", "verify", *names, "--root", args.out], capture_output=True, text=True
            )
            times.append(time.perf_counter() - started)
            cpu.append(_children_cpu() - before)
            served.append(_ticks(zygote.pid) - zygote_before if zygote else 0.0)
            if done.returncode != 0:
                sys.exit(f"verify failed ({done.returncode}): {done.stdout}{done.stderr}")
    finally:
        if zygote is not None:
            zygote.kill()
            zygote.wait()
    forked = f" + {statistics.median(served):.2f} s in the forked servers" if zygote else ""
    wall, floor = statistics.median(times), statistics.median(floors)
    print(
        f"| `hub mcp verify`, {args.servers} stdio servers ({args.server}) | < 5 s | "
        f"{wall:.2f} s median of {args.runs} (runs: {', '.join(f'{t:.2f}' for t in times)}), "
        f"{wall / floor:.1f}x the floor `import mcp.client.session` ({floor:.2f} s); CPU "
        f"{statistics.median(cpu):.2f} s (hub and the servers it started){forked}; "
        f"load {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
