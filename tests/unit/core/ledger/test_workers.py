"""Blocks of whole lines for the parser processes: the same lines, numbered the same."""

from __future__ import annotations

import io

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
