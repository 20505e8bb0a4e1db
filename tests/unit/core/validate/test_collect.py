"""A report for every registry file: analysed now or taken from the index cache while the file
is unchanged (and analysed again when it changed or its stored report is damaged); files that
cannot be read (bad names, links out, too large) as findings; already-read files and single
files analysed exactly alike; in forked workers the same as in this process."""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path

import pytest

from hubrails.core import parallel
from hubrails.core.registry import layout
from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.registry.safeyaml import LoadError
from hubrails.core.validate import collect as collect_module
from hubrails.core.validate.collect import (
    _folders_of,
    _unlisted,
    analyse_loaded,
    analyse_now,
    collect,
    gc_paused,
    open_cache,
    refresh,
)
from hubrails.core.validate.index_cache import index_path
from tests.helpers import edit

JIRA = "registry/tools/jira.yaml"
SKILL_MD = "registry/skills/pr-review/SKILL.md"


@pytest.fixture
def config(registry: Path) -> HubConfig:
    return load_config(registry)


def rules(config: HubConfig, path: str) -> list[str]:
    (report,) = [r for r in collect(config, use_cache=False) if r.path == path]
    return [f.rule for f in report.findings]


def test_every_registry_file_has_one_report_in_path_order(config: HubConfig) -> None:
    reports = collect(config, use_cache=False)
    paths = [r.path for r in reports]
    assert paths == sorted(paths)
    assert JIRA in paths and SKILL_MD in paths and "registry/pricing.yaml" in paths
    assert "registry/skills/pr-review/references/review-checklist.md" not in paths  # not ours
    jira = next(r for r in reports if r.path == JIRA)
    assert jira.asset is not None and (jira.asset.kind, jira.asset.name) == ("Tool", "jira")


def test_without_the_cache_nothing_is_written(config: HubConfig) -> None:
    collect(config, use_cache=False)
    assert not index_path(config).exists()
    assert not open_cache(config, use_cache=False).keeps


def test_a_warm_run_gives_the_reports_of_a_cold_one(config: HubConfig) -> None:
    cold = collect(config, use_cache=False)
    assert collect(config) == cold
    assert index_path(config).is_file()
    assert collect(config) == cold


def test_a_changed_file_is_analysed_again(config: HubConfig) -> None:
    collect(config)
    edit(config.root / JIRA, "name: jira", "name: jira-renamed")
    (jira,) = [r for r in collect(config) if r.path == JIRA]
    assert jira.asset is not None and jira.asset.name == "jira-renamed"
    assert jira == next(r for r in collect(config, use_cache=False) if r.path == JIRA)


def test_refresh_without_load_returns_only_what_it_analysed(config: HubConfig) -> None:
    store = open_cache(config)
    first = refresh(config, store, load=False)
    assert first.saved
    assert sorted(first.reports) == first.paths  # a first run analyses every file
    edit(config.root / JIRA, "name: jira", "name: jira-two")
    again = refresh(config, open_cache(config), load=False)
    assert again.paths == first.paths
    assert list(again.reports) == [JIRA]
    assert list(refresh(config, open_cache(config), load=False).reports) == []


def test_a_removed_file_is_forgotten(config: HubConfig) -> None:
    collect(config)
    (config.root / JIRA).unlink()
    assert JIRA not in [r.path for r in collect(config)]
    assert open_cache(config).stored(JIRA) is None


def test_a_stored_report_that_no_longer_decodes_is_analysed_again(config: HubConfig) -> None:
    expected = collect(config, use_cache=False)
    collect(config)
    db = sqlite3.connect(index_path(config))
    with db:
        db.execute("UPDATE reports SET report = x'00' WHERE path = ?", (JIRA,))
    db.close()
    path = config.root / JIRA
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # stat differs
    assert collect(config) == expected


def test_a_file_name_that_is_not_utf8_is_reported_escaped_and_not_read(
    config: HubConfig,
) -> None:
    tools = os.fsencode(config.root / "registry" / "tools")
    with open(tools + b"/caf\xe9.yaml", "wb") as file:  # noqa: PTH123 - a bytes path
        file.write(b"not: [valid\n")
    for use_cache in (False, True, True):
        (report,) = [r for r in collect(config, use_cache=use_cache) if "caf" in r.path]
        assert report.path == "registry/tools/caf\\351.yaml"
        assert [f.rule for f in report.findings] == ["file-name-encoding"]


def test_a_linked_folder_leading_outside_is_a_finding(config: HubConfig, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    (config.root / "registry" / "tools" / "linked").symlink_to(outside)
    (report,) = [r for r in collect(config) if "linked" in r.path]
    assert report.path == "registry/tools/linked"
    (finding,) = report.findings
    assert (finding.rule, finding.message) == (
        "symlink-outside",
        "linked folder leads outside the repository",
    )


def test_a_file_over_the_limit_is_a_finding(registry: Path) -> None:
    edit(registry / "hub.yaml", "max_file_bytes: 1048576", "max_file_bytes: 200")
    config = load_config(registry)
    assert config.max_file_bytes == 200
    assert "file-too-large" in rules(config, JIRA)


def test_the_unlisted_finding_says_why_the_folder_could_not_be_listed(tmp_path: Path) -> None:
    gone = _unlisted(str(tmp_path / "gone"))
    assert (gone.rule, gone.message) == (
        "folder-unreadable",
        "cannot list the folder (No such file or directory), so the files in it are not checked",
    )
    assert "chmod" in gone.hint
    assert "it changed while it was read" in _unlisted(str(tmp_path)).message


def test_analyse_now_gives_the_report_collect_gives(config: HubConfig) -> None:
    reports = {r.path: r for r in collect(config, use_cache=False)}
    assert analyse_now(config, JIRA) == reports[JIRA]
    assert analyse_now(config, SKILL_MD) == reports[SKILL_MD]
    assert analyse_now(config, "registry/skills/pr-review/references/review-checklist.md") is None


def test_analyse_loaded_makes_the_reports_collect_makes(config: HubConfig) -> None:
    reports = {r.path: r for r in collect(config, use_cache=False)}
    data = (config.root / JIRA).read_bytes()
    location = layout.classify(("tools", "jira.yaml"))
    assert location is not None
    error = LoadError("file-too-large", "too big", hint="smaller")
    loaded = analyse_loaded(
        [(JIRA, location, data), ("registry/tools/big.yaml", location, error)], None, 1000
    )
    assert loaded[0] == reports[JIRA]
    assert [(f.rule, f.message, f.hint) for f in loaded[1].findings] == [
        ("file-too-large", "too big", "smaller")
    ]
    assert analyse_loaded([], None, 1000) == []


def test_forked_workers_give_the_reports_of_this_process(
    config: HubConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = collect(config, use_cache=False)
    monkeypatch.setattr(collect_module, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(collect_module, "CHUNK", 7)
    monkeypatch.setattr(parallel, "cores", lambda: 2)  # forks even on a one-core machine
    assert collect(config, use_cache=False) == expected


def test_folders_of_names_each_folder_down_to_the_named_files(config: HubConfig) -> None:
    top = str(config.registry_dir)
    folders = _folders_of(config, ["registry/spokes/sre/agents/bot.yaml", "registry/pricing.yaml"])
    assert folders == {top, f"{top}/spokes", f"{top}/spokes/sre", f"{top}/spokes/sre/agents"}
    assert _folders_of(config, ["hub.yaml", "elsewhere/x.yaml"]) == frozenset()
    assert _folders_of(config, []) == frozenset()


def test_gc_paused_restores_the_collector_as_it_was() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
    gc.enable()


def _cache_rows(config: HubConfig) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(index_path(config))
    try:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("reports", "assets", "refs", "files")
        }
    finally:
        db.close()


@pytest.mark.parametrize("chunk", [1, 3])
def test_a_first_run_in_workers_packs_the_cache_rows_a_serial_one_writes(
    config: HubConfig, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Workers pack each chunk's blobs (packs of many sizes, one after another under one
    schema name) and the cache copies them: the rows are those a serial first run writes."""
    text = (config.registry_dir / "tools/filesystem-write.yaml").read_text(encoding="utf-8")
    for i in range(40):  # reports of every size: some packs' tables span pages, others not
        long = "Read and write files. " + "Words about the tool. " * (i * 9)
        (config.registry_dir / f"tools/copy-{i:02d}.yaml").write_text(
            text.replace("name: filesystem-write", f"name: copy-{i:02d}").replace(
                "Read and write files", long, 1
            ),
            encoding="utf-8",
        )
    collect(config)
    serial = _cache_rows(config)
    index_path(config).unlink()
    monkeypatch.setattr(collect_module, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(collect_module, "CHUNK", chunk)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    collect(config)
    packed = _cache_rows(config)
    assert all(packed[t] for t in ("reports", "assets", "refs"))
    for table in ("reports", "assets", "refs"):
        assert packed[table] == serial[table]
    assert [r[:2] for r in packed["files"]] == [r[:2] for r in serial["files"]]  # path, digest
    assert collect(config) == collect(config, use_cache=False)  # and they read back whole
