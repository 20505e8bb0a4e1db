"""``hub ledger emit`` and the Python API: validated records, appended safely."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from hubrails.errors import HubError
from hubrails.ledger import emit_run
from tests.helpers import SEED, run_cli, stored

REQUIRED = (
    "--team", "sre", "--agent", "incident-triage", "--model", "sonnet",
    "--input-tokens", "100", "--output-tokens", "20",
)  # fmt: skip


def test_emit_appends_a_valid_record(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "runs.jsonl"
    run = run_cli(
        "ledger", "emit", *REQUIRED, "--tool-calls", "2", "--outcome", "escalated",
        "--label", "env=prod", "--run-id", "r-1", "--ts", "2026-06-06T14:21:00Z",
        "--to", str(target),
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    [line] = target.read_text().splitlines()
    written = json.loads(line)
    assert json.loads(run.stdout) == written
    assert written == {
        "run_id": "r-1",
        "team": "sre",
        "agent": "incident-triage",
        "model": "sonnet",
        "input_tokens": 100,
        "output_tokens": 20,
        "tool_calls": 2,
        "human_review_minutes": 0.0,
        "task_outcome": "escalated",
        "ts": "2026-06-06T14:21:00Z",
        "labels": {"env": "prod"},
    }


def test_defaults_give_a_fresh_run_id_and_the_time(tmp_path: Path) -> None:
    target = tmp_path / "runs.jsonl"
    first = emit_run(target, **{k: v for k, v in SEED.items() if k != "ts"})
    second = emit_run(target, **{k: v for k, v in SEED.items() if k != "ts"})
    assert first["run_id"] != second["run_id"]
    assert first["ts"].endswith("Z")
    assert len(target.read_text().splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--input-tokens", "-1"), "input_tokens: -1 is less than the minimum of 0"),
        (("--ts", "tomorrow"), "ts: 'tomorrow' is not an RFC 3339 date-time"),
        (("--label", "novalue"), "--label 'novalue': expected KEY=VALUE"),
        (("--outcome", "done"), "Invalid value for '--outcome'"),
    ],
)
def test_invalid_records_are_refused(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    target = tmp_path / "runs.jsonl"
    run = run_cli("ledger", "emit", *REQUIRED, *args, "--to", str(target))
    assert run.exit_code == 2
    assert message in run.stderr
    assert not target.exists()


def test_api_refuses_invalid_records(tmp_path: Path) -> None:
    with pytest.raises(HubError, match="task_outcome: 'won' is not one of"):
        emit_run(tmp_path / "r.jsonl", **{**SEED, "task_outcome": "won"})


def test_a_torn_last_line_is_kept_apart(tmp_path: Path) -> None:
    target = tmp_path / "runs.jsonl"
    target.write_text('{"team": "sre", "age')
    emit_run(target, **SEED)
    lines = target.read_text().splitlines()
    assert lines[0] == '{"team": "sre", "age'
    assert json.loads(lines[1])["team"] == SEED["team"]


def _writer(target: str, worker: int) -> None:
    for i in range(40):
        emit_run(
            target,
            **{**SEED, "run_id": f"w{worker}-{i}", "labels": {"pad": "x" * 5000}},
        )


def test_concurrent_writers_never_interleave(registry: Path) -> None:
    target = registry / "runs.jsonl"
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(str(target), w)) for w in range(6)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    lines = target.read_text().splitlines()
    assert len(lines) == 240
    assert {json.loads(line)["run_id"] for line in lines} == {
        f"w{w}-{i}" for w in range(6) for i in range(40)
    }
    db = f"sqlite:///{registry / 'ledger.db'}"
    assert run_cli("ledger", "ingest", "--db", db, str(target)).exit_code == 0
    assert len(stored(db, "run_key")) == 240


def test_emit_defaults_to_the_git_ignored_hub_folder(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path), "--hub").exit_code == 0
    (tmp_path / "sub").mkdir()
    args = ["--team", "platform", "--agent", "a", "--model", "claude-sonnet-4-5"]
    cwd = Path.cwd()
    try:
        os.chdir(tmp_path / "sub")
        run = run_cli("ledger", "emit", *args, "--input-tokens", "1", "--output-tokens", "1")
    finally:
        os.chdir(cwd)
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / ".hub/runs.jsonl").is_file()
    assert not (tmp_path / "runs.jsonl").exists() and not (tmp_path / "sub/runs.jsonl").exists()
    assert ".hub/" in (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_every_emit_option_has_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one line per option
    helped = " ".join(run_cli("ledger", "emit", "--help").stdout.split())
    for text in ("read from the prompt cache", "written to the prompt cache", "in milliseconds"):
        assert text in helped
