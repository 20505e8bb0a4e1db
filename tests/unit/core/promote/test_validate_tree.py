"""``hub validate`` of a tree that exists only as git objects (the promotion branch before it
exists): the same reports as validating a checkout, links and odd names handled as
``collect`` does, and the per-user cache of reports by blob id."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from hubrails.core.promote.validate_tree import BlobCache, cache_home, validate_tree
from hubrails.core.registry import state
from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.collect import collect
from hubrails.core.validate.reports import Asset, FileReport
from hubrails.core.vcs import repository as vcs
from hubrails.core.vcs.objects import Entry
from hubrails.core.vcs.scratch_index import scratch
from tests.gitrepo import commit_all, hub_repo

Change = tuple[str, bytes] | None  # (mode, content), or None to remove the path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example hub, committed; the tests only build trees in scratch areas of it."""
    return hub_repo(tmp_path_factory.mktemp("validate-tree") / "hub")


def validated(
    root: Path,
    changes: dict[str, Change] | None = None,
    *,
    config: HubConfig | None = None,
    key: str = "key",
    seed: Path | None = None,
) -> tuple[list[FileReport], list[Finding]]:
    """Validate HEAD with ``changes`` staged in a scratch area (nothing on disk changes)."""
    config = config or load_config(root, remember=False)
    with vcs.Repository.open(root) as repo:
        head = repo.commit_of("HEAD")
        assert head is not None
        with scratch(repo, head) as area:
            staged: dict[str, Entry | None] = {}
            for path, change in (changes or {}).items():
                if change is None:
                    staged[path] = None
                else:
                    staged[path] = Entry(change[0], area.write_blob(path, change[1]), path)
            area.stage(staged)
            return validate_tree(area, area.write_tree(), "", config, key, seed)


def rules(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.path) for f in findings}


def test_the_reports_of_a_committed_tree_are_those_of_its_checkout(template: Path) -> None:
    reports, findings = validated(template)
    expected = sorted(collect(load_config(template), use_cache=False), key=lambda r: r.path)
    assert reports == expected
    assert len(reports) > 40
    assert findings == []


def test_what_is_staged_only_in_the_scratch_area_is_what_gets_validated(template: Path) -> None:
    tool = "registry/tools/github.yaml"
    before = (template / tool).read_bytes()
    reports, findings = validated(
        template,
        {
            tool: ("100644", b"kind: [Tool\n"),  # broken
            "registry/tools/slack.yaml": None,  # gone, while agents still use it
        },
    )
    assert ("yaml-syntax", tool) in rules(findings)
    assert all(r.path != "registry/tools/slack.yaml" for r in reports)
    unresolved = [f for f in findings if f.rule == "ref-unresolved"]  # the cross-checks ran
    assert ("ref-unresolved", "registry/spokes/sre/agents/incident-triage.yaml") in rules(findings)
    assert any("no Tool named 'slack'" in f.message for f in unresolved)
    assert all(f.severity is Severity.ERROR for f in unresolved)
    assert (template / tool).read_bytes() == before  # the checkout never changes


def test_hidden_folders_submodules_and_files_outside_the_layout_are_skipped(
    template: Path,
) -> None:
    broken = ("100644", b"kind: [Agent\n")
    reports, findings = validated(
        template,
        {
            "registry/spokes/.old/agents/x.yaml": broken,
            "registry/spokes/support/.drafts/agents/y.yaml": broken,
            "registry/tools/vendored": ("160000", b""),
        },
    )
    paths = {r.path for r in reports}
    assert not any(".old" in p or ".drafts" in p or "vendored" in p for p in paths)
    assert findings == []


def test_a_link_outside_the_repository_is_a_finding_and_one_inside_is_followed(
    template: Path,
) -> None:
    inside = "registry/tools/github.yaml"
    reports, findings = validated(
        template,
        {
            "registry/tools/escape.yaml": ("120000", b"../../../etc/passwd"),
            "registry/tools/absolute.yaml": ("120000", b"/etc/passwd"),
            "registry/prompts/gh-link.yaml": ("120000", b"../tools/github.yaml"),
            "registry/prompts/dangling.yaml": ("120000", b"nowhere.yaml"),
        },
    )
    assert {("symlink-outside", "registry/tools/escape.yaml")} <= rules(findings)
    assert {("symlink-outside", "registry/tools/absolute.yaml")} <= rules(findings)
    by_path = {r.path: r for r in reports}
    assert "registry/prompts/dangling.yaml" not in by_path
    linked, target = by_path["registry/prompts/gh-link.yaml"].asset, by_path[inside].asset
    assert linked is not None and target is not None
    assert linked.name == target.name == "github"


def test_a_file_over_the_size_limit_is_reported_not_parsed(template: Path) -> None:
    config = load_config(template, remember=False)
    small = dataclasses.replace(config, max_file_bytes=300)
    reports, _ = validated(template, config=small)
    big = [r.path for r in reports if any(f.rule == "file-too-large" for f in r.findings)]
    sizes = {p: (template / p).stat().st_size for p in big}
    assert big and all(size > 300 for size in sizes.values())
    assert all(r.asset is not None for r in reports if r.path not in big)


def test_a_file_name_that_is_not_utf8_is_reported_under_its_escaped_name(
    template: Path, tmp_path: Path
) -> None:
    root = hub_repo(tmp_path / "hub", template)
    (root / os.fsdecode(b"registry/tools/caf\xe9.yaml")).write_bytes(b"kind: Tool\n")
    commit_all(root, "a Latin-1 name")
    _, findings = validated(root)
    assert ("file-name-encoding", "registry/tools/caf\\351.yaml") in rules(findings)


def test_a_second_run_takes_unchanged_blobs_from_the_cache(template: Path) -> None:
    validated(template, key="hub-1")
    stored = json.loads(BlobCache("hub-1", "").path.read_bytes())
    assert "registry/tools/github.yaml" in stored["files"]
    # Plant a finding in the cached row: a run that reads the cache reports it.
    row = stored["files"]["registry/tools/github.yaml"]
    row[1][0].append(["planted", "warning", 1, 1, "from the cache", "", []])
    BlobCache("hub-1", "").path.write_text(json.dumps(stored), encoding="utf-8")
    _, findings = validated(template, key="hub-1")
    assert ("planted", "registry/tools/github.yaml") in rules(findings)
    _, elsewhere = validated(template, key="hub-2")  # another hub has its own cache
    assert ("planted", "registry/tools/github.yaml") not in rules(elsewhere)


def test_a_changed_blob_or_other_limits_miss_the_cache(template: Path) -> None:
    validated(template, key="hub")
    path = BlobCache("hub", "").path
    stored = json.loads(path.read_bytes())
    for row in stored["files"].values():
        row[1][0].append(["planted", "warning", 1, 1, "from the cache", "", []])
    path.write_text(json.dumps(stored), encoding="utf-8")
    tool = "registry/tools/github.yaml"
    changed = (template / tool).read_bytes() + b"# edited\n"
    _, findings = validated(template, {tool: ("100644", changed)}, key="hub")
    assert ("planted", tool) not in rules(findings)
    assert ("planted", "registry/tools/slack.yaml") in rules(findings)
    config = dataclasses.replace(load_config(template, remember=False), max_alias_nodes=77)
    _, findings = validated(template, config=config, key="hub")
    assert not any(f.rule == "planted" for f in findings)


def test_the_users_own_index_cache_is_consulted_by_content(template: Path, tmp_path: Path) -> None:
    config = load_config(template, remember=False)
    tool = "registry/tools/github.yaml"
    data = (template / tool).read_bytes()
    seed = tmp_path / "index.sqlite"
    mine = cache.IndexCache(seed, state.salt(config.max_file_bytes, config.max_alias_nodes, None))
    planted = Finding("planted", Severity.WARNING, tool, 1, 1, "from the index cache")
    (fresh,) = [r for r in collect(config, use_cache=False) if r.path == tool]
    mine.put(tool, state.digest(data), (1, 2, 3, 4), dataclasses.replace(fresh, findings=[planted]))
    assert mine.save()
    _, findings = validated(template, key="seeded", seed=seed)
    assert ("planted", tool) in rules(findings)
    assert tool in json.loads(BlobCache("seeded", "").path.read_bytes())["files"]  # kept too
    _, findings = validated(template, {tool: ("100644", data + b"# new\n")}, key="x", seed=seed)
    assert ("planted", tool) not in rules(findings)  # other content: computed afresh


# BlobCache and cache_home

REPORT = FileReport("registry/tools/a.yaml", asset=Asset("Tool", "a", 2, 1, team="platform"))


def test_the_cache_lives_under_xdg_cache_home_else_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_home() == tmp_path / "cache" / "hubrails" / "promote"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_home() == tmp_path / "home" / ".cache" / "hubrails" / "promote"
    assert BlobCache("k", "s").path.parent == cache_home()
    assert BlobCache("k", "s").path != BlobCache("other", "s").path


def test_a_report_is_found_again_only_for_the_same_path_and_blob() -> None:
    store = BlobCache("k", "salt")
    assert store.get(REPORT.path, "b1") is None
    store.put(REPORT.path, "b1", REPORT)
    store.save({REPORT.path})
    again = BlobCache("k", "salt")
    assert again.get(REPORT.path, "b1") == REPORT
    assert again.get(REPORT.path, "b2") is None
    assert again.get("registry/tools/b.yaml", "b1") is None
    assert BlobCache("k", "other salt").get(REPORT.path, "b1") is None


def test_saving_keeps_only_the_paths_still_in_the_tree() -> None:
    store = BlobCache("k", "salt")
    store.put(REPORT.path, "b1", REPORT)
    store.put("registry/tools/gone.yaml", "b2", REPORT)
    store.save({REPORT.path})
    assert set(json.loads(store.path.read_bytes())["files"]) == {REPORT.path}


def test_an_unchanged_cache_is_not_written() -> None:
    store = BlobCache("k", "salt")
    store.save({REPORT.path})
    assert not store.path.exists()


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b'{"salt": "salt", "files": []}', b"\xff"]
)
def test_a_damaged_cache_file_is_ignored(content: bytes) -> None:
    path = BlobCache("k", "salt").path
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert BlobCache("k", "salt").rows == {}


def test_a_damaged_row_is_a_miss() -> None:
    store = BlobCache("k", "salt")
    store.rows[REPORT.path] = ["b1", ["not", "a", "report"]]
    store.rows["registry/tools/b.yaml"] = ["b1", [[], ["Tool"], [], []]]
    assert store.get(REPORT.path, "b1") is None
    assert store.get("registry/tools/b.yaml", "b1") is None


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be", encoding="utf-8")
    store = BlobCache("k", "salt")
    store.put(REPORT.path, "b1", REPORT)
    store.save({REPORT.path})  # no error
    assert not store.path.exists()
