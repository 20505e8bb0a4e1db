"""``hub catalog``'s text for ``ls``, ``search``, ``uses`` and ``show``: aligned columns with
descriptions clipped and a count, an asset's state (status, lifecycle when not production, its
errors), what an empty list or search says, the chain of a transitive dependent, the summary by
kind, and the blocks of ``show``."""

from __future__ import annotations

import io
from collections.abc import Callable

from hubrails.core.catalog.query import Dependent, Hit
from hubrails.core.catalog.show import AssetView, Resolved
from hubrails.core.catalog.snapshot import Entry, Use
from hubrails.core.validate.reports import Asset, Ref
from hubrails.render.text.catalog import render_impact, render_list, render_search, render_show

TOOL = Entry(
    "registry/tools/github.yaml",
    Asset("Tool", "github", 1, 1, "platform", "2.1.0", "production", "vetted", "Code\n  host"),
    0,
)
SKILL = Entry(
    "registry/skills/review/skill.yaml",
    Asset(
        "Skill",
        "review",
        1,
        1,
        "platform",
        "1.0.0",
        "deprecated",
        description="Review code",
        labels=(("area", "code"), ("tier", "1")),
    ),
    1,
)
AGENT = Entry("registry/spokes/sre/agents/bot.yaml", Asset("Agent", "bot", 1, 1, "sre"), 0)
FAR = Entry("x.yaml", Asset("Agent", "b2", 1, 1), 0)  # fmt: skip


def text(write: Callable[..., None], *args: object) -> str:
    out = io.StringIO()
    write(*args, out)
    return out.getvalue()


def test_a_list_is_aligned_columns_with_clipped_descriptions_and_a_count() -> None:
    tool = Entry(
        "registry/tools/github.yaml",
        Asset("Tool", "github", 1, 1, "platform", "1.2.0", "production", "approved",
              "Read   repos"),
        0,
    )  # fmt: skip
    agent = Entry(
        "registry/spokes/sre/agents/bot.yaml",
        Asset("Agent", "bot", 1, 1, "sre", None, "experimental", None, "x" * 70,
              labels=(("a", "b"),)),
        2,
    )  # fmt: skip
    assert text(render_list, [tool, agent]) == (
        "KIND   NAME    VERSION  TEAM      STATE                  DESCRIPTION\n"
        "tool   github  1.2.0    platform  approved               Read repos\n"
        f"agent  bot     -        sre       experimental,2 errors  {'x' * 59}…\n"
        "\n2 assets\n"
    )
    assert text(render_list, []) == "no assets match\n"


def test_search_ranks_hits_with_their_score_first_and_whitespace_folded() -> None:
    assert text(render_search, "code", [Hit(TOOL, 12), Hit(SKILL, 3)]) == (
        "SCORE  KIND   NAME    VERSION  TEAM      STATE               DESCRIPTION\n"
        "12     tool   github  2.1.0    platform  vetted              Code host\n"
        "3      skill  review  1.0.0    platform  deprecated,1 error  Review code\n"
    )


def test_a_search_without_hits_says_nothing_matches() -> None:
    assert text(render_search, "zz", []) == "nothing matches 'zz'\n"


def test_the_state_is_the_lifecycle_when_there_is_no_status_and_both_when_not_production() -> None:
    vetted_beta = Entry("t.yaml", Asset("Tool", "t", 1, 1, status="vetted", lifecycle="beta"), 3)
    rows = text(render_list, [AGENT, vetted_beta]).splitlines()
    assert rows[1].endswith("  production")
    assert rows[2].endswith("  vetted,beta,3 errors")


def test_uses_shows_each_dependent_and_the_chain_to_it_then_a_summary_by_kind() -> None:
    dependents = [
        Dependent(SKILL, 1, (), "^2.0.0", ()),
        Dependent(AGENT, 2, ("skill/review",), None, ()),
        Dependent(FAR, 3, ("skill/review", "agent/bot"), None, ()),
    ]
    assert text(render_impact, TOOL, dependents) == (
        "DEPTH  KIND   NAME    TEAM      RANGE   VIA                       PATH\n"
        "1      skill  review  platform  ^2.0.0  direct                    "
        "registry/skills/review/skill.yaml\n"
        "2      agent  bot     sre       -       skill/review              "
        "registry/spokes/sre/agents/bot.yaml\n"
        "3      agent  b2      -         -       skill/review → agent/bot  x.yaml\n"
        "\n3 dependents of tool/github (2 agents, 1 skill); 1 direct\n"
    )


def test_uses_counts_one_dependent_in_the_singular_and_says_when_there_is_none() -> None:
    one = text(render_impact, TOOL, [Dependent(AGENT, 1, (), None, ())])
    assert one.endswith("\n1 dependent of tool/github (1 agent); 1 direct\n")
    assert text(render_impact, SKILL, []) == "nothing depends on skill/review\n"


def test_show_has_identity_spec_references_and_users() -> None:
    found = Resolved(Ref("Tool", "github", "spec.tools[0]", 9, 5, "^2.0.0"), TOOL, ())
    lost = Resolved(Ref("Tool", "jira", "spec.tools[1]", 11, 5), None,
                    ("no Tool 'jira'", "unknown action"))  # fmt: skip
    view = AssetView(SKILL, {"spec": {"tools": ["github", "jira"], "note": "é"}}, (found, lost),
                     (Use(AGENT, "^1.0.0", ()),), 4)  # fmt: skip
    assert text(render_show, view) == (
        "Skill review 1.0.0\n"
        "  path:      registry/skills/review/skill.yaml\n"
        "  team:      platform\n"
        "  state:     deprecated,1 error\n"
        "  labels:    area=code, tier=1\n"
        "\n"
        "  Review code\n"
        "\n"
        "Spec\n"
        "  tools:\n"
        "  - github\n"
        "  - jira\n"
        "  note: é\n"
        "\n"
        "References\n"
        "KIND  NAME    RANGE   RESOLVES TO                       STATE\n"
        "tool  github  ^2.0.0  2.1.0 registry/tools/github.yaml  ok\n"
        "tool  jira    -       -                                 no Tool 'jira'; unknown action\n"
        "\n"
        "Used by (1 direct, 4 in all)\n"
        "KIND   NAME  RANGE   PATH\n"
        "agent  bot   ^1.0.0  registry/spokes/sre/agents/bot.yaml\n"
    )


def test_show_of_a_bare_asset_without_a_version_leaves_out_the_empty_parts() -> None:
    lines = text(render_show, AssetView(AGENT, {"kind": "Agent", "spec": {}}, (), (), 0))
    assert lines.splitlines() == [
        "Agent bot",
        "  path:      registry/spokes/sre/agents/bot.yaml",
        "  team:      sre",
        "  state:     production",
        "",
        "Used by (0 direct, 0 in all)",
        "  nothing",
    ]
