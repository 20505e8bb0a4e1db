"""The parsed-manifest cache under ``.hub/cache/``: each file's data keyed by its SHA-256.

``hub certify --all`` reads a few thousand manifests; loading their data from one JSON file is
several times faster than parsing the YAML again. Only data that a safe parse produced is stored
(JSON, never pickle), and only under the digest of the exact bytes it came from.
"""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path
from typing import Any

from hubrails.core.registry.state import salt, write_json

Parsed = tuple[str, str, dict[str, Any]]


class DocCache:
    """Parsed data by path and content digest, saved atomically like the index cache."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".hub" / "cache" / "docs.json"
        self.key = salt("docs")
        self.entries: dict[str, list[Any]] = {}
        self.added: list[Parsed] = []
        self.dirty = False
        with contextlib.suppress(OSError, ValueError, TypeError):
            stored = json.loads(self.path.read_bytes())
            if stored.get("key") == self.key and isinstance(stored.get("files"), dict):
                self.entries = stored["files"]

    def get(self, path: str, content_digest: str) -> dict[str, Any] | None:
        """The data stored for ``path`` if its content is unchanged."""
        entry = self.entries.get(path)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != content_digest:
            return None
        return entry[1] if isinstance(entry[1], dict) else None

    def put(self, path: str, content_digest: str, data: dict[str, Any]) -> None:
        """Remember the data of this content, when it is plain JSON data."""
        if _plain(data):
            self.entries[path] = [content_digest, data]
            self.added.append((path, content_digest, data))
            self.dirty = True

    def keep(self, added: list[Parsed]) -> None:
        """Add what a worker process parsed."""
        for path, content_digest, data in added:
            self.put(path, content_digest, data)

    def save(self) -> None:
        """Write atomically, or not at all."""
        if self.dirty:
            write_json(self.path, {"key": self.key, "files": self.entries})


_INT_RANGE = range(-(2**63), 2**64)  # the integers orjson writes; YAML has no such limit


def _plain(value: Any) -> bool:
    """JSON (as orjson writes it) round-trips it unchanged: YAML dates, non-string keys,
    integers past 64 bits, NaN and infinities (written as null) do not."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return value in _INT_RANGE
    return isinstance(value, float) and math.isfinite(value)
