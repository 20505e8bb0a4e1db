"""Reading ledger input: files and standard input, gzip by its magic bytes, and the line parser
(records numbered as in the file, a reason for each reject, OTLP exports on one line, across
lines or as one indented document)."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.ledger.reader import open_input, parse
from hubrails.core.ledger.records import Record, Reject
from hubrails.errors import HubError
from tests.helpers import SEED, record
from tests.otlp_json import api_request, logs


def _attr(key: str, value: Any) -> dict[str, Any]:
    kind = "intValue" if isinstance(value, int) else "stringValue"
    return {"key": key, "value": {kind: str(value) if kind == "intValue" else value}}


def _spans() -> dict[str, Any]:
    """A traces export with one agent run."""
    span = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "a1",
        "startTimeUnixNano": "1780755600000000000",
        "endTimeUnixNano": "1780755660000000000",
        "attributes": [
            _attr("gen_ai.operation.name", "invoke_agent"),
            _attr("gen_ai.agent.name", "incident-triage"),
            _attr("gen_ai.request.model", "sonnet"),
            _attr("gen_ai.usage.input_tokens", 12000),
            _attr("gen_ai.usage.output_tokens", 800),
        ],
    }
    resource = {"attributes": [_attr("hub.team", "sre")]}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}


def _lines(*items: Any) -> list[bytes]:
    return [i if isinstance(i, bytes) else json.dumps(i).encode() + b"\n" for i in items]


def _parsed(*items: Any, start: int = 1) -> list[tuple[int, Record] | Reject]:
    return list(parse("in.jsonl", _lines(*items), start))


def _records(found: list[tuple[int, Record] | Reject]) -> list[tuple[int, Record]]:
    """The (line, record) items of ``found``, insisting that there is no reject."""
    assert not [r for r in found if isinstance(r, Reject)], found
    return [r for r in found if not isinstance(r, Reject)]


def _reasons(found: list[tuple[int, Record] | Reject]) -> list[tuple[int, tuple[Any, ...]]]:
    return [(r.line, r.problems) for r in found if isinstance(r, Reject)]


def test_a_plain_file_is_read_as_its_lines_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    opened = open_input(str(path))
    try:
        assert (opened.name, opened.size, opened.compressed) == (str(path), 18, False)
        assert list(opened.lines) == [b'{"a": 1}\n', b'{"b": 2}\n']
        assert opened.position() == 18
    finally:
        opened.raw.close()
    assert opened.position() == 0  # a closed input has no position, and says so quietly


def test_gzip_is_recognised_by_its_magic_bytes_whatever_the_name(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"  # no .gz
    path.write_bytes(gzip.compress(b'{"a": 1}\n' * 1000))
    opened = open_input(str(path))
    try:
        assert opened.compressed
        assert opened.size == path.stat().st_size
        assert list(opened.lines) == [b'{"a": 1}\n'] * 1000
        assert opened.position() == path.stat().st_size  # counted in compressed bytes
    finally:
        opened.raw.close()


def test_an_empty_file_has_no_lines(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    opened = open_input(str(path))
    try:
        assert (opened.size, opened.compressed, list(opened.lines)) == (0, False, [])
    finally:
        opened.raw.close()


def test_a_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"{}\n"))))
    opened = open_input("-")
    assert (opened.name, opened.size, opened.compressed) == ("<stdin>", None, False)
    assert list(opened.lines) == [b"{}\n"]


def test_a_file_that_cannot_be_read_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(HubError) as caught:
        open_input(str(tmp_path / "missing.jsonl"))
    assert (
        caught.value.message
        == f"cannot read {tmp_path / 'missing.jsonl'}: No such file or directory"
    )
    with pytest.raises(HubError, match="Is a directory"):
        open_input(str(tmp_path))


def test_records_keep_their_line_numbers_and_blank_lines_are_skipped() -> None:
    found = _parsed(record(run_id="a"), b"\n", b"   \r\n", record(run_id="b"), start=10)
    assert [(n, r.run_id) for n, r in _records(found)] == [(10, "a"), (13, "b")]


def test_a_line_that_is_not_json_is_rejected_with_the_parser_reason_and_its_text() -> None:
    [reject] = _parsed(b'{"team": }\r\n')
    assert reject == Reject(
        "in.jsonl",
        1,
        (("json", "not valid JSON: Expecting value at column 10"),),
        '{"team": }',
    )


def test_a_line_that_is_not_utf8_is_rejected_as_such() -> None:
    [reject] = _parsed(b'{"team": "\xff"}\n')
    assert isinstance(reject, Reject)
    assert reject.problems == (("json", "not valid UTF-8 text"),)
    assert reject.text == '{"team": "\ufffd"}'


def test_a_lone_surrogate_escape_is_rejected_as_no_store_can_keep_it() -> None:
    [reject] = _parsed(b'{"agent": "\\ud800"}\n')
    assert isinstance(reject, Reject)
    assert reject.problems == (
        ("json", "not valid Unicode: a lone surrogate escape (\\ud800-\\udfff)"),
    )


def test_json_nested_beyond_the_recursion_limit_is_rejected_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    [reject] = _parsed(deep)
    assert isinstance(reject, Reject)
    assert reject.problems == (("json", "not valid JSON: nested too deeply"),)


def test_an_integer_beyond_64_bits_is_read_and_refused_by_the_record_checks() -> None:
    line = json.dumps(record(input_tokens=2**70)).encode() + b"\n"
    [reject] = _parsed(line)
    assert isinstance(reject, Reject)
    assert [field for field, _ in reject.problems] == ["input_tokens"]


def test_a_value_that_is_not_an_object_is_rejected_as_the_record() -> None:
    [reject] = _parsed([SEED])
    assert isinstance(reject, Reject)
    assert [field for field, _ in reject.problems] == ["record"]
    assert reject.text == json.dumps([SEED])


def test_an_invalid_record_names_each_field_wrong_with_it() -> None:
    found = _parsed(record(team=None, tool_calls=-1), record(run_id="ok"))
    [(line, problems)] = _reasons(found)
    assert line == 1
    assert {field for field, _ in problems} == {"team", "tool_calls"}
    assert isinstance(found[1], tuple) and found[1][0] == 2


def test_a_traces_export_on_one_line_makes_a_record_per_run_at_that_line() -> None:
    [(line, run)] = _records(_parsed(record(run_id="a"), _spans()))[1:]
    assert line == 2
    assert (run.team, run.agent, run.input_tokens, run.output_tokens) == (
        "sre",
        "incident-triage",
        12000,
        800,
    )


def test_an_indented_export_document_is_read_whole() -> None:
    text = json.dumps(_spans(), indent=2).encode()
    lines = io.BytesIO(text).readlines()
    assert lines[0] == b"{\n" and len(lines) > 10
    [(line, run)] = _records(list(parse("spans.json", lines)))
    assert (line, run.agent) == (1, "incident-triage")


def test_an_indented_document_that_is_not_json_is_one_reject_without_text() -> None:
    found = list(parse("spans.json", [b"{\n", b'  "resourceSpans": [\n', b"}\n"]))
    reason = "not valid JSON: Expecting property name enclosed in double quotes at column 1"
    assert found == [Reject("spans.json", 1, (("json", reason),), "")]


def test_an_indented_document_that_is_no_export_is_one_reject_of_its_first_line() -> None:
    lines = io.BytesIO(json.dumps(SEED, indent=2).encode()).readlines()
    [reject] = list(parse("run.json", lines))
    assert isinstance(reject, Reject)
    assert (reject.line, reject.text) == (1, "{")
    assert reject.problems[0][1].startswith("not valid JSON: ")


def test_a_run_whose_events_span_lines_is_one_record_at_its_last_line() -> None:
    first = logs(api_request("s1", "p1", 1, input_tokens=100))
    second = logs(api_request("s1", "p1", 2, input_tokens=50))
    found = _records(_parsed(first, record(run_id="plain"), second))
    assert [n for n, _ in found] == [2, 3]
    run = found[1][1]
    assert (run.team, run.input_tokens) == ("sre", 150)
