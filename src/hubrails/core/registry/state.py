"""Local state under ``.hub/``: content keys, cache keys, and files written atomically.

Every cache of hubrails (the index, the parsed manifests, the catalog snapshot, hub.yaml's
validity) is keyed by :func:`digest` and :func:`salt` and written by :func:`write_json`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from hubrails import __version__

FORMAT = 6  # 2: Asset.labels; 3: positional rows and stat keys; 4: SQLite with asset/ref tables
# 5: reports keep the source lines they point at; 6: descriptions' Mention refs, poisoning rules


def digest(data: bytes) -> str:
    """The content key of one file."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def salt(*parts: object) -> str:
    """A key for everything besides file content that a report depends on."""
    from hubrails.resources import schemas_dir

    h = hashlib.blake2b(f"{FORMAT}|{__version__}|{parts!r}".encode(), digest_size=16)
    for schema in sorted(schemas_dir().glob("*.schema.json")):
        h.update(schema.read_bytes())
    return h.hexdigest()


def prepare_folder(folder: Path) -> None:
    """Create ``.hub/cache`` with a ``.gitignore`` that keeps ``.hub`` out of commits."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# hubrails local state: never commit\n*\n", encoding="utf-8")


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as compact JSON to ``path`` under ``.hub/`` atomically, or not at all."""
    with contextlib.suppress(OSError):
        prepare_folder(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(orjson.dumps(data))  # several times faster than the json module
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
