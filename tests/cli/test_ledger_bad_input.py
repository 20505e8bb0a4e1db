"""Bad ledger input ends in a per-record reason or an input error, never an internal error:
non-finite and absurd numbers, out-of-range times, lone surrogates, deep nesting, broken gzip."""

from __future__ import annotations

import gzip
import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import jsonl, record, run_cli, stored


def sqlite_url(root: Path) -> str:
    return f"sqlite:///{root / 'bad.db'}"


def span(end: str) -> str:
    attrs = [
        {"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}},
        {"key": "hub.team", "value": {"stringValue": "sre"}},
        {"key": "gen_ai.agent.name", "value": {"stringValue": "incident-triage"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": "sonnet"}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "10"}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "5"}},
    ]
    body = {"traceId": "t", "spanId": "s", "endTimeUnixNano": end, "attributes": attrs}
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [body]}]}]})


BAD = {
    "cost-infinity": (json.dumps(record(cost_usd=math.inf)), "cost_usd: Infinity is not a finite"),
    "cost-nan": (json.dumps(record(cost_usd=math.nan)), "cost_usd: NaN is not a finite number"),
    "review-nan": (
        json.dumps(record(human_review_minutes=math.nan)),
        "human_review_minutes: NaN is not a finite number",
    ),
    "cost-huge": (json.dumps(record(cost_usd=1e308)), "cost_usd: 1e+308 is more than the ledger"),
    "tokens-huge": (json.dumps(record(input_tokens=10**15)), "input_tokens: 1000000000000000 is"),
    "ts-after-9999": (json.dumps(record(ts="9999-12-31T23:59:59-01:00")), "ts: '9999-12-31T23"),
    "ts-before-1": (json.dumps(record(ts="0001-01-01T00:00:00+01:00")), "ts: '0001-01-01T00"),
    "team-surrogate": (json.dumps(record(team="\ud800")), "json: not valid Unicode"),
    "label-surrogate": (json.dumps(record(labels={"\udc00": "x"})), "json: not valid Unicode"),
    "deep": ("[" * 100_000, "json: not valid JSON: nested too deeply"),
    "otlp-end-huge": (span("9" * 30), "ts: '999999999999999999999999999999'"),
    "otlp-end-negative": (span("-5"), "ts: '-5'"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_record_is_rejected_with_a_reason(registry: Path, case: str) -> None:
    line, reason = BAD[case]
    path = jsonl(registry / "bad.jsonl", [record(run_id="good"), line])
    run = run_cli("ledger", "ingest", "--db", sqlite_url(registry), str(path))
    assert run.exit_code == 1, run.stderr
    assert f"{path}:2: " in run.stderr
    assert reason in run.stderr, run.stderr
    skip = run_cli("ledger", "ingest", "--db", sqlite_url(registry), "--skip-invalid",
                   "--rejects", str(registry / "r.jsonl"), str(path))  # fmt: skip
    assert skip.exit_code == 1, skip.stderr
    assert [r["run_key"] for r in stored(sqlite_url(registry))] == ["good"]


def _gzip_cases(body: bytes) -> dict[str, bytes]:
    packed = gzip.compress(body)
    corrupt = packed[:12] + bytes(b ^ 0xFF for b in packed[12:20]) + packed[20:]
    bad_crc = packed[:-8] + bytes(b ^ 0xFF for b in packed[-8:-4]) + packed[-4:]
    return {
        "corrupt": corrupt,
        "crc": bad_crc,
        "trailing": packed + b"garbage after the stream",
        "truncated": packed[: len(packed) // 2],
    }


@pytest.mark.parametrize("case", ["corrupt", "crc", "trailing", "truncated"])
def test_broken_gzip_names_the_file(registry: Path, case: str) -> None:
    body = "".join(json.dumps(record(run_id=f"g{i}", tool_calls=i)) + "\n" for i in range(200))
    path = registry / "runs.jsonl.gz"
    path.write_bytes(_gzip_cases(body.encode())[case])
    run = run_cli("ledger", "ingest", "--db", sqlite_url(registry), str(path))
    assert run.exit_code == 2, (run.stdout, run.stderr)
    assert f"cannot read {path}: not a valid gzip file" in run.stderr
    assert "Aborted" not in run.stderr + run.stdout
    assert not (registry / "bad.db").exists() or stored(sqlite_url(registry)) == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--cost-usd", "nan"], "cost_usd: NaN is not a finite number"),
        (["--cost-usd", "inf"], "cost_usd: Infinity is not a finite number"),
        (["--review-minutes", "nan"], "human_review_minutes: NaN is not a finite number"),
        (["--cost-usd", "1e308"], "cost_usd: 1e+308 is more than the ledger's maximum"),
        (["--ts", "9999-12-31T23:59:59-01:00"], "ts: '9999-12-31T23:59:59-01:00' is not a valid"),
        (["--ts", "0001-01-01T00:00:00+01:00"], "ts: '0001-01-01T00:00:00+01:00' is not a valid"),
    ],
)
def test_emit_refuses_what_ingest_would(registry: Path, args: list[str], reason: str) -> None:
    to = registry / "runs.jsonl"
    base = ["--team", "sre", "--agent", "a", "--model", "sonnet", "--input-tokens", "1"]
    run = run_cli("ledger", "emit", *base, "--output-tokens", "1", *args, "--to", str(to))
    assert run.exit_code == 2, run.stderr
    assert reason in run.stderr
    assert not to.exists()


@pytest.mark.parametrize("flag", ["--team", "--agent", "--run-id", "--label"])
def test_emit_refuses_arguments_that_are_not_utf8(registry: Path, flag: str) -> None:
    to = registry / "runs.jsonl"
    args = [b"--team", b"sre", b"--agent", b"a", b"--model", b"sonnet"]
    args += [b"--input-tokens", b"1", b"--output-tokens", b"1", b"--to", str(to).encode()]
    args += [flag.encode(), b"k=\xff" if flag == "--label" else b"\xff"]
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"hubrails", b"ledger", b"emit", *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert b"not valid UTF-8" in done.stderr
    assert b"Traceback" not in done.stderr
    assert not to.exists()


def test_budget_json_is_json_even_with_infinity_stored(registry: Path) -> None:
    url = sqlite_url(registry)
    path = jsonl(registry / "runs.jsonl", [record(run_id="a", cost_usd=1.0, team="sre")])
    assert run_cli("ledger", "ingest", "--db", url, str(path)).exit_code == 0
    with sqlite3.connect(registry / "bad.db") as db:  # as an older hubrails could store it
        db.execute("UPDATE ledger_runs SET cost_usd = 1e999")
        db.execute("UPDATE ledger_daily SET cost_usd = 1e999")
    for command in (["budget"], ["report", "--since", "2026-01-01"]):
        run = run_cli("ledger", *command, "--db", url, "--format", "json")
        assert run.exit_code in (0, 1), run.stderr
        assert "Infinity" not in run.stdout and "NaN" not in run.stdout, command
        json.loads(run.stdout)
