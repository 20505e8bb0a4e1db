"""A working tree's repository and the state certificates record."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.vcs.checkout import (
    CheckoutState,
    checkout_state,
    init_repository,
    is_repository,
)
from tests.gitrepo import commit_all, git


def test_no_repository(tmp_path: Path) -> None:
    assert not is_repository(tmp_path)
    assert checkout_state(tmp_path) == CheckoutState(None, False)


def test_a_new_repository_has_no_commit_and_counts_as_dirty(tmp_path: Path) -> None:
    init_repository(tmp_path)
    assert is_repository(tmp_path)
    assert checkout_state(tmp_path) == CheckoutState(None, True)


def test_commit_and_dirtiness_from_a_subfolder(tmp_path: Path) -> None:
    init_repository(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a\n", encoding="utf-8")
    head = commit_all(tmp_path)
    assert checkout_state(tmp_path / "sub") == CheckoutState(head, False)
    (tmp_path / "new.txt").write_text("untracked\n", encoding="utf-8")
    assert checkout_state(tmp_path) == CheckoutState(head, True)
    git(tmp_path, "clean", "-fdq")
    (tmp_path / "sub" / "a.txt").write_text("changed\n", encoding="utf-8")
    assert checkout_state(tmp_path).dirty
