"""Writing the exported files atomically, keeping a user's keys that do not loosen, and the
drift check (``--check``) that finds missing, stale or loosened files."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubrails.core.runtime import claude_code as cc
from hubrails.core.runtime.compile import POLICY_FILE, Compiled
from hubrails.errors import HubError, LoosenedError

SETTINGS = ".claude/settings.json"
MCP = ".mcp.json"
POLICY = f".claude/{POLICY_FILE}"
MANAGED_SETTINGS = "managed-settings.json"
MANAGED_MCP = "managed-mcp.json"
OURS = {"$schema", cc.UNCERTIFIED_KEY, "permissions", "model", "availableModels", "env", "hooks"}
LOOSE_FLAGS = ("disableAllHooks", "enableAllProjectMcpServers", "skipDangerousModePermissionPrompt")
LOOSE_MODES = ("bypassPermissions", "auto")


@dataclass
class Plan:
    """The files to write (relative path -> JSON data) and which one is the settings file."""

    files: dict[str, dict[str, Any]]
    settings: str
    mcp: str
    policy: str
    findings: list[str] = field(default_factory=list)


def plan(
    compiled: Compiled,
    options: cc.Options,
    ledger: dict[str, str],
    *,
    managed: bool,
    outcomes: dict[str, str] | None = None,
) -> Plan:
    """What ``hub export claude-code`` writes for ``compiled``."""
    doc = compiled.document(ledger, outcomes)
    if managed:
        files = {
            MANAGED_SETTINGS: cc.managed_settings(compiled, options),
            MANAGED_MCP: cc.mcp_json(compiled),
            POLICY_FILE: doc,
        }
        return Plan(files, MANAGED_SETTINGS, MANAGED_MCP, POLICY_FILE, list(compiled.findings))
    files = {SETTINGS: cc.settings(compiled, options), MCP: cc.mcp_json(compiled), POLICY: doc}
    return Plan(files, SETTINGS, MCP, POLICY, list(compiled.findings))


def loosenings(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """How ``actual`` settings are looser than ``expected`` (each naming the key)."""
    out: list[str] = []
    want = expected.get("permissions") or {}
    have = _obj(actual.get("permissions"))
    out += [f"permissions.allow adds {r}" for r in _list(have, "allow") if r not in want["allow"]]
    for kind in ("ask", "deny"):
        out += [f"permissions.{kind} drops {r}" for r in want[kind] if r not in _list(have, kind)]
    if have.get("disableBypassPermissionsMode") != "disable":
        out.append("permissions.disableBypassPermissionsMode is not 'disable'")
    if have.get("defaultMode") in LOOSE_MODES:
        out.append(f"permissions.defaultMode is {have['defaultMode']}")
    models = expected.get("availableModels")
    if models is not None:
        got = actual.get("availableModels")
        if not isinstance(got, list):
            out.append("availableModels is removed")
        else:
            out += [f"availableModels adds {m}" for m in got if m not in models]
        if "model" in actual and actual["model"] not in models:
            out.append(f"model {actual['model']} is not in availableModels")
    env = _obj(actual.get("env"))
    for key, value in (expected.get("env") or {}).items():
        if env.get(key) != value:
            out.append(f"env.{key} is not {value}")
    if "DISABLE_TELEMETRY" in env and expected.get("env"):
        out.append("env.DISABLE_TELEMETRY switches telemetry off")
    hooks = _obj(actual.get("hooks"))
    for event, matchers in (expected.get("hooks") or {}).items():
        have_cmds = _commands(hooks.get(event))
        for cmd in _commands(matchers):
            if cmd not in have_cmds:
                out.append(f"hooks.{event} drops the guard ({cmd})")
    out += [f"{flag} is set" for flag in LOOSE_FLAGS if actual.get(flag)]
    return out


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(block: dict[str, Any], key: str) -> list[Any]:
    value = block.get(key)
    return value if isinstance(value, list) else []


def _commands(matchers: Any) -> list[str]:
    found = []
    for m in matchers if isinstance(matchers, list) else []:
        for h in (m.get("hooks") if isinstance(m, dict) else None) or []:
            if isinstance(h, dict) and isinstance(h.get("command"), str):
                found.append(h["command"])
    return found


def merge(ours: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """``ours`` over a user's ``existing`` settings: unrelated keys kept, env and other
    hook events merged; raises :class:`LoosenedError` when a kept key loosens the policy."""
    merged = {k: v for k, v in existing.items() if k not in OURS}
    merged.update(ours)
    if isinstance(existing.get("env"), dict) and "env" in ours:
        merged["env"] = {**existing["env"], **ours["env"]}
    if isinstance(existing.get("hooks"), dict):
        extra = {k: v for k, v in existing["hooks"].items() if k not in ours["hooks"]}
        merged["hooks"] = {**ours["hooks"], **extra}
    problems = loosenings(ours, merged)
    if problems:
        raise LoosenedError(
            "the existing settings loosen the policy: " + "; ".join(problems),
            hint="remove those keys, or move the file away, and export again",
        )
    return merged


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file, ``None`` when absent; a clear error when it is not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise HubError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise HubError(f"not JSON: {exc.msg}", path=str(path), line=exc.lineno,
                       column=exc.colno) from None  # fmt: skip
    if not isinstance(data, dict):
        raise HubError("expected a JSON object", path=str(path))
    return data


def dumps(data: dict[str, Any]) -> str:
    """The text written for one file."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(folder: Path, the_plan: Plan, *, force: bool) -> list[str]:
    """Write every planned file atomically; an existing one only with ``force`` (the settings
    file then keeps the user's keys that do not loosen). Returns the paths written."""
    contents: dict[str, str] = {}
    for rel, data in the_plan.files.items():
        path = folder / rel
        existing = read_json(path) if path.exists() else None
        if path.exists() and not force:
            raise HubError(f"{path} exists", hint="pass --force to replace it")
        if rel == the_plan.settings and existing is not None:
            data = merge(data, existing)
        contents[rel] = dumps(data)
    for rel, text in contents.items():
        atomic_write(folder / rel, text)
    return list(contents)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise HubError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            os.fchmod(out.fileno(), 0o666 & ~_umask())  # mkstemp's 0600 would hide it
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check(folder: Path, the_plan: Plan) -> list[str]:
    """What is missing, stale or looser in ``folder`` than the plan (empty: all good)."""
    problems: list[str] = []
    found = {rel: _try_read(folder, rel, problems) for rel in the_plan.files}
    for rel, data in found.items():
        if data is None and not any(p.startswith(rel) for p in problems):
            problems.append(f"{rel}: missing")
    policy = found[the_plan.policy]
    want = the_plan.files[the_plan.policy]["digest"]
    if policy is not None and policy.get("digest") != want:
        problems.append(f"{the_plan.policy}: stale (the registry changed since the export)")
    settings = found[the_plan.settings]
    if settings is not None:
        expected = the_plan.files[the_plan.settings]
        problems += [f"{the_plan.settings}: {p}" for p in loosenings(expected, settings)]
    servers = (found[the_plan.mcp] or {}).get("mcpServers")
    wanted = the_plan.files[the_plan.mcp]["mcpServers"]
    for name, config in (servers if isinstance(servers, dict) else {}).items():
        if name not in wanted:
            problems.append(f"{the_plan.mcp}: adds server {name}")
        elif config != wanted[name]:
            problems.append(f"{the_plan.mcp}: changes server {name}")
    return problems


def _try_read(folder: Path, rel: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        return read_json(folder / rel)
    except HubError as exc:
        problems.append(f"{rel}: {exc.message}")
        return None
