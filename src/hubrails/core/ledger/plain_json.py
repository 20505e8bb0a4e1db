"""A plain record's line decoded and checked in C: ``msgspec`` into a typed ``Struct``.

``decode`` accepts only lines that ``orjson.loads`` + ``records.plain`` would accept, and yields
the same run id and fields; every line it refuses (whatever the reason) takes that path, so the
ingest's decisions and messages are the schema path's. What the ``Struct`` cannot say (no NUL
in text, a timestamp seen valid) is checked here in Python.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from hubrails.core.ledger.records import (
    MAX_COST_USD,
    MAX_COUNT,
    MAX_REVIEW_MINUTES,
    Fields,
    known_ts,
)

_Count = Annotated[int, Meta(ge=0, le=MAX_COUNT)]  # JSON integers only: no 1.0, no true
_Name = Annotated[str, Meta(min_length=1)]
_Outcome = Literal["resolved", "escalated", "failed", "abandoned"]


class _Plain(Struct, forbid_unknown_fields=True, gc=False):
    """The fields of ``records.plain``'s fast test, in the order ``astuple`` unpacks."""

    team: _Name
    agent: _Name
    model: _Name
    input_tokens: _Count
    output_tokens: _Count
    tool_calls: _Count
    human_review_minutes: Annotated[float, Meta(ge=0, le=MAX_REVIEW_MINUTES)]  # int or float
    task_outcome: _Outcome
    ts: str
    run_id: Annotated[str, Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    cache_read_tokens: _Count = 0
    cache_write_tokens: _Count = 0
    cost_usd: Annotated[float, Meta(ge=0, le=MAX_COST_USD)] | UnsetType = UNSET
    duration_ms: _Count | UnsetType = UNSET
    labels: dict[str, str] = {}  # msgspec copies a mutable default for each record


_decode = msgspec.json.Decoder(_Plain).decode
_astuple = msgspec.structs.astuple
_REFUSED = (msgspec.ValidationError, msgspec.DecodeError)


def decode(raw: bytes) -> tuple[str | None, Fields] | None:
    """The run id and fields ``plain(orjson.loads(raw))`` gives, when this fast test accepts
    ``raw``; else ``None`` (then that path decides)."""
    try:
        record: Any = _decode(raw)
    except _REFUSED:
        return None
    team, agent, model, tokens_in, tokens_out, tools, review, outcome, ts, run_id, read, \
        write, cost, duration, labels = _astuple(record)  # fmt: skip
    if "\x00" in team or "\x00" in agent or "\x00" in model:
        return None
    ts_ms = known_ts(ts)
    if ts_ms is None:  # not seen before, or not valid: the plain path caches or refuses it
        return None
    if run_id is UNSET:
        run_id = None
    elif "\x00" in run_id:
        return None
    if labels:
        for key, value in labels.items():
            if "\x00" in key or "\x00" in value:
                return None
        labels = json.dumps(labels, sort_keys=True, ensure_ascii=False)
    else:
        labels = None
    return run_id, (
        team, agent, model, tokens_in, tokens_out, read, write, tools, review, outcome, ts_ms,
        None if cost is UNSET else cost, None if duration is UNSET else duration, labels,
    )  # fmt: skip
