"""The assets of a registry by kind and name: the spoke's and the hub's (prefixed ``hub:``),
the models pricing provides, and the "did you mean" hints for unknown names."""

from __future__ import annotations

from hubrails.core.registry.versions import Verdicts
from hubrails.core.validate.asset_index import HUB_PREFIX, Index
from hubrails.core.validate.reports import Asset, FileReport

JIRA = Asset("Tool", "jira", 1, 1)
PRICING = Asset("Pricing", "default", 1, 1, provides=("sonnet", "opus"))


def report(path: str, asset: Asset | None) -> FileReport:
    return FileReport(path, asset=asset)


def test_assets_are_found_by_kind_and_name_with_their_files() -> None:
    index = Index([report("tools/jira.yaml", JIRA), report("notes.yaml", None)])
    assert index.get("Tool", "jira") == [("tools/jira.yaml", JIRA)]
    assert index.get("Tool", "slack") == []
    assert index.get("Agent", "jira") == []
    assert "Agent" not in index.by_kind  # looking up does not add the kind


def test_duplicates_are_all_kept_in_order() -> None:
    other = JIRA._replace(line=7)
    index = Index([report("a.yaml", JIRA), report("b.yaml", other)])
    assert index.get("Tool", "jira") == [("a.yaml", JIRA), ("b.yaml", other)]


def test_the_hub_assets_are_told_apart_by_their_prefix() -> None:
    index = Index([report("tools/jira.yaml", JIRA)], hub=[report("tools/jira.yaml", JIRA)])
    assert HUB_PREFIX == "hub:"
    assert index.get("Tool", "jira") == [("tools/jira.yaml", JIRA), ("hub:tools/jira.yaml", JIRA)]


def test_models_are_what_pricing_provides_here_and_in_the_hub() -> None:
    hub_pricing = PRICING._replace(provides=("haiku",))
    index = Index([report("pricing.yaml", PRICING)], hub=[report("pricing.yaml", hub_pricing)])
    assert index.models == {"sonnet", "opus", "haiku"}
    assert Index([report("tools/jira.yaml", JIRA._replace(provides=("x",)))]).models == set()


def test_defaults_are_empty_names_and_fresh_verdicts() -> None:
    index = Index([])
    assert index.names == {}
    assert isinstance(index.versions, Verdicts)
    verdicts = Verdicts()
    assert Index([], versions=verdicts).versions is verdicts


def test_suggest_names_the_closest_known_name() -> None:
    names = ["jira", "github", "slack", "pagerduty"]
    index = Index([report(f"{n}.yaml", JIRA._replace(name=n)) for n in names])
    assert index.suggest("Tool", "jirra") == "did you mean 'jira'?"
    assert index.suggest("Tool", "gihtub") == "did you mean 'github'?"
    assert index.suggest("Tool", "zzz") == ""
    assert index.suggest("Agent", "jira") == ""


def test_suggest_for_models_looks_at_what_pricing_provides() -> None:
    index = Index([report("pricing.yaml", PRICING)])
    assert index.suggest("Model", "sonet") == "did you mean 'sonnet'?"
    assert index.suggest("Pricing", "defalt") == "did you mean 'default'?"


def test_suggest_prefers_the_full_list_of_names_when_given() -> None:
    index = Index([report("jira.yaml", JIRA)], names={"Tool": ["jira", "slack"]})
    assert index.suggest("Tool", "slak") == "did you mean 'slack'?"
    assert Index([report("jira.yaml", JIRA)], names={"Tool": []}).suggest("Tool", "jir") == (
        "did you mean 'jira'?"
    )  # an empty list of names falls back on the reports


def test_suggest_falls_back_on_names_with_the_same_first_letter() -> None:
    index = Index([], names={"Tool": ["postgres-readonly", "pagerduty"]})
    assert index.suggest("Tool", "pstgres-readonly") == "did you mean 'postgres-readonly'?"
    assert index.suggest("Tool", "ostgres-readonly") == ""  # another first letter: not tried


def test_suggest_narrows_a_large_catalog_to_the_eight_names_closest_in_length() -> None:
    fillers = [f"abzzz{n}" for n in range(8)]  # as long as 'abcdef', but not alike
    seven = Index([], names={"Tool": [*fillers[:7], "abcdefgh"]})
    assert seven.suggest("Tool", "abcdef") == "did you mean 'abcdefgh'?"
    eight = Index([], names={"Tool": [*fillers, "abcdefgh"]})
    assert eight.suggest("Tool", "abcdef") == ""  # 'abcdefgh' is the ninth closest in length
