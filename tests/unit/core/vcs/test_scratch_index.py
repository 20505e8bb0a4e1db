"""The scratch area a promotion commit is built in (core/vcs/scratch_index) on real
repositories: it starts from the base's tree, stages, reads and exports files, commits as a
given identity, diffs with renames, and touches neither the repository's index nor its objects
until kept. (Interruption and the quarantine itself: test_repository.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hubrails.core.vcs.objects import Entry, Identity
from hubrails.core.vcs.repository import Repository
from hubrails.core.vcs.scratch_index import Scratch, scratch
from hubrails.errors import GitError
from tests.gitrepo import git, init_repo
from tests.helpers import write

ADA = Identity("Ada", "ada@example.com", "1700000000 +0000")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, {"a.txt": "alpha\n", "dir/b.txt": "beta\n", "dir/deep/c.txt": "gamma\n",
                 ".gitattributes": "*.txt text\n"})  # fmt: skip
    return init_repo(root)


def _head(r: Repository) -> str:
    head = r.commit_of("HEAD")
    assert head is not None
    return head


def test_a_scratch_area_starts_from_the_bases_tree(repo: Path) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        assert area.write_tree() == git(repo, "rev-parse", "HEAD^{tree}")


def test_staged_changes_make_the_tree_and_leave_the_repository_index_alone(repo: Path) -> None:
    index = (repo / ".git" / "index").read_bytes()
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        new = area.write_blob("dir/new.txt", b"new\n")
        changed = area.write_blob("a.txt", b"changed\n")
        area.stage({
            "dir/new.txt": Entry("100644", new, "dir/new.txt"),
            "a.txt": Entry("100755", changed, "a.txt"),
            "dir/b.txt": None,
        })  # fmt: skip
        tree = area.write_tree()
        assert [(e.mode, e.path) for e in area.files(tree, ".")] == [
            ("100644", ".gitattributes"),
            ("100755", "a.txt"),
            ("100644", "dir/deep/c.txt"),
            ("100644", "dir/new.txt"),
        ]
        assert [e.path for e in area.files(tree, "dir/deep")] == ["dir/deep/c.txt"]
    assert (repo / ".git" / "index").read_bytes() == index
    assert git(repo, "status", "--porcelain") == ""


def test_a_blob_is_stored_through_the_paths_attributes(repo: Path) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        text = area.write_blob("notes.txt", b"one\r\ntwo\r\n")  # *.txt is text: normalised
        raw = area.write_blob("data.bin", b"one\r\ntwo\r\n")
        found = area.read_many([text, raw])
    assert found == {text: b"one\ntwo\n", raw: b"one\r\ntwo\r\n"}


def test_reading_finds_quarantined_blobs_and_tree_paths_and_says_what_is_missing(
    repo: Path,
) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        sha = area.write_blob("x.txt", b"quarantined\n")
        area.stage({"x.txt": Entry("100644", sha, "x.txt")})
        tree = area.write_tree()
        found = area.read_many([sha, f"{tree}:x.txt", f"{tree}:a.txt", f"{tree}:nope", sha])
        assert found == {sha: b"quarantined\n", f"{tree}:x.txt": b"quarantined\n",
                         f"{tree}:a.txt": b"alpha\n", f"{tree}:nope": None}  # fmt: skip
        assert r.read_many([sha]) == {sha: None}  # the repository does not see it
        assert area.read_many([]) == {}


def test_a_commit_is_made_on_its_parent_as_the_identity_given(repo: Path) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        parent = _head(r)
        tree = area.write_tree()
        commit = area.commit(tree, parent, "promote: a\n\nPromoted-by: hubrails\n", ADA)
        header = area.run("cat-file", "commit", commit)
        area.keep()
    assert f"tree {tree}\nparent {parent}\n" in header
    assert "author Ada <ada@example.com> 1700000000 +0000" in header
    assert "committer Ada <ada@example.com> 1700000000 +0000" in header
    assert git(repo, "log", "-1", "--format=%B", commit) == "promote: a\n\nPromoted-by: hubrails"
    assert git(repo, "rev-parse", "HEAD") == parent  # no ref moved


def test_export_writes_the_files_under_the_paths_asked(repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        area.export(dest, ["dir"])
        empty = tmp_path / "empty"
        area.export(empty, ["no/such/folder"])
    found = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert found == ["dir/b.txt", "dir/deep/c.txt"]
    assert (dest / "dir" / "b.txt").read_text(encoding="utf-8") == "beta\n"
    assert empty.is_dir() and list(empty.iterdir()) == []
    assert not (repo / "out").exists() and git(repo, "status", "--porcelain") == ""


def test_a_diff_shows_a_move_as_a_rename(repo: Path) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        blob = git(repo, "rev-parse", "HEAD:dir/b.txt")
        area.stage({"moved/b.txt": Entry("100644", blob, "moved/b.txt"), "dir/b.txt": None})
        patch = area.diff("HEAD", area.write_tree())
    assert "rename from dir/b.txt\nrename to moved/b.txt" in patch


def test_keeping_twice_or_keeping_known_objects_changes_nothing(repo: Path) -> None:
    with Repository.open(repo) as r, scratch(r, _head(r)) as area:
        sha = area.write_blob("a.txt", b"alpha\n")  # the same blob as HEAD's a.txt
        new = area.write_blob("n.txt", b"new\n")
        area.keep()
        area.keep()
        assert r.read_many([sha, new]) == {sha: b"alpha\n", new: b"new\n"}
    assert not list(Path(repo, ".git", "objects").glob("??/tmp_obj_*"))
    git(repo, "fsck", "--no-dangling")


def test_leaving_the_area_removes_its_folder(repo: Path) -> None:
    with Repository.open(repo) as r:
        with Scratch(r, _head(r)) as area:
            folder = area.folder
            assert (folder / "index").is_file() and (folder / "objects").is_dir()
        assert not folder.exists()


def test_a_base_that_is_no_commit_is_a_git_error(repo: Path) -> None:
    with Repository.open(repo) as r, pytest.raises(GitError, match="git read-tree failed"):
        Scratch(r, "0" * 40)


def test_a_failed_start_leaves_no_folder_behind(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with Repository.open(repo) as r, pytest.raises(GitError), scratch(r, "0" * 40):
        pass  # pragma: no cover
    assert list(temp.iterdir()) == []
