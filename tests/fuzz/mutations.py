"""Hypothesis strategies that mutate a seed file: tree-level (the parsed YAML or JSON data),
line-level (YAML text) and byte-level."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import yaml
from hypothesis import strategies as st

# Names the example registry uses, so that mutants stay close to something that resolves.
NAMES = [
    "platform", "sre", "billing-ops", "growth", "support", "slack", "github", "jira",
    "pagerduty", "incident-triage", "incident-summary", "sonnet", "haiku", "opus",
    "runbook-lookup", "triage-system", "baseline", "logging", "read", "post_message",
]  # fmt: skip
STRINGS = [
    "", " ", "~", "null", "yes", "no", "on", "1.10", "1e3", "0x5DC", "0o17", "25:00", ".inf",
    "2026-13-45", "2026-02-30T00:00:00Z", "2099-01-01T00:00:00Z", "^1.4.0", "~2.3",
    ">=1.0.0 <2.0.0", "1.x", "*", "0.0.0", "99999999999999999999.0.0", "1.0.0-rc.1+b",
    "../../..", "/etc/passwd", "a" * 300, "\x00", "\t", "\r\n", "é", "\u202e", "\ufeff",
    "{", "[", "&a", "*a", "!!binary", "- x", "k: v", "#", "'", '"', "@team", "x/y", "-x",
    "%s%n", "${HOME}", "\\", "https://example.invalid/x",
]  # fmt: skip
NUMBERS = [0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 0.5, -0.0, 1e308, 1e-320]
FLOATS = [math.nan, math.inf, -math.inf]

keys = st.one_of(
    st.sampled_from(NAMES + STRINGS[:30]),
    st.text(max_size=12),
    st.integers(-3, 3),
    st.none(),
    st.booleans(),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(),
    st.floats(),
    st.sampled_from(NAMES + STRINGS),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=6,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS + FLOATS),
    st.integers(),
    st.floats(),
    st.sampled_from(NAMES + STRINGS + ["\ud800", "x\udfff"]),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)), inner, max_size=3),
    ),
    max_leaves=6,
)


def nodes(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every node of ``obj``, the root first."""
    yield path
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from nodes(value, (*path, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from nodes(value, (*path, index))


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        obj = obj[step]
    return obj


@st.composite
def tree_mutant(draw: st.DrawFn, data: Any, leaf: st.SearchStrategy[Any] = values) -> Any:
    """``data`` with one to four nodes replaced, deleted, wrapped, copied or added to."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 4]))):
        paths = list(nodes(data))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "delete", "add", "wrap", "copy", "empty"]))
        if not path and op in ("replace", "delete", "wrap", "copy", "empty"):
            if op == "replace" and draw(st.integers(0, 9)) == 0:
                data = draw(leaf)  # the whole document a scalar, a list...
            continue
        target: Any = _get(data, path[:-1]) if path else None
        node = _get(data, path)
        if op == "replace":
            target[path[-1]] = draw(leaf)
        elif op == "delete":
            del target[path[-1]]
        elif op == "wrap":
            target[path[-1]] = draw(st.sampled_from([[node], {"x": node}, [node, node]]))
        elif op == "copy":
            other = _get(data, draw(st.sampled_from(paths)))
            target[path[-1]] = copy.deepcopy(other)
        elif op == "empty":
            target[path[-1]] = draw(st.sampled_from([[], {}, None, ""]))
        elif isinstance(node, dict):
            node[draw(keys if leaf is values else st.text(max_size=8))] = draw(leaf)
        elif isinstance(node, list):
            node.insert(draw(st.integers(0, len(node))), draw(leaf))
    return data


LINES = [
    "x: &a [1, 2]", "y: *a", "<<: *a", "z: *nowhere", "name: !!python/object:os.system x",
    "kind: Agent", "kind: Tool", "apiVersion: hubrails/v1", "metadata: {}", "spec: []",
    "  - {x: y}", "  - [x]", "\tname: tab", "---", "...", "%YAML 1.1", "? complex", ": value",
    "version: 1.10", "labels: {1: y, true: z}", "key: 'unterminated", 'key: "\\xZZ"',
    "!!binary", "- -", "@", "`", "|", ">-", "a: b: c", "a: [[[[[[[[[[", "a: 2026-06-06",
]  # fmt: skip


@st.composite
def line_mutant(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three lines duplicated, deleted, moved, re-indented or inserted."""
    lines = text.split("\n")
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(["dup", "delete", "insert", "indent", "dedent", "swap"]))
        if op == "dup" and lines:
            lines.insert(at, lines[at])
        elif op == "delete" and lines:
            del lines[at]
        elif op == "insert":
            indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
            lines.insert(at, indent + draw(st.one_of(st.sampled_from(LINES), st.text(max_size=20))))
        elif op == "indent" and lines:
            lines[at] = "  " + lines[at]
        elif op == "dedent" and lines:
            lines[at] = lines[at][2:]
        elif lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


INSERTS = [
    b"\x00", b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\r", b"\n", b"\t", b" ", b":", b"- ", b"{",
    b"}", b"[", b"]", b'"', b"'", b"&", b"*", b"!", b"%", b"#", b"\\", b"\xed\xa0\x80",
    b"\xc3", b"\xe2\x80\xae", b"1e999", b"NaN", b"Infinity", b"-", b",", b"9" * 30,
]  # fmt: skip


@st.composite
def byte_mutant(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to four bytes flipped, inserted, deleted, repeated, or cut short."""
    buf = bytearray(data)
    for _ in range(draw(st.sampled_from([1, 1, 2, 4]))):
        at = draw(st.integers(0, len(buf)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate", "set"]))
        if op == "flip" and at < len(buf):
            buf[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and at < len(buf):
            buf[at] = draw(st.integers(0, 255))
        elif op == "insert":
            buf[at:at] = draw(
                st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=4))
            )
        elif op == "delete":
            del buf[at : at + draw(st.integers(1, 16))]
        elif op == "repeat":
            end = min(len(buf), at + draw(st.integers(1, 32)))
            buf[at:at] = buf[at:end] * draw(st.integers(1, 3))
        elif op == "truncate":
            del buf[at:]
    return bytes(buf)


def yaml_dump(data: Any) -> bytes:
    """YAML text of ``data``; lone surrogates pass through as (invalid) UTF-8 bytes."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode(
        "utf-8", "surrogatepass"
    )


def json_dump(data: Any, *, indent: int | None = None) -> bytes:
    """JSON text of ``data`` (NaN and Infinity as Python writes them)."""
    return json.dumps(data, indent=indent).encode("utf-8", "surrogatepass")


@st.composite
def yaml_mutant(draw: st.DrawFn, seed: bytes) -> bytes:
    """A mutant of the YAML file ``seed``: tree-, line- or byte-level."""
    how = draw(st.sampled_from(["tree", "tree", "line", "byte"]))
    if how == "tree":
        try:
            data = yaml.safe_load(seed)
        except yaml.YAMLError:
            data = None
        if data is not None:
            return yaml_dump(draw(tree_mutant(data)))
        how = "byte"
    if how == "line":
        text = draw(line_mutant(seed.decode("utf-8")))
        return text.encode("utf-8", "surrogatepass")
    return draw(byte_mutant(seed))


@st.composite
def json_mutant(draw: st.DrawFn, seed: Any, *, indent: int | None = None) -> bytes:
    """A mutant of the JSON value ``seed``: tree-level, or byte-level of its text."""
    if draw(st.integers(0, 2)):
        return json_dump(draw(tree_mutant(seed, json_values)), indent=indent)
    return draw(byte_mutant(json_dump(seed, indent=indent)))
