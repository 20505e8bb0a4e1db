"""Emitting one record: validated, then appended to a JSON Lines file under a file lock."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubrails.core.ledger.records import problems, unencodable
from hubrails.errors import HubError

LOCK_TIMEOUT_S = 60


def new_record(**fields: Any) -> dict[str, Any]:
    """A record from keyword fields: ``None`` values dropped, ``ts`` defaulting to now and
    ``run_id`` to a fresh UUID (so two equal runs are never taken for one)."""
    record = {k: v for k, v in fields.items() if v is not None}
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    record.setdefault("ts", now)
    record.setdefault("run_id", str(uuid.uuid4()))
    return record


def append(path: Path, record: dict[str, Any]) -> None:
    """Validate ``record`` and append it as one line; concurrent writers never interleave."""
    from filelock import FileLock, Timeout

    found = unencodable(record) or problems(record)
    if found:
        raise HubError("invalid record: " + "; ".join(f"{f}: {r}" for f, r in found))
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT_S), path.open("ab") as out:
            if out.tell() > 0 and not _ends_with_newline(path):
                line = b"\n" + line  # a writer died mid-line: keep its fragment apart
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
    except Timeout:
        raise HubError(f"{path}: another writer held the lock for {LOCK_TIMEOUT_S} s") from None
    except OSError as exc:
        raise HubError(f"cannot append to {path}: {exc.strerror}") from None


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"
