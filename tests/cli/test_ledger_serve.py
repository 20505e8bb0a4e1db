"""``hub ledger token new`` and what ``hub ledger serve`` refuses before it listens."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from tests.helpers import run_cli


def test_a_token_is_printed_once_and_only_its_digest_kept(registry: Path) -> None:
    path = registry / "sub" / "tokens.yaml"
    first = run_cli("ledger", "token", "new", "sre", "--tokens", str(path))
    second = run_cli("ledger", "token", "new", "sre", "--tokens", str(path))
    assert first.exit_code == second.exit_code == 0
    tokens = [first.stdout.strip(), second.stdout.strip()]
    assert tokens[0] != tokens[1] and all(t.startswith("hub_") for t in tokens)
    data = yaml.safe_load(path.read_text())
    assert data == {
        "teams": {"sre": ["sha256:" + hashlib.sha256(t.encode()).hexdigest() for t in tokens]}
    }
    assert tokens[0] not in path.read_text()


def test_serve_refuses_other_addresses_without_tokens(registry: Path) -> None:
    run = run_cli("ledger", "serve", "--host", "0.0.0.0", "--port", "1")
    assert run.exit_code == 2
    assert "refusing to listen on 0.0.0.0 without --tokens" in run.stderr


def test_serve_refuses_a_bad_tokens_file(registry: Path) -> None:
    path = registry / "tokens.yaml"
    path.write_text("teams: [sre]\n")
    run = run_cli("ledger", "serve", "--tokens", str(path), "--port", "1")
    assert run.exit_code == 2
    assert "expected 'teams:' mapping each team to a list of digests" in run.stderr
    assert run_cli("ledger", "token", "new", "bad team!", "--tokens", str(path)).exit_code == 2
