"""The C decoder of plain records agrees with ``orjson.loads`` + ``plain`` whenever it accepts."""

from __future__ import annotations

import json
import random
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubrails.core.ledger.plain_json import decode
from hubrails.core.ledger.records import Fields, plain
from tests.fuzz.mutations import byte_mutant, json_mutant
from tests.helpers import SEED
from tests.unit.core.ledger.test_records import _mutations

FULL = {
    **SEED,
    "run_id": "r-1",
    "cache_read_tokens": 100,
    "cache_write_tokens": 5,
    "cost_usd": 0.25,
    "duration_ms": 5300,
    "labels": {"env": "prod", "a": "é"},
}
_TEXT = json.dumps(FULL)


def _slow(raw: bytes) -> tuple[str | None, Fields] | None:
    """What ingest did before: orjson, then the fast test (which also caches timestamps)."""
    try:
        obj = orjson.loads(raw)
    except ValueError:
        return None
    return plain(obj) if type(obj) is dict else None


def _agree(raw: bytes) -> bool:
    """``decode`` accepts only what the slow path accepts, with the same fields; returns
    whether it accepted."""
    slow = _slow(raw)
    fast = decode(raw)
    if fast is not None:
        assert fast == slow, raw
        assert slow is not None and [type(v) for v in fast[1]] == [type(v) for v in slow[1]], raw
    return fast is not None


def _swap(old: str, new: str) -> bytes:
    assert old in _TEXT
    return _TEXT.replace(old, new, 1).encode("utf-8", "surrogatepass")


EDGES = [
    _swap('"input_tokens": 18420', '"input_tokens": 123456789012345678901234567890'),
    _swap('"input_tokens": 18420', '"input_tokens": 18446744073709551616'),
    _swap('"input_tokens": 18420', '"input_tokens": 1000000000001'),
    _swap('"input_tokens": 18420', '"input_tokens": 1000000000000'),
    _swap('"input_tokens": 18420', '"input_tokens": 18420.0'),
    _swap('"input_tokens": 18420', '"input_tokens": 1.842e4'),
    _swap('"input_tokens": 18420', '"input_tokens": -0'),
    _swap('"input_tokens": 18420', '"input_tokens": -1'),
    _swap('"input_tokens": 18420', '"input_tokens": true'),
    _swap('"input_tokens": 18420', '"input_tokens": "18420"'),
    _swap('"input_tokens": 18420', '"input_tokens": null'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": NaN'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": Infinity'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": 1e400'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": 1e-400'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": -0.0'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": 1E2'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": 1000000'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": 1000000.0000001'),
    _swap('"human_review_minutes": 4', '"human_review_minutes": false'),
    _swap('"cost_usd": 0.25', '"cost_usd": null'),
    _swap('"cost_usd": 0.25', '"cost_usd": 1000001'),
    _swap('"cost_usd": 0.25', '"cost_usd": 0'),
    _swap('"labels": {', '"labels": null, "x": {'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": null'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": {}'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": {"k": 1}'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": {"k\\u0000": "v"}'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": {"k": "v", "k": "w"}'),
    _swap('"labels": {"env": "prod", "a": "\\u00e9"}', '"labels": ' + "[" * 3000 + "]" * 3000),
    _swap('{"team"', '{"team": 1, "team"'),  # duplicate keys: the last one counts
    _swap('"run_id": "r-1"', '"run_id": "r-1", "team": ""'),
    _swap('"run_id": "r-1"', '"run_id": "r-1", "input_tokens": -1'),
    _swap('"run_id": "r-1"', '"run_id": ""'),
    _swap('"run_id": "r-1"', '"run_id": "' + "\u00e9" * 200 + '"'),
    _swap('"run_id": "r-1"', '"run_id": "' + "\U0001f600" * 200 + '"'),
    _swap('"run_id": "r-1"', '"run_id": "' + "\U0001f600" * 201 + '"'),
    _swap('"run_id": "r-1"', '"run_id": "r\\u0000"'),
    _swap('"run_id": "r-1"', '"run_id": "\\ud83d\\ude00"'),  # an escaped surrogate pair
    _swap('"run_id": "r-1"', '"run_id": "\\ud800"'),  # a lone surrogate
    _swap('"run_id": "r-1"', '"run_id": "\\udc00\\ud800"'),
    _swap('"run_id": "r-1"', '"run_id": "\\uffff"'),
    _swap('"run_id": "r-1"', '"run_id": 1'),
    _swap('"run_id": "r-1"', '"run_id": null'),
    _swap('"run_id": "r-1"', '"extra": 1'),
    _swap('"team": "billing-ops"', '"te\\u0061m": "billing-ops"'),
    _swap('"team": "billing-ops"', '"Team": "billing-ops"'),
    _swap('"task_outcome": "resolved"', '"task_outcome": "Resolved"'),
    _swap('"task_outcome": "resolved"', '"task_outcome": "resolved\\u0000"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2026-06-06T24:00:00Z"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2026-02-30T10:00:00Z"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2026-06-06t14:21:00z"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2026-06-06 14:21:00Z"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2026-06-06T14:21:60Z"'),
    _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": 1780755660'),
    _TEXT.encode()[:-1],
    _TEXT.encode() + b" x",
    _TEXT.encode() + b"{}",
    b"\xef\xbb\xbf" + _TEXT.encode(),
    b" \t" + _TEXT.encode() + b"\r ",
    b"\x0c" + _TEXT.encode(),
    _swap('"billing-ops"', '"billing-\xff"').replace("ÿ".encode(), b"\xff"),
    _swap('"billing-ops"', '"billing-\x01"'),
    _swap('"billing-ops"', '"billing\\u0000ops"'),
    _swap('"billing-ops"', '"billing-\udc80"').replace(b"\xed\xb2\x80", b"\xed\xa0\x80"),
    b"[]",
    b"null",
    b"",
]


@pytest.mark.parametrize("raw", EDGES, ids=range(len(EDGES)))
def test_edge_lines_agree(raw: bytes) -> None:
    _slow(_TEXT.encode())  # the timestamp is seen, as in a real batch
    _agree(raw)


def test_plain_records_take_the_fast_path() -> None:
    raw = _TEXT.encode()
    _slow(raw)
    assert _agree(raw)
    assert _agree(json.dumps(SEED).encode())
    assert _agree(_swap('"human_review_minutes": 4', '"human_review_minutes": 1.5'))


def test_unseen_timestamps_are_left_to_the_slow_path() -> None:
    raw = _swap('"ts": "2026-06-06T14:21:00Z"', '"ts": "2031-01-02T03:04:05Z"')
    assert decode(raw) is None
    assert _slow(raw) is not None  # which caches the date and the time of day
    assert _agree(raw)


def test_mutated_records_agree() -> None:
    rng = random.Random(12)
    accepted = 0
    for _ in range(3000):
        obj: Any = _mutations(rng)
        raw = json.dumps(obj, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        _slow(raw)
        accepted += _agree(raw)
    assert accepted > 100


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_lines_agree(data: st.DataObject) -> None:
    raw = data.draw(json_mutant(FULL) if data.draw(st.booleans()) else byte_mutant(_TEXT.encode()))
    _slow(_TEXT.encode())
    _slow(raw)
    _agree(raw)
