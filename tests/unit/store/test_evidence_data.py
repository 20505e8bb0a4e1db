"""Evidence rows as data (store/evidence_data): MCP tool names, a run's rows, the ``hub.*``
label syntax both ways, and the queries reviews and certify read, run against real stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubrails.store import evidence as store_evidence
from hubrails.store import normalise_url
from hubrails.store.evidence_data import (
    DENIED,
    KINDS,
    LABELS,
    MARK,
    MCP_ACTION,
    MCP_SERVER,
    TOOL,
    agent_query,
    encode,
    label_counts,
    last_seen_query,
    mcp_parts,
    rows_of,
    seen_queries,
    window_query,
)
from hubrails.store.reader import DAY_MS
from hubrails.store.sql import Store, daily, open_store


@pytest.mark.parametrize(
    ("tool", "parts"),
    [
        ("mcp__github__create_issue", ("github", "create_issue")),
        ("mcp__fs__read__file", ("fs", "read__file")),  # the action keeps later separators
        ("mcp__github__", None),
        ("mcp____create", None),
        ("mcp__github", None),
        ("MCP__github__create", None),
        ("Bash", None),
        ("", None),
    ],
)
def test_mcp_parts_split_only_a_full_mcp_tool_name(tool: str, parts: object) -> None:
    assert mcp_parts(tool) == parts


def test_a_runs_rows_add_a_servers_calls_from_each_of_its_tools() -> None:
    counts = {
        (TOOL, "mcp__gh__open"): 2,
        (TOOL, "mcp__gh__close"): 1,
        (MCP_SERVER, "gh"): 4,  # named by a label as well
        (DENIED, "mcp__gh__delete"): 1,  # a denial is not a use of the server
        (TOOL, "Bash"): 3,
    }
    rows = rows_of("sre", "triage", "run-1", 99, counts)
    assert [(kind, subject, calls) for _, _, kind, subject, _, calls, _ in rows] == [
        (DENIED, "mcp__gh__delete", 1),
        (MCP_ACTION, "gh/close", 1),
        (MCP_ACTION, "gh/open", 2),
        (MCP_SERVER, "gh", 7),
        (TOOL, "Bash", 3),
        (TOOL, "mcp__gh__close", 1),
        (TOOL, "mcp__gh__open", 2),
    ]
    assert {(r[0], r[1], r[4], r[6]) for r in rows} == {("sre", "triage", "run-1", 99)}
    assert rows_of("sre", "triage", "run-1", 99, {}) == []


def test_label_counts_read_every_hub_label_and_ignore_the_rest() -> None:
    counts = label_counts(
        {
            "hub.tools": " Read=2 , Read=3,Edit",
            "hub.gated": "Bash=1",
            "hub.mcp_servers": "github=4",
            "hub.denied": 7,  # not a string: skipped
            "hub.other": "Bash=9",
            "tools": "Bash=9",
        }
    )
    assert counts == {(TOOL, "Read"): 5, (TOOL, "Edit"): 1, ("gated", "Bash"): 1,
                      (MCP_SERVER, "github"): 4}  # fmt: skip
    assert label_counts({}) == {}


@pytest.mark.parametrize(
    ("value", "counts"),
    [
        ("a=b=2", {(TOOL, "a=b"): 2}),  # the count is after the last '='
        ("Bash=", {}),
        ("=2", {}),
        ("Bash=-1", {}),
        ("Bash=1.5", {}),
        ("Bash=0", {(TOOL, "Bash"): 0}),
        ("Bash=\u00b2,Read=1", {(TOOL, "Read"): 1}),  # a digit int() does not read: skipped
        (",,", {}),
        ("", {}),
    ],
)
def test_malformed_label_entries_are_skipped(value: str, counts: dict[Any, int]) -> None:
    assert label_counts({"hub.tools": value}) == counts


def test_encode_lists_names_in_order_and_reads_back() -> None:
    counts = {"Read": 2, "Bash": 1, "mcp__gh__open": 3}
    assert encode(counts) == "Bash=1,Read=2,mcp__gh__open=3"
    assert label_counts({"hub.tools": encode(counts)}) == {(TOOL, k): n for k, n in counts.items()}
    assert encode({}) == ""


def test_encode_drops_a_name_that_would_break_the_list() -> None:
    assert encode({"a,b": 1, "c": 2}) == "c=2"


def test_every_label_names_a_kind_and_only_actions_come_from_tools_alone() -> None:
    assert set(LABELS.values()) <= set(KINDS)
    assert set(KINDS) - set(LABELS.values()) == {MCP_ACTION}  # made from tool names only
    assert all(label.startswith(MARK[1:]) for label in LABELS)  # what a load looks for


# The queries, against real stores.

T0 = 100 * DAY_MS


@pytest.fixture
def store(ledger_db: str, tmp_path: Path) -> Iterator[Store]:
    """Evidence of sre/triage (two runs), sre/other and web/triage; daily rows on days 3 and 5
    for sre/triage, day 4 for web/triage."""
    made = open_store(normalise_url(ledger_db, tmp_path))
    rows = [
        *rows_of("sre", "triage", "r1", T0, {(TOOL, "Bash"): 2, (DENIED, "Write"): 1}),
        *rows_of("sre", "triage", "r2", T0 + 10, {(TOOL, "Bash"): 1}),
        *rows_of("sre", "other", "r3", T0 + 20, {(TOOL, "Read"): 4}),
        *rows_of("web", "triage", "r4", T0 + 30, {(DENIED, "Write"): 5}),
    ]
    zeros = {"runs": 1, "input_tokens": 0, "output_tokens": 0, "cache_read_tokens": 0,
             "cache_write_tokens": 0, "cost_usd": 0.0, "unpriced": 0, "review_minutes": 0.0,
             "resolved": 1, "escalated": 0, "failed": 0, "abandoned": 0}  # fmt: skip
    with made.write() as conn:
        store_evidence.add(conn, rows)
        conn.execute(
            daily.insert(),
            [
                {"team": t, "agent": a, "model": "m", "day": d, **zeros}
                for t, a, d in [("sre", "triage", 3), ("sre", "triage", 5), ("web", "triage", 4)]
            ],
        )
    yield made
    made.close()


def _rows(store: Store, query: tuple[str, dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in store.queries([query])[0])


def test_a_window_groups_runs_and_calls_per_subject(store: Store) -> None:
    assert _rows(store, window_query(T0, T0 + 31)) == [
        ("sre", "other", "tool", "Read", 1, 4, T0 + 20, "r3", "r3"),
        ("sre", "triage", "denied", "Write", 1, 1, T0, "r1", "r1"),
        ("sre", "triage", "tool", "Bash", 2, 3, T0 + 10, "r1", "r2"),
        ("web", "triage", "denied", "Write", 1, 5, T0 + 30, "r4", "r4"),
    ]


def test_a_window_includes_its_start_excludes_its_end_and_can_keep_to_a_team(
    store: Store,
) -> None:
    assert [r[:4] for r in _rows(store, window_query(T0 + 10, T0 + 30))] == [
        ("sre", "other", "tool", "Read"),
        ("sre", "triage", "tool", "Bash"),
    ]
    assert [r[0] for r in _rows(store, window_query(T0, T0 + 31, team="web"))] == ["web"]
    assert _rows(store, window_query(T0 + 31, T0 + 99)) == []


def test_seen_queries_give_the_latest_time_the_seen_and_the_windows_denials(
    store: Store,
) -> None:
    latest, seen, denied = store.queries(seen_queries(T0 + 5, T0 + 99, team="sre"))
    assert [tuple(r) for r in latest] == [(T0 + 30,)]  # over every team
    assert sorted(tuple(r) for r in seen) == [  # since first seen: r1 counts too
        ("sre", "other", "tool", "Read", 1, 4, T0 + 20, "r3", "r3"),
        ("sre", "triage", "tool", "Bash", 2, 3, T0 + 10, "r1", "r2"),
    ]
    assert list(denied) == []  # sre's denial is before the window
    _, _, denied = store.queries(seen_queries(T0, T0 + 99))
    assert sorted(tuple(r)[:6] for r in denied) == [
        ("sre", "triage", "denied", "Write", 1, 1),
        ("web", "triage", "denied", "Write", 1, 5),
    ]


def test_an_agents_evidence_comes_newest_first_up_to_the_limit(store: Store) -> None:
    found = store.queries([agent_query("sre", "triage", T0)])[0]
    assert [tuple(r) for r in found] == [
        ("tool", "Bash", "r2", 1, T0 + 10),
        ("denied", "Write", "r1", 1, T0),
        ("tool", "Bash", "r1", 2, T0),
    ]
    limited = store.queries([agent_query("sre", "triage", T0, limit=1)])[0]
    assert [tuple(r)[2] for r in limited] == ["r2"]
    assert store.queries([agent_query("sre", "triage", T0 + 11)])[0] == []


def test_an_agent_query_limit_is_always_a_number() -> None:
    sql, params = agent_query("sre", "triage", 0, limit=5)
    assert sql.endswith("LIMIT 5") and params == {"team": "sre", "agent": "triage", "a": 0}
    with pytest.raises(ValueError):
        agent_query("sre", "triage", 0, limit="5; DROP TABLE ledger_runs")  # type: ignore[arg-type]


def test_last_seen_is_each_agents_latest_day(store: Store) -> None:
    assert _rows(store, last_seen_query()) == [("sre", "triage", 5), ("web", "triage", 4)]
