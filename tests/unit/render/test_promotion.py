"""The promotion renderers on hand-built results."""

from __future__ import annotations

import io
import json

from hubrails.core.promote.outcome import (
    AgentUse,
    Lineage,
    Promotion,
    PullRequest,
    Pushed,
    ToolUse,
)
from hubrails.errors import HubError, PromotionError
from hubrails.render import PromotionFormat, promotion_renderer
from hubrails.render.json.promotion import render_refusal

PROMOTION = Promotion(
    skill="triage",
    team="support",
    owner="platform",
    branch="promote/support/triage",
    base="b" * 40,
    base_name="main",
    source_folder="registry/spokes/support/skills/triage",
    target_folder="registry/skills/triage",
    lineage=Lineage("support", "1.0.0", "c" * 40, "/repo"),
    message="feat(skills): promote support/triage to the hub library\n\nbody\n",
    commit="d" * 40,
    update=False,
    files=("registry/skills/triage/skill.yaml",),
    removed=("registry/spokes/support/skills/triage/skill.yaml",),
    tools=(ToolUse("jira", "^1.0.0", "vetted", "medium", (("search", "low"),)),),
    agents=(
        AgentUse("bot", "support", "registry/spokes/support/agents/bot.yaml", "not certified"),
    ),
    reviewers=("@acme/platform",),
    pull_request=PullRequest("the title", "the body\n", "https://github.com/a/b/compare/x"),
    pushed=Pushed("origin", "[new branch]", "remote says hi"),
)


def text(promotion: Promotion) -> str:
    out = io.StringIO()
    promotion_renderer(PromotionFormat.TEXT)(promotion, out)
    return out.getvalue()


def test_text_of_a_promotion() -> None:
    out = text(PROMOTION)
    assert out.startswith("Promoted support/triage to registry/skills/triage/ (owner: platform)")
    assert "  commit   dddddddddddd  feat(skills): promote support/triage" in out
    assert "  pushed   to origin: [new branch]\n  remote:  remote says hi" in out
    assert "  removed  registry/spokes/support/skills/triage/skill.yaml" in out
    assert "Open it at: https://github.com/a/b/compare/x" in out
    assert out.endswith("the body\n")


def test_text_of_a_dry_run() -> None:
    from dataclasses import replace

    out = text(replace(PROMOTION, dry_run=True, commit=None, pushed=None, diff="+x\n"))
    assert out.startswith("Would promote")
    assert "Commit message:\n\n    feat(skills)" in out
    assert "Diff:\n\n+x\n" in out
    assert "pushed" not in out


def test_json_of_a_promotion() -> None:
    out = io.StringIO()
    promotion_renderer(PromotionFormat.JSON)(PROMOTION, out)
    data = json.loads(out.getvalue())
    assert data["promoted"] is True
    assert data["tools"][0]["actions"] == [{"name": "search", "risk": "low"}]
    assert data["lineage"]["commit"] == "c" * 40
    assert data["pushed"]["summary"] == "[new branch]"


def test_refusals_and_usage_errors_as_json() -> None:
    out = io.StringIO()
    render_refusal(PromotionError("branch-exists", "taken", hint="h", details=["d"]), out)
    assert json.loads(out.getvalue()) == {
        "promoted": False,
        "reason": "branch-exists",
        "message": "taken",
        "hint": "h",
        "details": ["d"],
    }
    out = io.StringIO()
    render_refusal(HubError("bad", path="hub.yaml", line=3), out)
    assert json.loads(out.getvalue())["message"] == "hub.yaml:3: bad"
