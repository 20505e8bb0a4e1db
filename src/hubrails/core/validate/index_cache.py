"""The index cache under ``.hub/``: per-file reports keyed by path and content digest, in SQLite.

A report is reused only when the file's bytes hash to the same digest and the cache was written
by the same hubrails version with the same schemas and limits; anything else is recomputed.
Besides each file's report, the cache keeps every asset and every reference in tables indexed
by name, so that validating one file reads only the rows that file can concern, not the whole
registry. SQLite (never pickle): a cache file committed by someone else must not run code.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from hubrails.core.registry.state import salt
from hubrails.core.validate.index_db import (
    DATA,
    INDEXES,
    WIDTH,
    blob_rows,
    open_db,
    peek_db,
    transaction,
)
from hubrails.core.validate.index_queries import IndexQueries
from hubrails.core.validate.listings import RACY_NS, Listings
from hubrails.core.validate.reports import (
    Encoded,
    FileReport,
    decode,
    encode,
)

if TYPE_CHECKING:
    from hubrails.core.registry.config import HubConfig

Stat = tuple[int, int, int, int]
NO_STAT: Stat = (0, 0, 0, 0)
_BULK = 1000  # reports written to an empty cache from which its indexes are built afterwards
PACKED: Encoded = (b"", None, [])  # a report's blobs that come packed (IndexCache.put_packed)
_PACKED = "hub_packed"  # the attached in-memory database packed blobs are opened as


def stat_key(result: os.stat_result) -> Stat:
    """What changes whenever a file's content changes: size, times and inode."""
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


def is_fresh(stamp: tuple[int, int, int, int, int] | None, stat: Stat) -> bool:
    """Whether a file's ``stat`` proves the report stored with ``stamp`` (its stat then, and
    when it was hashed: a change within the racy window of that is not trusted) current."""
    return stamp is not None and stamp[:4] == stat and stat[1] + RACY_NS <= stamp[4]


def repository_key(config: HubConfig) -> str:
    """What every cached report of a repository depends on besides the file's content."""
    spoke_team = config.team if config.role == "spoke" else None
    return salt(config.max_file_bytes, config.max_alias_nodes, spoke_team)


def index_path(config: HubConfig) -> Path:
    """Where a repository keeps its index cache."""
    return config.root / ".hub" / "cache" / "index.sqlite"


class IndexCache(IndexQueries):
    """Reports from an earlier run, reusable while the file's content is unchanged.

    Like git's index, an unchanged ``stat`` saves reading the file — but only when the file was
    last modified well before it was hashed (a change within the same clock tick as the hash
    would not show in its times); otherwise the content digest decides. Changes are kept in
    memory until :meth:`save` writes them in one transaction. ``path=None`` keeps nothing;
    ``read_only`` neither changes nor creates the file (someone else's cache, consulted).
    """

    def __init__(self, path: Path | None, key: str, *, read_only: bool = False) -> None:
        self.path = path
        self.key = key
        self.now = time.time_ns()
        self.read_only = read_only
        self.db = None if path is None else peek_db(path, key) if read_only else open_db(path, key)
        self._stamps: dict[str, tuple[int, int, int, int, int]] | None = None
        self._blobs: dict[str, bytes] | None = None
        self._put: dict[str, tuple[str, Stat, FileReport, Encoded | None]] = {}
        self._packed: list[bytes] = []
        self._restamp: dict[str, Stat] = {}
        self._gone: set[str] = set()
        self._listings: Listings | None = None

    @property
    def keeps(self) -> bool:
        """Whether :meth:`save` can keep anything."""
        return self.db is not None and not self.read_only

    def stamps(self) -> dict[str, tuple[int, int, int, int, int]]:
        """Each known path's size, mtime, ctime and inode, and when it was hashed."""
        if self._stamps is None:
            rows = self._rows("SELECT path, size, mtime, ctime, inode, checked FROM files")
            self._stamps = {p: (s, m, c, i, t) for p, s, m, c, i, t in rows}
        return self._stamps

    def fresh(self, path: str, stat: Stat) -> bool:
        """Whether the file's stat proves its stored report current."""
        return is_fresh(self.stamps().get(path), stat)

    def known_digest(self, path: str) -> str | None:
        """The digest the stored report was made from."""
        if path not in self.stamps():
            return None
        rows = self._rows("SELECT digest FROM files WHERE path = ?", path)
        return str(rows[0][0]) if rows else None

    def by_stat(self, path: str, stat: Stat) -> FileReport | None:
        """The stored report when the file's stat proves it unchanged."""
        return self.stored(path) if self.fresh(path, stat) else None

    def by_digest(self, path: str, content_digest: str, stat: Stat) -> FileReport | None:
        """The stored report when the content is unchanged (its stat is refreshed)."""
        if self.known_digest(path) != content_digest:
            return None
        report = self.stored(path)
        if report is not None and stat != NO_STAT:
            self._restamp[path] = stat
        return report

    def restamp(self, path: str, stat: Stat) -> None:
        """Record that the file, its content unchanged, now has ``stat``."""
        self._restamp[path] = stat

    def stored(self, path: str) -> FileReport | None:
        """The stored report of ``path``, if any and readable."""
        if self._blobs is None:
            self._blobs = dict(self._rows("SELECT path, report FROM reports"))
        blob = self._blobs.get(path)
        return None if blob is None else decode(path, blob)

    def put(
        self,
        path: str,
        content_digest: str,
        stat: Stat,
        report: FileReport,
        encoded: Encoded | None = None,
    ) -> None:
        """Remember the report for this content (``encoded``: its blobs, if made already;
        ``PACKED``: they come with :meth:`put_packed`), if this cache keeps anything."""
        if self.keeps:
            blobs = None if encoded == PACKED else encoded or encode(report)  # (pickled: a copy)
            self._put[path] = (content_digest, stat, report, blobs)

    def put_packed(self, blobs: bytes) -> None:
        """Add the blobs of reports put as ``PACKED`` (``index_db.pack_blobs``): copied in SQL when
        saved."""
        if self.keeps:
            self._packed.append(blobs)

    def listings(self, distrust: frozenset[str] = frozenset()) -> Listings:
        """Folder listings for walking the registry, remembered by :meth:`save`; those of the
        ``distrust`` folders are listed anew."""
        if self._listings is None:
            self._listings = Listings(self._state("folders"), distrust)
        return self._listings

    def verdicts(self) -> dict[str, bool]:
        """Answers to version questions (see :class:`hubrails.core.registry.versions.Verdicts`)."""
        return self._state("versions")

    def keep_verdicts(self, verdicts: dict[str, bool]) -> None:
        """Add to the stored answers to version questions (best effort)."""
        if self.keeps and self.db is not None:
            with contextlib.suppress(sqlite3.Error), transaction(self.db):
                self._keep_state(self.db, "versions", {**self._state("versions"), **verdicts})

    def prune(self, keep: set[str]) -> None:
        """Forget files that no longer exist."""
        self._gone = set(self.stamps()) - keep

    def save(self) -> bool:
        """Write every change in one transaction; ``False`` when the cache cannot be written
        (it is simply not kept, and holds what it held before)."""
        if not self.keeps or self.db is None:
            return False
        folders = self._listings
        if folders is not None:
            folders.forget = set(folders.known) - folders.seen
        if not (self._put or self._restamp or self._gone or (folders and folders.changed)):
            return True
        try:
            if self._packed:  # where packed blobs are opened; not within a transaction
                self.db.execute(f"ATTACH ':memory:' AS {_PACKED}")
            try:
                with transaction(self.db):
                    self._write(self.db)
            finally:
                if self._packed:
                    self.db.execute(f"DETACH {_PACKED}")
        except sqlite3.Error:
            return False
        self._put, self._restamp, self._gone, self._packed = {}, {}, set(), []
        self._stamps = self._blobs = self._listings = None
        return True

    def _write(self, db: sqlite3.Connection) -> None:
        stored = self.stamps()  # every file with rows in the data tables has its stamp
        gone = [(p,) for p in self._gone | (self._put.keys() & stored.keys())]
        if gone:
            for table in DATA:
                db.executemany(f"DELETE FROM {table} WHERE path = ?", gone)
        bulk = not stored and len(self._put) >= _BULK  # a first run: index the rows afterwards
        if bulk:
            for name in INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {name}")
        encoded = [(p, r, e) for p, (_, _, r, e) in self._put.items() if e is not None]
        for table, rows in blob_rows(encoded):
            marks = ", ".join("?" * WIDTH[table])
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        for packed in self._packed:
            db.deserialize(packed, name=_PACKED)
            for table in WIDTH:
                db.execute(f"INSERT INTO {table} SELECT * FROM {_PACKED}.{table}")
        put = self._put
        db.executemany(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((p, d, *stat, self.now) for p, (d, stat, *_) in put.items()),
        )
        db.executemany(
            "UPDATE files SET size = ?, mtime = ?, ctime = ?, inode = ?, checked = ? "
            "WHERE path = ?",
            ((*stat, self.now, p) for p, stat in self._restamp.items()),
        )
        if bulk:
            for statement in INDEXES.values():
                db.execute(statement)
        # Listings are merged into what is stored now (another run may have saved since this
        # one read them), under the write lock.
        if self._listings is not None and self._listings.changed:
            folders = self._state("folders")
            for folder in self._listings.forget:
                folders.pop(folder, None)
            folders.update(self._listings.listed)
            self._keep_state(db, "folders", folders)

    def _state(self, name: str) -> dict[str, Any]:
        """One whole-set state (none when the cache can't be read)."""
        rows = self._rows("SELECT data FROM state WHERE name = ?", name)
        try:
            state = orjson.loads(rows[0][0]) if rows else {}
        except orjson.JSONDecodeError:
            return {}
        return state if isinstance(state, dict) else {}

    @staticmethod
    def _keep_state(db: sqlite3.Connection, name: str, data: dict[str, Any]) -> None:
        db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (name, orjson.dumps(data)))

    def _rows(self, sql: str, *args: object) -> list[Any]:
        """Rows of ``sql``, or none when the cache cannot be read (everything is analysed)."""
        try:
            return self._query(sql, *args)
        except sqlite3.Error:
            return []
