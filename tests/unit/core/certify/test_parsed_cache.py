"""The parsed-manifest cache keeps only data that JSON gives back unchanged."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.certify.parsed_cache import DocCache


@pytest.mark.parametrize(
    "value", [2**64, -(2**63) - 1, 10**30, math.nan, math.inf, -math.inf, {"x": [math.nan]}]
)
def test_what_json_cannot_hold_is_not_kept(tmp_path: Path, value: Any) -> None:
    cache = DocCache(tmp_path)
    cache.put("registry/tools/x.yaml", "d1", {"spec": value})
    cache.save()  # an integer past 64 bits made this raise
    assert DocCache(tmp_path).get("registry/tools/x.yaml", "d1") is None


@pytest.mark.parametrize("value", [2**64 - 1, -(2**63), 1.5, "é", None, True, [1, {"a": "b"}]])
def test_what_json_holds_comes_back(tmp_path: Path, value: Any) -> None:
    cache = DocCache(tmp_path)
    cache.put("registry/tools/x.yaml", "d1", {"spec": value})
    cache.save()
    assert DocCache(tmp_path).get("registry/tools/x.yaml", "d1") == {"spec": value}
