"""The collector's tokens file: digests only, and re-read when it changes."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.collector.tokens import TokenBook, digest, new_token


def test_a_new_token_is_kept_only_as_its_digest(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    token = new_token(path, "sre")
    text = path.read_text()
    assert token not in text and digest(token) in text


def test_a_token_added_or_revoked_takes_effect_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    sre = new_token(path, "sre")
    book = TokenBook(path, every_s=0)
    assert book.current() == {digest(sre): "sre"}
    billing = new_token(path, "billing")
    assert book.current() == {digest(sre): "sre", digest(billing): "billing"}
    path.write_text(f"teams:\n  billing: ['{digest(billing)}']\n")
    assert book.current() == {digest(billing): "billing"}


def test_a_broken_file_keeps_the_tokens_read_before(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    sre = new_token(path, "sre")
    book = TokenBook(path, every_s=0)
    path.write_text("teams: [unclosed\n")
    assert book.current() == {digest(sre): "sre"}


def test_a_removed_file_revokes_every_token(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    new_token(path, "sre")
    book = TokenBook(path, every_s=0)
    path.unlink()
    assert book.current() == {}


def test_the_file_is_checked_at_most_every_interval(tmp_path: Path) -> None:
    path = tmp_path / "tokens.yaml"
    sre = new_token(path, "sre")
    book = TokenBook(path, every_s=3600)
    new_token(path, "billing")
    assert book.current() == {digest(sre): "sre"}
