"""A promotion as ``hub promote`` reports it, for the tests of its data and its renderers: one
spoke skill moved into the hub library, each test changing only the fields it is about."""

from __future__ import annotations

import dataclasses

from hubrails.core.promote.outcome import AgentUse, Lineage, Promotion, PullRequest, ToolUse

LINEAGE = Lineage("support", "1.2.0", "c" * 40, "git@github.com:acme/support.git")


def promotion(**changes: object) -> Promotion:
    """support/triage promoted, with ``changes`` to its fields."""
    base = Promotion(
        skill="triage",
        team="support",
        owner="platform",
        branch="promote/support/triage",
        base="b" * 40,
        base_name="main",
        source_folder="registry/spokes/support/skills/triage",
        target_folder="registry/skills/triage",
        lineage=LINEAGE,
        message="feat(skills): promote support/triage to the hub library\n",
        commit="d" * 40,
        update=False,
        files=("registry/skills/triage/skill.yaml",),
        removed=("registry/spokes/support/skills/triage/skill.yaml",),
        tools=(ToolUse("github", "^1.0.0", "vetted", "low", (("read", "low"), ("write", "?"))),),
        agents=(AgentUse("responder", "support", "a.yaml", "not certified"),),
        reviewers=("@carol",),
        pull_request=PullRequest("title", "body", None),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
