"""Blocks of whole lines for the parser processes: the same lines, numbered the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest


@pytest.mark.parametrize("size", [1, 7, 30, 1000])
@pytest.mark.parametrize("tail", [b"", b"last line without newline"])
def test_blocks_hold_whole_lines_numbered_as_read(
    monkeypatch: pytest.MonkeyPatch, size: int, tail: bytes
) -> None:
    from hubrails.core.ledger import workers

    monkeypatch.setattr(workers, "BLOCK_BYTES", size)
    text = b"".join(b"line %d {\r}\n" % n for n in range(1, 40)) + b"\n\n" + tail
    stream = io.BufferedReader(io.BytesIO(text))
    first = stream.readline()
    expected = [(n, line.rstrip(b"\n")) for n, line in enumerate(io.BytesIO(text), 1)]
    found = [
        (start + i, line)
        for start, block in workers.blocks(first, stream)
        for i, line in enumerate(workers._lines(block))
    ]
    assert found == expected


@pytest.mark.parametrize("size", [1, 7, 30, 1000])
@pytest.mark.parametrize("tail", [b"", b"last line without newline"])
def test_spans_of_a_file_hold_whole_lines_numbered_as_read_and_move_its_position(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, size: int, tail: bytes
) -> None:
    from hubrails.core.ledger import workers

    monkeypatch.setattr(workers, "BLOCK_BYTES", size)
    text = b"  \n" + b"".join(b"line %d {\r}\n" % n for n in range(1, 40)) + b"\n\n" + tail
    path = tmp_path / "runs.jsonl"
    path.write_bytes(text)
    expected = [(n, line.rstrip(b"\n")) for n, line in enumerate(io.BytesIO(text), 1)]
    found = []
    with path.open("rb") as raw:
        for start, span in workers.spans(str(path), raw):
            assert raw.tell() == span.offset + span.length  # the progress so far
            found += [(start + i, line) for i, line in enumerate(workers._lines(span.read()))]
    assert found == expected


def test_a_parser_adds_up_only_the_batches_whose_sums_count_and_sends_them_packed() -> None:
    import json
    import sqlite3

    from hubrails.core.ledger.pricing import PriceBook
    from hubrails.core.ledger.rows import Batch, Known, RowMaker
    from hubrails.core.ledger.workers import _KEEP, _PARSE, _SUMS, _Parser
    from hubrails.store.packed import SUMS_TABLE
    from tests.helpers import record

    def block(*tokens: int) -> bytes:
        lines = [json.dumps(record(run_id=f"r{t}", input_tokens=t)) for t in tokens]
        return "".join(f"{line}\n" for line in lines).encode()

    parser = _Parser((RowMaker(PriceBook(), Known()), True))
    first = parser((_PARSE, "in.jsonl", 1, block(1, 2)))
    second = parser((_PARSE, "in.jsonl", 3, block(40)))
    assert isinstance(first, Batch) and isinstance(second, Batch)
    assert first.packed is not None and not first.daily  # the sums wait for the verdict
    parser((_KEEP, True))  # the first batch's rows were all new
    parser((_KEEP, False))  # the second one's were not: its sums come from SQL instead
    part = parser((_SUMS,))
    assert isinstance(part, bytes) and parser((_SUMS,)) is None
    db = sqlite3.connect(":memory:")
    db.deserialize(part)
    assert db.execute(f"SELECT sum(runs), sum(input_tokens) FROM {SUMS_TABLE}").fetchall() == [
        (2, 3)
    ]
    db.close()
