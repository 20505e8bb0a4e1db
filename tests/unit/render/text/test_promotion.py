"""``hub promote``'s text: a local-only promotion line by line, the notes, a pushed promotion
with its remote's message, the files it removed and the pull request's link, blank remote
messages left out, and a dry run's commit message and diff."""

from __future__ import annotations

import io
from dataclasses import replace

from hubrails.core.promote.outcome import (
    AgentUse,
    Lineage,
    Promotion,
    PullRequest,
    Pushed,
    ToolUse,
)
from hubrails.render.text.promotion import render_promotion
from tests.promotions import promotion

LOCAL = promotion(
    base="0123456789abcdef" + "0" * 24,
    lineage=Lineage("support", "1.0.0", "c" * 40, "/repo"),
    message="feat(skills): promote support/triage\n\nwhy\n",
    commit="fedcba9876543210" + "f" * 24,
    files=("registry/skills/triage/skill.yaml", "registry/skills/triage/SKILL.md"),
    removed=(),
    tools=(),
    agents=(),
    reviewers=(),
    pull_request=PullRequest("Promote support/triage", "## Why\n\nbecause\n\n"),
    notes=("the skill's version stays 1.0.0",),
)

PUBLISHED = promotion(
    lineage=Lineage("support", "1.0.0", "c" * 40, "/repo"),
    message="feat(skills): promote support/triage to the hub library\n\nbody\n",
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
    render_promotion(promotion, out)
    return out.getvalue()


def test_a_local_only_promotion_says_it_was_not_pushed_and_has_no_link() -> None:
    assert text(LOCAL) == (
        "Promoted support/triage to registry/skills/triage/ (owner: platform)\n"
        "  branch   promote/support/triage  (from main at 0123456789ab)\n"
        "  commit   fedcba987654  feat(skills): promote support/triage\n"
        "  pushed   no (local branch only)\n"
        "  added    registry/skills/triage/skill.yaml\n"
        "  added    registry/skills/triage/SKILL.md\n"
        "  note     the skill's version stays 1.0.0\n"
        "\n"
        "Pull request: Promote support/triage\n"
        "\n"
        "## Why\n"
        "\n"
        "because\n"
    )


def test_a_pushed_promotion_has_the_remote_s_message_the_removed_files_and_the_link() -> None:
    out = text(PUBLISHED)
    assert out.startswith("Promoted support/triage to registry/skills/triage/ (owner: platform)")
    assert "  commit   dddddddddddd  feat(skills): promote support/triage" in out
    assert "  pushed   to origin: [new branch]\n  remote:  remote says hi" in out
    assert "  removed  registry/spokes/support/skills/triage/skill.yaml" in out
    assert "Open it at: https://github.com/a/b/compare/x" in out
    assert out.endswith("the body\n")


def test_blank_lines_of_the_remote_are_left_out() -> None:
    pushed = replace(LOCAL, pushed=Pushed("origin", "[new branch]", "\nCreate a PR:\n\n  url\n"))
    assert "  pushed   to origin: [new branch]\n  remote:  Create a PR:\n  remote:    url\n" in (
        text(pushed)
    )


def test_a_dry_run_shows_the_whole_commit_message_indented_and_the_diff() -> None:
    dry = text(replace(LOCAL, dry_run=True, commit=None, diff="+a\n-b\n\n", notes=()))
    assert dry.splitlines()[:12] == [
        "Would promote support/triage to registry/skills/triage/ (owner: platform)",
        "  branch   promote/support/triage  (from main at 0123456789ab)",
        "  added    registry/skills/triage/skill.yaml",
        "  added    registry/skills/triage/SKILL.md",
        "",
        "Commit message:",
        "",
        "    feat(skills): promote support/triage",
        "    ",
        "    why",
        "",
        "Diff:",
    ]
    assert "\nDiff:\n\n+a\n-b\n\nPull request: Promote support/triage\n" in dry
    assert "pushed" not in dry
