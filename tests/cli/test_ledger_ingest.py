"""``hub ledger ingest`` end to end, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SEED, jsonl, record, run_cli, stored


def ingest(db: str, *args: str) -> tuple[int, str, str]:
    run = run_cli("ledger", "ingest", "--db", db, *args)
    return run.exit_code, run.stdout, run.stderr


def test_seed_record_ingests_and_is_priced(registry: Path, ledger_db: str) -> None:
    seed = jsonl(registry / "seed.jsonl", [SEED])
    code, out, err = ingest(ledger_db, str(seed))
    assert (code, err) == (0, "")
    assert "ingested 1 new run" in out
    [row] = stored(ledger_db)
    assert row["price_model"] == "claude-sonnet-4-5"
    assert row["price_from"] == "2025-09-29"
    assert row["cost_source"] == "pricing"
    assert row["cost_usd"] == pytest.approx((18420 * 3.0 + 2110 * 15.0) / 1e6)
    assert row["run_key"].startswith("digest:")


def test_reingest_adds_nothing(registry: Path, ledger_db: str) -> None:
    path = jsonl(registry / "runs.jsonl", [record(run_id=f"r{i}") for i in range(5)] + [SEED])
    assert ingest(ledger_db, str(path))[0] == 0
    code, out, _ = ingest(ledger_db, str(path), str(path))
    assert code == 0
    assert "ingested 0 new runs from 2 inputs: 12 already stored, 0 conflicts" in out
    assert len(stored(ledger_db)) == 6


def test_conflicting_run_id_is_reported_and_kept(registry: Path, ledger_db: str) -> None:
    first = jsonl(registry / "a.jsonl", [record(run_id="r1"), record(run_id="r2")])
    assert ingest(ledger_db, str(first))[0] == 0
    changed = jsonl(
        registry / "b.jsonl", [record(run_id="r3"), record(run_id="r1", output_tokens=9)]
    )
    code, out, _ = ingest(ledger_db, "--format", "json", str(changed))
    assert code == 1
    summary = json.loads(out)
    assert summary["inserted"] == 1
    assert summary["conflict_count"] == 1
    assert summary["conflicts"] == [{"source": str(changed), "line": 2, "run_key": "r1"}]
    assert [r["output_tokens"] for r in stored(ledger_db, where="WHERE run_key = 'r1'")] == [2110]


def test_conflict_inside_one_input(registry: Path, ledger_db: str) -> None:
    path = jsonl(registry / "a.jsonl", [record(run_id="r1"), record(run_id="r1", tool_calls=9)])
    code, out, _ = ingest(ledger_db, str(path))
    assert code == 1
    assert f"conflict: {path}:2: run r1 is stored with different content" in out
    assert [r["tool_calls"] for r in stored(ledger_db)] == [3]


@pytest.mark.parametrize("parallel", [False, True])
def test_conflicts_are_listed_in_line_order_and_the_first_of_a_key_wins(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """Rows reach the store in key order (parsers sort each batch); what is stored and listed
    does not change: the first line of a key wins, conflicts keep their input lines."""
    from hubrails.core.ledger import ingest as ingest_module

    if parallel:  # parser processes, whose batches reach SQLite packed
        monkeypatch.setattr(ingest_module, "PARALLEL_BYTES", 1)
    first = jsonl(registry / "a.jsonl", [record(run_id=k) for k in ("r5", "r1", "r3")])
    assert ingest(ledger_db, str(first))[0] == 0
    keys = ["z9", "r5", "a0", "r1", "z9", "r3", "r1"]
    changed = jsonl(
        registry / "b.jsonl",
        [record(run_id=k, tool_calls=n) for n, k in enumerate(keys, start=1)],
    )
    code, out, _ = ingest(ledger_db, "--format", "json", str(changed))
    assert code == 1
    summary = json.loads(out)
    assert summary["inserted"] == 2
    lines = [c["line"] for c in summary["conflicts"]]
    assert lines == [2, 4, 5, 6, 7]  # r5, r1, z9 again (line 1 won), r3, r1
    assert [c["run_key"] for c in summary["conflicts"]] == ["r5", "r1", "z9", "r3", "r1"]
    tools = {r["run_key"]: r["tool_calls"] for r in stored(ledger_db, "run_key, tool_calls")}
    assert tools == {"r5": 3, "r1": 3, "r3": 3, "z9": 1, "a0": 3}


def test_invalid_batch_stores_nothing_and_lists_every_line(registry: Path, ledger_db: str) -> None:
    path = jsonl(
        registry / "mixed.jsonl",
        [
            record(run_id="ok-1"),
            record(task_outcome="done"),
            "{not json",
            record(input_tokens=-1, tool_calls="3"),
            "",
            record(ts="2026-02-30T10:00:00Z"),
            record(team=None, tool_call=1),
            "[1, 2]",
            record(ts="yesterday"),
            record(agent="a\u0000b", labels={"k": "v\u0000"}),
            record(output_tokens=2**63),
        ],
    )
    code, out, err = ingest(ledger_db, str(path))
    assert code == 1
    assert "nothing ingested: 9 invalid records" in out
    p = str(path)
    assert err.splitlines() == [
        f"{p}:2: task_outcome: 'done' is not one of resolved, escalated, failed, abandoned",
        f"{p}:3: json: not valid JSON: Expecting property name enclosed in double quotes "
        "at column 2",
        f"{p}:4: input_tokens: -1 is less than the minimum of 0",
        f"{p}:4: tool_calls: expected integer, got a string",
        f"{p}:6: ts: '2026-02-30T10:00:00Z' is not a valid date-time",
        f"{p}:7: team: missing required field",
        f"{p}:7: tool_call: unknown field; did you mean 'tool_calls'?",
        f"{p}:8: record: expected object, got a list",
        f"{p}:9: ts: 'yesterday' is not an RFC 3339 date-time with offset, "
        "like 2026-06-06T14:21:00Z",
        f"{p}:10: agent: contains a NUL character",
        f"{p}:10: labels.k: contains a NUL character",
        f"{p}:11: output_tokens: 9223372036854775808 is more than the ledger's maximum of "
        "1000000000000 (per run)",
    ]
    assert stored(ledger_db) == []


def test_skip_invalid_stores_the_valid_and_writes_rejects(registry: Path, ledger_db: str) -> None:
    path = jsonl(registry / "mixed.jsonl", [record(run_id="a"), "{oops", record(run_id="b")])
    rejects = registry / "out" / "rejects.jsonl"
    rejects.parent.mkdir()
    code, out, err = ingest(ledger_db, "--skip-invalid", "--rejects", str(rejects), str(path))
    assert code == 1
    assert f"{path}:2: json:" in err
    assert "ingested 2 new runs" in out
    assert rejects.read_text() == "{oops\n"
    assert [r["run_key"] for r in stored(ledger_db)] == ["a", "b"]


def test_gzip_and_stdin(registry: Path, ledger_db: str) -> None:
    packed = registry / "runs.jsonl.gz"
    packed.write_bytes(gzip.compress(json.dumps(record(run_id="gz")).encode() + b"\n"))
    plain = registry / "no-suffix"
    plain.write_bytes(gzip.compress(json.dumps(record(run_id="gz2")).encode() + b"\n"))
    assert ingest(ledger_db, str(packed), str(plain))[0] == 0
    done = subprocess.run(
        [sys.executable, "-m", "hubrails", "ledger", "ingest", "--db", ledger_db, "-"],
        input=json.dumps(record(run_id="in")) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [r["run_key"] for r in stored(ledger_db)] == ["gz", "gz2", "in"]


def test_unknown_names_and_unpriced_models_are_flagged(registry: Path, ledger_db: str) -> None:
    path = jsonl(
        registry / "runs.jsonl",
        [
            record(run_id="a", team="ghosts"),
            record(run_id="b", agent="phantom"),
            record(run_id="c", model="gpt-9"),
            record(run_id="d", model="gpt-9", cost_usd=0.5),
        ],
    )
    code, out, _ = ingest(ledger_db, str(path))
    assert code == 0
    assert "unknown team: ghosts (1 run)" in out
    assert "unknown agent: billing-ops/phantom (1 run)" in out
    assert "unpriced model: gpt-9 (1 run)" in out
    rows = {r["run_key"]: r for r in stored(ledger_db)}
    assert rows["c"]["cost_usd"] is None
    assert rows["c"]["cost_source"] == "unpriced"
    assert (rows["d"]["cost_usd"], rows["d"]["cost_source"]) == (0.5, "record")


def test_many_unknown_agents_list_the_busiest_in_text_and_all_in_json(
    registry: Path, ledger_db: str
) -> None:
    """Text lists the 20 agents with the most runs (then by name), and counts the rest."""
    runs = [
        record(run_id=f"r{i}-{n}", agent=f"ghost-{i:02d}")
        for i in range(25)
        for n in range(1 if i < 24 else 3)
    ]
    path = jsonl(registry / "runs.jsonl", runs)
    code, out, _ = ingest(ledger_db, str(path))
    assert code == 0
    listed = [line.strip() for line in out.splitlines() if "unknown agent" in line]
    assert listed[0] == "unknown agent: billing-ops/ghost-24 (3 runs)"  # the busiest first
    assert listed[1:20] == [f"unknown agent: billing-ops/ghost-{i:02d} (1 run)" for i in range(19)]
    assert listed[20] == ("… and 5 more unknown agents (5 runs; --format json lists them all)")
    assert len(listed) == 21
    code, out, _ = ingest(ledger_db, "--format", "json", str(path))
    assert len(json.loads(out)["unknown_agents"]) == 25


def test_names_follow_the_registry_between_ingests(registry: Path, ledger_db: str) -> None:
    """Known names come from the catalog snapshot: a team added since the last ingest counts."""
    assert "unknown team: ghosts (1 run)" in ingest(ledger_db, str(_ghost_run(registry, "a")))[1]
    team = (registry / "registry/teams/growth.yaml").read_text(encoding="utf-8")
    (registry / "registry/teams/ghosts.yaml").write_text(
        team.replace("name: growth", "name: ghosts"), encoding="utf-8"
    )
    assert "unknown team" not in ingest(ledger_db, str(_ghost_run(registry, "b")))[1]
    (registry / "registry/teams/ghosts.yaml").unlink()
    assert "unknown team: ghosts (1 run)" in ingest(ledger_db, str(_ghost_run(registry, "c")))[1]


def _ghost_run(registry: Path, run_id: str) -> Path:
    return jsonl(registry / f"{run_id}.jsonl", [record(run_id=run_id, team="ghosts")])


def test_cache_tokens_are_priced_once(registry: Path, ledger_db: str) -> None:
    path = jsonl(
        registry / "runs.jsonl",
        [
            record(
                run_id="c",
                input_tokens=1000,
                output_tokens=0,
                cache_read_tokens=10_000,
                cache_write_tokens=2000,
            )
        ],
    )
    assert ingest(ledger_db, str(path))[0] == 0
    [row] = stored(ledger_db)
    assert (row["input_tokens"], row["cache_read_tokens"], row["cache_write_tokens"]) == (
        1000,
        10_000,
        2000,
    )
    assert row["cost_usd"] == pytest.approx((1000 * 3 + 10_000 * 0.3 + 2000 * 3.75) / 1e6)


def test_missing_file_and_bad_url_are_usage_errors(registry: Path, ledger_db: str) -> None:
    code, _, err = ingest(ledger_db, str(registry / "absent.jsonl"))
    assert code == 2
    assert "cannot read" in err and "absent.jsonl" in err
    code, _, err = ingest("mysql://x/y", str(registry / "absent.jsonl"))
    assert (code, err.strip()) == (
        2,
        ["hub: unsupported ledger database: mysql", "hint line follows)"][0]
        + "\nhub: hint: use SQLite or PostgreSQL",
    )


NEW_SONNET_PRICE = """      prices:
        - effective_from: "2026-06-10"
          input_per_mtok: 2.00
          output_per_mtok: 10.00
        - effective_from: "2025-09-29"
"""


def test_runs_are_priced_at_the_price_in_force(registry: Path, ledger_db: str) -> None:
    pricing = registry / "registry" / "pricing.yaml"
    text = pricing.read_text()
    sonnet = text.index("id: claude-sonnet-4-5")
    at = text.index('      prices:\n        - effective_from: "2025-09-29"\n', sonnet)
    pricing.write_text(
        text[:at]
        + NEW_SONNET_PRICE
        + text[at + len('      prices:\n        - effective_from: "2025-09-29"\n') :]
    )
    path = jsonl(
        registry / "runs.jsonl",
        [
            record(run_id="before", ts="2026-06-09T23:59:59Z"),
            record(run_id="after", ts="2026-06-10T00:00:00Z"),
            record(run_id="too-early", ts="2025-09-28T12:00:00Z"),
        ],
    )
    assert ingest(ledger_db, str(path))[0] == 0
    rows = {r["run_key"]: r for r in stored(ledger_db)}
    assert rows["before"]["price_from"] == "2025-09-29"
    assert rows["before"]["cost_usd"] == pytest.approx((18420 * 3 + 2110 * 15) / 1e6)
    assert rows["after"]["price_from"] == "2026-06-10"
    assert rows["after"]["cost_usd"] == pytest.approx((18420 * 2 + 2110 * 10) / 1e6)
    assert (rows["too-early"]["cost_usd"], rows["too-early"]["cost_source"]) == (None, "unpriced")
    # A later price change does not rewrite what is stored.
    pricing.write_text(pricing.read_text().replace("input_per_mtok: 2.00", "input_per_mtok: 1.00"))
    assert ingest(ledger_db, str(path))[1].startswith("✓ ingested 0 new runs")
    assert stored(ledger_db, where="WHERE run_key = 'after'")[0]["cost_usd"] == pytest.approx(
        (18420 * 2 + 2110 * 10) / 1e6
    )


def test_an_invalid_price_list_is_a_usage_error(registry: Path, ledger_db: str) -> None:
    pricing = registry / "registry" / "pricing.yaml"
    pricing.write_text(pricing.read_text().replace("tier: premium", "tier: luxury", 1))
    code, _, err = ingest(ledger_db, str(jsonl(registry / "r.jsonl", [SEED])))
    assert code == 2
    assert f"{pricing}:" in err and "'luxury' is not one of" in err


def test_schema_is_versioned(registry: Path, ledger_db: str) -> None:
    from sqlalchemy import create_engine, text

    from hubrails.store import normalise_url
    from hubrails.store.sql import SCHEMA_VERSION

    assert ingest(ledger_db, str(jsonl(registry / "r.jsonl", [SEED])))[0] == 0
    engine = create_engine(normalise_url(ledger_db, registry))
    with engine.begin() as conn:
        assert conn.execute(text("SELECT version FROM hub_schema_version")).scalar() == (
            SCHEMA_VERSION
        )
        conn.execute(text("INSERT INTO hub_schema_version VALUES (99, 0)"))
    engine.dispose()
    code, _, err = ingest(ledger_db, str(registry / "r.jsonl"))
    assert code == 2
    assert "the ledger has schema version 99, newer than this hubrails understands" in err


def test_unreachable_server_is_one_clear_line(registry: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://hub:secret@127.0.0.1:{port}/ledger"
    code, _, err = ingest(url, str(jsonl(registry / "r.jsonl", [SEED])))
    assert code == 2
    assert err.startswith(
        f"hub: cannot open the ledger postgresql+psycopg://hub:***@127.0.0.1:{port}"
    )
    assert "secret" not in err
    assert len(err.splitlines()) == 1


def test_large_input_is_parsed_in_parallel_in_order(registry: Path, ledger_db: str) -> None:
    from hubrails.core.ledger.ingest import PARALLEL_BYTES
    from hubrails.core.ledger.workers import CHUNK_LINES

    count = PARALLEL_BYTES // 200 + CHUNK_LINES
    bad = {3, CHUNK_LINES + 7, 3 * CHUNK_LINES + 1, count}  # in different chunks
    lines = [
        "{broken" if n in bad else json.dumps(record(run_id=f"r{n}", labels={"n": str(n)}))
        for n in range(1, count + 1)
    ]
    path = jsonl(registry / "big.jsonl", lines)
    assert path.stat().st_size > PARALLEL_BYTES
    code, out, err = ingest(ledger_db, "--format", "json", "--skip-invalid", str(path))
    assert code == 1
    assert [line.split(":")[1] for line in err.splitlines()] == [str(n) for n in sorted(bad)]
    assert json.loads(out)["inserted"] == count - len(bad)
    [row] = stored(ledger_db, "run_key, labels", f"WHERE run_key = 'r{CHUNK_LINES + 8}'")
    assert json.loads(row["labels"]) == {"n": str(CHUNK_LINES + 8)}


def test_one_unreadable_input_stores_nothing_from_the_others(
    registry: Path, ledger_db: str
) -> None:
    good = jsonl(registry / "good.jsonl", [record(run_id="g")])
    code, _, err = ingest(ledger_db, str(good), str(registry / "missing.jsonl"))
    assert code == 2
    assert "missing.jsonl" in err
    assert stored(ledger_db) == []


def test_empty_and_blank_inputs_store_nothing(registry: Path, ledger_db: str) -> None:
    empty = registry / "empty.jsonl"
    empty.write_text("")
    blank = registry / "blank.jsonl"
    blank.write_text("\n  \n\n")
    code, out, err = ingest(ledger_db, str(empty), str(blank))
    assert (code, err) == (0, "")
    assert out.startswith("✓ ingested 0 new runs from 2 inputs")


def test_rejects_file_only_when_there_are_rejects(registry: Path, ledger_db: str) -> None:
    good = jsonl(registry / "good.jsonl", [record(run_id="g")])
    code, _, _ = ingest(ledger_db, "--skip-invalid", str(good))
    assert code == 0
    assert not (registry / "rejects.jsonl").exists()
    code, _, err = ingest(ledger_db, "--skip-invalid", "--rejects", str(registry), str(good))
    assert code == 2
    assert f"cannot write {registry}" in err


def test_where_the_ledger_is(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = str(jsonl(registry / "seed.jsonl", [SEED]))
    assert run_cli("ledger", "ingest", seed).exit_code == 0  # hub.yaml: sqlite:///.hub/ledger.db
    assert len(stored(f"sqlite:///{registry / '.hub' / 'ledger.db'}")) == 1
    elsewhere = registry / "elsewhere.db"
    monkeypatch.setenv("HUB_LEDGER_URL", f"sqlite:///{elsewhere}")
    assert run_cli("ledger", "ingest", seed).exit_code == 0
    assert len(stored(f"sqlite:///{elsewhere}")) == 1


def test_progress_bar_on_a_terminal_only(registry: Path) -> None:
    import os
    import pty

    path = jsonl(registry / "runs.jsonl", [record(run_id=f"p{i}") for i in range(50)])
    command = [sys.executable, "-m", "hubrails", "ledger", "ingest", str(path)]
    piped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (piped.returncode, piped.stderr) == (0, "")
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, check=False, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert "━".encode() in shown  # the bar, drawn on the terminal


@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink", "twice"])
def test_rejects_path_that_is_an_input_is_refused(registry: Path, how: str) -> None:
    ledger_db = f"sqlite:///{registry / 'l.db'}"
    path = jsonl(registry / "fixed.jsonl", [record(run_id="a"), "{oops"])
    before = path.read_bytes()
    rejects = {
        "same": path,
        "relative": registry / "sub" / ".." / "fixed.jsonl",
        "symlink": registry / "link.jsonl",
        "hardlink": registry / "hard.jsonl",
        "twice": registry / "other.jsonl",
    }[how]
    (registry / "sub").mkdir()
    if how == "symlink":
        rejects.symlink_to(path)
    if how == "hardlink":
        rejects.hardlink_to(path)
    inputs = [str(path)]
    if how == "twice":  # --rejects X X: the rejects path is an input too
        rejects.write_text(json.dumps(record(run_id="o")) + "\n")
        inputs = [str(rejects), str(path)]
    code, _, err = ingest(ledger_db, "--skip-invalid", "--rejects", str(rejects), *inputs)
    assert code == 2
    assert "is the input" in err
    assert path.read_bytes() == before


def test_rejects_file_is_replaced_only_at_the_end(registry: Path) -> None:
    ledger_db = f"sqlite:///{registry / 'l.db'}"
    bad = jsonl(registry / "bad.jsonl", ["{oops"])
    rejects = registry / "rejects.jsonl"
    rejects.write_text("earlier\n")
    code, _, err = ingest(
        ledger_db, "--skip-invalid", "--rejects", str(rejects), str(bad), str(registry / "gone")
    )
    assert code == 2
    assert "gone" in err
    assert rejects.read_text() == "earlier\n"  # an ingest that fails leaves it as it was
    assert [p.name for p in registry.iterdir() if p.name.endswith(".tmp")] == []
    code, _, _ = ingest(ledger_db, "--skip-invalid", "--rejects", str(rejects), str(bad))
    assert code == 1
    assert rejects.read_text() == "{oops\n"


def test_rejects_path_that_is_the_ledger_database_is_refused(registry: Path) -> None:
    db = registry / "l.db"
    path = jsonl(registry / "runs.jsonl", [record(run_id="a")])
    assert ingest(f"sqlite:///{db}", str(path))[0] == 0
    before = db.read_bytes()
    bad = jsonl(registry / "bad.jsonl", ["{oops"])
    code, _, err = ingest(f"sqlite:///{db}", "--skip-invalid", "--rejects", str(db), str(bad))
    assert code == 2
    assert "is the ledger database" in err
    assert db.read_bytes() == before
    assert [r["run_key"] for r in stored(f"sqlite:///{db}")] == ["a"]


def test_parsers_reading_a_file_by_spans_name_the_right_lines(
    registry: Path, ledger_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubrails.core.ledger import ingest as ingest_module
    from hubrails.core.ledger import workers

    monkeypatch.setattr(ingest_module, "PARALLEL_BYTES", 1)
    monkeypatch.setattr(workers, "BLOCK_BYTES", 700)  # a few lines a span
    lines: list[Any] = [record(run_id=f"r{n}") for n in range(1, 31)]
    lines[6], lines[22] = "{not json", record(run_id="r23", task_outcome="done")
    path = jsonl(registry / "runs.jsonl", lines)
    rejects = registry / "rejects.jsonl"
    code, _, err = ingest(ledger_db, "--skip-invalid", "--rejects", str(rejects), str(path))
    assert code == 1
    assert [line.split(": ")[0] for line in err.splitlines()] == [f"{path}:7", f"{path}:23"]
    assert len(stored(ledger_db)) == 28
