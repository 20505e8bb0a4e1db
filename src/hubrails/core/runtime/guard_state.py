"""The per-session tool-call count: a small JSON file per session, changed under a lock.

Concurrent hook processes of one session serialise on the lock; a call is known by its id, so
two processes that judge the same call count it once. Standard library only, no pathlib.
"""

from __future__ import annotations

import fcntl
import json
import os

SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def state_dir(policy_path: str) -> str:
    """``$HUB_GUARD_STATE_DIR``, else a ``hub-guard`` folder beside a project's policy, else
    ``$XDG_STATE_HOME/hubrails/guard`` (a managed policy's folder is not the user's)."""
    given = os.environ.get("HUB_GUARD_STATE_DIR")
    if given:
        return given
    parent = os.path.dirname(os.path.abspath(policy_path))  # noqa: PTH100, PTH120
    if os.path.basename(parent) == ".claude":  # noqa: PTH119
        return os.path.join(parent, "hub-guard")  # noqa: PTH118
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")  # noqa: PTH111
    return os.path.join(base, "hubrails", "guard")  # noqa: PTH118


def session_key(session: str) -> str:
    """A file name for ``session``: itself when it is a plain id, else its digest."""
    if 0 < len(session) <= 100 and set(session) <= SAFE:
        return session
    from hubrails.core.runtime.guard import sha256_hex

    return sha256_hex(session.encode())[:32]


def _ensure(folder: str) -> None:
    """The state folder, made with a ``.gitignore`` that keeps it out of commits."""
    if not os.path.isdir(folder):  # noqa: PTH112
        os.makedirs(folder, exist_ok=True)  # noqa: PTH103
        with open(os.path.join(folder, ".gitignore"), "w") as ignore:  # noqa: PTH118, PTH123
            ignore.write("# hub guard state: never commit\n*\n")


def count_call(folder: str, session: str, call: str, limit: int) -> bool:
    """Count ``call`` for ``session`` unless ``limit`` calls are already counted; whether the
    call may run (a call counted before, by another process, may)."""
    _ensure(folder)
    base = os.path.join(folder, session_key(session))  # noqa: PTH118
    with open(base + ".lock", "a") as lock:  # noqa: PTH123
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            calls = _read(base + ".json")
            if call in calls:
                return True
            if len(calls) >= limit:
                return False
            calls.append(call)
            tmp = f"{base}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as out:  # noqa: PTH123
                out.write(json.dumps({"session": session, "calls": calls}))
            os.replace(tmp, base + ".json")  # noqa: PTH105
            return True
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _read(state: str) -> list[str]:
    try:
        with open(state, encoding="utf-8") as f:  # noqa: PTH123
            data = json.loads(f.read())
    except FileNotFoundError:
        return []
    calls = data.get("calls") if isinstance(data, dict) else None
    if not isinstance(calls, list) or not all(isinstance(c, str) for c in calls):
        raise ValueError(f"the guard's state file {state} is damaged; delete it")
    return calls


def note_decision(folder: str, session: str, decision: str, tool: str) -> None:
    """Append a denial or a gate (``deny``/``ask``) of ``tool`` to the session's decisions, which
    ``hub guard session-end`` puts in the run's evidence; one short ``O_APPEND`` write."""
    _ensure(folder)
    line = f"{decision}\t{tool[:200]}".replace("\r", " ").replace("\n", " ") + "\n"
    with open(os.path.join(folder, session_key(session)) + ".decisions", "a") as out:  # noqa: PTH118, PTH123
        out.write(line)


def decisions(folder: str, session: str) -> dict[str, dict[str, int]]:
    """The session's noted decisions: ``{"deny": {tool: count}, "ask": {...}}``."""
    found: dict[str, dict[str, int]] = {"deny": {}, "ask": {}}
    try:
        with open(os.path.join(folder, session_key(session)) + ".decisions") as f:  # noqa: PTH118, PTH123
            for line in f:
                decision, sep, tool = line.rstrip("\n").partition("\t")
                if sep and decision in found and tool:
                    found[decision][tool] = found[decision].get(tool, 0) + 1
    except OSError:
        pass
    return found
