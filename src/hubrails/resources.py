"""Where the packaged data lives: the JSON Schemas and the example registry.

In a wheel they sit in ``hubrails/_data``; in a source checkout, at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """The folder holding ``schemas/``, ``registry/`` and ``hub.yaml``."""
    packaged = _PACKAGE / "_data"
    return packaged if packaged.is_dir() else _PACKAGE.parent.parent


def schemas_dir() -> Path:
    """The folder of JSON Schema files."""
    return data_dir() / "schemas"
