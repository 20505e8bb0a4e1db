"""The parsed-manifest cache under ``.hub/cache/``: each file's data keyed by its SHA-256.

``hub certify --all`` reads a few thousand manifests; loading their data from one JSON file is
several times faster than parsing the YAML again. Only data that a safe parse produced is stored
(JSON, never pickle), and only under the digest of the exact bytes it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hubrails.core.cache import IndexCache, salt


class DocCache(IndexCache):
    """Parsed data by path and content digest, saved like the index cache."""

    def __init__(self, root: Path) -> None:
        super().__init__(root / ".hub" / "cache" / "docs.json", salt("docs"))
        self.added: list[tuple[str, str, dict[str, Any]]] = []

    def get(self, path: str, content_digest: str) -> Any:
        """The data stored for ``path`` if its content is unchanged."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != content_digest or not isinstance(entry[1], dict):
            return None
        return entry[1]

    def put(self, path: str, content_digest: str, data: Any) -> None:
        """Remember the data of this content, when it is plain JSON data."""
        if _plain(data):
            self.entries[path] = [content_digest, data]
            self.added.append((path, content_digest, data))
            self.dirty = True

    def keep(self, added: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Add what a worker process parsed."""
        for path, content_digest, data in added:
            self.put(path, content_digest, data)


def _plain(value: Any) -> bool:
    """JSON round-trips it unchanged (YAML dates and non-string keys do not)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)
