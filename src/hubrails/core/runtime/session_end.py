"""``hub guard session-end``: one ledger record per Claude Code session (``run_id`` = the
session id), appended to ``$HUB_LEDGER_FILE`` or the file the compiled policy names."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from hubrails.core.runtime.guard_main import load_policy, policy_path, read_input
from hubrails.core.runtime.transcript import Session, summarise, transcript_files

OUTCOMES = ("resolved", "escalated", "failed", "abandoned")


class SessionEndError(Exception):
    """The session cannot be recorded; the message says why."""


def evidence_labels(session: Session, decided: dict[str, dict[str, int]]) -> dict[str, str]:
    """The ``hub.*`` labels the ledger keeps as the run's evidence: the tools the transcript
    shows used, and the calls the guard denied or gated (``store/evidence.py``)."""
    from hubrails.store.evidence_data import encode

    found = {"hub.tools": encode(session.tool_names),
             "hub.denied": encode(decided.get("deny", {})),
             "hub.gated": encode(decided.get("ask", {}))}  # fmt: skip
    return {k: v for k, v in found.items() if v}


def record_of(
    event: dict[str, Any],
    policy: dict[str, Any],
    session: Session,
    decided: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """The ledger record for one session (with the guard's ``decided`` calls)."""
    from hubrails.core.ledger.emit import new_record

    if not session.models:
        raise SessionEndError("the transcripts hold no assistant message with usage")
    main = max(session.models, key=lambda m: session.models[m].total)
    total = {a: sum(getattr(u, a) for u in session.models.values())
             for a in ("input", "output", "cache_read", "cache_write")}  # fmt: skip
    labels = {"source": "claude-code"}
    if len(session.models) > 1:
        labels["models"] = ",".join(
            f"{m}={u.input}/{u.output}/{u.cache_read}/{u.cache_write}"
            for m, u in sorted(session.models.items())
        )
    reason = event.get("reason")
    if isinstance(reason, str):
        labels["session_end_reason"] = reason[:64]
    labels.update(evidence_labels(session, decided or {}))
    return new_record(
        run_id=str(event["session_id"]),
        team=str(policy.get("team") or os.environ.get("HUB_TEAM") or "unknown"),
        agent=str(policy.get("agent") or os.environ.get("HUB_AGENT") or "claude-code"),
        model=main,
        input_tokens=total["input"],
        output_tokens=total["output"],
        cache_read_tokens=total["cache_read"],
        cache_write_tokens=total["cache_write"],
        tool_calls=session.tool_calls,
        human_review_minutes=0,
        task_outcome=outcome(policy, reason),
        ts=session.last_ts,
        duration_ms=_duration(session),
        labels=labels,
    )


def outcome(policy: dict[str, Any], reason: Any) -> str:
    """The policy's outcome for the session's end ``reason`` (default ``resolved``)."""
    rules = policy.get("outcome")
    rules = rules if isinstance(rules, dict) else {}
    by_reason = rules.get("by_reason")
    found = by_reason.get(reason) if isinstance(by_reason, dict) else None
    found = found if found in OUTCOMES else rules.get("default")
    return found if found in OUTCOMES else "resolved"


def _duration(session: Session) -> int | None:
    if not session.first_ts or not session.last_ts:
        return None
    try:
        start = datetime.fromisoformat(session.first_ts.replace("Z", "+00:00"))
        end = datetime.fromisoformat(session.last_ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0, int((end - start).total_seconds() * 1000))


def destination(policy: dict[str, Any], path: Path, event: dict[str, Any]) -> Path:
    """``$HUB_LEDGER_FILE``, else the policy's ``ledger.file`` (relative: to the project)."""
    given = os.environ.get("HUB_LEDGER_FILE")
    if given:
        return Path(given)
    ledger = policy.get("ledger")
    name = ledger.get("file") if isinstance(ledger, dict) else None
    target = Path(name if isinstance(name, str) and name else ".claude/hub-runs.jsonl")
    if target.is_absolute():
        return target
    project = os.environ.get("CLAUDE_PROJECT_DIR") or event.get("cwd")
    base = Path(project) if isinstance(project, str) and project else path.parent.parent
    return base / target


def already_recorded(target: Path, run_id: str) -> bool:
    """Whether ``target`` holds a record of ``run_id`` (a re-run of the hook adds nothing)."""
    import json

    try:
        with target.open("rb") as f:
            for line in f:
                if run_id.encode() in line:
                    data = json.loads(line)
                    if isinstance(data, dict) and data.get("run_id") == run_id:
                        return True
    except (OSError, ValueError):
        return False
    return False


def session_end(args: list[str], stdin: BinaryIO, stderr: TextIO) -> int:
    """Record the session; exit 0 when recorded (or already), 1 with a reason otherwise."""
    from hubrails.core.ledger.emit import append
    from hubrails.errors import HubError

    event, problem = read_input(stdin)
    if event is None:
        return _fail(stderr, problem)
    session_id, transcript = event.get("session_id"), event.get("transcript_path")
    if not isinstance(session_id, str) or not session_id:
        return _fail(stderr, "the hook input has no session_id string")
    if not isinstance(transcript, str) or not transcript:
        return _fail(stderr, "the hook input has no transcript_path string")
    path = Path(policy_path(args, event))
    policy, why = load_policy(str(path))
    if policy is None:
        return _fail(stderr, why)
    files = transcript_files(Path(transcript), session_id)
    if not files:
        return _fail(stderr, f"no transcript at {transcript}")
    try:
        from hubrails.core.runtime.guard_state import decisions, state_dir

        decided = decisions(state_dir(str(path)), session_id)
        record = record_of(event, policy, summarise(files), decided)
        target = destination(policy, path, event)
        if already_recorded(target, session_id):
            stderr.write(f"hub guard: session {session_id} is already in {target}\n")
            return 0
        append(target, record)
    except (SessionEndError, OSError) as exc:
        return _fail(stderr, str(exc))
    except HubError as exc:
        return _fail(stderr, exc.message)
    stderr.write(f"hub guard: recorded session {session_id} in {target}\n")
    return 0


def _fail(stderr: TextIO, why: str) -> int:
    stderr.write(f"hub guard: {why}; no ledger record written\n")
    return 1
