"""A few mutants through the real ``hub`` process: no exit 3, no traceback, JSON that parses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

from tests.fuzz.known import EXITS, HITS, budget, count, known_in_output
from tests.fuzz.registry import example, replaced
from tests.fuzz.test_fuzz_ledger import ledger_file
from tests.fuzz.test_fuzz_manifests import mutated_file


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example(tmp_path_factory.mktemp("fuzz") / "hub")


def hub(root: Path, *args: str) -> None:
    """Run ``hub ARGS`` in ``root`` as its own process and check what it printed."""
    env = {k: v for k, v in os.environ.items() if k != "HUB_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-m", "hubrails", *args],
        capture_output=True, text=True, cwd=root, env=env, check=False,
    )  # fmt: skip
    EXITS[f"{args[0]} (process)", done.returncode] += 1
    if done.returncode == 3:  # which error: the traceback that HUB_DEBUG=1 shows
        debug = subprocess.run(
            [sys.executable, "-m", "hubrails", *args],
            capture_output=True, text=True, cwd=root, env={**env, "HUB_DEBUG": "1"}, check=False,
        )  # fmt: skip
        entry = known_in_output(debug.stderr)
        assert entry is not None, (args, debug.stderr[-3000:])
        HITS[entry.key] += 1
        return
    assert done.returncode in (0, 1, 2), (args, done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    if done.returncode != 2 and "json" in args:
        json.loads(done.stdout)


@budget(ci=2, share=0.003)
@given(mutated_file())
def test_validate_in_a_process(root: Path, sample: tuple[str, bytes]) -> None:
    count("process, hub validate")
    rel, content = sample
    with replaced(root, rel, content):
        hub(root, "validate", "--format", "json")
        hub(root, "validate", rel, "--format", "json")


@budget(ci=2, share=0.002)
@given(ledger_file())
def test_ledger_ingest_in_a_process(root: Path, content: bytes) -> None:
    count("process, hub ledger ingest")
    with replaced(root, "runs.jsonl", content):
        hub(root, "ledger", "ingest", "runs.jsonl", "--db", "sqlite:///ledger.db", "-f", "json")
