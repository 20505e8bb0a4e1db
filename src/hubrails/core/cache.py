"""The index cache under ``.hub/``: per-file reports keyed by path and content digest.

A report is reused only when the file's bytes hash to the same digest and the cache was written
by the same hubrails version with the same schemas and limits; anything else is recomputed. The
cache is JSON (never pickle): a cache file committed by someone else must not run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from hubrails import __version__
from hubrails.core.model import FileReport

if TYPE_CHECKING:
    from hubrails.core.config import HubConfig

FORMAT = 3  # 2: Asset.labels; 3: positional rows and stat keys


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


Stat = tuple[int, int, int, int]
RACY_NS = 2_000_000_000


def stat_key(result: os.stat_result) -> Stat:
    """What changes whenever a file's content changes: size, times and inode."""
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


def repository_key(config: HubConfig) -> str:
    """What every cached report of a repository depends on besides the file's content."""
    spoke_team = config.team if config.role == "spoke" else None
    return salt(config.max_file_bytes, config.max_alias_nodes, spoke_team)


class IndexCache:
    """Reports from an earlier run, reusable while the file's content is unchanged.

    Like git's index, an unchanged ``stat`` saves reading the file — but only when the file was
    last modified well before it was hashed (a change within the same clock tick as the hash
    would not show in its times); otherwise the content digest decides.
    """

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key
        self.now = time.time_ns()
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None:
            with contextlib.suppress(OSError, ValueError, TypeError):
                stored = orjson.loads(path.read_bytes())
                if stored.get("key") == key and isinstance(stored.get("files"), dict):
                    self.entries = stored["files"]

    def by_stat(self, path: str, stat: Stat) -> FileReport | None:
        """The stored report when the file's stat proves it unchanged."""
        entry = self.entries.get(path)
        if entry is None or entry[1] != list(stat) or stat[1] + RACY_NS > entry[2]:
            return None
        return self._report(path, entry)

    def by_digest(self, path: str, content_digest: str, stat: Stat) -> FileReport | None:
        """The stored report when the content is unchanged (its stat is refreshed)."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != content_digest:
            return None
        report = self._report(path, entry)
        if report is not None:
            entry[1:3] = [list(stat), self.now]
            self.dirty = True
        return report

    @staticmethod
    def _report(path: str, entry: list[Any]) -> FileReport | None:
        try:
            return FileReport.from_row(path, entry[3])
        except (IndexError, KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, content_digest: str, stat: Stat, report: FileReport) -> None:
        """Remember the report for this content."""
        self.entries[path] = [content_digest, list(stat), self.now, report.to_row()]
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        """Forget files that no longer exist."""
        for path in set(self.entries) - keep:
            del self.entries[path]
            self.dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply not kept."""
        if self.path is not None and self.dirty:
            write_json(self.path, {"key": self.key, "files": self.entries})


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as compact JSON to ``path`` under ``.hub/`` atomically, or not at all."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# hubrails local state: never commit\n*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(orjson.dumps(data))  # several times faster than the json module
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
