"""The index cache: a report is reused only for the same content (or a stat that proves it),
under the same key; a cache that cannot be used is simply not used."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.index_cache import NO_STAT, IndexCache
from hubrails.core.validate.listings import RACY_NS
from hubrails.core.validate.reports import Asset, FileReport, Ref

PATH = "registry/agents/bot.yaml"
OLD = (120, 1_000, 1_000, 7)  # size, mtime, ctime, inode: changed long before it is hashed


def report() -> FileReport:
    return FileReport(
        PATH,
        [Finding("placeholder", Severity.WARNING, PATH, 3, 5, "owner", "fix")],
        Asset("Agent", "bot", 4, 9, "sre"),
        [Ref("Tool", "jira", "spec.tools[0]", 12, 7, "^1.0.0", ("search",))],
        {3: "  owner: '@your-org/x'"},
    )


def saved(tmp_path: Path, stat: tuple[int, int, int, int] = OLD, key: str = "k") -> Path:
    path = tmp_path / ".hub/cache/index.sqlite"
    cache = IndexCache(path, key)
    cache.put(PATH, "d1", stat, report())
    assert cache.save()
    return path


def test_a_saved_report_comes_back_whole(tmp_path: Path) -> None:
    cache = IndexCache(saved(tmp_path), "k")
    assert cache.stored(PATH) == report()
    assert cache.known_digest(PATH) == "d1"
    assert cache.names("Agent") == ["bot"]
    assert [(p, r.name) for p, r in cache.refs_to([("Tool", "jira")])] == [(PATH, "jira")]


def test_the_stat_proves_a_file_unchanged_only_when_it_changed_well_before_hashing(
    tmp_path: Path,
) -> None:
    cache = IndexCache(saved(tmp_path), "k")
    assert cache.by_stat(PATH, OLD) == report()
    assert cache.by_stat(PATH, (121, *OLD[1:])) is None  # another size
    racy = (120, time.time_ns(), time.time_ns(), 7)  # changed within the tick it was hashed in
    cache = IndexCache(saved(tmp_path / "racy", racy), "k")
    assert not cache.fresh(PATH, racy)
    assert racy[1] + RACY_NS > cache.stamps()[PATH][4]


def test_the_digest_decides_when_the_stat_does_not_and_the_stat_is_refreshed(
    tmp_path: Path,
) -> None:
    path = saved(tmp_path)
    cache = IndexCache(path, "k")
    touched = (120, 2_000, 2_000, 7)
    assert cache.by_digest(PATH, "other", touched) is None
    assert cache.by_digest(PATH, "d1", touched) == report()
    assert cache.save()
    assert IndexCache(path, "k").stamps()[PATH][:4] == touched
    assert cache.by_digest(PATH, "d1", NO_STAT) == report()  # a file with no stat: not stamped


def test_another_key_starts_afresh(tmp_path: Path) -> None:
    path = saved(tmp_path)
    other = IndexCache(path, "another version or other limits")
    assert other.stored(PATH) is None
    assert other.stamps() == {}


def test_a_read_only_cache_neither_creates_nor_changes_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "none/index.sqlite"
    cache = IndexCache(missing, "k", read_only=True)
    assert not cache.keeps
    cache.put(PATH, "d1", OLD, report())
    assert not cache.save()
    assert not missing.exists()
    consulted = IndexCache(saved(tmp_path), "k", read_only=True)
    assert consulted.stored(PATH) == report()


def test_a_cache_that_is_not_sqlite_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / ".hub/cache/index.sqlite"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database, maybe committed by someone")
    cache = IndexCache(path, "k")
    assert cache.stored(PATH) is None
    cache.put(PATH, "d1", OLD, report())
    cache.save()  # best effort: no exception either way


def test_pruned_files_are_forgotten(tmp_path: Path) -> None:
    path = saved(tmp_path)
    cache = IndexCache(path, "k")
    cache.prune(set())
    assert cache.save()
    again = IndexCache(path, "k")
    assert (again.stored(PATH), again.names("Agent")) == (None, [])


def test_a_cache_that_keeps_nothing_encodes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubrails.core.validate import index_cache

    def refuse(_report: FileReport) -> None:
        raise AssertionError("encoded for a cache that keeps nothing")

    monkeypatch.setattr(index_cache, "encode", refuse)
    cache = IndexCache(None, "k")  # ``hub validate --no-cache``
    cache.put(PATH, "d1", OLD, report())
    assert not cache.save()
