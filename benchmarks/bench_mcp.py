"""``hub mcp verify`` over N stdio MCP servers (the tests' FastMCP fixture), wall clock.

Usage: python benchmarks/bench_mcp.py [--servers 20] [--runs 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "tests" / "fixtures" / "mcp" / "honest.py"
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
    args:
      - {server}
  actions:
    - name: get_forecast
      risk: low
"""


def build(folder: Path, servers: int) -> list[str]:
    """A registry (the shipped example plus N server Tools), every Tool pinned."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data = ROOT / "src" / "hubrails" / "_data"
    data = data if data.exists() else ROOT
    shutil.copy(data / "hub.yaml", folder / "hub.yaml")
    shutil.copytree(data / "registry", folder / "registry")
    names = [f"bench-{i:02d}" for i in range(servers)]
    for name in names:
        text = MANIFEST.format(
            name=name, python=json.dumps(sys.executable), server=json.dumps(str(SERVER))
        )
        (folder / "registry" / "tools" / f"{name}.yaml").write_text(text, encoding="utf-8")
        subprocess.run(
            [HUB, "mcp", "probe", name, "--write", "--root", folder],
            check=True,
            capture_output=True,
        )
    return names


def main() -> None:
    """Time ``hub mcp verify`` over every benchmark Tool."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hub-bench-mcp")
    args = parser.parse_args()
    names = build(args.out, args.servers)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        done = subprocess.run(
            [HUB, "mcp", "verify", *names, "--root", args.out], capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"verify failed ({done.returncode}): {done.stdout}{done.stderr}")
    print(
        f"| `hub mcp verify`, {args.servers} stdio servers | < 5 s | "
        f"{statistics.median(times):.2f} s median of {args.runs} |"
    )


if __name__ == "__main__":
    main()
