"""OTLP logs and metrics files for ingest: which objects are such exports, and the runs gathered
over the whole input (each event once, at the last line it was seen on, metrics only for
sessions without events, a reason naming the run for each that fails the checks)."""

from __future__ import annotations

from typing import Any

from hubrails.core.ledger.otlp_signals import Pending, is_export
from hubrails.core.ledger.records import Record, Reject
from tests.helpers import SEED
from tests.otlp_json import api_request, logs, metrics, point


def _tokens(session: str, ts: int) -> list[dict[str, Any]]:
    return [point(session, 100, ts, type="input"), point(session, 40, ts, type="output")]


def _runs(pending: Pending) -> list[tuple[int, Record]]:
    found = list(pending.records("otel.jsonl"))
    assert not [r for r in found if isinstance(r, Reject)], found
    return [r for r in found if not isinstance(r, Reject)]


def test_logs_and_metrics_exports_are_exports_and_nothing_else_is() -> None:
    assert is_export(logs(api_request("s1", "p1", 1)))
    assert is_export(metrics([point("s1", 0.01, 10)], []))
    assert is_export({"resourceLogs": []})
    assert not is_export({"resourceSpans": []})  # traces are otlp's
    assert not is_export(dict(SEED))
    assert not is_export({})


def test_nothing_gathered_makes_no_records() -> None:
    assert list(Pending().records("otel.jsonl")) == []
    pending = Pending()
    pending.add({"resourceLogs": []}, 1)
    assert list(pending.records("otel.jsonl")) == []


def test_a_resent_event_counts_once_and_its_run_is_placed_at_the_last_line_seen() -> None:
    pending = Pending()
    pending.add(logs(api_request("s1", "p1", 1, input_tokens=100)), 1)
    pending.add(logs(api_request("s1", "p1", 1, input_tokens=100)), 4)  # a retry
    pending.add(logs(api_request("s1", "p1", 2, input_tokens=7)), 3)
    [(line, run)] = _runs(pending)
    assert line == 3  # the line of the run's last event added
    assert (run.run_id, run.input_tokens) == ("claude-code:s1:p1", 107)


def test_of_two_events_with_one_key_the_first_seen_is_kept() -> None:
    pending = Pending()
    pending.add(logs(api_request("s1", "p1", 1, input_tokens=100)), 1)
    pending.add(logs(api_request("s1", "p1", 1, input_tokens=999)), 2)  # same session, sequence
    [(_line, run)] = _runs(pending)
    assert run.input_tokens == 100


def test_runs_come_out_in_line_order() -> None:
    pending = Pending()
    pending.add(logs(api_request("s1", "late", 1)), 9)
    pending.add(logs(api_request("s1", "early", 2)), 2)
    assert [(n, r.run_id) for n, r in _runs(pending)] == [
        (2, "claude-code:s1:early"),
        (9, "claude-code:s1:late"),
    ]


def test_metrics_count_only_for_sessions_without_events() -> None:
    pending = Pending()
    pending.add(logs(api_request("logged", "p1", 1)), 1)
    pending.add(metrics([point("logged", 0.5, 10)], _tokens("logged", 10)), 2)
    pending.add(metrics([point("quiet", 0.5, 10)], _tokens("quiet", 10)), 3)
    [(_, logged), (line, metered)] = _runs(pending)
    assert logged.run_id == "claude-code:logged:p1"  # its session's metrics are not counted
    assert line == 3
    assert metered.run_id is not None and metered.run_id.startswith("claude-code:quiet:metrics:")
    assert (metered.input_tokens, metered.cost_usd) == (100, 0.5)


def test_a_metrics_session_is_placed_at_the_latest_line_it_was_seen_on() -> None:
    pending = Pending()
    pending.add(metrics([point("s1", 0.2, 70)], _tokens("s1", 70)), 5)
    pending.add(metrics([point("s1", 0.1, 10)], _tokens("s1", 10)), 2)  # earlier in the file
    [(line, _run)] = _runs(pending)
    assert line == 5


def test_a_metrics_session_id_with_colons_is_placed_at_its_line() -> None:
    # Found writing this test: the session was taken as the second ':'-field of the run id,
    # so a session id holding a colon was a KeyError (an internal error of the ingest).
    pending = Pending()
    for line, session in ((3, "a:b"), (5, "c:metrics:d")):
        pending.add(metrics([point(session, 0.5, 10)], _tokens(session, 10)), line)
    found = _runs(pending)
    assert [(n, r.run_id) for n, r in found] == [
        (3, "claude-code:a:b:metrics:1780755670000"),
        (5, "claude-code:c:metrics:d:metrics:1780755670000"),
    ]


def test_a_run_that_fails_the_checks_is_a_reject_naming_the_run() -> None:
    pending = Pending()
    pending.add(logs(api_request("s1", "p1", 1), team=None), 7)  # no team to bill
    [reject] = list(pending.records("otel.jsonl"))
    assert isinstance(reject, Reject)
    assert (reject.source, reject.line) == ("otel.jsonl", 7)
    assert reject.problems == (("claude-code:s1:p1 team", "missing required field"),)
