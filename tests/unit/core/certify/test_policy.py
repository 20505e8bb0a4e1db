"""Guardrail inheritance at the level of its functions: a layer reads only well-typed fields
with their lines, :func:`effective` merges hub, team and agent layers tightening each field in
its own direction, and a loosening value is recorded (not applied) naming both files."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from hubrails.core.certify.policy import (
    EffectivePolicy,
    Layer,
    Loosening,
    Source,
    effective,
    layer,
)
from hubrails.core.registry.safeyaml import parse


def one(level: str, path: str, **values: Any) -> Layer:
    """A layer setting ``values`` (field names with ``__`` for the dot), each on line 1."""
    return Layer(level, path, {k.replace("__", "."): (v, 1) for k, v in values.items()})


def test_a_layer_reads_each_well_typed_field_with_its_line() -> None:
    text = textwrap.dedent(
        """\
        spec:
          policy:
            logging:
              required: true
              min_retention_days: 30
            models:
              allow: [a, b]
            data:
              max_classification: internal
            unknown:
              field: 1
        """
    )
    found = layer("hub", "g.yaml", parse(text), ("spec", "policy"))
    assert found == Layer(
        "hub",
        "g.yaml",
        {
            "logging.required": (True, 4),
            "logging.min_retention_days": (30, 5),
            "models.allow": (["a", "b"], 7),
            "data.max_classification": ("internal", 9),
        },
    )


@pytest.mark.parametrize(
    "block",
    [
        "logging:\n  required: yes please",  # not a boolean
        "logging:\n  min_retention_days: true",  # a boolean is not a number
        "logging:\n  min_retention_days: .nan",  # no comparison holds for NaN
        "limits:\n  max_cost_usd_per_run: .inf",
        "models:\n  allow: [a, 1]",  # not all strings
        "models:\n  deny: a",  # not a list
        "data:\n  max_classification: secret",  # not on the scale
        "logging: [required]",  # the section is not a mapping
    ],
)
def test_an_ill_typed_value_takes_no_part(block: str) -> None:
    text = "spec:\n  policy:\n" + textwrap.indent(block, "    ") + "\n"
    assert layer("team", "t.yaml", parse(text), ("spec", "policy")).values == {}


def test_a_missing_or_malformed_policy_is_an_empty_layer() -> None:
    assert layer("agent", "a.yaml", parse("spec: {}\n"), ("spec", "guardrails", "policy")) == (
        Layer("agent", "a.yaml", {})
    )
    assert layer("hub", "g.yaml", parse("spec: [1]\n"), ("spec", "policy")).values == {}
    advisory = layer("hub", "g.yaml", parse("spec: {}\n"), ("spec", "policy"), required=False)
    assert not advisory.required


def test_no_layer_is_an_empty_policy() -> None:
    merged = effective([])
    assert merged == EffectivePolicy()
    assert merged.get("limits.max_cost_usd_per_run", 7) == 7
    assert merged.source("limits.max_cost_usd_per_run") is None
    assert merged.to_dict() == {}


@pytest.mark.parametrize(
    ("name", "hub", "team", "merged"),
    [
        ("logging.required", False, True, True),  # require: OR
        ("logging.min_retention_days", 30, 365, 365),  # minimum: the largest
        ("limits.max_cost_usd_per_run", 2.5, 1.5, 1.5),  # maximum: the smallest
        ("models.allow", ["a", "b", "c"], ["c", "a"], ["a", "c"]),  # allow: intersection
        ("models.deny", ["a"], ["b", "a"], ["a", "b"]),  # deny: union
        ("data.max_classification", "restricted", "internal", "internal"),  # the lower
        ("approval.required_for_risk", "high", "medium", "medium"),
    ],
)
def test_a_team_value_that_tightens_is_applied(name: str, hub: Any, team: Any, merged: Any) -> None:
    field = name.replace(".", "__")
    policy = effective(
        [one("hub", "h.yaml", **{field: hub}), one("team", "t.yaml", **{field: team})]
    )
    assert policy.get(name) == merged
    assert policy.loosenings == ()


@pytest.mark.parametrize(
    ("name", "hub", "team", "loose"),
    [
        ("logging.required", True, False, False),
        ("logging.min_retention_days", 30, 7, 7),
        ("limits.max_tool_calls_per_run", 40, 41, 41),
        ("data.max_classification", "internal", "restricted", "restricted"),
        ("approval.required_for_risk", "medium", "high", "high"),
    ],
)
def test_a_team_value_that_loosens_is_recorded_and_not_applied(
    name: str, hub: Any, team: Any, loose: Any
) -> None:
    field = name.replace(".", "__")
    policy = effective(
        [one("hub", "h.yaml", **{field: hub}), one("team", "t.yaml", **{field: team})]
    )
    assert policy.get(name) == hub
    assert policy.source(name) == Source("h.yaml", 1, "hub")
    [found] = policy.loosenings
    assert found == Loosening(
        name, loose, Source("t.yaml", 1, "team"), hub, (policy.values[name].sources)
    )


def test_an_allow_list_naming_more_still_narrows_and_records_the_extra() -> None:
    policy = effective(
        [
            one("hub", "h.yaml", models__allow=["a", "b"]),
            one("team", "t.yaml", models__allow=["b", "z"]),
        ]
    )
    assert policy.get("models.allow") == ["b"]
    [found] = policy.loosenings
    assert (found.field, found.value, found.base) == ("models.allow", ["z"], ["a", "b"])
    assert [s.path for s in policy.values["models.allow"].sources] == ["h.yaml", "t.yaml"]


def test_an_allow_list_naming_what_a_level_above_denies_is_a_loosening_of_the_deny_list() -> None:
    policy = effective(
        [one("hub", "h.yaml", models__deny=["x"]), one("agent", "a.yaml", models__allow=["x", "y"])]
    )
    [found] = policy.loosenings
    assert (found.field, found.value, found.base) == ("models.deny", ["x"], ["x"])
    assert found.source == Source("a.yaml", 1, "agent")


def test_peers_at_one_level_combine_without_loosening_each_other() -> None:
    policy = effective(
        [
            one("team", "t1.yaml", limits__max_cost_usd_per_run=2),
            one("team", "t2.yaml", limits__max_cost_usd_per_run=3),
        ]
    )
    assert policy.get("limits.max_cost_usd_per_run") == 2
    assert policy.loosenings == ()
    assert policy.source("limits.max_cost_usd_per_run") == Source("t1.yaml", 1, "team")


def test_the_order_of_levels_holds_whatever_the_order_of_the_layers() -> None:
    layers = [
        one("agent", "a.yaml", logging__min_retention_days=10),
        one("hub", "h.yaml", logging__min_retention_days=30),
    ]
    policy = effective(layers)
    assert policy.get("logging.min_retention_days") == 30
    assert [x.source.level for x in policy.loosenings] == ["agent"]


def test_a_value_equal_to_the_one_above_keeps_the_first_source() -> None:
    policy = effective(
        [
            one("hub", "h.yaml", logging__required=True),
            one("team", "t.yaml", logging__required=True),
        ]
    )
    assert policy.values["logging.required"].sources == (Source("h.yaml", 1, "hub"),)


def test_merging_on_a_base_keeps_its_values_and_loosenings() -> None:
    base = effective(
        [
            one("hub", "h.yaml", limits__max_cost_usd_per_run=2),
            one("team", "t.yaml", limits__max_cost_usd_per_run=9),
        ]
    )
    merged = effective([one("agent", "a.yaml", limits__max_cost_usd_per_run=1)], base)
    assert merged.get("limits.max_cost_usd_per_run") == 1
    assert merged.loosenings == base.loosenings
    assert merged.source("limits.max_cost_usd_per_run") == Source("a.yaml", 1, "agent")


def test_a_loosening_message_names_both_files() -> None:
    found = Loosening(
        "models.allow",
        ["z"],
        Source("t.yaml", 4, "team"),
        ["a", "b"],
        (Source("h.yaml", 7, "hub"), Source("g.yaml", 2, "hub")),
    )
    assert found.message() == (
        "t.yaml:4 sets models.allow to [z], looser than [a, b] from h.yaml:7, g.yaml:2; "
        "the looser value is not applied"
    )
    flag = Loosening("logging.required", False, Source("t.yaml", 3, "team"), True, ())
    assert flag.message(located=False).startswith(
        "sets logging.required to false, looser than true"
    )


def test_to_dict_is_sorted_and_names_every_source() -> None:
    policy = effective(
        [
            one("hub", "h.yaml", models__deny=["a"], logging__required=True),
            one("team", "t.yaml", models__deny=["b"]),
        ]
    )
    assert policy.to_dict() == {
        "logging.required": {
            "value": True,
            "sources": [{"path": "h.yaml", "line": 1, "level": "hub"}],
        },
        "models.deny": {
            "value": ["a", "b"],
            "sources": [
                {"path": "h.yaml", "line": 1, "level": "hub"},
                {"path": "t.yaml", "line": 1, "level": "team"},
            ],
        },
    }
    assert list(policy.to_dict()) == sorted(policy.to_dict())
