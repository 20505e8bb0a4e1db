"""The part of a registry that can concern a few files, read from the index cache.

A pre-commit run asks about the files it changed. Cross-checking them needs only: their own
reports; the references they make and the references made to what they define; every reference
that resolves nowhere (what a rename or a deletion leaves behind); the assets all those
references name; every team and pricing table; and the skill documents beside them. Reading
just those rows, instead of every report, is what keeps a one-file run fast — and the result is
exactly what the whole run reports about those files.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubrails.core.registry.layout import SKILL_DOC, SKILL_MANIFEST
from hubrails.core.validate.index_cache import IndexCache
from hubrails.core.validate.reports import Asset, FileReport, Ref

_EVERYWHERE = ("Team", "Pricing", "Tool")  # the platform-team rule, model names and the
# cross-tool shadowing rule need them all


@dataclass(slots=True)
class View:
    """Partial reports of the repository (whole ones for the files asked about) and of its hub,
    and every known name of each kind a dangling reference needs a suggestion from."""

    reports: list[FileReport]
    hub: list[FileReport] | None
    names: dict[str, list[str]]


def view(store: IndexCache, wanted: set[str], hub: IndexCache | None) -> View:
    """What cross-checking ``wanted`` needs from ``store`` (and from the ``hub``'s store)."""
    mine = store.reports(sorted(wanted))
    own = {(r.asset.kind, r.asset.name) for r in mine if r.asset is not None}
    dangling = store.dangling()
    if hub is not None and dangling:
        named = hub.assets_named({(r.kind, r.name) for _, r in dangling})
        found = {(a.kind, a.name) for _, a in named}
        dangling = [(p, r) for p, r in dangling if (r.kind, r.name) not in found]
    refs = [*store.refs_to(own), *dangling]
    targets = own | {(r.kind, r.name) for report in mine for r in report.refs}
    targets |= {(r.kind, r.name) for _, r in refs}
    beside = {f"{p.rsplit('/', 1)[0]}/{n}" for p in wanted for n in (SKILL_MANIFEST, SKILL_DOC)}
    assets = [
        *store.assets_named(targets),
        *store.assets_of_kind(*_EVERYWHERE),
        *store.assets_at(beside),
    ]
    names: dict[str, list[str]] = {}
    for kind in sorted({r.kind for _, r in dangling}):
        known = set(store.names(kind)) | set(hub.names(kind) if hub is not None else ())
        names[kind] = sorted(known)
    hub_reports = None
    if hub is not None:
        hub_assets = [*hub.assets_named(targets), *hub.assets_of_kind(*_EVERYWHERE)]
        hub_reports = _assemble([], hub_assets, [])
    return View(_assemble(mine, assets, refs), hub_reports, names)


def _assemble(
    whole: list[FileReport], assets: list[tuple[str, Asset]], refs: list[tuple[str, Ref]]
) -> list[FileReport]:
    """Reports in path order: ``whole`` ones as they are, others made of the given rows."""
    reports = {r.path: r for r in whole}
    partial: dict[str, FileReport] = {}
    for path, asset in assets:
        if path not in reports:
            partial.setdefault(path, FileReport(path)).asset = asset
    for path, ref in dict.fromkeys(refs):
        if path not in reports:
            partial.setdefault(path, FileReport(path)).refs.append(ref)
    reports.update(partial)
    return [reports[p] for p in sorted(reports)]
