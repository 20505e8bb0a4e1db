"""Reading ledger input: JSON Lines (plain or gzip) and OTLP/JSON exports, streamed."""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hubrails.core.ledger.records import Record, Reject, check
from hubrails.errors import HubError

STDIN = "-"
_GZIP_MAGIC = b"\x1f\x8b"

Item = tuple[int, Record] | Reject


@dataclass(slots=True)
class Opened:
    """An input opened for streaming: its decompressed lines and the raw position."""

    name: str
    lines: Iterable[bytes]
    raw: IO[bytes]
    size: int | None
    compressed: bool = False

    def position(self) -> int:
        """Bytes of the raw (possibly compressed) input read so far."""
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0


def open_input(given: str) -> Opened:
    """Open a file (or ``-`` for standard input); gzip is detected by its magic bytes."""
    if given == STDIN:
        raw: IO[bytes] = sys.stdin.buffer
        name, size = "<stdin>", None
    else:
        path = Path(given)
        try:
            raw = path.open("rb")
            size = path.stat().st_size
        except OSError as exc:
            raise HubError(f"cannot read {given}: {exc.strerror}") from None
        name = given
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[type-var]
    compressed = buffered.peek(2)[:2] == _GZIP_MAGIC
    if compressed:
        lines: Iterable[bytes] = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"))
    else:
        lines = buffered
    return Opened(name, lines, raw, size, compressed)


class _UnusableError(ValueError):
    """JSON that parses but that no record may hold (its message is the reason)."""


def _json_reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    if isinstance(exc, _UnusableError):
        return str(exc)
    return "not valid UTF-8 text"


def _standard(raw: bytes | str) -> Any:
    """The standard library's reading of JSON that orjson refused (its messages, integers
    beyond 64 bits): never nested beyond the recursion limit, never with a lone surrogate (no
    store can keep one)."""
    try:
        obj = json.loads(raw)
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise _UnusableError("not valid JSON: nested too deeply") from None
    except UnicodeEncodeError:
        raise _UnusableError(
            "not valid Unicode: a lone surrogate escape (\\ud800-\\udfff)"
        ) from None
    return obj


def _record(obj: Any, name: str, number: int, raw: bytes) -> Item:
    checked = check(obj)
    if isinstance(checked, list):
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        named = tuple(("record" if f == "the document" else f, r) for f, r in checked)
        return Reject(name, number, named, text)
    return number, checked


def _loads(raw: bytes) -> Any:
    """One line's JSON value: orjson for speed; the standard library for what orjson refuses
    (its error messages, integers beyond 64 bits)."""
    import orjson

    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _standard(raw)


def parse(name: str, lines: Iterable[bytes], start: int = 1) -> Iterator[Item]:
    """Records and rejects, line by line (the first is line ``start``); OTLP export lines
    expand to one record per run span."""
    from hubrails.core.ledger import otlp
    from hubrails.core.ledger.otlp_signals import Pending, is_export

    pending = Pending()
    iterator = iter(lines)
    number = start - 1
    for raw in iterator:
        number += 1
        if not raw.strip():
            continue
        try:
            obj = _loads(raw)
        except ValueError as exc:
            if number == 1 and raw.strip() in (b"{", b"["):
                # An OTLP export written as one indented document rather than one per line.
                whole = raw + b"".join(iterator)
                try:
                    obj = _standard(whole)
                except ValueError:
                    yield Reject(name, 1, (("json", _json_reason(exc)),), "")
                    return
                if isinstance(obj, dict) and otlp.is_export(obj):
                    yield from otlp.records(obj, name, 1)
                    return
                if isinstance(obj, dict) and is_export(obj):
                    pending.add(obj, 1)
                    yield from pending.records(name)
                    return
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            yield Reject(name, number, (("json", _json_reason(exc)),), text)
            continue
        if type(obj) is dict and otlp.is_export(obj):
            yield from otlp.records(obj, name, number)
        elif type(obj) is dict and is_export(obj):
            pending.add(obj, number)  # a run's events may span lines: written at the end
        else:
            yield _record(obj, name, number, raw)
    yield from pending.records(name)
