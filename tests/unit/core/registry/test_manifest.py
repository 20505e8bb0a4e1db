"""The one manifest loader: bytes, text, document or the error, and both digests from the bytes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hubrails.core.registry import manifest, state

GOOD = b"apiVersion: hubrails.dev/v1\nkind: Tool\nmetadata:\n  name: t\n"


def test_a_good_file_has_its_bytes_text_document_and_stat(tmp_path: Path) -> None:
    file = tmp_path / "t.yaml"
    file.write_bytes(GOOD)
    loaded = manifest.load(file, tmp_path)
    assert loaded.error is None
    assert loaded.raw == GOOD
    assert loaded.text == GOOD.decode()
    assert loaded.doc is not None
    assert loaded.doc.data["metadata"] == {"name": "t"}
    assert loaded.doc.mark(("metadata", "name")) == (4, 9)
    assert loaded.stat is not None
    assert loaded.stat.st_ino == file.stat().st_ino
    assert loaded.stat.st_size == len(GOOD)


def test_both_digests_come_from_the_same_bytes() -> None:
    loaded = manifest.from_bytes(GOOD)
    assert loaded.sha256 == hashlib.sha256(GOOD).hexdigest()
    assert loaded.digest == state.digest(GOOD)
    assert loaded.digest != loaded.sha256[:32]  # blake2b for the index, not a cut SHA-256


def test_without_parse_the_text_is_kept_and_parsed_later() -> None:
    loaded = manifest.from_bytes(b"a: [1\n", parse=False)
    assert (loaded.text, loaded.doc, loaded.error) == ("a: [1\n", None, None)
    parsed = loaded.parsed()
    assert parsed.doc is None
    assert parsed.error is not None
    assert parsed.error.rule == "yaml-syntax"
    assert parsed.raw == loaded.raw


def test_a_bom_is_allowed_and_bad_utf8_is_an_error_at_its_byte() -> None:
    assert manifest.from_bytes(b"\xef\xbb\xbfa: 1\n").doc is not None
    loaded = manifest.from_bytes(b"a: 1\nb: \xff\n")
    assert loaded.error is not None
    assert (loaded.error.rule, loaded.error.line, loaded.error.column) == ("file-encoding", 2, 4)
    assert loaded.text is None
    assert loaded.shown_text == "a: 1\nb: \ufffd\n"
    assert loaded.sha256 == hashlib.sha256(b"a: 1\nb: \xff\n").hexdigest()


def test_parse_errors_are_kept_never_raised() -> None:
    for text, rule in [
        (b"", "yaml-not-mapping"),
        (b"- 1\n", "yaml-not-mapping"),
        (b"a: 1\na: 2\n", "yaml-duplicate-key"),
        (b"a: !!python/object x\n", "yaml-tag"),
    ]:
        loaded = manifest.from_bytes(text)
        assert loaded.error is not None
        assert loaded.error.rule == rule
        assert loaded.text == text.decode()


def test_the_alias_limit_is_the_one_given() -> None:
    text = b"a: &x [1, 2, 3]\nb: [*x, *x, *x]\n"
    assert manifest.from_bytes(text, max_alias_nodes=100).error is None
    limited = manifest.from_bytes(text, max_alias_nodes=2).error
    assert limited is not None
    assert limited.rule == "yaml-alias-limit"


def test_an_unsafe_file_is_an_error_without_bytes(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(GOOD)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.yaml").symlink_to(outside)
    linked = manifest.load(repo / "link.yaml", repo)
    assert linked.error is not None
    assert linked.error.rule == "symlink-outside"
    assert (linked.raw, linked.text, linked.shown_text, linked.sha256) == (None, None, "", "")
    big = repo / "big.yaml"
    big.write_bytes(GOOD)
    too_large = manifest.load(big, repo, max_bytes=10).error
    assert too_large is not None
    assert too_large.rule == "file-too-large"
    os.mkfifo(repo / "fifo.yaml")
    fifo = manifest.load(repo / "fifo.yaml", repo).error
    assert fifo is not None
    assert fifo.rule == "file-not-regular"
