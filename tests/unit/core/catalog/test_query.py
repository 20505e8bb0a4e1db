"""``hub catalog`` queries on hand-built snapshots: kinds, listing with filters, finding one
asset, the owner of a new asset, what depends on an asset (transitively), and search scores."""

from __future__ import annotations

import json

import pytest

from hubrails.core.catalog.query import (
    Catalog,
    Dependent,
    find,
    impact,
    list_assets,
    owning_team,
    parse_kind,
    refuse_taken,
    search,
)
from hubrails.core.catalog.snapshot import Entry, Snapshot, Use
from hubrails.core.validate.reports import Asset
from hubrails.errors import HubError

Refs = dict[str, list[tuple[str, str | None, list[str]]]]


def entry(kind: str, name: str, **fields: object) -> Entry:
    folder = {"Team": "teams", "Tool": "tools", "Skill": "skills", "Agent": "agents"}
    path = f"registry/{folder.get(kind, kind.lower() + 's')}/{name}.yaml"
    return Entry(path, Asset(kind, name, 1, 1, **fields), 0)  # type: ignore[arg-type]


def snapshot(
    entries: list[Entry], refs: dict[str, list[tuple[str, str | None, list[str]]]]
) -> Snapshot:
    """A snapshot of ``entries`` where ``refs`` maps ``KIND/NAME`` to (referrer, version,
    actions), as the stored form keeps them: by position of the referrer."""
    ordered = sorted(entries, key=lambda e: e.path)
    at = {f"{e.asset.kind}/{e.asset.name}": i for i, e in enumerate(ordered)}
    edges = {
        target: json.dumps([[at[who], version, actions] for who, version, actions in uses])
        for target, uses in refs.items()
    }
    return Snapshot(tuple(ordered), edges)


PLATFORM = entry("Team", "platform", platform=True)
SRE = entry("Team", "sre")
GITHUB = entry("Tool", "github", team="platform", status="vetted", description="Read repos.")
SLACK = entry("Tool", "slack", team="platform", status="proposed", labels=(("chat", "ops"),))
REVIEW = entry("Skill", "pr-review", team="platform", description="Review a pull request.")
BOT = entry("Agent", "review-bot", team="sre", lifecycle="experimental")
ENTRIES = [PLATFORM, SRE, GITHUB, SLACK, REVIEW, BOT]
REFS: Refs = {
    "Tool/github": [("Skill/pr-review", "^1.0.0", ["read"]), ("Agent/review-bot", None, [])],
    "Skill/pr-review": [("Agent/review-bot", None, [])],
    "Team/platform": [("Tool/github", None, []), ("Skill/pr-review", None, [])],
    "Team/sre": [("Agent/review-bot", None, [])],
}
CATALOG = Catalog(snapshot(ENTRIES, REFS))


# parse_kind


@pytest.mark.parametrize("text", ["tool", "tools", "Tool", "TOOLS"])
def test_a_kind_is_named_in_any_case_singular_or_plural(text: str) -> None:
    assert parse_kind(text) == "Tool"


def test_an_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(HubError, match="unknown kind 'robot'") as caught:
        parse_kind("robot")
    assert caught.value.hint.startswith("kinds: skill, tool, guardrail, prompt, agent, team")


# Catalog


def test_a_spokes_catalog_lists_its_own_assets_first_and_the_hubs_prefixed() -> None:
    hub = snapshot([GITHUB, REVIEW], {"Tool/github": [("Skill/pr-review", "^1", ["read"])]})
    local = snapshot([BOT], {"Tool/github": [("Agent/review-bot", None, [])]})
    catalog = Catalog(local, hub)
    assert [e.path for e in catalog.entries] == [
        BOT.path,
        f"hub:{REVIEW.path}",
        f"hub:{GITHUB.path}",
    ]
    assert catalog.users("Tool", "github") == [
        Use(BOT, None, ()),
        Use(Entry(f"hub:{REVIEW.path}", REVIEW.asset, 0), "^1", ("read",)),
    ]


def test_an_asset_nobody_uses_has_no_users() -> None:
    assert CATALOG.users("Tool", "slack") == []
    assert CATALOG.users("Tool", "nothing") == []


# list_assets


def test_assets_are_listed_by_kind_then_name() -> None:
    assert [e.asset.name for e in list_assets(CATALOG)] == [
        "review-bot",
        "pr-review",
        "platform",
        "sre",
        "github",
        "slack",
    ]


def test_filters_combine_and_a_team_filter_includes_the_team_itself() -> None:
    assert list_assets(CATALOG, "Tool", status="vetted") == [GITHUB]
    assert list_assets(CATALOG, team="sre") == [BOT, SRE]
    assert list_assets(CATALOG, lifecycle="experimental") == [BOT]
    assert list_assets(CATALOG, "Tool", team="sre") == []


# find


def test_an_asset_is_found_by_name_or_kind_and_name() -> None:
    assert find(CATALOG, "github") == GITHUB
    assert find(CATALOG, "tool/github") == GITHUB
    assert find(CATALOG, "github", "tools") == GITHUB


def test_a_name_two_kinds_share_must_be_said_with_its_kind() -> None:
    catalog = Catalog(snapshot([*ENTRIES, entry("Prompt", "github")], {}))
    with pytest.raises(HubError, match="'github' names more than one asset") as caught:
        find(catalog, "github")
    assert caught.value.hint == "say which: prompt/github, tool/github"
    assert find(catalog, "prompt/github").asset.kind == "Prompt"


def test_an_unknown_name_suggests_close_ones_of_that_kind() -> None:
    with pytest.raises(HubError, match=r"^no Tool asset named 'githb'$") as caught:
        find(CATALOG, "tool/githb")
    assert caught.value.hint == "did you mean github?"
    with pytest.raises(HubError, match=r"^no asset named 'zzz'$") as caught:
        find(CATALOG, "zzz")
    assert caught.value.hint == "see 'hub catalog ls'"
    with pytest.raises(HubError, match="unknown kind"):
        find(CATALOG, "robot/github")


# refuse_taken


def test_a_taken_name_is_refused_only_for_its_kind() -> None:
    with pytest.raises(HubError, match=f"^Tool 'github' already exists: {GITHUB.path}$"):
        refuse_taken(CATALOG, "Tool", "github")
    refuse_taken(CATALOG, "Prompt", "github")


# owning_team


def test_a_new_asset_is_owned_by_the_team_given_else_hub_yamls_else_the_platform_team() -> None:
    assert owning_team(CATALOG, "sre", None) == ("sre", "platform")
    assert owning_team(CATALOG, None, "sre") == ("sre", "platform")
    assert owning_team(CATALOG, None, None) == ("platform", "platform")


def test_without_any_team_there_is_no_owner() -> None:
    with pytest.raises(HubError, match=r"^no owning team$"):
        owning_team(Catalog(snapshot([GITHUB], {})), None, None)


def test_a_team_that_does_not_exist_or_is_no_name_is_refused() -> None:
    with pytest.raises(HubError, match=r"^there is no team 'growth'$") as caught:
        owning_team(CATALOG, "growth", None)
    assert "teams are: platform, sre" in caught.value.hint
    with pytest.raises(HubError, match="is not a valid team name"):
        owning_team(CATALOG, "../etc", None)


def test_a_spoke_without_team_manifests_owns_only_for_its_own_team() -> None:
    spoke = Catalog(snapshot([BOT], {}))
    assert owning_team(spoke, "sre", "sre") == ("sre", None)
    with pytest.raises(HubError, match="this spoke belongs to team 'sre', not 'ops'"):
        owning_team(spoke, "ops", "sre")


# impact


def test_the_dependents_of_an_asset_are_found_transitively_nearest_first() -> None:
    assert impact(CATALOG, GITHUB) == [
        Dependent(BOT, 1, (), None, ()),
        Dependent(REVIEW, 1, (), "^1.0.0", ("read",)),
    ]
    assert impact(CATALOG, SLACK) == []


def test_a_dependent_through_another_names_the_way() -> None:
    tool = entry("Tool", "jira")
    refs: Refs = {**REFS, "Tool/jira": [("Skill/pr-review", None, [])]}
    catalog = Catalog(snapshot([*ENTRIES, tool], refs))
    assert impact(catalog, tool) == [
        Dependent(REVIEW, 1, (), None, ()),
        Dependent(BOT, 2, ("skill/pr-review",), None, ()),
    ]


def test_a_cycle_of_references_ends() -> None:
    a, b = entry("Skill", "a"), entry("Skill", "b")
    catalog = Catalog(
        snapshot([a, b], {"Skill/a": [("Skill/b", None, [])], "Skill/b": [("Skill/a", None, [])]})
    )
    assert impact(catalog, a) == [Dependent(b, 1, (), None, ())]


def test_a_teams_dependents_are_what_it_owns_and_no_further() -> None:
    assert [d.entry for d in impact(CATALOG, PLATFORM)] == [REVIEW, GITHUB]
    assert all(d.depth == 1 for d in impact(CATALOG, PLATFORM))


# search


def test_search_scores_the_name_above_labels_above_the_description() -> None:
    hits = search(CATALOG, "review")  # a name part in both: the tie goes by kind
    assert [(h.entry.asset.name, h.score) for h in hits] == [("review-bot", 6), ("pr-review", 6)]
    assert [(h.entry, h.score) for h in search(CATALOG, "pr-review")] == [(REVIEW, 20 + 6 + 6)]
    assert [(h.entry, h.score) for h in search(CATALOG, "ops")] == [(SLACK, 3)]
    assert [(h.entry, h.score) for h in search(CATALOG, "repos")] == [(GITHUB, 2)]
    assert [(h.entry, h.score) for h in search(CATALOG, "repo")] == [(GITHUB, 1)]
    assert [(h.entry, h.score) for h in search(CATALOG, "github")] == [(GITHUB, 20 + 10)]


def test_every_word_must_match() -> None:
    assert [h.entry for h in search(CATALOG, "Read REPOS")] == [GITHUB]
    assert search(CATALOG, "read chat") == []


def test_search_filters_by_kind_limits_and_skips_skill_documents() -> None:
    doc = entry("SkillDoc", "pr-review")
    catalog = Catalog(snapshot([*ENTRIES, doc], {}))
    assert [h.entry for h in search(catalog, "review", kind="Agent")] == [BOT]
    assert len(search(catalog, "review", limit=1)) == 1
    assert doc not in [h.entry for h in search(catalog, "pr-review")]


@pytest.mark.parametrize("text", ["", "  ", "!!", "--"])
def test_searching_for_nothing_is_an_error(text: str) -> None:
    with pytest.raises(HubError, match=r"^nothing to search for$"):
        search(CATALOG, text)
