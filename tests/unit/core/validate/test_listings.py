"""Folder listings remembered between runs, trusted only while the folder is unchanged."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hubrails.core.registry.layout import DIR, FILE, LINKED
from hubrails.core.validate.listings import RACY_NS, Listing, Listings


def remembered(folder: Path, entries: list[tuple[str, int]], *, age: int = RACY_NS) -> Listing:
    """A stored listing of ``folder`` as it is now, made ``age`` ns after its last change."""
    info = folder.stat()
    changed = max(info.st_mtime_ns, info.st_ctime_ns)
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_ino, changed + age, entries]


def later(lister: Listings) -> Listings:
    """``lister`` as if run well after every folder here changed (so it may remember them)."""
    lister.now = time.time_ns() + 2 * RACY_NS
    return lister


def test_an_unchanged_folder_is_not_listed_again(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    stale = [("stale.yaml", FILE)]  # what the cache says: trusted, so returned as it is
    lister = Listings({str(tmp_path): remembered(tmp_path, stale)})
    assert lister(str(tmp_path), None) == stale
    assert not lister.changed


def test_a_folder_changed_too_close_to_its_listing_is_listed_again(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    lister = Listings({str(tmp_path): remembered(tmp_path, [("stale.yaml", FILE)], age=1)})
    assert lister(str(tmp_path), None) == [("a.yaml", FILE)]


def test_a_changed_folder_is_listed_again_and_remembered(tmp_path: Path) -> None:
    known = {str(tmp_path): remembered(tmp_path, [("stale.yaml", FILE)])}
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    lister = later(Listings(known))
    assert sorted(lister(str(tmp_path), None)) == [("sub", DIR)]  # hidden folders left out
    assert lister.changed
    assert lister.listed[str(tmp_path)][4] == [("sub", DIR)]


def test_distrusted_folders_are_always_listed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    known = {str(tmp_path): remembered(tmp_path, [("stale.yaml", FILE)])}
    lister = Listings(known, distrust=frozenset({str(tmp_path)}))
    assert lister(str(tmp_path), None) == [("a.yaml", FILE)]


def test_a_listing_with_a_linked_folder_is_never_remembered(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    lister = later(Listings({}))
    assert sorted(lister(str(tmp_path), str(tmp_path))) == [("link", LINKED), ("real", DIR)]
    assert not lister.changed  # where a link leads can change without its folder changing


def test_a_folder_changed_just_now_is_not_remembered_yet(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").touch()
    lister = Listings({})
    assert lister(str(tmp_path), None) == [("a.yaml", FILE)]
    assert not lister.changed


def test_a_missing_folder_is_unlistable(tmp_path: Path) -> None:
    assert Listings({})(str(tmp_path / "gone"), None) == [("", 4)]


def test_a_folder_holding_a_name_that_is_not_utf8_is_never_remembered(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.yaml")).touch()  # such a name cannot be stored as JSON
    lister = later(Listings({}))
    assert lister(str(tmp_path), None) == [(os.fsdecode(b"caf\xe9.yaml"), FILE)]
    assert not lister.changed
    (tmp_path / os.fsdecode(b"caf\xe9.yaml")).rename(tmp_path / "café.yaml")
    lister = later(Listings({}))
    assert lister(str(tmp_path), None) == [("café.yaml", FILE)]
    assert lister.changed  # UTF-8 names are kept
