"""A snapshot of every asset of a registry and who refers to whom, for read-only queries.

It is built from :func:`~hubrails.core.validate.collect` (so from the content-keyed index cache)
and kept in ``.hub/cache/catalog.json`` with each manifest's size and modification time. While
every manifest still has the size and time recorded, the snapshot is used without reading any
of them; the manifests that differ (added, removed or touched) are analysed again and patched in,
or, past :data:`PATCH_LIMIT` of them, the snapshot is rebuilt. Manifests modified less than
:data:`RACY_NS` before a snapshot is written are not trusted by time (a second edit within the
clock's granularity could keep both), so the next query analyses them once more.

References are stored reversed (who refers to each asset), each asset's as JSON text decoded
only when asked for, so a query over 10,000 manifests decodes little more than it shows.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubrails.core.registry import layout, state
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.findings import Severity
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.listings import RACY_NS
from hubrails.core.validate.reports import Asset, FileReport, Ref

FORMAT = 1
PATCH_LIMIT = 200
_NEVER = [0, -1]
_FLAT = ("teams", "tools", "prompts", "guardrails", "agents")
_SPOKE = ("agents", "prompts", "guardrails")


@dataclass(frozen=True, slots=True)
class Entry:
    """One asset with its file and how many errors the file itself has."""

    path: str
    asset: Asset
    errors: int


@dataclass(frozen=True, slots=True)
class Use:
    """One reference to an asset: the referring entry, the version range and the actions."""

    entry: Entry
    version: str | None
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every asset of one registry, and who refers to each (decoded only when asked)."""

    entries: tuple[Entry, ...]
    edges: dict[str, str]

    def users(self, kind: str, name: str) -> list[Use]:
        """The references made to the asset ``kind``/``name``, in path order."""
        raw = self.edges.get(f"{kind}/{name}")
        if raw is None:
            return []
        return [Use(self.entries[i], v, tuple(a)) for i, v, a in json.loads(raw)]


def load(config: HubConfig, *, use_cache: bool = True) -> Snapshot:
    """The snapshot of the registry of ``config`` (``SKILL.md`` documents excluded)."""
    target = config.root / ".hub" / "cache" / "catalog.json"
    key = _key(config)
    stamps = _stamps(config) if use_cache else None
    stored = _stored(target, key) if stamps is not None else None
    if stored is not None and stored["stamps"] == stamps:
        try:
            return _decode(stored)
        except (ValueError, TypeError, KeyError, IndexError):  # damaged: build it again
            stored = None
    started = time.time_ns()
    data = _patch(config, stored, stamps) if stored is not None and stamps is not None else None
    if data is None:
        from hubrails.core.validate.collect import collect

        data = _encode(collect(config, use_cache=use_cache), {})
    if stamps is not None:
        data["key"] = key
        data["stamps"] = {p: s if s[0] < started - RACY_NS else _NEVER for p, s in stamps.items()}
        state.write_json(target, data)
    return _decode(data)


def _stored(target: Path, key: str) -> dict[str, Any] | None:
    try:
        stored = json.loads(target.read_bytes())
    except (OSError, ValueError):
        return None
    ok = isinstance(stored, dict) and stored.get("key") == key
    return stored if ok and isinstance(stored.get("stamps"), dict) else None


def _patch(
    config: HubConfig, stored: dict[str, Any], stamps: dict[str, list[int]]
) -> dict[str, Any] | None:
    """The stored snapshot with only the manifests whose size or time changed analysed again;
    ``None`` when so many changed that rebuilding from the index cache is the better way."""
    from hubrails.core.validate.collect import analyse_now

    old = stored["stamps"]
    stale = {p for p, s in stamps.items() if old.get(p) != s} | (set(old) - set(stamps))
    if len(stale) > PATCH_LIMIT:
        return None
    try:
        paths = [row[0] for row in stored["entries"]]
        kept = {row[0]: row for row in stored["entries"] if row[0] not in stale}
        edges: dict[str, list[list[Any]]] = defaultdict(list)
        for name, raw in stored["edges"].items():
            edges[name] = [[paths[i], v, a] for i, v, a in json.loads(raw) if paths[i] not in stale]
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    fresh = [analyse_now(config, p) for p in sorted(stale) if p in stamps]
    return _encode((r for r in fresh if r is not None), kept, edges)


def _key(config: HubConfig) -> str:
    shape = [*Asset._fields, *Ref._fields]
    return f"{FORMAT}|{config.registry}|{','.join(shape)}|{cache.repository_key(config)}"


def _encode(
    reports: Iterable[FileReport],
    rows: dict[str, list[Any]],
    edges: dict[str, list[list[Any]]] | None = None,
) -> dict[str, Any]:
    """The stored form: ``reports`` added to the ``rows`` and ``edges`` (both keyed by path)
    already known, then everything indexed by position in path order."""
    edges = defaultdict(list, edges or {})
    for report in reports:
        if report.asset is None or report.asset.kind == "SkillDoc":
            continue
        errors = sum(1 for f in report.findings if f.severity is Severity.ERROR)
        rows[report.path] = [report.path, list(report.asset), errors]
        for ref in report.refs:
            if ref.kind == "Mention":  # a word of a description (validate's shadowing rule)
                continue
            edges[f"{ref.kind}/{ref.name}"].append([report.path, ref.version, list(ref.actions)])
    order = sorted(rows)
    index = {path: i for i, path in enumerate(order)}
    return {
        "entries": [rows[p] for p in order],
        "edges": {
            name: _compact(sorted(([index[p], v, a] for p, v, a in refs), key=_first))
            for name, refs in edges.items()
            if refs
        },
    }


def _decode(data: dict[str, Any]) -> Snapshot:
    tuple_fields = [i for i, f in enumerate(Asset._fields) if Asset._field_defaults.get(f) == ()]
    entries = []
    for path, row, errors in data["entries"]:
        for i in tuple_fields:
            v = row[i]
            row[i] = (tuple(map(tuple, v)) if isinstance(v[0], list) else tuple(v)) if v else ()
        entries.append(Entry(path, Asset(*row), errors))
    return Snapshot(tuple(entries), data["edges"])


def _stamps(config: HubConfig) -> dict[str, list[int]] | None:
    """``{path: [mtime_ns, size]}`` of every file that can hold an asset, or ``None`` when a
    linked folder makes the walk differ from validation's (then no snapshot is kept).

    Plain strings and ``os`` calls rather than ``pathlib``: this runs on every query."""
    walk = _Walk(str(config.registry_dir), config.registry.strip("/"))
    try:
        walk.stamp("pricing.yaml")
        for folder in _FLAT:
            walk.files(folder)
        walk.skills("skills")
        for team in walk.dirs("spokes"):
            for folder in _SPOKE:
                walk.files(f"spokes/{team}/{folder}")
            walk.skills(f"spokes/{team}/skills")
    except _LinkedError:
        return None
    return walk.found


class _LinkedError(Exception):
    """A linked folder inside the registry."""


class _Walk:
    def __init__(self, base: str, prefix: str) -> None:
        self.base = base
        self.prefix = prefix
        self.found: dict[str, list[int]] = {}

    def dirs(self, rel: str) -> list[str]:
        try:
            with os.scandir(os.path.join(self.base, rel)) as listing:  # noqa: PTH118
                items = list(listing)
        except (FileNotFoundError, NotADirectoryError):
            return []
        if any(item.is_symlink() and item.is_dir() for item in items):
            raise _LinkedError
        return [i.name for i in items if i.is_dir() and not i.name.startswith(".")]

    def files(self, rel: str) -> None:
        try:
            with os.scandir(os.path.join(self.base, rel)) as listing:  # noqa: PTH118
                for item in listing:
                    if item.name.endswith(".yaml"):
                        stat = item.stat()
                        self.found[f"{self.prefix}/{rel}/{item.name}"] = [
                            stat.st_mtime_ns,
                            stat.st_size,
                        ]
                    elif item.is_symlink() and item.is_dir():
                        raise _LinkedError
        except (FileNotFoundError, NotADirectoryError):
            return

    def skills(self, rel: str) -> None:
        for name in self.dirs(rel):
            self.stamp(f"{rel}/{name}/{layout.SKILL_MANIFEST}")

    def stamp(self, rel: str) -> None:
        try:
            stat = os.stat(os.path.join(self.base, rel))  # noqa: PTH116, PTH118
        except (FileNotFoundError, NotADirectoryError):
            return
        self.found[f"{self.prefix}/{rel}"] = [stat.st_mtime_ns, stat.st_size]


def _first(item: list[Any]) -> Any:
    return item[0]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
