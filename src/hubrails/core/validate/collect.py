"""A report for every file of a registry: from the index cache while the file is unchanged,
else analysed now — by forked workers, each reading its own files, when there are many."""

from __future__ import annotations

import contextlib
import gc
import os
import stat as stat_module
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from hubrails.core import parallel
from hubrails.core.registry import layout, names, safefile, safeyaml, state
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.findings import Finding
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.analyse import analyse_file
from hubrails.core.validate.index_db import pack_blobs
from hubrails.core.validate.reports import Encoded, FileReport, encode

PARALLEL_THRESHOLD = 400  # files to analyse, from which forking workers pays off
CHUNK = 200  # files a worker takes at a time


@dataclass(frozen=True, slots=True)
class _Job:
    """One file to analyse. Whoever runs the job reads the file unless its ``content`` (or
    why it can't be had) is given; ``known`` is the digest of the cached report, so that
    unchanged content is not analysed again."""

    path: str
    location: layout.Location
    known: str | None = None
    content: bytes | safeyaml.LoadError | None = None
    digest: str = ""


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every job of one registry shares; ``digests`` says whether content digests are
    wanted (they key the cache: a run without one need not hash anything)."""

    root: Path
    max_bytes: int
    spoke_team: str | None
    max_alias_nodes: int
    digests: bool = False

    @classmethod
    def of(cls, config: HubConfig, *, digests: bool = False) -> _Settings:
        spoke_team = config.team if config.role == "spoke" else None
        return cls(config.root, config.max_file_bytes, spoke_team, config.max_alias_nodes, digests)


# The content digest, no report if it is the known one, and the report encoded for the cache
# (by whoever analysed it, so that saving a first run's cache is not all left to this process).
Outcome = tuple[str, FileReport | None, Encoded | None]


class Refreshed(NamedTuple):
    """Every registry path (sorted), the reports at hand, and whether the cache was saved."""

    paths: list[str]
    reports: dict[str, FileReport]
    saved: bool


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading tens of thousands of cached reports builds
    no cycles, yet would set off full collections that cost as much as the loading itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_cache(config: HubConfig, *, use_cache: bool = True) -> cache.IndexCache:
    """The repository's index cache (one that keeps nothing when ``use_cache`` is off)."""
    location = cache.index_path(config) if use_cache else None
    return cache.IndexCache(location, cache.repository_key(config))


def collect(config: HubConfig, *, use_cache: bool = True) -> list[FileReport]:
    """A report for every file of the registry, in path order."""
    with gc_paused():
        store = open_cache(config, use_cache=use_cache)
        paths, reports, _ = refresh(config, store, load=True)
        return [reports[p] for p in paths]


def refresh(
    config: HubConfig, store: cache.IndexCache, *, load: bool, named: Iterable[str] = ()
) -> Refreshed:
    """Bring ``store`` up to date with the registry on disk and save it; the reports at hand are
    those analysed now — and with ``load``, every other one too. The folders holding the
    ``named`` files (paths from the repository root) are listed anew, whatever the cache says."""
    settings = _Settings.of(config, digests=store.keeps)
    prefix = config.registry.strip("/")
    reports: dict[str, FileReport] = {}
    paths: list[str] = []
    jobs: list[tuple[_Job, cache.Stat]] = []
    keeps = store.keeps
    known = store.stamps()
    root = f"{config.root}/"
    lister = store.listings(_folders_of(config, named)) if keeps else None
    for parts in layout.walk(config.registry_dir, config.root, lister):
        path = "/".join((prefix, *parts)).rstrip("/")
        if not path.isascii() and not names.clean(path):
            location = layout.classify(parts)
            if location is not None:  # reported under its escaped name, never read
                paths.append(path := names.escaped(path))
                bad = replace(location, bad_name=True)
                jobs.append((_Job(path, bad, store.known_digest(path)), cache.NO_STAT))
            continue
        stamp = known.get(path)
        location = None if stamp is not None else layout.classify(parts)  # known: a registry file
        if location is None and stamp is None:
            continue
        stat = _stat(root + path) if keeps else None
        if stat is not None and cache.is_fresh(stamp, stat):
            cached = store.stored(path) if load else None
            if cached is not None or not load:
                paths.append(path)
                if cached is not None:
                    reports[path] = cached
                continue
        location = location or layout.classify(parts)
        if location is None:
            continue  # a registry file when it was cached, but not by today's rules
        paths.append(path)
        jobs.append((_Job(path, location, store.known_digest(path)), stat or cache.NO_STAT))
    packs: list[bytes] = []
    outcomes = _run_all([job for job, _ in jobs], settings, packs if store.keeps else None)
    for blobs in packs:
        store.put_packed(blobs)
    for (job, stat), (content_digest, report, encoded) in zip(jobs, outcomes, strict=True):
        if report is None:
            store.restamp(job.path, stat)
            report = store.stored(job.path) if load else None
            if report is None and load:  # a stored report that no longer decodes
                report = _run(replace(job, known=None), settings)[1]
        else:
            store.put(job.path, content_digest, stat, report, encoded)
        if report is not None:
            reports[job.path] = report
    store.prune(set(paths))
    return Refreshed(paths, reports, store.save())


def _folders_of(config: HubConfig, named: Iterable[str]) -> frozenset[str]:
    """The folders (as the walk names them) from the registry down to each ``named`` file."""
    top = os.fspath(config.registry_dir)
    prefix = config.registry.strip("/") + "/"
    folders = set()
    for path in named:
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")[:-1]
        folders.add(top)
        for i in range(len(parts)):
            folders.add("/".join((top, *parts[: i + 1])))
    return frozenset(folders)


def analyse_loaded(
    files: Sequence[tuple[str, layout.Location, bytes | safeyaml.LoadError]],
    spoke_team: str | None,
    max_alias_nodes: int,
) -> list[FileReport]:
    """Reports for files already read (from git objects, say), in parallel when there are many,
    exactly as :func:`collect` makes them; a ``LoadError`` stands for a file that can't be read."""
    jobs = [
        _Job(path, location, None, item, "" if isinstance(item, Exception) else state.digest(item))
        for path, location, item in files
    ]
    settings = _Settings(Path(), 0, spoke_team, max_alias_nodes)
    return [report for _, report, _ in _run_all(jobs, settings) if report is not None]


def analyse_now(config: HubConfig, path: str) -> FileReport | None:
    """The report of one registry file (``path`` from the repository root), analysed now
    without the cache; ``None`` for a file where nothing is expected."""
    rel = path.removeprefix(config.registry.strip("/") + "/")
    location = layout.classify(tuple(rel.split("/")))
    if location is None:
        return None
    return _run(_Job(path, location), _Settings.of(config))[1]


def _stat(path: str) -> cache.Stat | None:
    """The file's stat, or ``None`` for links, folders (one that can't be listed stands where a
    file would) and the unreadable: they are always read."""
    try:
        result = os.lstat(path)  # a string, not a Path: this is the hot loop
    except OSError:
        return None
    mode = result.st_mode
    return (
        None if stat_module.S_ISLNK(mode) or stat_module.S_ISDIR(mode) else cache.stat_key(result)
    )


def _unlisted(folder: str) -> safeyaml.LoadError:
    """The finding for a registry folder that could not be listed."""
    try:
        with os.scandir(folder):
            reason = "it changed while it was read"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    return safeyaml.LoadError(
        "folder-unreadable",
        f"cannot list the folder ({reason}), so the files in it are not checked",
        hint="make the folder readable (chmod u+rx), or remove it",
    )


def _read(job: _Job, settings: _Settings) -> tuple[bytes | safeyaml.LoadError, str]:
    """The file's bytes (or why they can't be had) and their digest."""
    if job.location.bad_name:
        return names.bad_name(), "bad-name"
    if job.location.unreadable:
        return _unlisted(f"{settings.root}/{job.path}"), "unlisted"
    if job.location.link:
        error = safeyaml.LoadError(
            "symlink-outside",
            "linked folder leads outside the repository",
            hint="copy the files into the repository instead",
        )
        return error, "link"
    try:
        data = safefile.read_bytes(
            f"{settings.root}/{job.path}", settings.root, settings.max_bytes, walked=True
        )
    except safeyaml.LoadError as exc:
        return exc, f"error:{exc.rule}:{exc.message}"
    return data, state.digest(data) if settings.digests else ""


def _run(job: _Job, settings: _Settings) -> Outcome:
    """Read the file if need be, and analyse it unless its content is the known one."""
    content, digest = (job.content, job.digest) if job.content is not None else _read(job, settings)
    if digest == job.known:
        return digest, None, None
    if isinstance(content, safeyaml.LoadError):
        report = FileReport(job.path, [Finding.from_load_error(content, job.path)])
        return digest, report, encode(report) if settings.digests else None
    report = analyse_file(
        job.path,
        content,
        job.location,
        spoke_team=settings.spoke_team,
        max_alias_nodes=settings.max_alias_nodes,
    )
    return digest, report, encode(report) if settings.digests else None


def _run_chunk(settings: _Settings, jobs: list[_Job]) -> list[Outcome]:
    return [_run(job, settings) for job in jobs]


def _run_packed(settings: _Settings, jobs: list[_Job]) -> tuple[list[Outcome], bytes | None]:
    """:func:`_run_chunk`, the cache's blobs of its reports packed in one small database
    (``index_db.pack_blobs``) by whoever analysed them, each outcome's ``PACKED``."""
    outcomes = _run_chunk(settings, jobs)
    made = [
        (job.path, report, encoded)
        for job, (_, report, encoded) in zip(jobs, outcomes, strict=True)
        if report is not None and encoded is not None
    ]
    if not made:
        return outcomes, None
    marked = [(digest, report, encoded and cache.PACKED) for digest, report, encoded in outcomes]
    return marked, pack_blobs(made)


def _run_all(
    jobs: list[_Job], settings: _Settings, packs: list[bytes] | None = None
) -> list[Outcome]:
    """Every job's outcome, in order: in chunks over forked workers and this process when there
    are many (agents cost twice what SKILL.md files do; see :meth:`Pool.map`). Given ``packs``,
    chunks pack their cache blobs (:func:`_run_packed`) into it, so that the cache copies them
    in SQL rather than this process writing them row by row after the parallel part."""
    processes = min(parallel.cores(), 8)
    if len(jobs) < PARALLEL_THRESHOLD or processes < 2:
        return _run_chunk(settings, jobs)
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    if packs is None:
        with parallel.Pool(_run_chunk, settings, processes - 1, fork=True) as pool:
            return [outcome for part in pool.map(chunks) for outcome in part]
    with parallel.Pool(_run_packed, settings, processes - 1, fork=True) as packing:
        parts = packing.map(chunks)
    packs.extend(blobs for _, blobs in parts if blobs is not None)
    return [outcome for part, _ in parts for outcome in part]
