"""``hub guard session-end``'s parts: the evidence labels, the record of a session (main model,
summed tokens, labels, outcome, duration), where the record goes, the re-run check, and the
hook itself writing one valid record or failing with a reason."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.ledger.records import problems
from hubrails.core.runtime import guard, guard_state
from hubrails.core.runtime.session_end import (
    SessionEndError,
    already_recorded,
    destination,
    evidence_labels,
    outcome,
    record_of,
    session_end,
)
from hubrails.core.runtime.transcript import Session, Usage

SONNET, HAIKU = "claude-sonnet-4-5", "claude-haiku-4-5"


def _session(**more: Any) -> Session:
    fields: dict[str, Any] = {
        "models": {SONNET: Usage(100, 20, 1000, 50), HAIKU: Usage(10, 2, 0, 0)},
        "tool_calls": 3,
        "tool_names": {"mcp__s__read": 2, "Bash": 1},
        "first_ts": "2026-06-06T14:00:00.000Z",
        "last_ts": "2026-06-06T14:01:30.500Z",
    }
    fields.update(more)
    return Session(**fields)


@pytest.fixture(autouse=True)
def _no_hub_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUB_LEDGER_FILE", "CLAUDE_PROJECT_DIR", "HUB_TEAM", "HUB_AGENT",
                 "HUB_GUARD_STATE_DIR"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def test_evidence_labels_list_tools_denials_and_gates() -> None:
    decided = {"deny": {"mcp__x__y": 2}, "ask": {"mcp__s__pay": 1}}
    assert evidence_labels(_session(), decided) == {
        "hub.tools": "Bash=1,mcp__s__read=2",
        "hub.denied": "mcp__x__y=2",
        "hub.gated": "mcp__s__pay=1",
    }


def test_empty_evidence_leaves_no_labels() -> None:
    assert evidence_labels(_session(tool_names={}), {}) == {}


def test_a_record_sums_the_models_and_names_the_biggest_main() -> None:
    record = record_of({"session_id": "sess-1"}, {"team": "t", "agent": "a"}, _session())
    assert record["run_id"] == "sess-1"
    assert (record["team"], record["agent"], record["model"]) == ("t", "a", SONNET)
    assert (record["input_tokens"], record["output_tokens"]) == (110, 22)
    assert (record["cache_read_tokens"], record["cache_write_tokens"]) == (1000, 50)
    assert record["tool_calls"] == 3 and record["human_review_minutes"] == 0
    assert record["task_outcome"] == "resolved"
    assert record["ts"] == "2026-06-06T14:01:30.500Z"
    assert record["duration_ms"] == 90_500
    assert record["labels"]["source"] == "claude-code"
    assert record["labels"]["models"] == f"{HAIKU}=10/2/0/0,{SONNET}=100/20/1000/50"
    assert problems(record) == []


def test_a_one_model_session_has_no_models_label() -> None:
    session = _session(models={SONNET: Usage(1, 1, 0, 0)}, tool_names={})
    record = record_of({"session_id": "s"}, {}, session)
    assert record["labels"] == {"source": "claude-code"}


def test_team_and_agent_fall_back_to_the_environment_then_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = record_of({"session_id": "s"}, {}, _session())
    assert (plain["team"], plain["agent"]) == ("unknown", "claude-code")
    monkeypatch.setenv("HUB_TEAM", "env-team")
    monkeypatch.setenv("HUB_AGENT", "env-agent")
    record = record_of({"session_id": "s"}, {"team": ""}, _session())
    assert (record["team"], record["agent"]) == ("env-team", "env-agent")


def test_a_session_without_usage_cannot_be_recorded() -> None:
    with pytest.raises(SessionEndError, match="the transcripts hold no assistant message"):
        record_of({"session_id": "s"}, {}, _session(models={}))


def test_the_end_reason_is_kept_short_and_decides_the_outcome() -> None:
    policy = {"outcome": {"default": "resolved", "by_reason": {"logout": "abandoned"}}}
    record = record_of({"session_id": "s", "reason": "logout"}, policy, _session())
    assert (record["task_outcome"], record["labels"]["session_end_reason"]) == (
        "abandoned",
        "logout",
    )
    long = record_of({"session_id": "s", "reason": "r" * 100}, policy, _session())
    assert long["labels"]["session_end_reason"] == "r" * 64


def test_the_guard_decisions_join_the_labels() -> None:
    record = record_of({"session_id": "s"}, {}, _session(), {"deny": {"mcp__x__y": 1}})
    assert record["labels"]["hub.denied"] == "mcp__x__y=1"


@pytest.mark.parametrize(
    ("first", "last", "duration"),
    [
        (None, "2026-06-06T14:00:00Z", None),
        ("2026-06-06T14:00:00Z", "2026-06-06T14:00:00Z", 0),
        ("2026-06-06T14:00:05Z", "2026-06-06T14:00:00Z", 0),  # never negative
        ("yesterday", "2026-06-06T14:00:00Z", None),
    ],
)
def test_the_duration_needs_two_readable_times(
    first: str | None, last: str, duration: int | None
) -> None:
    record = record_of({"session_id": "s"}, {}, _session(first_ts=first, last_ts=last))
    assert record.get("duration_ms") == duration


@pytest.mark.parametrize(
    ("rules", "reason", "expected"),
    [
        ({"by_reason": {"clear": "failed"}}, "clear", "failed"),
        ({"by_reason": {"clear": "failed"}, "default": "escalated"}, "other", "escalated"),
        ({"by_reason": {"clear": "bogus"}, "default": "abandoned"}, "clear", "abandoned"),
        ({"by_reason": {"clear": "bogus"}, "default": "bogus"}, "clear", "resolved"),
        ({"by_reason": ["clear"]}, "clear", "resolved"),
        ("not rules", "clear", "resolved"),
        (None, None, "resolved"),
    ],
)
def test_the_outcome_follows_the_rules_and_falls_back_to_resolved(
    rules: Any, reason: Any, expected: str
) -> None:
    assert outcome({"outcome": rules}, reason) == expected


def test_an_unhashable_reason_takes_the_default() -> None:
    assert outcome({"outcome": {"by_reason": {}, "default": "failed"}}, None) == "failed"


def test_the_ledger_variable_wins_for_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_LEDGER_FILE", str(tmp_path / "l.jsonl"))
    assert destination({"ledger": {"file": "/x"}}, tmp_path, {}) == tmp_path / "l.jsonl"


def test_a_relative_ledger_file_is_under_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = tmp_path / "app" / ".claude" / "hub-policy.json"
    policy = {"ledger": {"file": "runs/r.jsonl"}}
    assert destination(policy, policy_file, {}) == tmp_path / "app" / "runs/r.jsonl"
    assert destination(policy, policy_file, {"cwd": "/cwd"}) == Path("/cwd/runs/r.jsonl")
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", "/proj")
    assert destination(policy, policy_file, {"cwd": "/cwd"}) == Path("/proj/runs/r.jsonl")


def test_an_absolute_ledger_file_is_kept_and_a_missing_one_defaults(tmp_path: Path) -> None:
    policy_file = tmp_path / ".claude" / "hub-policy.json"
    assert destination({"ledger": {"file": "/abs/r.jsonl"}}, policy_file, {}) == Path(
        "/abs/r.jsonl"
    )
    for policy in ({}, {"ledger": "x"}, {"ledger": {"file": ""}}, {"ledger": {"file": 3}}):
        assert destination(policy, policy_file, {}) == tmp_path / ".claude/hub-runs.jsonl"


def test_already_recorded_matches_the_run_id_not_a_mention(tmp_path: Path) -> None:
    target = tmp_path / "runs.jsonl"
    assert not already_recorded(target, "s1")
    target.write_text(
        json.dumps({"run_id": "other", "labels": {"note": "s1"}}) + "\n"
        + json.dumps({"run_id": "s1"}) + "\n"
    )  # fmt: skip
    assert already_recorded(target, "s1")
    assert not already_recorded(target, "s")


def test_a_damaged_line_that_mentions_the_run_is_not_a_record(tmp_path: Path) -> None:
    target = tmp_path / "runs.jsonl"
    target.write_text('{"run_id": "s1", broken\n')
    assert not already_recorded(target, "s1")


# --- the hook itself -------------------------------------------------------------------


def _project(tmp_path: Path, policy: dict[str, Any] | None = None) -> Path:
    body: dict[str, Any] = {
        "format": guard.FORMAT,
        "servers": {},
        "team": "t",
        "agent": "a",
        "ledger": {"file": ".claude/hub-runs.jsonl"},
        **(policy or {}),
    }
    path = tmp_path / "app" / ".claude" / "hub-policy.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"digest": guard.digest_of(body), **body}))
    return path


def _transcript(tmp_path: Path, session: str = "sess-1", ts: str = "2026-06-06T14:00:00Z") -> Path:
    path = tmp_path / "projects" / f"{session}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    message = {"id": "m1", "model": SONNET, "usage": {"input_tokens": 5, "output_tokens": 7},
               "content": [{"type": "tool_use", "id": "t1", "name": "mcp__s__read"}]}  # fmt: skip
    entry = {"type": "assistant", "requestId": "r1", "timestamp": ts,
             "message": message}  # fmt: skip
    path.write_text(json.dumps(entry) + "\n")
    return path


def _end(policy: Path, event: dict[str, Any] | bytes) -> tuple[int, str]:
    raw = event if isinstance(event, bytes) else json.dumps(event).encode()
    err = io.StringIO()
    code = session_end(["--policy", str(policy)], io.BytesIO(raw), err)
    return code, err.getvalue()


def test_the_hook_appends_one_record_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    policy = _project(tmp_path)
    guard_state.note_decision(guard_state.state_dir(str(policy)), "sess-1", "deny", "mcp__x__y")
    event = {"session_id": "sess-1", "transcript_path": str(_transcript(tmp_path)),
             "cwd": str(tmp_path / "app")}  # fmt: skip
    target = tmp_path / "app" / ".claude" / "hub-runs.jsonl"
    assert _end(policy, event) == (0, f"hub guard: recorded session sess-1 in {target}\n")
    (record,) = [json.loads(line) for line in target.read_text().splitlines()]
    assert (record["run_id"], record["input_tokens"], record["tool_calls"]) == ("sess-1", 5, 1)
    assert record["labels"]["hub.tools"] == "mcp__s__read=1"
    assert record["labels"]["hub.denied"] == "mcp__x__y=1"
    assert _end(policy, event) == (0, f"hub guard: session sess-1 is already in {target}\n")
    assert len(target.read_text().splitlines()) == 1


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (b"[]", "the hook input is a JSON list, not an object"),
        ({"transcript_path": "/t"}, "the hook input has no session_id string"),
        ({"session_id": "s", "transcript_path": ""},
         "the hook input has no transcript_path string"),
        ({"session_id": "s", "transcript_path": "/nowhere/s.jsonl"},
         "no transcript at /nowhere/s.jsonl"),
    ],
)  # fmt: skip
def test_the_hook_fails_with_a_reason_and_writes_nothing(
    tmp_path: Path, event: dict[str, Any] | bytes, why: str
) -> None:
    policy = _project(tmp_path)
    assert _end(policy, event) == (1, f"hub guard: {why}; no ledger record written\n")
    assert not (tmp_path / "app" / ".claude" / "hub-runs.jsonl").exists()


def test_the_hook_needs_a_usable_policy(tmp_path: Path) -> None:
    event = {"session_id": "sess-1", "transcript_path": str(_transcript(tmp_path))}
    code, err = _end(tmp_path / "missing.json", event)
    assert code == 1 and err.startswith("hub guard: no compiled policy at ")


def test_a_transcript_without_usage_fails_the_hook(tmp_path: Path) -> None:
    policy = _project(tmp_path)
    transcript = tmp_path / "s.jsonl"
    transcript.write_text('{"type": "user"}\n')
    code, err = _end(policy, {"session_id": "s", "transcript_path": str(transcript)})
    assert code == 1
    assert err == (
        "hub guard: the transcripts hold no assistant message with usage; "
        "no ledger record written\n"
    )


def test_a_record_the_ledger_refuses_fails_the_hook(tmp_path: Path) -> None:
    policy = _project(tmp_path)
    event = {"session_id": "sess-1", "transcript_path": str(_transcript(tmp_path, ts="soon"))}
    code, err = _end(policy, event)
    assert code == 1
    assert err.startswith("hub guard: invalid record: ts: 'soon' is not an RFC 3339 date-time")
    assert not (tmp_path / "app" / ".claude" / "hub-runs.jsonl").exists()
