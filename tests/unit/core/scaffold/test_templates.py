"""The text of new manifests: every kind parses safely and is valid against its schema at once;
values of any content come back unchanged; an agent's skills and tools; a team's owners; a
waiver expiring in 30 days; a SKILL.md that agrees with its skill.yaml."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hubrails.core.registry.safeyaml import parse
from hubrails.core.registry.schemas import first_error
from hubrails.core.scaffold.templates import manifest, skill_doc

KINDS = ("Team", "Tool", "Skill", "Prompt", "Guardrail", "Agent", "Waiver")
TRICKY = 'Says "hi": it\'s #1 — a: b, {x}, [y] & *z\nsecond line'


def make(kind: str, name: str = "incident-summary", **options: Any) -> dict[str, Any]:
    options.setdefault("team", "sre")
    options.setdefault("description", "Summarises incidents.")
    text = manifest(kind, name, schema="../../schemas/x.schema.json", **options)
    doc = parse(text)
    assert first_error(kind, doc) is None, (kind, first_error(kind, doc))
    return doc.data


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_valid_at_once(kind: str) -> None:
    data = make(kind, owners=("@acme/sre",), email="sre@example.com")
    assert (data["apiVersion"], data["kind"]) == ("hubrails/v1", kind)
    assert data["metadata"]["name"] == "incident-summary"
    assert data["metadata"]["version"] == "0.1.0"
    assert data["metadata"]["lifecycle"] == "experimental"


def test_the_modeline_names_the_schema() -> None:
    text = manifest("Tool", "jira", schema="../schemas/tool.schema.json", team="a", description="d")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/tool.schema.json"


@pytest.mark.parametrize("kind", KINDS)
def test_a_description_of_any_content_comes_back_unchanged(kind: str) -> None:
    data = make(kind, description=TRICKY, owners=("@a",), email="a@example.com")
    assert data["metadata"]["description"] == TRICKY


def test_the_team_is_written_for_every_kind_but_a_team_and_only_when_given() -> None:
    assert make("Agent")["metadata"]["team"] == "sre"
    untouched = manifest("Tool", "jira", schema="s", team=None, description="d")
    assert "team:" not in untouched
    assert "team" not in make("Team", owners=("@a",), email="a@example.com")["metadata"]


def test_a_team_lists_its_owners_and_contact_and_says_whether_it_is_the_platform() -> None:
    owners = ("@acme/sre", "@some.one", "ops@example.com")
    team = make("Team", "sre", owners=owners, email="sre+x@example.com", platform=True)
    assert team["spec"]["owners"] == list(owners)
    assert team["spec"]["contact"] == {"email": "sre+x@example.com"}
    assert team["spec"]["platform"] is True
    assert team["spec"]["display_name"] == "Sre"
    assert make("Team", owners=("@a",), email="a@example.com")["spec"]["platform"] is False


def test_a_tool_is_proposed_and_high_risk_until_vetted() -> None:
    spec = make("Tool", "web-fetch")["spec"]
    assert (spec["status"], spec["risk"]) == ("proposed", "high")
    assert spec["mcp"]["args"] == ["-y", "@example/web-fetch-mcp"]
    assert spec["actions"][0]["annotations"]["destructiveHint"] is True


def test_a_prompt_keeps_its_template_braces_and_titles_itself() -> None:
    spec = make("Prompt", "sql-report")["spec"]
    assert spec["template"] == "You are Sql report. Answer the request below.\n\n{{ request }}\n"


def test_a_guardrail_takes_its_scope() -> None:
    assert make("Guardrail")["spec"]["scope"] == "hub"
    assert make("Guardrail", scope="team")["spec"]["scope"] == "team"


def test_an_agent_without_skills_or_tools_has_empty_lists() -> None:
    spec = make("Agent", model="claude-opus-4")["spec"]
    assert (spec["model"], spec["skills"], spec["tools"]) == ("claude-opus-4", [], [])


def test_an_agent_lists_its_skills_and_tools_with_ranges_and_actions() -> None:
    spec = make(
        "Agent",
        skills=(("incident-summary", "^1.0.0"), ("pr-review", ">=2 <3")),
        tools=(("github", "^2.0.0", ("search_code", "get_file")), ("jira", "~1.2", ("search",))),
    )["spec"]
    assert spec["skills"] == [
        {"name": "incident-summary", "version": "^1.0.0"},
        {"name": "pr-review", "version": ">=2 <3"},
    ]
    assert spec["tools"] == [
        {"name": "github", "version": "^2.0.0", "actions": ["search_code", "get_file"]},
        {"name": "jira", "version": "~1.2", "actions": ["search"]},
    ]


def test_a_waiver_expires_in_thirty_days() -> None:
    spec = make("Waiver")["spec"]
    assert spec["expires"] == (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    assert isinstance(spec["expires"], str)  # quoted: not a YAML date


def test_an_unknown_kind_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        manifest("Pricing", "x", schema="s", team=None, description="d")


def test_a_skill_doc_agrees_with_its_manifest() -> None:
    text = skill_doc("incident-summary", TRICKY)
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    assert parse(front).data == {"name": "incident-summary", "description": TRICKY}
    assert body.lstrip().startswith("# Incident summary\n")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["42", "007", "yes", "null", "2026-01-01", "0x1f"])
def test_a_name_yaml_would_read_as_another_type_is_quoted(kind: str, name: str) -> None:
    data = make(kind, name, team=name, owners=("@acme/sre",), email="sre@example.com")
    assert data["metadata"]["name"] == name
    if kind != "Team":
        assert data["metadata"]["team"] == name


def test_an_agents_skill_tool_and_action_names_stay_strings() -> None:
    data = make("Agent", skills=(("42", "^1.0.0"),), tools=(("007", "^2.0.0", ("on", "run")),))
    assert data["spec"]["skills"][0]["name"] == "42"
    assert data["spec"]["tools"][0]["name"] == "007"
    assert data["spec"]["tools"][0]["actions"] == ["on", "run"]


def test_a_skill_doc_keeps_a_numeric_name_a_string() -> None:
    import yaml

    front = skill_doc("42", "Does things.").split("---")[1]
    assert yaml.safe_load(front)["name"] == "42"


def test_plain_names_stay_unquoted() -> None:
    text = manifest("Agent", "incident-summary", schema="x", team="sre", description="d")
    assert "  name: incident-summary\n" in text
    assert "  team: sre\n" in text
