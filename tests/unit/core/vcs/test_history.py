"""``commits_with_trailer`` (core/vcs/history) on real repositories: which commits a trailer
and a time window pick, in which order, and the trailers it reads."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hubrails.core.vcs.history import LoggedCommit, commits_with_trailer
from tests.gitrepo import git

KEYS = ("Source-Version", "Source-Repository")
T = 1_700_000_000  # commit times are T + a few seconds


def _commit(repo: Path, message: str, time_s: int) -> str:
    date = f"{T + time_s} +0000"
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-F", "-"],
        input=message, text=True, check=True, env=env,
    )  # fmt: skip
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "hub"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def _promoted(subject: str, version: str = "1.0.0", by: str = "hubrails 0.9") -> str:
    return (f"{subject}\n\nBody text.\n\nPromoted-by: {by}\nSource-Version: {version}\n"
            "Source-Repository: git@example.com:spoke.git\n")  # fmt: skip


def test_outside_a_repository_or_before_a_first_commit_there_is_no_history(
    tmp_path: Path, repo: Path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert commits_with_trailer(plain, "Promoted-by", "hubrails", 0, 10**10, KEYS) is None
    assert commits_with_trailer(repo, "Promoted-by", "hubrails", 0, 10**10, KEYS) is None


def test_the_commits_with_the_trailer_come_newest_first_with_their_trailers(repo: Path) -> None:
    first = _commit(repo, _promoted("promote: a", "1.0.0"), 1000)
    _commit(repo, "an ordinary commit\n\nSigned-off-by: x <x@example.com>\n", 1100)
    second = _commit(repo, _promoted("promote: b", "2.1.0"), 1200)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", 0, 10**10, KEYS)
    repository = "git@example.com:spoke.git"
    assert found == [
        LoggedCommit(second, T + 1200, "promote: b",
                     {"Source-Version": "2.1.0", "Source-Repository": repository}),
        LoggedCommit(first, T + 1000, "promote: a",
                     {"Source-Version": "1.0.0", "Source-Repository": repository}),
    ]  # fmt: skip


def test_the_window_includes_its_start_and_excludes_its_end(repo: Path) -> None:
    for time_s in (100, 200, 300):
        _commit(repo, _promoted(f"at {time_s}"), time_s)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", T + 200, T + 300, KEYS)
    assert found is not None and [c.time_s for c in found] == [T + 200]
    assert commits_with_trailer(repo, "Promoted-by", "hubrails", T + 301, T + 400, KEYS) == []


def test_an_older_commit_on_top_does_not_hide_the_newer_ones_below(repo: Path) -> None:
    _commit(repo, _promoted("newer, below"), 500)
    _commit(repo, _promoted("older, on top"), 100)  # a rebased or clock-skewed commit
    _commit(repo, _promoted("newest"), 600)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", T + 400, T + 700, KEYS)
    assert found is not None and [c.subject for c in found] == ["newest", "newer, below"]


def test_the_key_is_matched_in_any_case_and_the_value_as_a_prefix(repo: Path) -> None:
    _commit(repo, "lower\n\npromoted-by: hubrails\n", 100)
    _commit(repo, _promoted("other tool", by="another-tool"), 200)
    _commit(repo, "no trailer at all\n", 300)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", 0, 10**10, KEYS)
    assert found is not None and [c.subject for c in found] == ["lower"]
    assert found[0].trailers == {"Source-Version": "", "Source-Repository": ""}  # not there


def test_a_trailer_given_twice_gives_its_first_value(repo: Path) -> None:
    _commit(repo, "twice\n\nPromoted-by: hubrails\nSource-Version: 1\nSource-Version: 2\n", 100)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", 0, 10**10, ("Source-Version",))
    assert found is not None and found[0].trailers == {"Source-Version": "1"}


def test_no_keys_asked_gives_no_trailers(repo: Path) -> None:
    sha = _commit(repo, _promoted("promote: a"), 100)
    found = commits_with_trailer(repo, "Promoted-by", "hubrails", 0, 10**10, ())
    assert found == [LoggedCommit(sha, T + 100, "promote: a", {})]


def test_a_subfolder_of_the_repository_reads_its_history(repo: Path) -> None:
    _commit(repo, _promoted("promote: a"), 100)
    (repo / "sub").mkdir()
    found = commits_with_trailer(repo / "sub", "Promoted-by", "hubrails", 0, 10**10, KEYS)
    assert found is not None and len(found) == 1
