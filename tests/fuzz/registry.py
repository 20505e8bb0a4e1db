"""A copy of the example registry that fuzz tests change one file of at a time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hubrails.core.registry import layout
from tests.helpers import EXAMPLE, copy_example

_clock = [0]


def touch(path: Path) -> None:
    """Give ``path`` a modification time no earlier write had: a rewrite of the same size in
    the same clock tick must not look unchanged to the caches (that race is issue 18 item 8)."""
    _clock[0] += 1
    stamp = 1_700_000_000_000_000_000 + _clock[0] * 1_000_000
    os.utime(path, ns=(stamp, stamp))


def seeds() -> dict[str, bytes]:
    """Every manifest and SKILL.md of the shipped example registry, by repository path."""
    found = {}
    for path in sorted((EXAMPLE / "registry").rglob("*")):
        rel = path.relative_to(EXAMPLE / "registry").parts
        if path.is_file() and layout.classify(rel) is not None:
            found[path.relative_to(EXAMPLE).as_posix()] = path.read_bytes()
    return found


def example(dest: Path) -> Path:
    """The example registry copied to ``dest``."""
    return copy_example(dest)


@contextmanager
def replaced(root: Path, rel: str, content: bytes) -> Iterator[Path]:
    """``root/rel`` holds ``content`` for the block, then what it held before (or nothing);
    files the block added under ``root`` are removed."""
    path = root / rel
    before = path.read_bytes() if path.exists() else None
    existing = {p for p in root.rglob("*") if ".hub" not in p.parts}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    touch(path)
    try:
        yield path
    finally:
        for added in sorted(set(root.rglob("*")) - existing, reverse=True):
            if ".hub" in added.parts:
                continue
            if added.is_dir() and not added.is_symlink():
                added.rmdir()
            else:
                added.unlink()
        if before is not None:
            path.write_bytes(before)
            touch(path)
