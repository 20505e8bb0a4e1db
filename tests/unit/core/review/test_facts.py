"""A certificate as the review reads it: bare or in an envelope, and never a file it should not."""

from __future__ import annotations

import base64
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hubrails.core.review.facts import certificate

PREDICATE = {"verdict": "pass", "expires_at": "2099-01-01T00:00:00Z"}


def _write(root: Path, data: bytes) -> Path:
    path = root / "certificates" / "billing-ops" / "invoice-triage.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path


def test_a_bare_statement_and_an_envelope_give_the_same_predicate(tmp_path: Path) -> None:
    statement = json.dumps({"predicate": PREDICATE}).encode()
    _write(tmp_path / "bare", statement)
    envelope = {
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64.b64encode(statement).decode(),
        "signatures": [],
    }
    _write(tmp_path / "signed", json.dumps(envelope).encode())
    assert certificate(tmp_path / "bare", "billing-ops", "invoice-triage") == PREDICATE
    assert certificate(tmp_path / "signed", "billing-ops", "invoice-triage") == PREDICATE


def test_a_link_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"predicate": PREDICATE}))
    path = _write(tmp_path / "repo", b"")
    path.unlink()
    path.symlink_to(outside)
    assert certificate(tmp_path / "repo", "billing-ops", "invoice-triage") is None


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    path.unlink()
    os.mkfifo(path)
    with ThreadPoolExecutor(1) as pool:
        found = pool.submit(certificate, tmp_path, "billing-ops", "invoice-triage")
        try:
            assert found.result(timeout=20) is None
        finally:
            if not found.done():  # unblock the reader so the test ends
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_nothing_there_or_garbage_is_none(tmp_path: Path) -> None:
    assert certificate(tmp_path, "billing-ops", "invoice-triage") is None
    _write(tmp_path, b"[" * 100_000)
    assert certificate(tmp_path, "billing-ops", "invoice-triage") is None
