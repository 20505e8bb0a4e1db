"""One ledger record: validated against the schema, normalised, and keyed for idempotency."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

OUTCOMES = ("resolved", "escalated", "failed", "abandoned")
_REQUIRED = frozenset((
    "team", "agent", "model", "input_tokens", "output_tokens", "tool_calls",
    "human_review_minutes", "task_outcome", "ts",
))  # fmt: skip
_OPTIONAL = frozenset(
    ("run_id", "cache_read_tokens", "cache_write_tokens", "cost_usd", "duration_ms", "labels")
)
_ALLOWED = _REQUIRED | _OPTIONAL
_NAMES = ("team", "agent", "model")
_COUNTS = ("input_tokens", "output_tokens", "tool_calls")
_OPTIONAL_COUNTS = ("cache_read_tokens", "cache_write_tokens", "duration_ms")
_OUTCOME_SET = frozenset(OUTCOMES)
# Bounded maxima per run (docs/ledger.md): far above any real run, low enough that sums over
# millions of runs stay finite and within 64-bit integer columns.
MAX_COUNT = 10**12  # tokens, tool calls, duration_ms
MAX_REVIEW_MINUTES = 10**6
MAX_COST_USD = 10**6
_MAXIMA: dict[str, tuple[int, str]] = {
    **dict.fromkeys((*_COUNTS, *_OPTIONAL_COUNTS), (MAX_COUNT, "per run")),
    "human_review_minutes": (MAX_REVIEW_MINUTES, "minutes per run"),
    "cost_usd": (MAX_COST_USD, "USD per run"),
}
_NUMBERS = (int, float)
_NO_LABELS: dict[str, Any] = {}
_MISSING: Any = object()
_TS_FORM = "is not an RFC 3339 date-time with offset, like 2026-06-06T14:21:00Z"
_TS = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_TS_MATCH = _TS.match
_DATE, _CLOCK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Reject:
    """A bad input line: where it is, and each (field, reason) wrong with it."""

    source: str
    line: int
    problems: tuple[tuple[str, str], ...]
    text: str = ""

    def messages(self) -> list[str]:
        """One ``file:line: field: reason`` per problem."""
        return [f"{self.source}:{self.line}: {f}: {r}" for f, r in self.problems]


class Record(NamedTuple):
    """A valid run, normalised: ``input_tokens`` excludes cache reads and writes.

    A named tuple rather than a dataclass: ingest builds a million of them a second."""

    run_id: str | None
    team: str
    agent: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    tool_calls: int
    review_minutes: float
    outcome: str
    ts_ms: int
    cost_usd: float | None
    duration_ms: int | None
    labels: str | None  # canonical JSON, keys sorted

    def digest(self) -> str:
        """A digest of the content (everything but ``run_id``): equal runs, equal digests."""
        return digest(self[1:])

    def key(self, digest: str) -> str:
        """The idempotency key: the ``run_id``, else the content digest."""
        return self.run_id if self.run_id is not None else f"digest:{digest}"


Fields = tuple[Any, ...]  # a record's fields after run_id, as in ``Record``: what is digested


def digest(fields: Fields) -> str:
    """The digest of a record's ``fields``."""
    import orjson

    return hashlib.blake2b(orjson.dumps(fields), digest_size=16).hexdigest()


def plain(obj: dict[str, Any]) -> tuple[str | None, Fields] | None:
    """The run id and normalised fields of a record a fast test accepts, else ``None``. The
    test implies schema validity (never the reverse: doubt goes to the schema); unrolled, as
    ingest runs it a million times."""
    if not (_REQUIRED <= obj.keys() <= _ALLOWED):
        return None
    get = obj.get
    team, agent, model, outcome = obj["team"], obj["agent"], obj["model"], obj["task_outcome"]
    if not (
        type(team) is str and type(agent) is str and type(model) is str
        and team and agent and model
        and "\x00" not in team and "\x00" not in agent and "\x00" not in model
        and type(outcome) is str and outcome in _OUTCOME_SET
    ):  # fmt: skip
        return None
    large = MAX_COUNT
    tokens_in, tokens_out, tools = obj["input_tokens"], obj["output_tokens"], obj["tool_calls"]
    read, write = get("cache_read_tokens", 0), get("cache_write_tokens", 0)
    duration, cost = get("duration_ms", _MISSING), get("cost_usd", _MISSING)
    if not (
        type(tokens_in) is int and 0 <= tokens_in <= large
        and type(tokens_out) is int and 0 <= tokens_out <= large
        and type(tools) is int and 0 <= tools <= large
        and type(read) is int and 0 <= read <= large
        and type(write) is int and 0 <= write <= large
        and (duration is _MISSING or (type(duration) is int and 0 <= duration <= large))
        and (cost is _MISSING or (type(cost) in _NUMBERS and 0 <= cost <= MAX_COST_USD))
    ):  # fmt: skip
        return None
    review = obj["human_review_minutes"]
    if type(review) not in _NUMBERS or not 0 <= review <= MAX_REVIEW_MINUTES:
        return None
    run_id = get("run_id", _MISSING)
    if run_id is not _MISSING and (
        type(run_id) is not str or not 0 < len(run_id) <= 200 or "\x00" in run_id
    ):
        return None
    labels = get("labels", _NO_LABELS)
    if labels is not _NO_LABELS and (type(labels) is not dict or _nul_labels(labels)):
        return None
    ts = obj["ts"]
    if type(ts) is not str:
        return None
    ts_ms = known_ts(ts)
    if ts_ms is None:
        ts_ms = _ts_ms(ts) if _TS_MATCH(ts) is not None else None
        if ts_ms is None:
            return None
    return None if run_id is _MISSING else run_id, (
        team, agent, model, tokens_in, tokens_out, read, write, tools, float(review), outcome,
        ts_ms, None if cost is _MISSING else float(cost),
        None if duration is _MISSING else duration,
        json.dumps(labels, sort_keys=True, ensure_ascii=False) if labels else None,
    )  # fmt: skip


def _nul_labels(labels: dict[str, Any]) -> list[str]:
    """Labels whose key or value is not a string free of NUL characters."""
    return [k for k, v in labels.items() if type(v) is not str or "\x00" in k or "\x00" in v]


def _unstorable(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """What no store keeps: a NUL character in text (PostgreSQL), a number that is not finite
    (NaN, Infinity) or beyond the ledger's maxima."""
    found = [
        (name, "contains a NUL character")
        for name in (*_NAMES, "run_id")
        if "\x00" in obj.get(name, "")
    ]
    found += [
        (f"labels.{k}", "contains a NUL character") for k in _nul_labels(obj.get("labels", {}))
    ]
    for name, (largest, unit) in _MAXIMA.items():
        value = obj.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "Infinity"
            found.append((name, f"{shown} is not a finite number"))
        elif value > largest:
            found.append((name, f"{value} is more than the ledger's maximum of {largest} ({unit})"))
    return found


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unencodable(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """Text that is not valid Unicode (a lone surrogate: what Python makes of a command-line
    argument with bytes that are not UTF-8); orjson's parser never yields one."""
    found = [
        (name, "is not valid UTF-8 text (a lone surrogate)")
        for name, value in obj.items()
        if isinstance(value, str) and not _encodable(value)
    ]
    labels = obj.get("labels")
    for key, value in labels.items() if isinstance(labels, dict) else ():
        if not _encodable(str(key)) or (isinstance(value, str) and not _encodable(value)):
            found.append((f"labels.{key!a}", "is not valid UTF-8 text (a lone surrogate)"))
    return found


_DAYS: dict[str, int] = {}  # date -> its midnight (ms), for dates seen valid
_CLOCKS: dict[str, int] = {}  # HH:MM:SS -> ms since midnight, for times seen valid


def known_ts(ts: str) -> int | None:
    """``_ts_ms`` of a ``YYYY-MM-DDTHH:MM:SSZ`` whose date and time were seen valid, else
    ``None``."""
    if len(ts) == 20 and ts[19] in "Zz" and ts[10] in "Tt":
        midnight, clock = _DAYS.get(ts[:10]), _CLOCKS.get(ts[11:19])
        if midnight is not None and clock is not None:
            return midnight + clock
    return None


def _ts_ms(ts: str) -> int | None:
    """Milliseconds since the epoch; the common ``YYYY-MM-DDTHH:MM:SSZ`` form takes a fast
    path (midnights cached per date), anything else goes through ``fromisoformat``."""
    if len(ts) == 20 and ts[19] in "Zz" and ts[10] in "Tt":
        midnight = _DAYS.get(ts[:10])
        hour, minute, second = ts[11:13], ts[14:16], ts[17:19]
        if midnight is not None and hour < "24" and minute < "60" and second < "60":
            clock = int(hour) * 3_600_000 + int(minute) * 60_000 + int(second) * 1000
            if len(_CLOCKS) < 86_400 and _CLOCK.match(ts, 11):
                _CLOCKS[ts[11:19]] = clock
            return midnight + clock
        if midnight is None and _DATE.match(ts):  # no other ISO form (a week date) is cached
            try:
                day = datetime.fromisoformat(ts[:10]).replace(tzinfo=UTC)
            except ValueError:
                return None
            if len(_DAYS) > 100_000:
                _DAYS.clear()
            _DAYS[ts[:10]] = int(day.timestamp() * 1000)
            return _ts_ms(ts)
    try:
        moment = datetime.fromisoformat(ts.upper().replace("Z", "+00:00"))
        return int(moment.astimezone(UTC).timestamp() * 1000)
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59-01:00 is after year 9999 in UTC
        return None


def check(obj: Any) -> Record | list[tuple[str, str]]:
    """The normalised record of ``obj``, or every reason it is not valid, as (field, reason)."""
    if type(obj) is dict and (fast := plain(obj)) is not None:
        return Record(fast[0], *fast[1])
    from hubrails.core.registry.schemas import json_problems

    found = [
        (f, f"{obj[f]!r} {_TS_FORM}" if f == "ts" and "does not match" in r else r)
        for f, r in json_problems("LedgerRecord", obj)
    ]
    if found:
        return found
    if unstorable := _unstorable(obj):
        return unstorable
    ts_ms = _ts_ms(obj["ts"])
    if ts_ms is None:
        return [("ts", f"{obj['ts']!r} is not a valid date-time")]
    return _record(obj, ts_ms)


def problems(obj: Any) -> list[tuple[str, str]]:
    """Every reason ``obj`` is not a valid record, as (field, reason); empty when valid."""
    found = check(obj)
    return found if isinstance(found, list) else []


def _record(obj: dict[str, Any], ts_ms: int) -> Record:
    get = obj.get
    labels = get("labels")
    cost = get("cost_usd")
    duration = get("duration_ms")
    return Record(
        get("run_id"),
        obj["team"],
        obj["agent"],
        obj["model"],
        int(obj["input_tokens"]),  # the schema allows 18420.0 for an integer
        int(obj["output_tokens"]),
        int(get("cache_read_tokens", 0)),
        int(get("cache_write_tokens", 0)),
        int(obj["tool_calls"]),
        float(obj["human_review_minutes"]),
        obj["task_outcome"],
        ts_ms,
        None if cost is None else float(cost),
        None if duration is None else int(duration),
        json.dumps(labels, sort_keys=True, ensure_ascii=False) if labels else None,
    )
