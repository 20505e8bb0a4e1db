"""The plain data of core/vcs/objects: the zero id, and an identity's environment, which git
must really record as author and committer."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.vcs.objects import ZERO, Entry, Identity, PushResult
from tests.gitrepo import git


def test_zero_is_the_forty_digit_null_object_id() -> None:
    assert ZERO == "0" * 40 and len(ZERO) == 40


def test_an_identity_env_sets_author_and_committer_alike() -> None:
    env = Identity("Ada", "ada@example.com", "1700000000 +0100").env()
    assert env == {
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": "1700000000 +0100",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_COMMITTER_DATE": "1700000000 +0100",
    }


def test_git_records_an_identity_env_as_author_and_committer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    for name, value in Identity("Ada", "ada@example.com", "1700000000 +0100").env().items():
        monkeypatch.setenv(name, value)
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "m")
    logged = git(tmp_path, "log", "-1", "--format=%an|%ae|%ad|%cn|%ce|%cd", "--date=raw")
    assert logged == "Ada|ada@example.com|1700000000 +0100|Ada|ada@example.com|1700000000 +0100"


def test_a_push_result_is_not_up_to_date_unless_said() -> None:
    assert PushResult(True, "done", "").up_to_date is False
    assert PushResult(True, "done", "", up_to_date=True).up_to_date is True


def test_entries_and_identities_are_frozen_values() -> None:
    entry = Entry("100644", "a" * 40, "dir/file.txt")
    assert entry == Entry("100644", "a" * 40, "dir/file.txt")
    assert {entry, Entry("100644", "a" * 40, "dir/file.txt")} == {entry}
    with pytest.raises(AttributeError):
        entry.path = "other"  # type: ignore[misc]
