"""Reading registry files safely: only regular files, only inside the repository (following a
link or, for a walked path, not), never more than the limit, with the stat of what was read.
(The size limit through ``load`` and a link leading out are also in test_safeyaml.)"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from hubrails.core.registry.safefile import (
    describe_mode,
    load,
    not_regular,
    read_bytes,
    read_with_stat,
    too_large,
)
from hubrails.core.registry.safeyaml import LoadError


def refused(path: Path, root: Path, max_bytes: int = 1024, *, walked: bool = False) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_bytes(path, root, max_bytes, walked=walked)
    return caught.value


def test_reads_the_bytes_and_the_stat_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n")
    data, info = read_with_stat(path, tmp_path)
    assert data == b"a: 1\n"
    assert (info.st_ino, info.st_size) == (path.stat().st_ino, 5)
    assert read_bytes(str(path), tmp_path, walked=True) == b"a: 1\n"


def test_a_file_of_exactly_the_limit_is_read_one_byte_more_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, tmp_path, 100) == b"x" * 100
    error = refused(path, tmp_path, 99)
    assert error.rule == "file-too-large"
    assert error.message == "file is 100 bytes, over the limit of 99"


def test_an_empty_file_is_read_as_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_bytes(b"")
    assert read_bytes(tmp_path / "empty.yaml", tmp_path, 10) == b""


def test_a_file_larger_than_one_read_is_read_whole(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB: the limit, not the first read, bounds it
    (tmp_path / "big").write_bytes(data)
    assert read_bytes(tmp_path / "big", tmp_path, len(data)) == data


def test_a_missing_file_is_unreadable_with_the_reason(tmp_path: Path) -> None:
    for walked in (False, True):
        error = refused(tmp_path / "absent.yaml", tmp_path, walked=walked)
        assert (error.rule, error.message) == (
            "file-unreadable",
            "cannot read the file: No such file or directory",
        )


def test_a_folder_is_not_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    error = refused(tmp_path / "dir.yaml", tmp_path)
    assert error.rule == "file-not-regular"
    assert error.message == "not a regular file (a folder), so it is not read"
    assert error.hint == "replace it with a regular file"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for walked in (False, True):
        error = refused(fifo, tmp_path, walked=walked)
        assert (error.rule, error.message) == (
            "file-not-regular",
            "not a regular file (a FIFO), so it is not read",
        )


def test_a_link_inside_the_repository_is_followed_even_when_walked(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"b: 2\n")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    assert read_bytes(tmp_path / "link.yaml", tmp_path, walked=True) == b"b: 2\n"
    _, info = read_with_stat(tmp_path / "link.yaml", tmp_path)
    assert info.st_ino == (tmp_path / "real.yaml").stat().st_ino


def test_a_walked_link_leading_outside_is_refused_naming_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(b"a: 1\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.yaml").symlink_to(outside)
    error = refused(root / "link.yaml", root, walked=True)
    assert error.rule == "symlink-outside"
    assert error.message == f"symbolic link leads outside the repository (to {outside})"
    assert "copy the file" in error.hint


def test_a_linked_root_still_holds_its_own_files(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.yaml").write_bytes(b"a: 1\n")
    (tmp_path / "alias").symlink_to("real")
    assert read_bytes(tmp_path / "alias" / "a.yaml", tmp_path / "alias") == b"a: 1\n"


def test_a_dangling_link_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    assert refused(tmp_path / "dangling.yaml", tmp_path).rule == "file-unreadable"
    assert refused(tmp_path / "dangling.yaml", tmp_path, walked=True).rule == "file-unreadable"


def test_describe_mode_names_each_kind_of_special_file(tmp_path: Path) -> None:
    assert describe_mode(stat.S_IFDIR) == "folder"
    assert describe_mode(stat.S_IFIFO) == "FIFO"
    assert describe_mode(stat.S_IFCHR) == "character device"
    assert describe_mode(stat.S_IFBLK) == "block device"
    assert describe_mode(stat.S_IFSOCK) == "socket"
    assert describe_mode(stat.S_IFREG) == "special file"
    assert describe_mode(Path("/dev/null").stat().st_mode) == "character device"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "s"))
        assert describe_mode((tmp_path / "s").stat().st_mode) == "socket"


def test_the_findings_carry_their_rule_message_and_hint() -> None:
    assert not_regular(stat.S_IFCHR).message == (
        "not a regular file (a character device), so it is not read"
    )
    large = too_large(2048, 1024)
    assert (large.rule, large.message, large.line, large.column) == (
        "file-too-large",
        "file is 2048 bytes, over the limit of 1024",
        1,
        1,
    )
    assert "limits.max_file_bytes" in large.hint


def test_load_passes_the_alias_limit_on(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"x: &v [1, 2]\ny: *v\nz: *v\n")
    assert load(tmp_path / "a.yaml", tmp_path, max_alias_nodes=100).data["z"] == [1, 2]
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "a.yaml", tmp_path, max_alias_nodes=1)
    assert caught.value.rule == "yaml-alias-limit"


def test_load_refuses_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"a: \xff\n")
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "a.yaml", tmp_path)
    assert caught.value.rule == "file-encoding"
