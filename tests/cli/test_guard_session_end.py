"""``hub guard session-end``: a Claude Code session's transcripts become one ledger record."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.runtime_helpers import hub_process

SESSION = "5f1c2a9e-0d7b-4c51-9a11-3e2f8b6d7c10"
SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"
CCUSAGE = "ccusage@17.2.1"  # the last release in plain JavaScript (20.x needs a native binary)


def _assistant(mid: str, model: str, usage: dict[str, int], content: list[Any], ts: str,
               *, side: bool = False) -> dict[str, Any]:  # fmt: skip
    return {
        "type": "assistant",
        "sessionId": SESSION,
        "isSidechain": side,
        "requestId": f"req_{mid}",
        "timestamp": ts,
        "uuid": f"{mid}-{ts}",
        "message": {"id": mid, "type": "message", "role": "assistant", "model": model,
                    "content": content, "usage": usage},
    }  # fmt: skip


def _usage(i: int, o: int, cr: int, cw: int) -> dict[str, int]:
    return {"input_tokens": i, "output_tokens": o, "cache_read_input_tokens": cr,
            "cache_creation_input_tokens": cw}  # fmt: skip


def transcripts(home: Path, *, partial_first_copy: bool = False) -> Path:
    """A session with a streamed message written twice, and one subagent file; returns the
    main transcript (in a Claude Code config folder's projects/)."""
    folder = home / "projects" / "-work-app"
    (folder / SESSION / "subagents").mkdir(parents=True)
    first = _usage(100, 1 if partial_first_copy else 50, 1000, 200)
    main = [
        {"type": "user", "sessionId": SESSION, "timestamp": "2026-12-01T10:00:00.000Z",
         "message": {"role": "user", "content": "triage invoice 42"}},
        _assistant("msg_1", SONNET, first, [{"type": "text", "text": "Looking"}],
                   "2026-12-01T10:00:01.000Z"),
        _assistant("msg_1", SONNET, _usage(100, 50, 1000, 200),
                   [{"type": "tool_use", "id": "toolu_1", "name": "mcp__jira__get_issue",
                     "input": {}}], "2026-12-01T10:00:02.000Z"),
        _assistant("msg_2", SONNET, _usage(10, 5, 1200, 0), [{"type": "text", "text": "Done"}],
                   "2026-12-01T10:00:05.000Z"),
    ]  # fmt: skip
    sub = [
        _assistant("msg_3", HAIKU, _usage(40, 20, 0, 300),
                   [{"type": "tool_use", "id": "toolu_2", "name": "Read", "input": {}}],
                   "2026-12-01T10:00:03.000Z", side=True),
        _assistant("msg_3", HAIKU, _usage(40, 20, 0, 300), [{"type": "text", "text": "ok"}],
                   "2026-12-01T10:00:04.000Z", side=True),
    ]  # fmt: skip
    path = folder / f"{SESSION}.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in main) + "{truncated\n")
    sub_file = folder / SESSION / "subagents" / "agent-a1b2.jsonl"
    sub_file.write_text("".join(json.dumps(e) + "\n" for e in sub))
    return path


@pytest.fixture
def project(registry: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    run = run_cli("export", "claude-code", "invoice-triage", str(folder))
    assert run.exit_code == 0, run.stderr
    return folder


def _end(
    project: Path, event: dict[str, Any] | bytes, **env: str
) -> subprocess.CompletedProcess[bytes]:
    stdin = event if isinstance(event, bytes) else json.dumps(event).encode()
    return hub_process(["guard", "session-end"], stdin, {"CLAUDE_PROJECT_DIR": str(project), **env})


def _event(transcript: Path) -> dict[str, Any]:
    return {"session_id": SESSION, "transcript_path": str(transcript), "cwd": "/work/app",
            "hook_event_name": "SessionEnd", "reason": "prompt_input_exit"}  # fmt: skip


def test_one_record_per_session_with_streaming_and_subagents(project: Path, tmp_path: Path) -> None:
    transcript = transcripts(tmp_path / "claude")
    done = _end(project, _event(transcript))
    assert done.returncode == 0, done.stderr
    lines = (project / ".claude" / "hub-runs.jsonl").read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["run_id"] == SESSION
    assert (record["team"], record["agent"]) == ("billing-ops", "invoice-triage")
    assert record["model"] == SONNET  # the model with the most tokens
    # msg_1 once (not twice), msg_2, and the subagent's msg_3 once
    assert (record["input_tokens"], record["output_tokens"]) == (150, 75)
    assert (record["cache_read_tokens"], record["cache_write_tokens"]) == (2200, 500)
    assert record["tool_calls"] == 2
    assert record["task_outcome"] == "resolved"
    assert record["duration_ms"] == 5000 and record["ts"] == "2026-12-01T10:00:05.000Z"
    assert record["labels"]["models"] == f"{HAIKU}=40/20/0/300,{SONNET}=110/55/2200/200"
    again = _end(project, _event(transcript))
    assert again.returncode == 0 and b"already" in again.stderr
    assert len((project / ".claude" / "hub-runs.jsonl").read_text().splitlines()) == 1
    ingest = run_cli("ledger", "ingest", str(project / ".claude" / "hub-runs.jsonl"),
                     "--db", f"sqlite:///{tmp_path / 'l.db'}")  # fmt: skip
    assert ingest.exit_code == 0, ingest.stderr


def test_hub_ledger_file_overrides_the_policy(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "runs.jsonl"
    done = _end(project, _event(transcripts(tmp_path / "c")), HUB_LEDGER_FILE=str(target))
    assert done.returncode == 0, done.stderr
    assert json.loads(target.read_text())["run_id"] == SESSION
    assert not (project / ".claude" / "hub-runs.jsonl").exists()


@pytest.mark.parametrize(
    "event",
    [
        b"",
        b"nope",
        b"[]",
        b'{"session_id": 1}',
        b'{"session_id": "s"}',
        b'{"session_id": "s", "transcript_path": "/no/such/file.jsonl"}',
    ],
)
def test_bad_input_writes_nothing_and_no_traceback(project: Path, event: bytes) -> None:
    done = _end(project, event)
    assert done.returncode == 1 and b"no ledger record written" in done.stderr
    assert b"Traceback" not in done.stderr
    assert not (project / ".claude" / "hub-runs.jsonl").exists()


@pytest.fixture(scope="session")
def ccusage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The community tool ccusage, installed from npm (skipped when npm cannot)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("no npm")
    prefix = tmp_path_factory.mktemp("ccusage")
    try:
        subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                        CCUSAGE], check=True, capture_output=True, timeout=300)  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"cannot install {CCUSAGE}: {exc}")
    return prefix / "node_modules" / ".bin" / "ccusage"


def _ccusage_totals(ccusage: Path, home: Path) -> dict[str, int]:
    done = subprocess.run(
        [str(ccusage), "session", "--json", "--offline"],
        capture_output=True, timeout=120, check=True,
        env={"PATH": "/usr/bin:/bin", "CLAUDE_CONFIG_DIR": str(home), "HOME": str(home)},
    )  # fmt: skip
    totals: dict[str, int] = json.loads(done.stdout)["totals"]
    return totals


@pytest.mark.parametrize("partial", [False, True])
def test_totals_agree_with_ccusage(
    project: Path, tmp_path: Path, ccusage: Path, partial: bool
) -> None:
    home = tmp_path / "claude"
    transcript = transcripts(home, partial_first_copy=partial)
    assert _end(project, _event(transcript)).returncode == 0
    ours = json.loads((project / ".claude" / "hub-runs.jsonl").read_text())
    theirs = _ccusage_totals(ccusage, home)
    assert theirs["inputTokens"] == ours["input_tokens"]
    assert theirs["cacheReadTokens"] == ours["cache_read_tokens"]
    assert theirs["cacheCreationTokens"] == ours["cache_write_tokens"]
    # ccusage keeps the first streamed copy of a message, the guard the largest count of each
    # field: the same when copies repeat the usage, fewer output tokens for ccusage when the
    # first copy was written mid-stream (docs/runtime.md)
    assert theirs["outputTokens"] == ours["output_tokens"] - (49 if partial else 0)


@pytest.mark.usefixtures("registry")
def test_outcome_follows_the_policy_rules(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    args = ["export", "claude-code", "invoice-triage", str(folder)]
    bad = run_cli(*args, "--outcome", "logout=gone")
    assert bad.exit_code == 2 and "REASON=" in bad.stderr
    run = run_cli(*args, "--outcome", "prompt_input_exit=escalated", "--outcome", "x=failed")
    assert run.exit_code == 0, run.stderr
    assert _end(folder, _event(transcripts(tmp_path / "c"))).returncode == 0
    record = json.loads((folder / ".claude" / "hub-runs.jsonl").read_text())
    assert record["task_outcome"] == "escalated"
    assert record["labels"]["session_end_reason"] == "prompt_input_exit"
