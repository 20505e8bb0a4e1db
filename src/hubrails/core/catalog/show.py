"""``hub catalog show``: one asset's manifest, its references resolved, and who uses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubrails.core.catalog.query import HUB_PREFIX, Catalog, impact
from hubrails.core.catalog.snapshot import Entry, Use
from hubrails.core.registry.config import HubConfig
from hubrails.core.validate.reports import FileReport, Ref


@dataclass(frozen=True, slots=True)
class Resolved:
    """One reference of the manifest: the asset it leads to, and what is wrong with it."""

    ref: Ref
    target: Entry | None
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AssetView:
    """Everything ``show`` tells about one asset."""

    entry: Entry
    manifest: dict[str, Any]
    references: tuple[Resolved, ...]
    used_by: tuple[Use, ...]
    dependents: int


def describe(
    catalog: Catalog, entry: Entry, config: HubConfig, hub: HubConfig | None = None
) -> AssetView:
    """Read ``entry``'s manifest (from ``config``'s repository, or ``hub``'s for a hub asset)
    and resolve its references against the catalog."""
    from hubrails.core.registry import safefile, safeyaml
    from hubrails.core.validate.asset_index import Index
    from hubrails.core.validate.facts import refs_of
    from hubrails.core.validate.references import resolve

    path = entry.path
    if path.startswith(HUB_PREFIX) and hub is not None:
        config, path = hub, path.removeprefix(HUB_PREFIX)
    try:
        data = safefile.read_bytes(config.root / path, config.root, config.max_file_bytes)
        doc = safeyaml.parse(safeyaml.decode(data), max_alias_nodes=config.max_alias_nodes)
    except safeyaml.LoadError as exc:
        raise exc.to_error(path) from None
    refs = refs_of(doc, entry.asset.kind)
    wanted = {(r.kind, r.name) for r in refs}
    targets = [
        e
        for e in catalog.entries
        if (e.asset.kind, e.asset.name) in wanted or e.asset.kind == "Pricing"
    ]
    index = Index(FileReport(e.path, asset=e.asset) for e in targets)
    by_key = {(e.asset.kind, e.asset.name): e for e in reversed(targets)}
    models = {m: e for e in targets if e.asset.kind == "Pricing" for m in e.asset.provides}
    resolved = tuple(
        Resolved(
            ref,
            models.get(ref.name) if ref.kind == "Model" else by_key.get((ref.kind, ref.name)),
            tuple(f.message for f in resolve(path, ref, index)),
        )
        for ref in refs
    )
    used_by = tuple(
        sorted(
            catalog.users(entry.asset.kind, entry.asset.name),
            key=lambda u: (u.entry.asset.kind, u.entry.asset.name),
        )
    )
    return AssetView(entry, doc.data, resolved, used_by, len(impact(catalog, entry)))
