"""The scheduled GitHub workflow ``hub init --hub`` writes: ``hub mcp verify`` every day."""

from __future__ import annotations

import json
import re
import shlex

MCP_WORKFLOW = """\
# Every day, compare each vetted MCP server's live tools with the fingerprints pinned in
# registry/tools/ (hub mcp verify): the job fails the day a server changes a tool's
# description, input schema or annotations, drops a tool, or cannot be reached.
name: mcp-verify
on:
  schedule:
    - cron: "17 5 * * *"  # daily at 05:17 UTC
  workflow_dispatch:
permissions:
  contents: read
jobs:
  mcp-verify:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: astral-sh/setup-uv@v6  # uvx starts pypi servers; npx and docker come with the runner
      - name: Install hubrails with the MCP SDK
{install}
      - name: Verify live MCP servers against their pins
        # A stdio server sees only the variables its spec.mcp.env names: give them from secrets.
        # env:
        #   GITHUB_PERSONAL_ACCESS_TOKEN: ${{{{ secrets.GITHUB_PERSONAL_ACCESS_TOKEN }}}}
        run: hub mcp verify --format github
"""


def with_mcp(install: str) -> list[str]:
    """The pip requirements: ``install`` with hubrails' ``mcp`` extra (or the extra's own)."""
    extra, found = re.subn(r"^hubrails(?=\s*(==|@|$))", "hubrails[mcp]", install.strip())
    return [extra] if found else [install, "mcp>=1.30,<2", "rfc8785>=0.1.4"]


def mcp_workflow(install: str, caveat: str | None) -> str:
    """The workflow's text for the pip requirement ``install``."""
    command = "pip install " + " ".join(shlex.quote(r) for r in with_mcp(install))
    lead = f"        # {caveat}\n" if caveat else ""
    return MCP_WORKFLOW.format(install=f"{lead}        run: {json.dumps(command)}")
