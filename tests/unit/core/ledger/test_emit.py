"""One emitted record: its defaults (time, fresh run id), its checks, and the append under a
file lock (one whole line, a torn line kept apart, a held lock or an unwritable path an error)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from filelock import FileLock

from hubrails.core.ledger import emit
from hubrails.core.ledger.emit import append, new_record
from hubrails.errors import HubError
from tests.helpers import SEED, record


def test_a_new_record_drops_none_and_defaults_the_time_and_a_fresh_run_id() -> None:
    before = datetime.now(UTC)
    made = new_record(team="sre", agent="a", cost_usd=None, labels=None)
    assert set(made) == {"team", "agent", "ts", "run_id"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", made["ts"]), made["ts"]
    moment = datetime.fromisoformat(made["ts"].replace("Z", "+00:00"))
    assert before - timedelta(milliseconds=1) <= moment <= datetime.now(UTC)
    assert str(uuid.UUID(made["run_id"])) == made["run_id"]
    assert new_record(team="sre")["run_id"] != new_record(team="sre")["run_id"]


def test_a_given_time_and_run_id_are_kept() -> None:
    made = new_record(ts="2026-06-06T14:21:00Z", run_id="r-1", tool_calls=0)
    assert made == {"ts": "2026-06-06T14:21:00Z", "run_id": "r-1", "tool_calls": 0}


def test_a_record_is_appended_as_one_utf8_line_creating_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "runs.jsonl"
    append(path, record(run_id="r-1", agent="triage-é"))
    append(path, record(run_id="r-2"))
    raw = path.read_bytes()
    assert "triage-é".encode() in raw  # not \u-escaped
    assert [json.loads(line)["run_id"] for line in raw.splitlines()] == ["r-1", "r-2"]
    assert raw.endswith(b"\n")


def test_a_torn_last_line_stays_apart_from_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_bytes(b'{"team": "sre", "ag')
    append(path, record(run_id="r-1"))
    first, second = path.read_bytes().splitlines()
    assert first == b'{"team": "sre", "ag'
    assert json.loads(second)["run_id"] == "r-1"


def test_an_invalid_record_is_refused_with_every_reason_and_nothing_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.jsonl"
    with pytest.raises(HubError) as caught:
        append(path, record(input_tokens=-1, task_outcome="won"))
    message = caught.value.message
    assert message.startswith("invalid record: ")
    assert "input_tokens: " in message and "task_outcome: " in message and "; " in message
    assert not path.exists()


def test_text_that_is_not_unicode_is_refused_before_any_other_check(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    bad = b"triage-\xff".decode("utf-8", "surrogateescape")
    with pytest.raises(HubError) as caught:
        append(path, {"agent": bad})  # other fields missing, too
    assert caught.value.message == (
        "invalid record: agent: is not valid UTF-8 text (a lone surrogate)"
    )
    assert not path.exists()


def test_a_lock_held_too_long_is_an_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.jsonl"
    monkeypatch.setattr(emit, "LOCK_TIMEOUT_S", 0.05)
    with FileLock(f"{path}.lock"), pytest.raises(HubError) as caught:
        append(path, dict(SEED))
    assert caught.value.message == f"{path}: another writer held the lock for 0.05 s"
    assert not path.exists() or path.read_bytes() == b""


def test_a_path_that_cannot_be_written_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    path = tmp_path / "file" / "runs.jsonl"  # under a file, not a folder
    with pytest.raises(HubError) as caught:
        append(path, dict(SEED))
    assert caught.value.message.startswith(f"cannot append to {path}: ")
