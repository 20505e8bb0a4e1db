"""Fixtures of certify's unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_example


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A copy of the example hub registry (a hub that is its own, not a git repository)."""
    return copy_example(tmp_path / "hub")
