"""``hub promote --format json``: a promotion as one indented document with every field (a
tool's actions, the lineage, the push; a dry run says ``promoted: false``), and refusals and
usage errors as the same kind of document."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

from hubrails.core.promote.outcome import (
    AgentUse,
    Lineage,
    Promotion,
    PullRequest,
    Pushed,
    ToolUse,
)
from hubrails.errors import ConfigError, HubError, PromotionError
from hubrails.render.json.promotion import render_promotion, render_refusal
from tests.promotions import promotion

PROMOTION = promotion(
    lineage=Lineage("support", "1.0.0", "c" * 40, "/repo"),
    message="feat(skills): promote support/triage — für alle\n",
    removed=(),
    tools=(ToolUse("jira", "^1.0.0", "vetted", "medium"),),
    agents=(AgentUse("bot", "support", "registry/spokes/support/agents/bot.yaml", "certified"),),
    reviewers=(),
    pull_request=PullRequest("the title", "the body\n"),
)


def document(promotion: Promotion) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    render_promotion(promotion, out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return out.getvalue(), data


def refusal(error: HubError) -> dict[str, Any]:
    out = io.StringIO()
    render_refusal(error, out)
    assert out.getvalue().endswith("}\n")
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_a_promotion_has_every_field_lists_for_tuples_and_null_for_what_is_absent() -> None:
    text, data = document(PROMOTION)
    assert text.startswith("{\n  ") and text.endswith("}\n")
    assert sorted(data) == sorted(
        ["skill", "team", "owner", "branch", "base", "base_name", "source_folder",
         "target_folder", "lineage", "message", "commit", "update", "files", "removed", "tools",
         "agents", "reviewers", "pull_request", "dry_run", "pushed", "diff", "notes",
         "promoted"]
    )  # fmt: skip
    assert data["promoted"] is True and data["dry_run"] is False
    assert (data["pushed"], data["removed"], data["notes"]) == (None, [], [])
    assert data["tools"] == [
        {"name": "jira", "version": "^1.0.0", "status": "vetted", "risk": "medium", "actions": []}
    ]
    assert data["agents"][0]["certification"] == "certified"
    assert data["pull_request"] == {"title": "the title", "body": "the body\n", "url": None}


def test_a_pushed_promotion_has_its_tools_actions_its_lineage_and_the_push() -> None:
    pushed = replace(
        PROMOTION,
        tools=(ToolUse("jira", "^1.0.0", "vetted", "medium", (("search", "low"),)),),
        pushed=Pushed("origin", "[new branch]", "remote says hi"),
    )
    _, data = document(pushed)
    assert data["promoted"] is True
    assert data["tools"][0]["actions"] == [{"name": "search", "risk": "low"}]
    assert data["lineage"]["commit"] == "c" * 40
    assert data["pushed"]["summary"] == "[new branch]"


def test_a_dry_run_is_not_promoted_and_has_no_commit() -> None:
    _, data = document(replace(PROMOTION, dry_run=True, commit=None, diff="+x\n"))
    assert (data["promoted"], data["dry_run"], data["commit"]) == (False, True, None)
    assert data["diff"] == "+x\n"


def test_non_ascii_text_is_written_as_it_is() -> None:
    text, data = document(PROMOTION)
    assert "— für alle" in text and "\\u" not in text
    assert data["message"] == PROMOTION.message


def test_a_refusal_has_its_reason_message_hint_and_details() -> None:
    error = PromotionError("branch-exists", "taken", hint="h", details=["d"])
    assert refusal(error) == {
        "promoted": False,
        "reason": "branch-exists",
        "message": "taken",
        "hint": "h",
        "details": ["d"],
    }


def test_a_usage_error_without_a_place_is_its_message_and_hint_with_no_details() -> None:
    error = ConfigError("no skill 'x' in support", hint="hub catalog ls", details=["one"])
    assert refusal(error) == {
        "promoted": False,
        "reason": "usage",
        "message": "no skill 'x' in support",
        "hint": "hub catalog ls",
        "details": [],
    }


def test_a_usage_error_at_a_column_names_file_line_and_column() -> None:
    data = refusal(HubError("bad key", path="hub.yaml", line=3, column=7))
    assert data["message"] == "hub.yaml:3:7: bad key"
    assert data["hint"] == ""


def test_a_usage_error_at_a_line_names_file_and_line() -> None:
    assert refusal(HubError("bad", path="hub.yaml", line=3))["message"] == "hub.yaml:3: bad"
