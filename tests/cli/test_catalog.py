"""``hub catalog``: ls, show, uses and search on the example registry, end to end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.gitrepo import commit_all
from tests.helpers import edit, run_cli, write

AGENT_VIA_SKILL = """\
apiVersion: hubrails/v1
kind: Agent
metadata:
  name: pr-helper
  team: growth
  version: "1.0.0"
  description: Reviews pull requests through the pr-review skill only.
spec:
  model: claude-sonnet-4-5
  data_classification: internal
  skills:
    - name: pr-review
      version: "^1.0.0"
  logging: {enabled: true, retention_days: 90}
  telemetry: {enabled: true, exporter: otlp}
"""


def names(run_json: dict[str, list[dict[str, str]]], key: str) -> list[str]:
    return [f"{a['kind'].lower()}/{a['name']}" for a in run_json[key]]


def test_ls_lists_every_asset_by_kind_then_name(registry: Path) -> None:
    run = run_cli("catalog", "ls", "--format", "json")
    assert run.exit_code == 0, run.stderr
    listed = names(run.json(), "assets")
    assert listed == sorted(listed, key=lambda n: n.split("/"))
    assert "tool/github" in listed and "agent/incident-triage" in listed
    assert not any(n.startswith("skilldoc/") for n in listed)
    assert len(listed) == len(list((registry / "registry").rglob("*.yaml")))


def test_ls_filters(registry: Path) -> None:
    vetted = names(
        run_cli("catalog", "ls", "tools", "--status", "vetted", "-f", "json").json(), "assets"
    )
    assert "tool/github" in vetted and "tool/legacy-wiki" not in vetted
    assert all(n.startswith("tool/") for n in vetted)
    sre = run_cli("catalog", "ls", "--team", "sre", "-f", "json").json()["assets"]
    assert {a["name"] for a in sre} == {"sre", "incident-triage"}
    experimental = run_cli("catalog", "ls", "--lifecycle", "experimental", "-f", "json").json()
    assert "agent/release-notes" in names(experimental, "assets")
    assert {a["lifecycle"] for a in experimental["assets"]} == {"experimental"}
    assert run_cli("catalog", "ls", "widget").exit_code == 2


def test_ls_text_has_columns_and_a_count(registry: Path) -> None:
    run = run_cli("catalog", "ls", "tool")
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "VERSION", "TEAM", "STATE", "DESCRIPTION"]
    assert any(line.startswith("tool  github ") for line in lines)
    assert lines[-1] == "11 assets"


def test_show_resolves_references_and_lists_users(registry: Path) -> None:
    run = run_cli("catalog", "show", "skill/incident-summary", "-f", "json")
    assert run.exit_code == 0, run.stderr
    doc = run.json()
    assert doc["asset"]["path"] == "registry/skills/incident-summary/skill.yaml"
    assert doc["manifest"]["spec"]["tools"][0]["name"] == "pagerduty"
    refs = {(r["kind"], r["name"]): r for r in doc["references"]}
    assert refs["Tool", "pagerduty"]["resolved"] == "registry/tools/pagerduty.yaml"
    assert refs["Tool", "pagerduty"]["problems"] == []
    assert [u["name"] for u in doc["used_by"]] == ["incident-triage"]
    text = run_cli("catalog", "show", "incident-summary", "--kind", "skill").stdout
    assert "References" in text and "Used by (1 direct, 1 in all)" in text


def test_show_reports_a_broken_reference(registry: Path) -> None:
    agent = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    edit(agent, "name: runbook-lookup", "name: runbook-lookupp")
    doc = run_cli("catalog", "show", "incident-triage", "-f", "json").json()
    broken = next(r for r in doc["references"] if r["name"] == "runbook-lookupp")
    assert broken["resolved"] is None
    assert "no Skill named 'runbook-lookupp'" in broken["problems"][0]


def test_show_ambiguous_and_unknown_names_exit_2(registry: Path) -> None:
    run = run_cli("catalog", "show", "incident-summary")
    assert run.exit_code == 2
    assert "prompt/incident-summary, skill/incident-summary" in run.stderr
    run = run_cli("catalog", "show", "githubb")
    assert run.exit_code == 2
    assert "did you mean github" in run.stderr


def test_uses_is_transitive(registry: Path) -> None:
    write(registry, {"registry/spokes/growth/agents/pr-helper.yaml": AGENT_VIA_SKILL})
    run = run_cli("catalog", "uses", "tool/github", "-f", "json")
    assert run.exit_code == 0, run.stderr
    deps = {d["name"]: d for d in run.json()["dependents"]}
    assert deps["pr-review"]["depth"] == 1 and deps["pr-review"]["via"] == []
    assert deps["pr-helper"]["depth"] == 2
    assert deps["pr-helper"]["via"] == ["skill/pr-review"]
    assert deps["pr-helper"]["range"] == "^1.0.0"
    text = run_cli("catalog", "uses", "tool/github").stdout
    assert "skill/pr-review" in text and "dependents of tool/github" in text


def test_uses_of_an_unused_asset(registry: Path) -> None:
    run = run_cli("catalog", "uses", "tool/pastebin-share")
    assert run.exit_code == 0
    assert run.stdout == "nothing depends on tool/pastebin-share\n"


def test_uses_of_a_team_lists_what_it_owns(registry: Path) -> None:
    deps = run_cli("catalog", "uses", "team/sre", "-f", "json").json()["dependents"]
    assert [(d["kind"], d["name"], d["depth"]) for d in deps] == [("Agent", "incident-triage", 1)]


def test_search_ranks_names_first(registry: Path) -> None:
    run = run_cli("catalog", "search", "incident", "-f", "json")
    hits = run.json()["hits"]
    assert hits[0]["name"].startswith("incident-")
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert {h["name"] for h in hits} >= {"incident-summary", "incident-triage", "pagerduty"}
    labelled = run_cli("catalog", "search", "code-host", "-f", "json").json()["hits"]
    assert [h["name"] for h in labelled] == ["github"]
    both = run_cli("catalog", "search", "incident", "status", "page", "-f", "json").json()["hits"]
    assert both and all("status" in (h["description"] or "").lower() for h in both)
    assert run_cli("catalog", "search", "zzqx").stdout == "nothing matches 'zzqx'\n"
    assert run_cli("catalog", "search", "--", "---").exit_code == 2


def test_catalog_follows_edits_added_and_removed_files(registry: Path) -> None:
    assert "pr-helper" not in run_cli("catalog", "ls", "agent").stdout
    write(registry, {"registry/spokes/growth/agents/pr-helper.yaml": AGENT_VIA_SKILL})
    assert "pr-helper" in run_cli("catalog", "ls", "agent").stdout
    slack = registry / "registry/tools/slack.yaml"
    edit(slack, "version: ", "version: 9.9.9 #", 1)
    assert "9.9.9" in run_cli("catalog", "show", "tool/slack").stdout
    slack.unlink()
    assert "slack" not in run_cli("catalog", "ls", "tool").stdout


def test_snapshot_is_reused_while_nothing_changes(registry: Path) -> None:
    run_cli("catalog", "ls")
    snapshot = registry / ".hub/cache/catalog.json"
    built = snapshot.stat().st_mtime_ns
    assert run_cli("catalog", "ls").exit_code == 0
    assert snapshot.stat().st_mtime_ns == built


def test_a_file_edited_just_before_a_build_is_checked_again(registry: Path) -> None:
    tool = registry / "registry/tools/jira.yaml"
    tool.touch()  # modified now: too recent for its time to prove anything
    run_cli("catalog", "ls")
    stamp = tool.stat()
    edit(tool, 'version: "1.3.0"', 'version: "1.3.1"')  # same size
    os.utime(tool, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # and the same time
    assert "1.3.1" in run_cli("catalog", "show", "tool/jira").stdout


def test_catalog_outside_a_registry_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("catalog", "ls")
    assert run.exit_code == 2
    assert "no hub.yaml found" in run.stderr


def test_a_spokes_catalog_includes_its_hub(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "hub"), "--hub", "--example").exit_code == 0
    commit_all(tmp_path / "hub")  # the spoke reads the hub at hub.ref, main
    spoke = tmp_path / "spoke"
    args = ["--spoke", "--team", "growth", "--hub-url", "../hub"]
    assert run_cli("init", str(spoke), *args).exit_code == 0
    write(spoke, {"registry/agents/pr-helper.yaml": AGENT_VIA_SKILL})
    listed = run_cli("catalog", "ls", "--root", str(spoke), "-f", "json").json()["assets"]
    paths = {a["name"]: a["path"] for a in listed}
    assert paths["pr-helper"] == "registry/agents/pr-helper.yaml"
    assert paths["github"] == "hub:registry/tools/github.yaml"
    deps = run_cli("catalog", "uses", "tool/github", "--root", str(spoke), "-f", "json").json()
    assert {d["name"]: d["path"] for d in deps["dependents"]}["pr-helper"] == (
        "registry/agents/pr-helper.yaml"
    )
    shown = run_cli("catalog", "show", "skill/pr-review", "--root", str(spoke), "-f", "json")
    assert shown.exit_code == 0, shown.stderr
    assert shown.json()["asset"]["path"] == "hub:registry/skills/pr-review/skill.yaml"


def test_hub_option_names_the_hub_checkout(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "hub"), "--hub", "--example").exit_code == 0
    spoke = tmp_path / "spoke"
    args = ["--spoke", "--team", "growth", "--hub-url", "https://git.example.com/hub.git"]
    assert run_cli("init", str(spoke), *args).exit_code == 0
    hub = ["--root", str(spoke), "--hub", str(tmp_path / "hub"), "-f", "json"]
    listed = run_cli("catalog", "ls", "tools", *hub).json()["assets"]
    assert {a["name"]: a["path"] for a in listed}["github"] == "hub:registry/tools/github.yaml"


def test_an_unwritable_cache_only_costs_time(registry: Path) -> None:
    (registry / ".hub").mkdir()
    (registry / ".hub/cache").write_text("a file where a folder belongs\n")
    for _ in range(2):
        run = run_cli("catalog", "ls", "tool")
        assert run.exit_code == 0, run.stderr
        assert "github" in run.stdout


def test_edits_patch_the_snapshot_to_what_a_rebuild_gives(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [
        ("catalog", "ls", "-f", "json"),
        ("catalog", "uses", "tool/github", "-f", "json"),
        ("catalog", "uses", "tool/zendesk", "-f", "json"),
        ("catalog", "uses", "team/platform", "-f", "json"),
    ]
    run_cli("catalog", "ls")
    write(registry, {"registry/spokes/growth/agents/pr-helper.yaml": AGENT_VIA_SKILL})
    edit(registry / "registry/tools/slack.yaml", 'version: "1.4.0"', 'version: "1.5.0"')
    (registry / "registry/skills/customer-reply-draft/skill.yaml").unlink()
    edit(registry / "registry/prompts/changelog.yaml", "kind: Prompt", "kind: [Prompt")

    import hubrails.core.validate.run

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("a few edits must not rebuild the snapshot")

    with monkeypatch.context() as patch:
        patch.setattr(hubrails.core.validate.run, "collect", no_rebuild)
        patched = [run_cli(*q).json() for q in queries]
    (registry / ".hub/cache/catalog.json").unlink()
    assert [run_cli(*q).json() for q in queries] == patched
    names = {a["name"] for a in patched[0]["assets"]}
    assert "pr-helper" in names and "customer-reply-draft" not in names
    assert "changelog" not in names  # no longer parses
    assert "pr-helper" in {d["name"] for d in patched[1]["dependents"]}


@pytest.mark.parametrize("damage", ['{"key": 1}', "[]", "not json", ""])
def test_a_damaged_snapshot_is_rebuilt(registry: Path, damage: str) -> None:
    run_cli("catalog", "ls")
    snapshot = registry / ".hub/cache/catalog.json"
    snapshot.write_text(damage)
    run = run_cli("catalog", "ls", "tool")
    assert run.exit_code == 0, run.stderr
    assert "github" in run.stdout


def test_a_snapshot_with_the_right_key_but_broken_rows_is_rebuilt(registry: Path) -> None:
    import json

    run_cli("catalog", "ls")
    snapshot = registry / ".hub/cache/catalog.json"
    data = json.loads(snapshot.read_text())
    data["entries"][0] = ["x"]
    snapshot.write_text(json.dumps(data))
    run = run_cli("catalog", "ls", "tool")
    assert run.exit_code == 0, run.stderr
    assert "github" in run.stdout
