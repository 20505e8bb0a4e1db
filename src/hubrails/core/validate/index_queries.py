"""The index cache's queries for one-file runs: the rows a few files can concern, by name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import orjson

from hubrails.core.validate.reports import (
    Asset,
    FileReport,
    Ref,
    asset_from_row,
    decode,
    ref_from_row,
)

_CHUNK = 400  # pairs per query: 800 parameters stay under SQLite's oldest limit of 999


class IndexQueries:
    """Reading an index cache's tables; they hold what :meth:`IndexCache.save` wrote."""

    db: sqlite3.Connection | None

    def reports(self, paths: Iterable[str]) -> list[FileReport]:
        """The stored reports of those of ``paths`` that are registry files."""
        rows = self._in(
            "SELECT path, report FROM reports WHERE path IN ({})", [(p,) for p in paths]
        )
        return [r for r in (decode(p, blob) for p, blob in rows) if r is not None]

    def assets_named(self, targets: Iterable[tuple[str, str]]) -> list[tuple[str, Asset]]:
        """Every asset with one of the (kind, name) ``targets``."""
        return self._assets("WHERE (kind, name) IN ({})", list(targets))

    def assets_of_kind(self, *kinds: str) -> list[tuple[str, Asset]]:
        """Every asset of one of ``kinds``."""
        return self._assets("WHERE kind IN ({})", [(k,) for k in kinds])

    def assets_at(self, paths: Iterable[str]) -> list[tuple[str, Asset]]:
        """The assets defined in those of ``paths`` that define one."""
        return self._assets("WHERE path IN ({})", [(p,) for p in paths])

    def refs_to(self, targets: Iterable[tuple[str, str]]) -> list[tuple[str, Ref]]:
        """Every reference to one of the (kind, name) ``targets``."""
        rows = self._in("SELECT path, data FROM refs WHERE (kind, name) IN ({})", list(targets))
        return [(p, ref_from_row(orjson.loads(data))) for p, data in rows]

    def dangling(self) -> list[tuple[str, Ref]]:
        """Every reference (models and mentions aside) to an asset this registry does not define."""
        rows = self._query(
            "SELECT path, data FROM refs WHERE (kind, name) IN (SELECT kind, name FROM refs r"
            " WHERE kind NOT IN ('Model', 'Mention') GROUP BY kind, name HAVING NOT EXISTS"
            " (SELECT 1 FROM assets a WHERE a.kind = r.kind AND a.name = r.name))"
        )
        return [(p, ref_from_row(orjson.loads(data))) for p, data in rows]

    def names(self, kind: str) -> list[str]:
        """The names of every asset of ``kind``."""
        return [n for (n,) in self._query("SELECT DISTINCT name FROM assets WHERE kind = ?", kind)]

    def _assets(self, where: str, keys: list[tuple[str, ...]]) -> list[tuple[str, Asset]]:
        rows = self._in(f"SELECT path, data FROM assets {where}", keys)
        return [(p, asset_from_row(orjson.loads(data))) for p, data in rows]

    def _in(self, sql: str, keys: list[tuple[str, ...]]) -> list[Any]:
        """Rows of ``sql`` whose ``IN ({})`` holds ``keys`` (asked in chunks)."""
        rows: list[Any] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            one = "(" + ", ".join("?" * len(chunk[0])) + ")"
            values = ", ".join([one] * len(chunk))
            rows += self._query(sql.format(f"VALUES {values}"), *(v for k in chunk for v in k))
        return rows

    def _query(self, sql: str, *args: object) -> list[Any]:
        """Rows of ``sql``; a damaged or locked cache raises ``sqlite3.Error``."""
        return [] if self.db is None else self.db.execute(sql, args).fetchall()
