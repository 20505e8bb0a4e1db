"""The record checks: the fast path never accepts what the schema refuses."""

from __future__ import annotations

import random
from typing import Any

import pytest

from hubrails.core.ledger.records import Record, _record, _ts_ms, check, plain
from hubrails.core.registry.schemas import json_problems
from tests.helpers import SEED

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, -0.5, 2**70, float("inf"), "", "x", "\u0000", [], {},
    {"k": 1}, {"k": "v"}, "2026-06-06T14:21:00Z", "2026-06-06T24:00:00Z", "2026-06-06 14:21:00Z",
    "2026-06-06T14:21:00.123+02:00", "2026-06-06t14:21:00z", "resolved", "x" * 201,
]  # fmt: skip


def _mutations(rng: random.Random) -> dict[str, Any]:
    obj: dict[str, Any] = {
        **SEED,
        "run_id": "r",
        "labels": {"a": "b"},
        "cost_usd": 0.1,
        "cache_read_tokens": 5,
    }
    for _ in range(rng.randint(1, 3)):
        action = rng.random()
        key = rng.choice([*obj, "extra", "duration_ms", "cache_write_tokens"])
        if action < 0.2:
            obj.pop(key, None)
        else:
            obj[key] = rng.choice(ODD_VALUES)
    return obj


def test_the_fast_path_implies_schema_validity() -> None:
    rng = random.Random(11)
    accepted = 0
    for _ in range(3000):
        obj = _mutations(rng)
        result = check(obj)  # never raises: a record, or the reasons it is not one
        assert isinstance(result, Record) or (result and all(len(p) == 2 for p in result))
        fast = plain(obj) if isinstance(obj, dict) else None
        if fast is not None:  # valid, and normalised as the schema's path would
            accepted += 1
            assert json_problems("LedgerRecord", obj) == [], obj
            ts_ms = _ts_ms(obj["ts"])
            assert ts_ms is not None
            assert Record(fast[0], *fast[1]) == _record(obj, ts_ms), obj
    assert accepted > 100  # the fast path is taken, not just refused


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        ("2026-06-06T14:21:00Z", 1780755660000),
        ("2026-06-06t14:21:00z", 1780755660000),
        ("2026-06-06T16:21:00+02:00", 1780755660000),
        ("2026-06-06T14:21:00.5Z", 1780755660500),
        ("2026-06-06T24:00:00Z", None),
        ("2026-02-30T10:00:00Z", None),
    ],
)
def test_timestamps(ts: str, expected: int | None) -> None:
    assert _ts_ms(ts) == expected


def test_integral_floats_are_integers_and_digests_see_content_only() -> None:
    a = check({**SEED, "input_tokens": 18420.0, "run_id": "a"})
    b = check({**SEED, "human_review_minutes": 4.0, "run_id": "b"})
    assert isinstance(a, Record) and isinstance(b, Record)
    assert a.input_tokens == 18420 and type(a.input_tokens) is int
    assert a.digest() == b.digest()
    assert a.key(a.digest()) == "a"
    c = check(dict(SEED))
    assert isinstance(c, Record) and c.key(c.digest()) == f"digest:{a.digest()}"
    d = check({**SEED, "labels": {"z": "1", "a": "2"}})
    e = check({**SEED, "labels": {"a": "2", "z": "1"}})
    assert isinstance(d, Record) and isinstance(e, Record) and d.digest() == e.digest()


def test_otlp_exports_of_any_shape_never_crash() -> None:
    from hubrails.core.ledger.otlp import records

    rng = random.Random(3)
    run = {"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}}

    def shape(depth: int) -> Any:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice([*ODD_VALUES, run, {"intValue": "x"}, {"key": 1}])
        if rng.random() < 0.5:
            return [shape(depth - 1) for _ in range(rng.randint(0, 3))]
        keys = ["resourceSpans", "resource", "attributes", "scopeSpans", "spans", "status"]
        keys += ["code", "spanId", "traceId", "endTimeUnixNano", "startTimeUnixNano", "value"]
        return {rng.choice(keys): shape(depth - 1) for _ in range(rng.randint(0, 4))}

    for _ in range(2000):
        doc = {"resourceSpans": shape(6)}
        for item in records(doc, "f", 1):
            assert isinstance(item, tuple) or item.problems
