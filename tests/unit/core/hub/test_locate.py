"""Finding the hub: where the clone cache lives, and which hub a repository names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubrails.core.hub.locate import cache_root


def test_cache_root_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache_root() == tmp_path / "explicit"
    monkeypatch.delenv("HUB_CACHE_DIR")
    assert cache_root() == tmp_path / "cache" / "hubrails"  # XDG_CACHE_HOME from conftest
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == tmp_path / "home" / ".cache" / "hubrails"
