"""Writing the exported Claude Code files: the plan (project or managed), what makes settings
looser than the policy, the merge with a user's settings, JSON reading, atomic writes, and the
drift check (missing, stale, looser, changed servers)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.runtime import claude_code as cc
from hubrails.core.runtime import files
from hubrails.core.runtime.compile import Compiled, Server
from hubrails.errors import HubError, LoosenedError

LEDGER = {"file": ".claude/hub-runs.jsonl"}


def _compiled(**more: Any) -> Compiled:
    server = Server("github", "registry/tools/github.yaml",
                    {"transport": "stdio", "command": "gh-mcp"},
                    {"get_issue": {"decision": "allow"}, "merge": {"decision": "ask"}})  # fmt: skip
    fields: dict[str, Any] = {"scope": "agent", "agent": "a", "team": "t", "source": "s.yaml",
                              "servers": {"github": server}, "denied": {"paste": "no"},
                              "models": ["sonnet"], "telemetry": True, **more}  # fmt: skip
    return Compiled(**fields)


def _plan(**more: Any) -> files.Plan:
    return files.plan(_compiled(**more), cc.Options(), LEDGER, managed=False)


def _expected() -> dict[str, Any]:
    return cc.settings(_compiled(), cc.Options())


def test_a_project_plan_writes_settings_mcp_and_the_policy() -> None:
    the_plan = files.plan(_compiled(findings=["f1"]), cc.Options(), LEDGER, managed=False,
                          outcomes={"logout": "abandoned"})  # fmt: skip
    assert list(the_plan.files) == [files.SETTINGS, files.MCP, files.POLICY]
    assert (the_plan.settings, the_plan.mcp, the_plan.policy) == (
        ".claude/settings.json", ".mcp.json", ".claude/hub-policy.json")  # fmt: skip
    policy = the_plan.files[files.POLICY]
    assert policy["ledger"] == LEDGER and policy["outcome"]["by_reason"] == {"logout": "abandoned"}
    assert the_plan.findings == ["f1"]


def test_a_managed_plan_writes_the_managed_files() -> None:
    the_plan = files.plan(_compiled(), cc.Options(), LEDGER, managed=True)
    assert list(the_plan.files) == ["managed-settings.json", "managed-mcp.json", "hub-policy.json"]
    assert the_plan.files[the_plan.settings]["allowManagedHooksOnly"] is True


def test_the_exported_settings_are_not_looser_than_themselves() -> None:
    assert files.loosenings(_expected(), _expected()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["permissions"]["allow"].append("mcp__x"), "permissions.allow adds mcp__x"),
        (lambda s: s["permissions"]["ask"].clear(), "permissions.ask drops mcp__github__merge"),
        (lambda s: s["permissions"]["deny"].remove("mcp__paste"),
         "permissions.deny drops mcp__paste"),
        (lambda s: s["permissions"].pop("disableBypassPermissionsMode"),
         "permissions.disableBypassPermissionsMode is not 'disable'"),
        (lambda s: s["permissions"].update(defaultMode="bypassPermissions"),
         "permissions.defaultMode is bypassPermissions"),
        (lambda s: s["permissions"].update(defaultMode="auto"), "permissions.defaultMode is auto"),
        (lambda s: s.pop("availableModels"), "availableModels is removed"),
        (lambda s: s["availableModels"].append("opus"), "availableModels adds opus"),
        (lambda s: s.update(model="opus"), "model opus is not in availableModels"),
        (lambda s: s["env"].update(OTEL_LOGS_EXPORTER="none"),
         "env.OTEL_LOGS_EXPORTER is not otlp"),
        (lambda s: s["env"].update(DISABLE_TELEMETRY="1"),
         "env.DISABLE_TELEMETRY switches telemetry off"),
        (lambda s: s["hooks"].pop("SessionEnd"),
         "hooks.SessionEnd drops the guard (hub guard session-end --policy "
         '"$CLAUDE_PROJECT_DIR"/.claude/hub-policy.json)'),
        (lambda s: s.update(disableAllHooks=True), "disableAllHooks is set"),
        (lambda s: s.update(enableAllProjectMcpServers=True), "enableAllProjectMcpServers is set"),
    ],
)  # fmt: skip
def test_each_loosening_is_named_by_its_key(change: Any, problem: str) -> None:
    actual = json.loads(json.dumps(_expected()))
    change(actual)
    assert files.loosenings(_expected(), actual) == [problem]


def test_settings_of_the_wrong_shape_are_looser_not_a_crash() -> None:
    actual = {"permissions": "all", "hooks": {"PreToolUse": "x"}, "env": ["x"]}
    found = files.loosenings(_expected(), actual)
    assert "permissions.ask drops mcp__github__merge" in found
    assert "availableModels is removed" in found
    assert any(p.startswith("hooks.PreToolUse drops the guard") for p in found)


def test_a_stricter_user_setting_is_not_a_loosening() -> None:
    actual = json.loads(json.dumps(_expected()))
    actual["permissions"]["deny"].append("Bash")
    actual["permissions"]["defaultMode"] = "plan"
    actual["hooks"]["PreToolUse"].append({"matcher": "Bash", "hooks": [{"command": "mine"}]})
    assert files.loosenings(_expected(), actual) == []


def test_merge_keeps_unrelated_keys_env_and_other_hook_events() -> None:
    stop = [{"hooks": [{"type": "command", "command": "say"}]}]
    existing = {"theme": "dark", "model": "opus", "env": {"MINE": "1"}, "hooks": {"Stop": stop}}
    merged = files.merge(_expected(), existing)
    assert merged["theme"] == "dark" and "model" not in merged  # model is ours to set
    assert merged["env"]["MINE"] == "1" and merged["env"]["OTEL_LOGS_EXPORTER"] == "otlp"
    assert list(merged["hooks"]) == ["PreToolUse", "SessionEnd", "Stop"]


def test_merge_refuses_a_kept_key_that_loosens() -> None:
    with pytest.raises(LoosenedError) as caught:
        files.merge(_expected(), {"disableAllHooks": True, "env": {"DISABLE_TELEMETRY": "1"}})
    assert caught.value.message == (
        "the existing settings loosen the policy: env.DISABLE_TELEMETRY switches telemetry off; "
        "disableAllHooks is set"
    )
    assert caught.value.hint == "remove those keys, or move the file away, and export again"


def test_read_json_reads_an_object_and_none_when_absent(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": 1}')
    assert files.read_json(tmp_path / "a.json") == {"a": 1}
    assert files.read_json(tmp_path / "missing.json") is None


def test_read_json_says_where_the_json_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{\n  "a": 1,\n}')
    with pytest.raises(HubError) as caught:
        files.read_json(path)
    assert caught.value.message.startswith("not JSON: ")
    assert (caught.value.path, caught.value.line) == (str(path), 3)


@pytest.mark.parametrize(("content", "message"), [(b"[1]", "expected a JSON object"),
                                                  (b"\xff", "cannot read ")])  # fmt: skip
def test_read_json_refuses_other_content(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    with pytest.raises(HubError, match=message):
        files.read_json(path)


def test_read_json_of_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HubError, match=f"cannot read {tmp_path}"):
        files.read_json(tmp_path)


def test_dumps_is_indented_unicode_with_a_final_newline() -> None:
    assert files.dumps({"a": "é"}) == '{\n  "a": "é"\n}\n'


def test_write_creates_every_file_and_check_then_finds_nothing(tmp_path: Path) -> None:
    the_plan = _plan()
    assert files.write(tmp_path, the_plan, force=False) == list(the_plan.files)
    assert files.read_json(tmp_path / files.POLICY) == the_plan.files[files.POLICY]
    assert files.check(tmp_path, the_plan) == []


def test_written_files_follow_the_umask_not_mkstemps_0600(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        files.atomic_write(tmp_path / "sub" / "f.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sub" / "f.json").stat().st_mode) == 0o640
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["f.json"]


def test_an_atomic_write_where_no_folder_can_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(HubError, match=r"^cannot write .*/file/f\.json: \w"):
        files.atomic_write(tmp_path / "file" / "f.json", "{}")


def test_an_existing_file_is_kept_without_force_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / ".mcp.json").write_text('{"mcpServers": {}}')
    with pytest.raises(HubError) as caught:
        files.write(tmp_path, _plan(), force=False)
    assert caught.value.message == f"{tmp_path / '.mcp.json'} exists"
    assert caught.value.hint == "pass --force to replace it"
    assert not (tmp_path / ".claude").exists()


def test_force_merges_the_users_settings(tmp_path: Path) -> None:
    settings = tmp_path / files.SETTINGS
    settings.parent.mkdir()
    settings.write_text('{"theme": "dark", "permissions": {"allow": ["Bash"]}}')
    files.write(tmp_path, _plan(), force=True)
    written = json.loads(settings.read_text())
    assert written["theme"] == "dark"
    assert written["permissions"] == _expected()["permissions"]  # ours replace the user's


def test_force_with_loosening_settings_writes_nothing(tmp_path: Path) -> None:
    settings = tmp_path / files.SETTINGS
    settings.parent.mkdir()
    settings.write_text('{"disableAllHooks": true}')
    with pytest.raises(LoosenedError):
        files.write(tmp_path, _plan(), force=True)
    assert not (tmp_path / files.MCP).exists()


def test_check_reports_missing_files(tmp_path: Path) -> None:
    assert files.check(tmp_path, _plan()) == [
        ".claude/settings.json: missing",
        ".mcp.json: missing",
        ".claude/hub-policy.json: missing",
    ]


def test_check_finds_a_stale_policy_and_an_unreadable_file(tmp_path: Path) -> None:
    files.write(tmp_path, _plan(), force=False)
    (tmp_path / files.MCP).write_text("{oops")
    found = files.check(tmp_path, _plan(denied={}))
    assert found[0].startswith(".mcp.json: not JSON: ")
    assert ".claude/hub-policy.json: stale (the registry changed since the export)" in found
    assert ".claude/settings.json: permissions.deny drops mcp__paste" not in found  # stricter
    assert ".mcp.json: missing" not in found


def test_check_finds_looser_settings_and_added_or_changed_servers(tmp_path: Path) -> None:
    the_plan = _plan()
    files.write(tmp_path, the_plan, force=False)
    settings = json.loads((tmp_path / files.SETTINGS).read_text())
    settings["permissions"]["allow"].append("mcp__paste")
    (tmp_path / files.SETTINGS).write_text(json.dumps(settings))
    servers = {"github": {"type": "stdio", "command": "evil"}, "extra": {"type": "sse"}}
    (tmp_path / files.MCP).write_text(json.dumps({"mcpServers": servers}))
    assert files.check(tmp_path, the_plan) == [
        ".claude/settings.json: permissions.allow adds mcp__paste",
        ".mcp.json: changes server github",
        ".mcp.json: adds server extra",
    ]


def test_a_removed_server_is_not_drift(tmp_path: Path) -> None:
    the_plan = _plan()
    files.write(tmp_path, the_plan, force=False)
    (tmp_path / files.MCP).write_text('{"mcpServers": []}')
    assert files.check(tmp_path, the_plan) == []
