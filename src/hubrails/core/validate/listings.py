"""Folder listings remembered between runs: walking a large registry lists thousands of
folders, while checking that a folder is unchanged takes one ``stat``."""

from __future__ import annotations

import os
import time
from typing import Any

from hubrails.core.registry.layout import DIR, FILE, UNLISTABLE, Entry, entries
from hubrails.core.registry.names import clean

RACY_NS = 2_000_000_000
Listing = list[Any]  # [mtime, ctime, inode, when it was listed, the entries], as in the cache


class Listings:
    """A :data:`~hubrails.core.registry.layout.Lister` that
    trusts a remembered listing while the folder's
    modification time, change time and inode are those it was listed with — and were so well
    before it was listed, so that a change within the same clock tick is not missed (a folder
    changed that recently is not remembered yet). The change time is what ``tar``, ``rsync -a``
    or ``cp -p`` cannot set back when they restore an older modification time. Listings with
    linked folders are never remembered (where a link leads can change without its folder
    changing), nor those of folders that could not be listed or that hold a name that is not
    UTF-8 (it could not be stored); ``distrust`` names folders that are always listed anew
    (those of the files a run names)."""

    def __init__(self, known: dict[str, Listing], distrust: frozenset[str] = frozenset()) -> None:
        self.known = known
        self.distrust = distrust
        self.listed: dict[str, Listing] = {}  # listed now, to remember
        self.seen: set[str] = set()
        self.forget: set[str] = set()  # known folders the walk no longer reached
        self.now = time.time_ns()

    @property
    def changed(self) -> bool:
        """Whether there is anything new to remember or to forget."""
        return bool(self.listed or self.forget)

    def __call__(self, folder: str, inside: str | None) -> list[Entry]:
        self.seen.add(folder)
        try:
            stat = os.stat(folder)  # noqa: PTH116 - a string, not a Path: the hot loop
        except OSError:
            return UNLISTABLE
        mtime, ctime, inode = stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
        changed = max(mtime, ctime)
        known = self.known.get(folder)
        if (
            known is not None
            and known[:3] == [mtime, ctime, inode]
            and changed + RACY_NS <= known[3]
            and folder not in self.distrust
        ):
            return known[4]  # type: ignore[no-any-return]
        listed = entries(folder, inside)
        if changed + RACY_NS <= self.now and all(_keepable(entry) for entry in listed):
            self.listed[folder] = [mtime, ctime, inode, self.now, listed]  # (racy: next time)
        return listed


def _keepable(entry: Entry) -> bool:
    """Whether a listing holding ``entry`` may be remembered: a file or a folder (not a link)
    whose name is UTF-8 (one that is not cannot be stored; it is reported escaped)."""
    name, what = entry
    return what in (DIR, FILE) and (name.isascii() or clean(name))
