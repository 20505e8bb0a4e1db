"""Reading registry files safely: inside the repository, under the size limit."""

from __future__ import annotations

import errno
import os
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
    """Read a file inside ``root``, refusing links that lead outside it and files over the limit.

    ``walked`` says the caller reached ``path`` by walking real folders down from ``root``
    (as ``layout.walk`` does), so only the file itself can be a link: it is opened without
    following one, and only a link is resolved.
    """
    try:
        fd = _open_inside(path, root, walked)
        try:
            size = os.fstat(fd).st_size
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
    return data


def too_large(size: int, max_bytes: int) -> LoadError:
    """The finding for a file of ``size`` bytes over the limit."""
    return LoadError(
        "file-too-large",
        f"file is {size} bytes, over the limit of {max_bytes}",
        hint="split it, or raise limits.max_file_bytes in hub.yaml",
    )


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_inside(path: Path | str, root: Path, walked: bool) -> int:
    """A descriptor of ``path`` opened for reading, unless it links outside ``root``."""
    if walked and _NOFOLLOW:
        try:
            return os.open(path, os.O_RDONLY | _NOFOLLOW)
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
    return os.open(path, os.O_RDONLY)


def load(
    path: Path,
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_alias_nodes: int = DEFAULT_MAX_ALIAS_NODES,
) -> Document:
    """Read, decode and parse one manifest file safely."""
    return parse(decode(read_bytes(path, root, max_bytes)), max_alias_nodes=max_alias_nodes)
