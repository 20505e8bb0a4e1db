"""``hub catalog show``: one asset's manifest, its references resolved, and who uses it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubrails.core.catalog import HUB_PREFIX, Catalog, impact
from hubrails.core.config import HubConfig
from hubrails.core.model import FileReport, Ref
from hubrails.core.snapshot import Entry, Use
from hubrails.errors import HubError


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
    from hubrails.core import safeyaml
    from hubrails.core.analyse import analyse_file
    from hubrails.core.layout import classify
    from hubrails.core.references import Index, resolve

    path = entry.path
    if path.startswith(HUB_PREFIX) and hub is not None:
        config, path = hub, path.removeprefix(HUB_PREFIX)
    base = config.root
    try:
        data = safeyaml.read_bytes(base / path, base)
        doc = safeyaml.parse(safeyaml.decode(data), max_alias_nodes=config.max_alias_nodes)
    except safeyaml.LoadError as exc:
        raise HubError(exc.message, path=path, line=exc.line, column=exc.column) from None
    registry_parts = tuple(path.removeprefix(config.registry.strip("/") + "/").split("/"))
    location = classify(registry_parts)
    assert location is not None  # the snapshot only holds classified manifests
    report = analyse_file(
        path, data, location, spoke_team=None, max_alias_nodes=config.max_alias_nodes
    )
    entries = catalog.entries
    index = Index(FileReport(e.path, asset=e.asset) for e in entries)
    by_key = {(e.asset.kind, e.asset.name): e for e in reversed(entries)}
    models = {m: e for e in entries if e.asset.kind == "Pricing" for m in e.asset.provides}
    references = tuple(
        Resolved(
            ref,
            models.get(ref.name) if ref.kind == "Model" else by_key.get((ref.kind, ref.name)),
            tuple(f.message for f in resolve(path, ref, index)),
        )
        for ref in report.refs
    )
    used_by = tuple(
        sorted(
            catalog.users(entry.asset.kind, entry.asset.name),
            key=lambda u: (u.entry.asset.kind, u.entry.asset.name),
        )
    )
    return AssetView(entry, doc.data, references, used_by, len(impact(catalog, entry)))
