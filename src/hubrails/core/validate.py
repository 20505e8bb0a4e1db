"""``hub validate``: every file of the registry analysed (or taken from the cache), then
cross-checked as a whole; findings reported for the files asked about."""

from __future__ import annotations

import contextlib
import gc
import os
import stat as stat_module
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from hubrails.core import cache, layout, safeyaml
from hubrails.core.analyse import analyse_file
from hubrails.core.config import CONFIG_NAME, HubConfig
from hubrails.core.findings import Finding, Severity
from hubrails.core.model import FileReport
from hubrails.core.references import cross_check
from hubrails.errors import HubError

PARALLEL_THRESHOLD = 400
_HUB_RULES = ("ref-unresolved", "ref-version", "ref-model", "ref-action")


@dataclass(slots=True)
class ValidationResult:
    """The findings for the requested files, sorted, and how many files were checked."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run should exit 1."""
        return any(f.severity is Severity.ERROR or strict for f in self.findings)


@dataclass(frozen=True, slots=True)
class _Job:
    path: str
    location: layout.Location
    data: bytes | None
    digest: str
    error: safeyaml.LoadError | None = None


def validate(
    config: HubConfig,
    paths: Sequence[Path] = (),
    *,
    hub: HubConfig | None = None,
    use_cache: bool = True,
) -> ValidationResult:
    """Validate the registry of ``config``; with ``paths``, report only on those files."""
    wanted = _requested(config, paths) if paths else None
    if wanted is not None and CONFIG_NAME in wanted:
        wanted = None  # a hub.yaml change (limits, role, team) concerns every file
    reports = collect(config, use_cache=use_cache)
    findings = [f for r in reports for f in r.findings]
    hub_reports = collect(hub, use_cache=use_cache) if hub is not None else None
    cross = cross_check(reports, hub_reports, wanted)
    if config.role == "spoke" and hub is None:
        cross = [f for f in cross if f.rule not in _HUB_RULES]
        findings.append(
            Finding(
                "hub-unavailable",
                Severity.WARNING,
                "hub.yaml",
                1,
                1,
                "references to the hub's assets were not checked: the hub is not available",
                "pass --hub PATH to a checkout of the hub repository",
            )
        )
    findings += cross
    if wanted is not None:
        findings = [f for f in findings if _concerns(f, wanted)]
        checked = len(wanted & {r.path for r in reports})
    else:
        checked = len(reports)
    return ValidationResult(sorted(set(findings), key=Finding.sort_key), checked)


def _concerns(finding: Finding, wanted: set[str]) -> bool:
    """Whether a finding belongs in a report on ``wanted``: it is on one of those files, it
    involves one of them, or it is a reference that resolves nowhere (what renaming or deleting
    a file leaves behind, wherever the reference is)."""
    return (
        finding.path in wanted
        or not wanted.isdisjoint(finding.related)
        or finding.rule == "ref-unresolved"
    )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading tens of thousands of cached reports builds
    no cycles, yet would set off full collections that cost as much as the loading itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(config: HubConfig, *, use_cache: bool = True) -> list[FileReport]:
    """A report for every file of the registry, from the cache where the content is unchanged."""
    with _gc_paused():
        return _collect(config, use_cache)


def _collect(config: HubConfig, use_cache: bool) -> list[FileReport]:
    root = config.root
    spoke_team = config.team if config.role == "spoke" else None
    store = cache.IndexCache(
        root / ".hub" / "cache" / "index.json" if use_cache else None, cache.repository_key(config)
    )
    reports: dict[str, FileReport] = {}
    jobs: list[tuple[_Job, cache.Stat]] = []
    prefix = config.registry.strip("/")
    for parts in layout.walk(config.registry_dir, root):
        location = layout.classify(parts)
        if location is None:
            continue
        path = "/".join((prefix, *parts)).rstrip("/")
        stat = _stat(root, path)
        cached = store.by_stat(path, stat) if stat is not None else None
        if cached is None:
            job = _read(root, path, location, config.max_file_bytes)
            stat = stat or (0, 0, 0, 0)
            cached = store.by_digest(path, job.digest, stat)
            if cached is None:
                jobs.append((job, stat))
                continue
        reports[path] = cached
    analysed = _analyse_all([job for job, _ in jobs], spoke_team, config.max_alias_nodes)
    for (job, stat), report in zip(jobs, analysed, strict=True):
        reports[job.path] = report
        store.put(job.path, job.digest, stat, report)
    store.prune(set(reports))
    store.save()
    return [reports[p] for p in sorted(reports)]


def analyse_loaded(
    files: Sequence[tuple[str, layout.Location, bytes | safeyaml.LoadError]],
    spoke_team: str | None,
    max_alias_nodes: int,
) -> list[FileReport]:
    """Reports for files already read (from git objects, say), in parallel when there are many,
    exactly as :func:`collect` makes them; a ``LoadError`` stands for a file that can't be read."""
    jobs = [
        _Job(path, location, None, "", item)
        if isinstance(item, safeyaml.LoadError)
        else _Job(path, location, item, cache.digest(item))
        for path, location, item in files
    ]
    return _analyse_all(jobs, spoke_team, max_alias_nodes)


def _stat(root: Path, path: str) -> cache.Stat | None:
    """The file's stat, or ``None`` for links and the unreadable (they are always read)."""
    try:
        result = os.lstat(f"{root}/{path}")  # a string, not a Path: this is the hot loop
    except OSError:
        return None
    return None if stat_module.S_ISLNK(result.st_mode) else cache.stat_key(result)


def analyse_now(config: HubConfig, path: str) -> FileReport | None:
    """The report of one registry file (``path`` from the repository root), analysed now
    without the cache; ``None`` for a file where nothing is expected."""
    rel = path.removeprefix(config.registry.strip("/") + "/")
    location = layout.classify(tuple(rel.split("/")))
    if location is None:
        return None
    job = _read(config.root, path, location, config.max_file_bytes)
    spoke_team = config.team if config.role == "spoke" else None
    return _analyse(job, spoke_team, config.max_alias_nodes)


def _read(root: Path, path: str, location: layout.Location, max_bytes: int) -> _Job:
    if location.link:
        error = safeyaml.LoadError(
            "symlink-outside",
            "linked folder leads outside the repository",
            hint="copy the files into the repository instead",
        )
        return _Job(path, location, None, "link", error)
    try:
        data = safeyaml.read_bytes(root / path, root, max_bytes, walked=True)
    except safeyaml.LoadError as exc:
        return _Job(path, location, None, f"error:{exc.rule}:{exc.message}", exc)
    return _Job(path, location, data, cache.digest(data))


def _analyse(job: _Job, spoke_team: str | None, max_alias_nodes: int) -> FileReport:
    if job.error is not None or job.data is None:
        error = job.error or safeyaml.LoadError("file-unreadable", "cannot read the file")
        return FileReport(
            job.path,
            [
                Finding(
                    error.rule,
                    Severity.ERROR,
                    job.path,
                    error.line,
                    error.column,
                    error.message,
                    error.hint,
                )
            ],
        )
    return analyse_file(
        job.path, job.data, job.location, spoke_team=spoke_team, max_alias_nodes=max_alias_nodes
    )


def _analyse_chunk(
    jobs: list[_Job], spoke_team: str | None, max_alias_nodes: int
) -> list[FileReport]:
    return [_analyse(job, spoke_team, max_alias_nodes) for job in jobs]


def _analyse_all(
    jobs: list[_Job], spoke_team: str | None, max_alias_nodes: int
) -> list[FileReport]:
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return _analyse_chunk(jobs, spoke_team, max_alias_nodes)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(jobs) // (workers * 4))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = pool.map(
            _analyse_chunk, chunks, [spoke_team] * len(chunks), [max_alias_nodes] * len(chunks)
        )
        return [report for part in parts for report in part]


def _requested(config: HubConfig, paths: Sequence[Path]) -> set[str]:
    """Repository-relative paths of the files asked about (folders expand to their files)."""
    root = config.root.resolve()
    wanted: set[str] = set()
    for given in paths:
        given_abs = given if given.is_absolute() else Path.cwd() / given
        absolute = given_abs.parent.resolve() / given_abs.name  # the file itself may be a link
        if not absolute.exists() and not absolute.is_symlink():
            raise HubError(f"no such file or folder: {given}")
        try:
            rel = absolute.relative_to(root)
        except ValueError:
            raise HubError(f"{given} is outside the registry repository {root}") from None
        if absolute.is_dir():
            wanted.update(
                PurePosixPath(rel.as_posix(), *p).as_posix() for p in layout.walk(absolute)
            )
        else:
            wanted.add(rel.as_posix())
    return wanted
