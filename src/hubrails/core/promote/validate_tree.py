"""``hub validate`` of a tree that exists only as git objects: the promotion branch before it
is created. Nothing is checked out. A report comes from a cache keyed by blob id (an unchanged
blob is not even read), else from the user's own index cache by content digest, else it is
computed exactly as ``collect`` computes it."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tempfile
from pathlib import Path
from typing import Any

from hubrails.core.registry import layout, names, safeyaml, state
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.findings import Finding
from hubrails.core.registry.safefile import too_large
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.reports import FileReport
from hubrails.core.vcs.objects import Entry
from hubrails.core.vcs.scratch_index import Scratch

_GITLINK, _SYMLINK = "160000", "120000"
_UNEXPECTED = layout.Location("", "", unexpected=True)


def cache_home() -> Path:
    """Where promotions keep their caches (``$XDG_CACHE_HOME/hubrails/promote``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hubrails" / "promote"


class BlobCache:
    """Reports by (path, blob id), kept under the user's cache folder, never in a repository."""

    def __init__(self, key: str, salt: str) -> None:
        name = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        self.path = cache_home() / f"{name}.json"
        self.salt = salt
        self.rows: dict[str, list[Any]] = {}
        try:
            stored = json.loads(self.path.read_bytes())
            if stored.get("salt") == salt and isinstance(stored.get("files"), dict):
                self.rows = stored["files"]
        except (OSError, ValueError, AttributeError):
            pass
        self.dirty = False

    def get(self, path: str, blob: str) -> FileReport | None:
        """The report of ``path`` when it held this very blob before."""
        row = self.rows.get(path)
        if row is None or row[0] != blob:
            return None
        try:
            return FileReport.from_row(path, row[1])
        except (IndexError, KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, blob: str, report: FileReport) -> None:
        """Remember a report."""
        self.rows[path] = [blob, report.to_row()]
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write atomically (only the paths in ``keep``); a cache that can't be written is not."""
        if not self.dirty:
            return
        rows = {p: r for p, r in self.rows.items() if p in keep}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps({"salt": self.salt, "files": rows}, separators=(",", ":")))
            Path(tmp).replace(self.path)
        except OSError:
            return


def validate_tree(
    area: Scratch, tree: str, top: str, config: HubConfig, key: str, seed: Path | None
) -> tuple[list[FileReport], list[Finding]]:
    """Every report and every finding of the hub registry in ``tree`` (hub.yaml at ``top``)."""
    from hubrails.core.validate.collect import analyse_loaded
    from hubrails.core.validate.references import cross_check

    registry = posixpath.join(top, config.registry.strip("/"))
    salt = state.salt(config.max_file_bytes, config.max_alias_nodes, None)
    store = BlobCache(key, salt)
    reports: dict[str, FileReport] = {}
    todo: list[tuple[str, layout.Location, Entry]] = []
    misnamed: list[tuple[str, layout.Location, bytes | safeyaml.LoadError, Entry]] = []
    for entry in area.files(tree, registry):
        parts = tuple(entry.path[len(registry) + 1 :].split("/"))
        if entry.mode == _GITLINK or any(p.startswith(".") for p in parts[:-1]):
            continue  # as layout.walk: hidden folders are skipped
        location = layout.classify(parts)
        if location is None and entry.mode != _SYMLINK:
            continue
        rel = entry.path[len(top) + 1 :] if top else entry.path
        if not names.clean(rel):  # reported under its escaped name, as validate does
            misnamed.append((names.escaped(rel), location or _UNEXPECTED, names.bad_name(), entry))
            continue
        hit = store.get(rel, entry.sha) if entry.mode != _SYMLINK else None
        if hit is not None:
            reports[rel] = hit
        else:
            todo.append((rel, location or _UNEXPECTED, entry))
    contents = area.read_many(e.sha for _, _, e in todo)
    links = _link_targets(area, tree, todo, contents)
    mine = cache.IndexCache(seed, salt, read_only=True) if seed is not None else None
    fresh: list[tuple[str, layout.Location, bytes | safeyaml.LoadError, Entry]] = misnamed
    for rel, location, entry in todo:
        data = links.get(rel) if entry.mode == _SYMLINK else contents[entry.sha]
        if data is None:
            continue
        if isinstance(data, bytes) and len(data) > config.max_file_bytes:
            data = too_large(len(data), config.max_file_bytes)
        known = (
            mine.by_digest(rel, state.digest(data), (0, 0, 0, 0))
            if mine is not None and isinstance(data, bytes)
            else None
        )
        if known is not None:
            reports[rel] = known
            store.put(rel, entry.sha, known)
        else:
            fresh.append((rel, location, data, entry))
    analysed = analyse_loaded([(r, loc, d) for r, loc, d, _ in fresh], None, config.max_alias_nodes)
    for (rel, _, _, entry), report in zip(fresh, analysed, strict=True):
        reports[rel] = report
        if entry.mode != _SYMLINK:
            store.put(rel, entry.sha, report)
    store.save(set(reports))
    ordered = [reports[p] for p in sorted(reports)]
    return ordered, [f for r in ordered for f in r.findings] + cross_check(ordered)


def _link_targets(
    area: Scratch,
    tree: str,
    todo: list[tuple[str, layout.Location, Entry]],
    contents: dict[str, bytes | None],
) -> dict[str, bytes | safeyaml.LoadError | None]:
    """What each symbolic link stands for: the file it leads to inside the repository, an
    error when it leads outside, ``None`` for a folder or a dangling link (as ``collect``)."""
    targets: dict[str, str] = {}
    found: dict[str, bytes | safeyaml.LoadError | None] = {}
    for rel, _, entry in todo:
        if entry.mode != _SYMLINK:
            continue
        text = (contents.get(entry.sha) or b"").decode("utf-8", "replace")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), text))
        if text.startswith("/") or path == ".." or path.startswith("../"):
            found[rel] = safeyaml.LoadError(
                "symlink-outside",
                f"symbolic link leads outside the repository (to {text})",
                hint="copy the file into the repository instead of linking to it",
            )
        else:
            targets[rel] = f"{tree}:{path}"
    blobs = area.read_many(targets.values())
    found.update({rel: blobs[name] for rel, name in targets.items()})
    return found
