"""Semantic versions and npm-style ranges (``^1.2.0``, ``~1.2``, ``>=1 <2``, ``1.x``)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semantic_version import NpmSpec, Version


@cache
def parse_version(text: str) -> Version | None:
    """``text`` as a semantic version, or ``None`` when it is not one."""
    from semantic_version import Version

    try:
        return Version(text)
    except ValueError:
        return None


@cache
def parse_range(text: str) -> NpmSpec | None:
    """``text`` as an npm-style range, or ``None`` when it is not one."""
    from semantic_version import NpmSpec

    try:
        return NpmSpec(text)
    except ValueError:
        return None


@cache
def matches(version_range: str, version: str) -> bool | None:
    """Whether ``version`` satisfies ``version_range``; ``None`` when either is not valid."""
    spec, parsed = parse_range(version_range), parse_version(version)
    if spec is None or parsed is None:
        return None
    return bool(spec.match(parsed))
