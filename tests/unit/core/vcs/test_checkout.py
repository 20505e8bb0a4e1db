"""A working tree's repository and the state certificates record."""

from __future__ import annotations

from pathlib import Path

from hubrails.core.vcs.checkout import (
    CheckoutState,
    checkout_state,
    files_at,
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


def test_files_at_a_commit_from_a_subfolder(tmp_path: Path) -> None:
    init_repository(tmp_path)
    (tmp_path / "sub" / "d").mkdir(parents=True)
    (tmp_path / "sub" / "a.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "sub" / "same.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "sub" / "d" / "b.txt").write_text("b\n", encoding="utf-8")
    (tmp_path / "top.txt").write_text("top\n", encoding="utf-8")
    first = commit_all(tmp_path)
    (tmp_path / "sub" / "a.txt").write_text("changed\n", encoding="utf-8")
    commit_all(tmp_path)
    names = ["a.txt", "same.txt", "d/b.txt", "d", "../top.txt", "missing.txt"]
    assert files_at(tmp_path / "sub", first, names) == {
        "a.txt": b"a\n",  # as the commit holds it, not as the tree holds it now
        "same.txt": b"a\n",
        "d/b.txt": b"b\n",
        "d": None,  # a folder is no file
        "../top.txt": None,  # nothing outside the folder
        "missing.txt": None,
    }
    assert files_at(tmp_path, first, ["top.txt"]) == {"top.txt": b"top\n"}
    assert files_at(tmp_path, "0" * 40, ["top.txt"]) is None
    assert files_at(tmp_path, "HEAD", ["top.txt"]) is None  # a full commit id only
