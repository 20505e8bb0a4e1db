"""Rewriting a Tool manifest's spec.mcp and spec.actions, keeping everything else."""

from __future__ import annotations

import pytest
import yaml

from hubrails.core.mcp.write import rewrite
from hubrails.errors import HubError

TEXT = """\
# top comment
kind: Tool
spec:
  status: vetted  # why it is vetted
  mcp:
    transport: stdio
    command: server
  # the actions, reviewed
  actions:
    - name: one
      risk: low

  # after the actions
  scopes: []
"""


def test_only_the_two_blocks_change() -> None:
    mcp = {"transport": "stdio", "command": "server", "server": {"name": "s", "version": "1"}}
    actions = [{"name": "one", "risk": "low", "fingerprint": "sha256:" + "0" * 64}]
    out = rewrite(TEXT, mcp, actions)
    assert yaml.safe_load(out)["spec"] == {
        "status": "vetted",
        "mcp": mcp,
        "actions": actions,
        "scopes": [],
    }
    for kept in ("# top comment", "# why it is vetted", "# the actions, reviewed", "# after"):
        assert kept in out
    assert out.index("# after the actions") < out.index("scopes: []")


def test_a_flow_style_block_is_refused() -> None:
    with pytest.raises(HubError, match="flow-style"):
        rewrite(TEXT.replace("    - name: one\n      risk: low\n", "    []\n"), {}, [])
