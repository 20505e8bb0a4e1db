"""The guard's per-session state: where it lives, the file name of a session, the call count
under its limit (a call counted once however often it is judged), and the noted decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubrails.core.runtime import guard_state
from hubrails.core.runtime.guard import sha256_hex


def test_the_state_dir_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUB_GUARD_STATE_DIR", str(tmp_path / "given"))
    assert guard_state.state_dir(str(tmp_path / ".claude" / "hub-policy.json")) == str(
        tmp_path / "given"
    )


def test_a_project_policy_keeps_its_state_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HUB_GUARD_STATE_DIR", raising=False)
    policy = tmp_path / "app" / ".claude" / "hub-policy.json"
    assert guard_state.state_dir(str(policy)) == str(tmp_path / "app" / ".claude" / "hub-guard")


def test_a_relative_project_policy_is_resolved_from_the_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HUB_GUARD_STATE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert guard_state.state_dir(".claude/hub-policy.json") == str(tmp_path / ".claude/hub-guard")


def test_a_managed_policy_keeps_its_state_in_the_user_state_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HUB_GUARD_STATE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert guard_state.state_dir("/etc/claude-code/hub-policy.json") == str(
        tmp_path / "state" / "hubrails" / "guard"
    )
    monkeypatch.setenv("XDG_STATE_HOME", "")
    assert guard_state.state_dir("/etc/claude-code/hub-policy.json") == str(
        tmp_path / "home" / ".local" / "state" / "hubrails" / "guard"
    )


@pytest.mark.parametrize("session", ["sess-1", "a_B-9", "x" * 100])
def test_a_plain_session_id_is_its_own_file_name(session: str) -> None:
    assert guard_state.session_key(session) == session


@pytest.mark.parametrize("session", ["", "x" * 101, "../../etc/passwd", "a b", "é"])
def test_any_other_session_id_becomes_a_digest(session: str) -> None:
    assert guard_state.session_key(session) == sha256_hex(session.encode())[:32]


def test_calls_are_counted_up_to_the_limit(tmp_path: Path) -> None:
    folder = str(tmp_path / "state")
    assert [guard_state.count_call(folder, "s", f"c{i}", 2) for i in range(3)] == [
        True,
        True,
        False,
    ]
    data = json.loads((tmp_path / "state" / "s.json").read_text())
    assert data == {"session": "s", "calls": ["c0", "c1"]}


def test_a_call_judged_twice_is_counted_once(tmp_path: Path) -> None:
    folder = str(tmp_path)
    assert guard_state.count_call(folder, "s", "c1", 1)
    assert guard_state.count_call(folder, "s", "c1", 1)  # the same call, judged again
    assert not guard_state.count_call(folder, "s", "c2", 1)


def test_a_limit_of_zero_refuses_every_call(tmp_path: Path) -> None:
    assert not guard_state.count_call(str(tmp_path), "s", "c1", 0)


def test_sessions_are_counted_apart(tmp_path: Path) -> None:
    folder = str(tmp_path)
    assert guard_state.count_call(folder, "s1", "c", 1)
    assert guard_state.count_call(folder, "s2", "c", 1)
    assert not guard_state.count_call(folder, "s1", "d", 1)


def test_a_new_state_folder_is_ignored_by_git(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "hub-guard"
    guard_state.count_call(str(folder), "s", "c", 5)
    assert (folder / ".gitignore").read_text() == "# hub guard state: never commit\n*\n"
    assert not list(folder.glob("*.tmp"))


def test_an_existing_folder_is_not_given_a_gitignore(tmp_path: Path) -> None:
    guard_state.count_call(str(tmp_path), "s", "c", 5)
    assert not (tmp_path / ".gitignore").exists()


@pytest.mark.parametrize("content", ['{"calls": [1]}', '{"calls": "c1"}', "[]", '{"session": "s"}'])
def test_a_damaged_state_file_is_an_error_naming_it(tmp_path: Path, content: str) -> None:
    (tmp_path / "s.json").write_text(content)
    with pytest.raises(ValueError, match=r"the guard's state file .*s\.json is damaged; delete it"):
        guard_state.count_call(str(tmp_path), "s", "c", 5)


def test_a_state_file_that_is_not_json_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text("{broken")
    with pytest.raises(ValueError):
        guard_state.count_call(str(tmp_path), "s", "c", 5)


def test_decisions_are_counted_by_kind_and_tool(tmp_path: Path) -> None:
    folder = str(tmp_path / "state")
    for decision, tool in [("deny", "mcp__a__x"), ("deny", "mcp__a__x"), ("ask", "mcp__b__y")]:
        guard_state.note_decision(folder, "sess/1", decision, tool)
    assert guard_state.decisions(folder, "sess/1") == {
        "deny": {"mcp__a__x": 2},
        "ask": {"mcp__b__y": 1},
    }
    assert (tmp_path / "state" / ".gitignore").exists()


def test_a_session_without_decisions_has_none(tmp_path: Path) -> None:
    assert guard_state.decisions(str(tmp_path / "missing"), "s") == {"deny": {}, "ask": {}}


def test_a_long_tool_name_is_cut_and_a_carriage_return_cannot_split_a_line(
    tmp_path: Path,
) -> None:
    guard_state.note_decision(str(tmp_path), "s", "deny", "a\rb" + "x" * 300)
    (tool,) = guard_state.decisions(str(tmp_path), "s")["deny"]
    assert tool == ("a b" + "x" * 300)[:200]


def test_unknown_or_broken_decision_lines_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "s.decisions").write_text("deny\tt1\nallow\tt2\nno tab\ndeny\t\nask\tt3\n")
    assert guard_state.decisions(str(tmp_path), "s") == {"deny": {"t1": 1}, "ask": {"t3": 1}}


def test_a_newline_in_a_tool_name_cannot_forge_another_decision(tmp_path: Path) -> None:
    guard_state.note_decision(str(tmp_path), "s", "ask", "mcp__a__b\ndeny\tmcp__c__d")
    assert guard_state.decisions(str(tmp_path), "s") == {
        "deny": {},
        "ask": {"mcp__a__b deny\tmcp__c__d": 1},
    }
