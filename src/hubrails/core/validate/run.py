"""``hub validate``: every file of the registry analysed (or taken from the cache), then
cross-checked as a whole; findings reported for the files asked about."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from hubrails.core.registry import layout, names
from hubrails.core.registry.config import CONFIG_NAME, HubConfig
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.versions import Verdicts
from hubrails.core.validate.collect import collect, gc_paused, open_cache, refresh
from hubrails.core.validate.focused import View, view
from hubrails.core.validate.index_cache import IndexCache
from hubrails.core.validate.references import cross_check
from hubrails.core.validate.reports import FileReport
from hubrails.errors import HubError

_HUB_RULES = ("ref-unresolved", "ref-version", "ref-model", "ref-action")
_EMPTY = FileReport("")
FOCUS_LIMIT = 1000  # files asked about; for more, loading every report at once is faster


@dataclass(slots=True)
class ValidationResult:
    """The findings for the requested files, sorted, how many files were checked, and the
    source line each finding points at — (path, line) -> text, as the file was read for
    analysis; none for a file that could not be read (renderers never read files)."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    sources: dict[tuple[str, int], str] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    def failed(self, *, strict: bool = False) -> bool:
        """Whether the run should exit 1."""
        return any(f.severity is Severity.ERROR or strict for f in self.findings)


def validate(
    config: HubConfig,
    paths: Sequence[Path] = (),
    *,
    hub: HubConfig | None = None,
    use_cache: bool = True,
    hub_problem: str | None = None,
) -> ValidationResult:
    """Validate the registry of ``config``; with ``paths``, report only on those files."""
    wanted = _requested(config, paths) if paths else None
    if wanted is not None and CONFIG_NAME in wanted:
        wanted = None  # a hub.yaml change (limits, role, team) concerns every file
    store = open_cache(config, use_cache=use_cache)
    part = None
    if wanted is not None and len(wanted) <= FOCUS_LIMIT and store.keeps:
        part = _focused(config, store, wanted, hub)
    if part is None:
        reports = collect(config, use_cache=use_cache)
        hub_reports = collect(hub, use_cache=use_cache) if hub is not None else None
        part = View(reports, hub_reports, {})
    findings = [f for r in part.reports for f in r.findings]
    verdicts = Verdicts(store.verdicts())
    hub_name = (config.hub_url or str(hub.root)) if hub is not None else ""
    cross = cross_check(part.reports, part.hub, wanted, part.names or None, verdicts, hub_name)
    if verdicts.learned:
        store.keep_verdicts(verdicts.known)
    if config.role == "spoke" and hub is None:
        cross = [f for f in cross if f.rule not in _HUB_RULES]
        findings.append(
            Finding(
                "hub-unavailable",
                Severity.WARNING,
                "hub.yaml",
                1,
                1,
                "references to the hub's assets were not checked: "
                + (hub_problem or "the hub is not available"),
                "check hub.url and hub.ref and your access to the hub, or pass --hub PATH to a "
                "checkout of it; --require-hub makes this an error",
            )
        )
    findings += cross
    if wanted is not None:
        findings = [f for f in findings if _concerns(f, wanted)]
        checked = len(wanted & {r.path for r in part.reports})
    else:
        checked = len(part.reports)
    ordered = sorted(set(findings), key=Finding.sort_key)
    return ValidationResult(ordered, checked, _sources(ordered, part, store, wanted))


def _sources(
    findings: list[Finding], part: View, store: IndexCache, wanted: set[str] | None
) -> dict[tuple[str, int], str]:
    """The source line of each finding, from the reports (a focused run has whole reports of
    the files asked about only: those of the few other files it reports on come from the
    cache)."""
    paths = {f.path for f in findings}
    reports = {r.path: r for r in part.reports if r.path in paths}
    if wanted is not None:
        extra = sorted(p for p in paths if p not in wanted and not reports.get(p, _EMPTY).lines)
        if extra:
            with contextlib.suppress(sqlite3.Error):  # else shown without their source lines
                reports.update((r.path, r) for r in store.reports(extra))
    sources: dict[tuple[str, int], str] = {}
    for f in findings:
        report = reports.get(f.path)
        text = None if report is None else report.lines.get(f.line)
        if text is not None:
            sources[(f.path, f.line)] = text
    return sources


def _concerns(finding: Finding, wanted: set[str]) -> bool:
    """Whether a finding belongs in a report on ``wanted``: it is on one of those files, it
    involves one of them, or it is a reference that resolves nowhere (what renaming or deleting
    a file leaves behind, wherever the reference is)."""
    return (
        finding.path in wanted
        or not wanted.isdisjoint(finding.related)
        or finding.rule == "ref-unresolved"
    )


def _focused(
    config: HubConfig, store: IndexCache, wanted: set[str], hub: HubConfig | None
) -> View | None:
    """What cross-checking ``wanted`` needs, from index caches brought up to date first;
    ``None`` when a cache can't be written, so that it would not tell the current state."""
    with gc_paused():
        hub_store = open_cache(hub) if hub is not None else None
        refreshed = refresh(config, store, load=False)
        if not refreshed.saved:
            return None
        unseen = _unseen(config, wanted, refreshed.paths)
        if unseen and not refresh(config, store, load=False, named=unseen).saved:
            return None  # (a listing remembered wrongly: the folders of unseen files, anew)
        if hub and hub_store and not refresh(hub, hub_store, load=False).saved:
            return None
        try:
            return view(store, wanted, hub_store)
        except sqlite3.Error:
            return None


def _unseen(config: HubConfig, wanted: set[str], paths: list[str]) -> set[str]:
    """The registry files asked about that are there but that the walk did not find: a file
    named on the command line is always read."""
    prefix = config.registry.strip("/") + "/"
    missing = wanted.difference(paths)
    return {
        p
        for p in missing
        if p.startswith(prefix)
        and layout.classify(tuple(p[len(prefix) :].split("/"))) is not None
        and os.path.lexists(config.root / p)
    }


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
        if absolute.is_dir() and not absolute.is_symlink():  # a linked folder: as the walk sees it
            wanted.update(
                names.escaped(PurePosixPath(rel.as_posix(), *p).as_posix())
                for p in layout.walk(absolute)
            )
        else:
            wanted.add(names.escaped(rel.as_posix()))
    return wanted
