"""New files go in all or nothing, never outside the repository and never over a file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hubrails.core.scaffold.write import inside, make_folder, replace_file, write_new
from hubrails.errors import HubError


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_every_file_is_written_with_its_folders_and_execute_bits(tmp_path: Path) -> None:
    plan: dict[str, str | bytes] = {"a/b/c.yaml": "x: 1\n", "run.sh": b"#!/bin/sh\n"}
    assert write_new(tmp_path, plan, executable=["run.sh"]) == ["a/b/c.yaml", "run.sh"]
    assert tree(tmp_path) == ["a", "a/b", "a/b/c.yaml", "run.sh"]  # no temporary file left
    assert (tmp_path / "a/b/c.yaml").read_text() == "x: 1\n"
    assert (tmp_path / "run.sh").stat().st_mode & stat.S_IXUSR
    assert not (tmp_path / "a/b/c.yaml").stat().st_mode & stat.S_IXUSR


def test_an_existing_file_refuses_the_whole_plan(tmp_path: Path) -> None:
    (tmp_path / "taken.yaml").write_text("mine\n")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(HubError, match="refusing to overwrite 2 existing files: dangling, taken"):
        write_new(tmp_path, {"new/x.yaml": "x\n", "taken.yaml": "x\n", "dangling": "x\n"})
    assert tree(tmp_path) == ["dangling", "taken.yaml"]  # nothing written, not even new/
    assert (tmp_path / "taken.yaml").read_text() == "mine\n"


@pytest.mark.parametrize("rel", ["../out.yaml", "/etc/x.yaml", "link/x.yaml"])
def test_a_path_leading_outside_is_refused(tmp_path: Path, rel: str) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(HubError, match="leads outside"):
        write_new(root, {"ok.yaml": "x\n", rel: "x\n"})
    assert tree(root) == ["link"]
    assert tree(outside) == []


def test_a_failure_midway_removes_what_was_written(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("a file where a folder is needed\n")
    with pytest.raises(HubError, match="cannot write"):
        write_new(tmp_path, {"first/a.yaml": "x\n", "plain/b.yaml": "x\n"})
    assert tree(tmp_path) == ["plain"]


def test_inside_keeps_a_path_within_the_root(tmp_path: Path) -> None:
    assert inside(tmp_path, "a/b.yaml") == tmp_path / "a/b.yaml"
    with pytest.raises(HubError, match="leads outside"):
        inside(tmp_path, "a/../../b.yaml")


def test_replace_file_is_atomic_and_refuses_outside(tmp_path: Path) -> None:
    target = tmp_path / "registry/tools/x.yaml"
    replace_file(target, "one\n", tmp_path)
    replace_file(target, "two\n", tmp_path)
    assert target.read_text() == "two\n"
    assert tree(tmp_path / "registry") == ["tools", "tools/x.yaml"]
    with pytest.raises(HubError, match="leads outside"):
        replace_file(tmp_path.parent / "x.yaml", "x\n", tmp_path)


def test_make_folder_explains_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(HubError, match="is not a folder"):
        make_folder(tmp_path / "file")
    make_folder(tmp_path / "new/deep")
    assert (tmp_path / "new/deep").is_dir()
    with pytest.raises(HubError, match="already exists"):
        make_folder(tmp_path / "new/deep", exist_ok=False)
