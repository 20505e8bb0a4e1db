"""Reading registry files safely: inside the repository, under the size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from hubrails.core.registry.document import Document
from hubrails.core.registry.safeyaml import (
    DEFAULT_MAX_ALIAS_NODES,
    DEFAULT_MAX_BYTES,
    LoadError,
    decode,
    parse,
)


def read_bytes(
    path: Path | str, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, walked: bool = False
) -> bytes:
    """Read a file inside ``root`` (see :func:`read_with_stat`)."""
    return read_with_stat(path, root, max_bytes, walked=walked)[0]


def read_with_stat(
    path: Path | str, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, walked: bool = False
) -> tuple[bytes, os.stat_result]:
    """Read a file inside ``root``, refusing links that lead outside it and files over the limit;
    the bytes and the ``stat`` of the file they were read from (taken before reading).

    ``walked`` says the caller reached ``path`` by walking real folders down from ``root``
    (as ``layout.walk`` does), so only the file itself can be a link: it is opened without
    following one, and only a link is resolved. Only a regular file is read: a FIFO, a device or
    a folder is opened without blocking, seen by ``fstat`` and refused (``file-not-regular``).
    """
    try:
        fd = _open_inside(path, root, walked)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise not_regular(info.st_mode)
            size = info.st_size
            limit = max_bytes + 1
            data = os.read(fd, min(size + 1, limit) if size else limit)  # not 1 MiB for 2 KiB
            while len(data) < min(size, limit) and (more := os.read(fd, limit - len(data))):
                data += more
        finally:
            os.close(fd)
    except OSError as exc:
        raise LoadError("file-unreadable", f"cannot read the file: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise too_large(size, max_bytes)
    return data, info


def not_regular(mode: int) -> LoadError:
    """The finding for something at a file's path that is not a regular file."""
    return LoadError(
        "file-not-regular",
        f"not a regular file (a {describe_mode(mode)}), so it is not read",
        hint="replace it with a regular file",
    )


def describe_mode(mode: int) -> str:
    """What a file of ``mode`` is, in words."""
    for test, name in (
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


def too_large(size: int, max_bytes: int) -> LoadError:
    """The finding for a file of ``size`` bytes over the limit."""
    return LoadError(
        "file-too-large",
        f"file is {size} bytes, over the limit of {max_bytes}",
        hint="split it, or raise limits.max_file_bytes in hub.yaml",
    )


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _open_inside(path: Path | str, root: Path, walked: bool) -> int:
    """A descriptor of ``path`` opened for reading, unless it links outside ``root``."""
    if walked and _NOFOLLOW:
        try:
            return os.open(path, _FLAGS | _NOFOLLOW)
        except OSError as exc:
            if exc.errno != errno.ELOOP:  # ELOOP: the file is a link, resolved below
                raise
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(Path(os.path.realpath(root))):
        raise LoadError(
            "symlink-outside",
            f"symbolic link leads outside the repository (to {target})",
            hint="copy the file into the repository instead of linking to it",
        )
    return os.open(path, _FLAGS)


def load(
    path: Path,
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_alias_nodes: int = DEFAULT_MAX_ALIAS_NODES,
) -> Document:
    """Read, decode and parse one manifest file safely."""
    return parse(decode(read_bytes(path, root, max_bytes)), max_alias_nodes=max_alias_nodes)
