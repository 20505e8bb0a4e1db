"""``ingest`` into a real store (SQLite and PostgreSQL): what the result counts, all or nothing
over every input, the callbacks, line numbers across chunks, an OTLP logs file read as one
batch, an input that cannot be read to its end, and when worker processes are used."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubrails.core.ledger import ingest as ingest_module
from hubrails.core.ledger import workers
from hubrails.core.ledger.ingest import PARALLEL_BYTES, _large, _worker_count, ingest
from hubrails.core.ledger.pricing import Model, Price, PriceBook
from hubrails.core.ledger.records import Reject
from hubrails.core.ledger.rows import Known
from hubrails.errors import HubError
from hubrails.store.load import Conflict
from hubrails.store.sql import Store, open_store
from tests.helpers import jsonl, record, stored
from tests.otlp_json import api_request, logs

SONNET = Model("claude-sonnet-4-5", "standard", (Price("2025-01-01", 0, 3.0, 15.0, 0.3, 3.75),))
BOOK = PriceBook({SONNET.id: SONNET}, {SONNET.id: SONNET.id, "sonnet": SONNET.id})
KNOWN = Known(frozenset({"billing-ops"}), frozenset({("billing-ops", "invoice-triage")}))


@pytest.fixture
def store(ledger_db: str) -> Iterator[Store]:
    """A store on SQLite, then on PostgreSQL (the store's own part of ingest)."""
    made = open_store(ledger_db.replace("postgresql://", "postgresql+psycopg://"))
    yield made
    made.close()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    """A SQLite store and its URL (for what does not depend on the database)."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    made = open_store(url)
    yield made, url
    made.close()


def _keys(url: str) -> list[str]:
    return [row["run_key"] for row in stored(url, "run_key")]


def test_valid_inputs_are_stored_and_counted(
    store: Store, ledger_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "CHUNK_LINES", 1)  # a batch per line: progress as it goes
    first = jsonl(tmp_path / "a.jsonl", [record(run_id="a1"), record(run_id="a2")])
    second = jsonl(tmp_path / "b.jsonl", [record(run_id="b1", team="ghosts", model="gpt-x")])
    progress: list[int] = []
    result = ingest(store, [str(first), str(second)], BOOK, KNOWN, on_progress=progress.append)
    assert (result.files, result.valid, result.rejected, result.committed) == (2, 3, 0, True)
    assert (result.inserted, result.duplicates, result.conflict_count) == (3, 0, 0)
    assert (result.unknown_teams, result.unknown_agents, result.unpriced) == (
        {"ghosts": 1},
        {},
        {"gpt-x": 1},
    )
    assert _keys(ledger_db) == ["a1", "a2", "b1"]
    assert len(progress) == 3
    assert sum(progress) == first.stat().st_size + second.stat().st_size


def test_a_reject_anywhere_stores_nothing_from_any_input(
    store: Store, ledger_db: str, tmp_path: Path
) -> None:
    good = jsonl(tmp_path / "good.jsonl", [record(run_id="g")])
    bad = jsonl(tmp_path / "bad.jsonl", [record(run_id="ok"), "{broken", record(tool_calls=-1)])
    seen: list[Reject] = []
    result = ingest(store, [str(good), str(bad)], BOOK, KNOWN, on_reject=seen.append)
    assert (result.valid, result.rejected, result.committed, result.inserted) == (2, 2, False, 0)
    assert [(r.source, r.line) for r in seen] == [(str(bad), 2), (str(bad), 3)]
    assert _keys(ledger_db) == []


def test_skipping_invalid_records_stores_the_valid_ones(
    lite: tuple[Store, str], tmp_path: Path
) -> None:
    store, ledger_db = lite
    path = jsonl(tmp_path / "runs.jsonl", ["{broken", record(run_id="ok"), "[]"])
    result = ingest(store, [str(path)], BOOK, KNOWN, skip_invalid=True)
    assert (result.valid, result.rejected, result.committed, result.inserted) == (1, 2, True, 1)
    assert _keys(ledger_db) == ["ok"]


def test_a_second_ingest_finds_duplicates_and_conflicts_in_line_order(
    store: Store, ledger_db: str, tmp_path: Path
) -> None:
    path = jsonl(tmp_path / "runs.jsonl", [record(run_id="r1"), record(run_id="r2")])
    ingest(store, [str(path)], BOOK, KNOWN)
    again = jsonl(
        tmp_path / "again.jsonl",
        [record(run_id="r1"), record(run_id="r2", tool_calls=9), record(run_id="r3")],
    )
    result = ingest(store, [str(again)], BOOK, KNOWN)
    assert (result.inserted, result.duplicates, result.conflict_count) == (1, 1, 1)
    assert result.conflicts == (Conflict(str(again), 2, "r2"),)
    assert [row["tool_calls"] for row in stored(ledger_db, "tool_calls")] == [3, 3, 3]  # kept


def test_line_numbers_run_on_across_chunks(
    lite: tuple[Store, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = lite
    monkeypatch.setattr(workers, "CHUNK_LINES", 2)
    lines = [record(run_id=f"r{n}") if n not in (3, 6) else "{broken" for n in range(1, 8)]
    path = jsonl(tmp_path / "runs.jsonl", lines)
    seen: list[Reject] = []
    result = ingest(store, [str(path)], BOOK, KNOWN, skip_invalid=True, on_reject=seen.append)
    assert [r.line for r in seen] == [3, 6]
    assert (result.valid, result.inserted) == (5, 5)


def test_an_otlp_logs_file_is_one_batch_so_a_run_across_lines_is_one_run(
    lite: tuple[Store, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ledger_db = lite
    monkeypatch.setattr(workers, "CHUNK_LINES", 1)
    path = jsonl(
        tmp_path / "otel.jsonl",
        [
            logs(api_request("s1", "p1", 1, input_tokens=100)),
            logs(api_request("s2", "p1", 1, input_tokens=5)),
            logs(api_request("s1", "p1", 2, input_tokens=50)),
        ],
    )
    result = ingest(store, [str(path)], BOOK, KNOWN)
    assert (result.valid, result.inserted) == (2, 2)
    rows = {r["run_key"]: r["input_tokens"] for r in stored(ledger_db, "run_key, input_tokens")}
    assert rows == {"claude-code:s1:p1": 150, "claude-code:s2:p1": 5}


def test_blank_lines_before_an_otlp_logs_export_still_make_it_one_batch(
    lite: tuple[Store, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ledger_db = lite
    monkeypatch.setattr(workers, "CHUNK_LINES", 1)
    lines = [
        logs(api_request("s1", "p1", 1, input_tokens=100)),
        "{broken",
        logs(api_request("s1", "p1", 2, input_tokens=50)),
    ]
    path = jsonl(tmp_path / "otel.jsonl", ["", "  ", *lines])
    seen: list[Reject] = []
    result = ingest(store, [str(path)], BOOK, KNOWN, skip_invalid=True, on_reject=seen.append)
    assert (result.valid, result.inserted, result.conflict_count) == (1, 1, 0)
    assert [r.line for r in seen] == [4]  # numbered as in the file
    [row] = stored(ledger_db, "run_key, input_tokens")
    assert row == {"run_key": "claude-code:s1:p1", "input_tokens": 150}


def test_an_empty_or_blank_input_stores_nothing(lite: tuple[Store, str], tmp_path: Path) -> None:
    store, _ = lite
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \r\n\n")
    for name in ("empty.jsonl", "blank.jsonl"):
        result = ingest(store, [str(tmp_path / name)], BOOK, KNOWN)
        assert (result.files, result.valid, result.rejected, result.committed) == (1, 0, 0, True)
        assert result.inserted == 0


def test_a_truncated_gzip_input_is_an_error_naming_it_and_nothing_is_stored(
    lite: tuple[Store, str], tmp_path: Path
) -> None:
    store, ledger_db = lite
    good = jsonl(tmp_path / "good.jsonl", [record(run_id="g")])
    whole = gzip.compress(
        b"".join(json.dumps(record(run_id=f"r{n}")).encode() + b"\n" for n in range(50))
    )
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(HubError) as caught:
        ingest(store, [str(good), str(cut)], BOOK, KNOWN)
    assert caught.value.message.startswith(f"cannot read {cut}: not a valid gzip file (")
    assert _keys(ledger_db) == []


def test_a_missing_input_is_an_error_and_nothing_is_stored(
    lite: tuple[Store, str], tmp_path: Path
) -> None:
    store, ledger_db = lite
    good = jsonl(tmp_path / "good.jsonl", [record(run_id="g")])
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(HubError) as caught:
        ingest(store, [str(good), str(missing)], BOOK, KNOWN)
    assert caught.value.message == f"cannot read {missing}: No such file or directory"
    assert _keys(ledger_db) == []


def test_workers_are_used_only_for_large_inputs_and_more_than_one_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    parallel = min(cores, 4) if cores >= 2 else 0
    small = jsonl(tmp_path / "small.jsonl", [record()])
    assert not _large([str(small)])
    assert not _large([str(tmp_path / "missing.jsonl")])  # unreadable: counts nothing
    assert _large(["-"])  # standard input may be large
    monkeypatch.setattr(ingest_module, "PARALLEL_BYTES", small.stat().st_size * 2)
    assert not _large([str(small)])
    assert _large([str(small), str(small)])  # the inputs together
    assert (_worker_count(True), _worker_count(False)) == (parallel, 0)
    assert PARALLEL_BYTES == 8 << 20
