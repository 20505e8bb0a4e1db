"""Local state under .hub/: content keys and atomic JSON writes."""

from __future__ import annotations

import json
from pathlib import Path

from hubrails.core.registry.state import digest, salt, write_json


def test_digest_and_salt_are_stable_keys() -> None:
    assert digest(b"a") == digest(b"a") != digest(b"b")
    assert len(digest(b"")) == 32
    assert salt("x", 1) == salt("x", 1) != salt("x", 2)


def test_write_json_makes_the_folder_keeps_it_out_of_git_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / ".hub" / "cache" / "thing.json"
    write_json(target, {"b": [1, 2], "a": "é"})
    assert json.loads(target.read_bytes()) == {"b": [1, 2], "a": "é"}
    assert (tmp_path / ".hub" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    write_json(target, {"again": True})
    assert json.loads(target.read_bytes()) == {"again": True}
    assert [p.name for p in target.parent.iterdir()] == ["thing.json"]


def test_write_json_where_it_cannot_write_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".hub").write_text("a file where a folder belongs\n", encoding="utf-8")
    write_json(tmp_path / ".hub" / "cache" / "thing.json", {"a": 1})  # no error: a cache only
    assert (tmp_path / ".hub").read_text(encoding="utf-8") == "a file where a folder belongs\n"
