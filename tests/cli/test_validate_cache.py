"""The index cache: one-file runs read it instead of every file, and must report exactly what
the whole run reports about those files, whatever changed since the cache was written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hubrails.core.registry.config import load_config
from hubrails.core.validate import collect as collect_module
from hubrails.core.validate import run as validate_module
from hubrails.core.validate.run import _concerns, validate
from tests.helpers import edit, expect_focused_runs_to_match, run_cli, write

TOOL = "registry/tools/github.yaml"
AGENT = "registry/spokes/sre/agents/incident-triage.yaml"
SKILL = "registry/skills/sql-report/skill.yaml"
CACHE = ".hub/cache/index.sqlite"


def fill(root: Path) -> None:
    """Write the cache, as a first run does, over files and folders last changed a minute ago
    (so that the cache trusts their stat: nothing changes within the racy window)."""
    past = (root / "hub.yaml").stat().st_mtime_ns - 60_000_000_000
    for path in [root / "registry", *(root / "registry").rglob("*")]:
        os.utime(path, ns=(past, past))
    assert validate(load_config(root)).files_checked > 0
    assert (root / CACHE).is_file()


def test_edits_made_after_the_cache_was_written(registry: Path) -> None:
    fill(registry)
    edit(registry / TOOL, '  version: "', '  version: "9')
    edit(registry / AGENT, "  team: sre\n", "  team: nobody\n")
    expect_focused_runs_to_match(registry, [TOOL, AGENT, SKILL, "registry/teams/sre.yaml"])
    assert any(
        f.rule == "ref-version" for f in validate(load_config(registry), [registry / TOOL]).findings
    )


def test_a_deleted_file_breaks_references_wherever_they_are(registry: Path) -> None:
    fill(registry)
    (registry / TOOL).unlink()
    found = validate(load_config(registry), [registry / "registry/teams/sre.yaml"]).findings
    assert any(f.rule == "ref-unresolved" and "'github'" in f.message for f in found)
    expect_focused_runs_to_match(registry, ["registry/teams/sre.yaml", SKILL])


def test_a_new_file_in_a_folder_the_cache_knows(registry: Path) -> None:
    fill(registry)
    shutil.copy(registry / TOOL, registry / "registry/tools/github-copy.yaml")
    found = validate(load_config(registry), [registry / TOOL]).findings
    copy = "registry/tools/github-copy.yaml"
    assert {(f.rule, f.path) for f in found} == {("duplicate-name", TOOL), ("duplicate-name", copy)}
    expect_focused_runs_to_match(registry, [TOOL, "registry/tools/github-copy.yaml"])


def test_a_renamed_folder(registry: Path) -> None:
    fill(registry)
    skills = registry / "registry/skills"
    (skills / "sql-report").rename(skills / "sql-reporting")
    moved = "registry/skills/sql-reporting/skill.yaml"
    assert "layout-name" in {
        f.rule for f in validate(load_config(registry), [registry / moved]).findings
    }
    expect_focused_runs_to_match(registry, [moved, "registry/skills/sql-reporting/SKILL.md"])


def test_a_change_that_keeps_size_and_time_is_still_seen(registry: Path) -> None:
    tool = registry / TOOL
    fill(registry)
    old = tool.stat().st_mtime_ns
    edit(tool, "  risk: high\n", "  risk: hihg\n")  # same size
    os.utime(tool, ns=(old, old))  # same modification time: only the change time tells
    found = validate(load_config(registry), [tool]).findings
    assert [f.rule for f in found] == ["schema-enum"]


def test_a_damaged_cache_is_rebuilt(registry: Path) -> None:
    fill(registry)
    (registry / CACHE).write_bytes(b"not a database" * 100)
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    expect_focused_runs_to_match(registry, [TOOL])
    assert (registry / CACHE).read_bytes().startswith(b"SQLite format 3")


def test_a_cache_that_cannot_be_written_changes_nothing_but_speed(registry: Path) -> None:
    write(registry, {".hub/cache": "a file where a folder belongs\n"})
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    expect_focused_runs_to_match(registry, [TOOL, AGENT])


def test_a_spoke_checked_against_its_hub(tmp_path: Path) -> None:
    hub, spoke = tmp_path / "hub", tmp_path / "spoke"
    assert run_cli("init", str(hub), "--hub", "--example").exit_code == 0
    args = ["--spoke", "--team", "sre", "--hub-url", "../hub"]
    assert run_cli("init", str(spoke), *args).exit_code == 0
    agent = "registry/agents/incident-triage.yaml"
    text = (hub / AGENT).read_text(encoding="utf-8")
    write(spoke, {agent: text})
    edit(spoke / agent, "    - name: pagerduty\n", "    - name: pagerdooty\n")
    config, hub_config = load_config(spoke), load_config(hub)
    full = validate(config, hub=hub_config, use_cache=False).findings
    for _ in range(2):  # a cold cache, then a warm one
        focused = validate(config, [spoke / agent], hub=hub_config).findings
        assert focused == [f for f in full if _concerns(f, {agent})]
    assert any(f.rule == "ref-unresolved" and "pagerdooty" in f.message for f in focused)
    edit(hub / TOOL, "  name: github\n", "  name: gitlab\n")  # the hub changes too
    full = validate(config, hub=hub_config, use_cache=False).findings
    focused = validate(config, [spoke / agent], hub=hub_config).findings
    assert focused == [f for f in full if _concerns(f, {agent})]
    assert any("'github'" in f.message for f in focused)


def test_concurrent_one_file_runs_agree(registry: Path) -> None:
    """pre-commit splits the changed files across processes that share one cold cache."""
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    paths = [TOOL, AGENT, SKILL, "registry/teams/sre.yaml"]
    command = [sys.executable, "-m", "hubrails", "validate", "--format", "json"]
    runs = [
        subprocess.Popen([*command, path], cwd=registry, stdout=subprocess.PIPE, text=True)
        for path in paths
    ]
    outputs = [json.loads(run.communicate()[0])["findings"] for run in runs]
    config = load_config(registry)
    full = validate(config, use_cache=False).findings
    for path, output in zip(paths, outputs, strict=True):
        assert output == [f.to_dict() for f in full if _concerns(f, {path})], path


def test_many_files_asked_about_get_the_same_answer_from_the_whole_run(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    config, folder = load_config(registry), registry / "registry/tools"
    focused = validate(config, [folder]).findings
    monkeypatch.setattr(validate_module, "FOCUS_LIMIT", 0)
    assert validate(config, [folder]).findings == focused
    assert any(f.rule == "schema-enum" for f in focused)


def test_forked_workers_find_what_one_process_finds(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(registry / TOOL, "  risk: high\n", "  risk: extreme\n")
    edit(registry / AGENT, "  team: sre\n", "  team: nobody\n")
    config = load_config(registry)
    alone = validate(config, use_cache=False)
    reports = collect_module.collect(config, use_cache=False)
    monkeypatch.setattr(collect_module, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(collect_module, "CHUNK", 3)
    assert collect_module.collect(config, use_cache=False) == reports
    shared = validate(config, use_cache=False)
    assert (shared.findings, shared.files_checked) == (alone.findings, alone.files_checked)
    assert validate(config).findings == alone.findings  # the cache filled by workers
    assert {"schema-enum", "spoke-team"} <= {f.rule for f in alone.findings}


def test_no_cache_neither_reads_nor_writes_the_index(registry: Path) -> None:
    assert run_cli("validate", "--no-cache").exit_code == 0
    assert not (registry / ".hub" / "cache" / "index.sqlite").exists()
