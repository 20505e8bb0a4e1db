"""The hook entry points: where the policy is found, how it is loaded (and refused), the bounded
hook input, the pre-tool-use answer with the call limit and noted decisions, and ``run``'s
dispatch and boundary (a crash blocks the call, never a traceback)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.runtime import guard, guard_main, guard_state


def _policy(**more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": guard.FORMAT,
        "scope": "agent",
        "agent": "a",
        "servers": {"s": {"actions": {"read": {"decision": "allow"}, "pay": {"decision": "ask"}}}},
        "denied_servers": {},
        **more,
    }
    return {"digest": guard.digest_of(body), **body}


def _write_policy(folder: Path, document: Any) -> Path:
    path = folder / ".claude" / "hub-policy.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _event(tool: str, call: str = "t1", **more: Any) -> bytes:
    event = {"session_id": "sess", "hook_event_name": "PreToolUse", "tool_name": tool,
             "tool_input": {}, "tool_use_id": call, **more}  # fmt: skip
    return json.dumps(event).encode()


def _judge(args: list[str], raw: bytes) -> dict[str, Any]:
    out = io.StringIO()
    assert guard_main.pre_tool_use(args, io.BytesIO(raw), out) == 0
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 1
    answer: dict[str, Any] = json.loads(out.getvalue())
    return answer


def _decision(answer: dict[str, Any]) -> tuple[str | None, str]:
    inner = answer.get("hookSpecificOutput", {})
    return inner.get("permissionDecision"), inner.get("permissionDecisionReason", "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)
    monkeypatch.delenv("HUB_GUARD_STATE_DIR", raising=False)
    return tmp_path / "app"


def test_the_policy_option_wins_in_both_spellings(project: Path) -> None:
    assert guard_main.policy_path(["--policy", "/p.json"], {"cwd": "/x"}) == "/p.json"
    assert guard_main.policy_path(["--policy=/q.json"], None) == "/q.json"


def test_a_policy_option_without_a_value_falls_back(project: Path) -> None:
    assert guard_main.policy_path(["--policy"], {"cwd": "/x"}) == "/x/.claude/hub-policy.json"


def test_the_project_dir_comes_before_the_hook_cwd(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", "/proj")
    assert guard_main.policy_path([], {"cwd": "/x"}) == "/proj/.claude/hub-policy.json"


def test_without_project_or_cwd_the_policy_is_in_the_current_folder(project: Path) -> None:
    assert guard_main.policy_path([], None) == "./.claude/hub-policy.json"
    assert guard_main.policy_path([], {"cwd": 5}) == "./.claude/hub-policy.json"


def test_args_equals_splits_at_the_first_equals_sign() -> None:
    assert guard_main.args_equals(["--a=b=c", "-x=y", "--flag", "plain"]) == [("--a", "b=c")]


def test_a_valid_policy_loads(project: Path) -> None:
    path = _write_policy(project, _policy())
    assert guard_main.load_policy(str(path)) == (_policy(), "")


def test_a_missing_policy_says_to_export(project: Path) -> None:
    path = project / "none.json"
    assert guard_main.load_policy(str(path)) == (
        None,
        f"no compiled policy at {path} (No such file or directory); run hub export claude-code",
    )


@pytest.mark.parametrize("raw", [b"{nope", b"\xff\xfe"])
def test_a_policy_that_is_not_json_is_refused(project: Path, raw: bytes) -> None:
    path = _write_policy(project, {})
    path.write_bytes(raw)
    assert guard_main.load_policy(str(path)) == (
        None,
        f"the compiled policy {path} is not JSON; run hub export claude-code",
    )


def test_an_oversized_policy_is_refused_unread(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guard_main, "MAX_POLICY", 10)
    path = _write_policy(project, _policy())
    assert guard_main.load_policy(str(path)) == (
        None,
        f"the compiled policy {path} is larger than 10 bytes",
    )


def test_a_policy_with_a_problem_names_it(project: Path) -> None:
    path = _write_policy(project, {**_policy(), "agent": "edited"})
    policy, why = guard_main.load_policy(str(path))
    assert policy is None
    assert why == (
        f"the compiled policy {path} was edited after export (its digest does not match); "
        "export it again"
    )


def test_the_hook_input_is_read_up_to_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    assert guard_main.read_input(io.BytesIO(b'{"a": 1}')) == ({"a": 1}, "")
    monkeypatch.setattr(guard_main, "MAX_INPUT", 8)
    assert guard_main.read_input(io.BytesIO(b'{"a": 1}')) == ({"a": 1}, "")
    assert guard_main.read_input(io.BytesIO(b'{"a": 12}')) == (
        None,
        "the hook input is larger than 8 bytes",
    )


def test_an_allowed_call_answers_nothing_and_notes_nothing(project: Path) -> None:
    _write_policy(project, _policy())
    assert _judge([], _event("mcp__s__read", cwd=str(project))) == {}
    assert not (project / ".claude" / "hub-guard").exists()


def test_a_gated_call_asks_and_is_noted_for_the_evidence(project: Path) -> None:
    _write_policy(project, _policy())
    decision, _ = _decision(_judge([], _event("mcp__s__pay", cwd=str(project))))
    assert decision == "ask"
    folder = str(project / ".claude" / "hub-guard")
    assert guard_state.decisions(folder, "sess") == {"deny": {}, "ask": {"mcp__s__pay": 1}}


def test_a_malformed_input_is_denied_and_not_noted(project: Path) -> None:
    decision, reason = _decision(_judge([], b"[]"))
    assert (decision, reason) == ("deny", "hub guard: the hook input is a JSON list, not an object")


def test_a_missing_policy_denies_every_call(project: Path) -> None:
    decision, reason = _decision(_judge([], _event("Bash", cwd=str(project))))
    assert decision == "deny" and "no compiled policy at" in reason


def test_the_limit_denies_the_call_after_the_last_allowed(project: Path) -> None:
    path = _write_policy(project, _policy(limits={"max_tool_calls_per_run": 2}))
    args = ["--policy", str(path)]
    answers = [_decision(_judge(args, _event("Bash", call)))[0] for call in ("a", "b", "a", "c")]
    assert answers == [None, None, None, "deny"]
    folder = str(project / ".claude" / "hub-guard")
    assert guard_state.decisions(folder, "sess")["deny"] == {"Bash": 1}


def test_a_denied_call_does_not_use_up_the_limit(project: Path) -> None:
    path = _write_policy(project, _policy(limits={"max_tool_calls_per_run": 1}))
    args = ["--policy", str(path)]
    assert _decision(_judge(args, _event("mcp__x__y", "a")))[0] == "deny"
    assert _decision(_judge(args, _event("mcp__s__read", "b")))[0] is None


def test_a_note_that_cannot_be_written_does_not_fail_the_answer(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_policy(project, _policy())
    blocker = project / "blocker"
    blocker.write_text("a file, not a folder")
    monkeypatch.setenv("HUB_GUARD_STATE_DIR", str(blocker / "state"))
    decision, _ = _decision(_judge(["--policy", str(path)], _event("mcp__s__pay")))
    assert decision == "ask"


def _run(
    args: list[str],
    stdin: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = guard_main.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_run_dispatches_pre_tool_use(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_policy(project, _policy())
    code, out, err = _run(["pre-tool-use", "--policy", str(path)], _event("mcp__s__read"),
                          monkeypatch, capsys)  # fmt: skip
    assert (code, out, err) == (0, "{}\n", "")


@pytest.mark.parametrize("args", [[], ["nonsense"]])
def test_run_without_a_known_subcommand_prints_the_usage(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(args, b"", monkeypatch, capsys) == (2, "", guard_main.USAGE)


def test_a_crash_of_pre_tool_use_blocks_the_call_with_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_policy(project, _policy(limits={"max_tool_calls_per_run": 5}))
    state = project / ".claude" / "hub-guard"
    state.mkdir()
    (state / "sess.json").write_text('{"calls": "damaged"}')
    code, out, err = _run(["pre-tool-use", "--policy", str(path)], _event("Bash"),
                          monkeypatch, capsys)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("hub guard: ValueError: the guard's state file ")
    assert err.endswith("; the tool call is blocked\n")


def test_a_failing_session_end_exits_1_without_a_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(["session-end"], b"{broken", monkeypatch, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("hub guard: the hook input is not JSON")
    assert "Traceback" not in err
