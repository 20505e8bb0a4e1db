"""The index cache's queries for one-file runs: reports, assets and references by path, kind and
name, in chunks past SQLite's parameter limit; references no asset answers; no database, no
rows. The rows are written by the real :class:`IndexCache`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hubrails.core.validate.index_cache import NO_STAT, IndexCache
from hubrails.core.validate.index_queries import _CHUNK, IndexQueries
from hubrails.core.validate.reports import Asset, FileReport, Ref

BOT = "spokes/sre/agents/bot.yaml"
JIRA = "tools/jira.yaml"
NOTES = "spokes/sre/notes.yaml"
BOT_ASSET = Asset("Agent", "bot", 1, 1, "sre")
JIRA_ASSET = Asset("Tool", "jira", 1, 1)
TO_JIRA = Ref("Tool", "jira", "spec.tools[0]", 5, 9)
TO_SLACK = Ref("Tool", "slack", "spec.tools[1]", 6, 9)
TO_MODEL = Ref("Model", "gpt-9", "spec.model", 7, 10)
MENTION = Ref("Mention", "nobody", "spec.instructions", 8, 3)


def filled(tmp_path: Path, reports: list[FileReport]) -> IndexCache:
    path = tmp_path / "index.sqlite"
    cache = IndexCache(path, "k")
    for report in reports:
        cache.put(report.path, "digest", NO_STAT, report)
    assert cache.save()
    return IndexCache(path, "k")


@pytest.fixture
def store(tmp_path: Path) -> IndexCache:
    return filled(
        tmp_path,
        [
            FileReport(BOT, asset=BOT_ASSET, refs=[TO_JIRA, TO_SLACK, TO_MODEL, MENTION]),
            FileReport(JIRA, asset=JIRA_ASSET),
            FileReport(NOTES, refs=[Ref("Tool", "slack", "x", 2, 1)]),
        ],
    )


def test_reports_are_read_for_the_paths_that_are_registry_files(store: IndexCache) -> None:
    found = store.reports([BOT, "not/indexed.yaml", JIRA])
    assert sorted(r.path for r in found) == [BOT, JIRA]
    assert next(r for r in found if r.path == BOT).refs == [TO_JIRA, TO_SLACK, TO_MODEL, MENTION]
    assert store.reports([]) == []


def test_a_damaged_report_is_left_out(store: IndexCache, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "index.sqlite")
    with db:
        db.execute("UPDATE reports SET report = x'00' WHERE path = ?", (BOT,))
    db.close()
    assert [r.path for r in store.reports([BOT, JIRA])] == [JIRA]


def test_assets_by_kind_and_name_kind_and_path(store: IndexCache) -> None:
    assert store.assets_named([("Tool", "jira")]) == [(JIRA, JIRA_ASSET)]
    assert store.assets_named([("Agent", "jira"), ("Tool", "bot")]) == []  # pairs, not names
    assert sorted(store.assets_of_kind("Tool", "Agent")) == [(BOT, BOT_ASSET), (JIRA, JIRA_ASSET)]
    assert store.assets_of_kind("Team") == []
    assert store.assets_at([NOTES, BOT]) == [(BOT, BOT_ASSET)]
    assert store.assets_at([]) == []


def test_references_to_a_target_from_every_file(store: IndexCache) -> None:
    assert sorted(store.refs_to([("Tool", "slack")])) == [
        (BOT, TO_SLACK),
        (NOTES, Ref("Tool", "slack", "x", 2, 1)),
    ]
    both = store.refs_to([("Tool", "jira"), ("Model", "gpt-9")])
    assert both == [(BOT, TO_JIRA), (BOT, TO_MODEL)]
    assert store.refs_to([("Agent", "slack")]) == []


def test_dangling_references_are_those_to_assets_not_defined_models_and_mentions_aside(
    store: IndexCache,
) -> None:
    assert sorted(store.dangling()) == [(BOT, TO_SLACK), (NOTES, Ref("Tool", "slack", "x", 2, 1))]


def test_names_of_a_kind_are_distinct(tmp_path: Path) -> None:
    store = filled(
        tmp_path,
        [
            FileReport("a.yaml", asset=Asset("Tool", "jira", 1, 1)),
            FileReport("b.yaml", asset=Asset("Tool", "jira", 1, 1)),
            FileReport("c.yaml", asset=Asset("Tool", "slack", 1, 1)),
        ],
    )
    assert sorted(store.names("Tool")) == ["jira", "slack"]
    assert store.names("Agent") == []


def test_more_keys_than_one_chunk_are_asked_in_chunks(tmp_path: Path) -> None:
    count = 2 * _CHUNK + 3
    reports = [FileReport(f"t{n}.yaml", asset=Asset("Tool", f"t{n}", 1, 1)) for n in range(count)]
    store = filled(tmp_path, reports)
    named = store.assets_named([("Tool", f"t{n}") for n in range(count)])
    assert len(named) == count
    assert len(store.reports([f"t{n}.yaml" for n in range(count)])) == count
    assert len(store.assets_at([f"t{n}.yaml" for n in reversed(range(count))])) == count


class Detached(IndexQueries):
    def __init__(self) -> None:
        self.db = None


def test_without_a_database_every_query_is_empty() -> None:
    queries = Detached()
    assert queries.reports(["a.yaml"]) == []
    assert queries.assets_named([("Tool", "jira")]) == []
    assert queries.assets_of_kind("Tool") == []
    assert queries.assets_at(["a.yaml"]) == []
    assert queries.refs_to([("Tool", "jira")]) == []
    assert queries.dangling() == []
    assert queries.names("Tool") == []


def test_a_damaged_database_raises_sqlite_errors(tmp_path: Path) -> None:
    queries = Detached()
    queries.db = sqlite3.connect(tmp_path / "empty.sqlite")
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            queries.names("Tool")
    finally:
        queries.db.close()
