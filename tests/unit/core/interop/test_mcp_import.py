"""Actions of ``hub import mcp``: the MCP annotation defaults."""

from __future__ import annotations

import pytest

from hubrails.core.interop.mcp_import import actions_from


@pytest.mark.parametrize(
    ("given", "destructive", "risk"),
    [
        ({"readOnlyHint": True}, False, "medium"),  # destructiveHint means nothing when read-only
        ({"readOnlyHint": True, "destructiveHint": True}, True, "medium"),
        ({"readOnlyHint": False}, True, "high"),
        ({}, True, "high"),
        ({"destructiveHint": False}, False, "medium"),
    ],
)
def test_destructive_hint_default_depends_on_read_only(
    given: dict[str, bool], destructive: bool, risk: str
) -> None:
    (action,) = actions_from([{"name": "t", "annotations": given}], [])
    assert action["annotations"]["destructiveHint"] is destructive
    assert action["risk"] == risk
