"""What other commands read from Team manifests beyond the validation index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hubrails.core.registry import manifest
from hubrails.core.registry.config import HubConfig


def team_specs(config: HubConfig, teams: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Each team's ``spec`` mapping, from (name, manifest path under ``config.root``) pairs;
    read with the registry's limits; unreadable ones are left out (validation reports them)."""
    found: dict[str, dict[str, Any]] = {}
    for name, path in teams:
        loaded = manifest.load(
            config.root / path,
            config.root,
            max_bytes=config.max_file_bytes,
            max_alias_nodes=config.max_alias_nodes,
        )
        if loaded.doc is None:
            continue
        spec = loaded.doc.data.get("spec")
        if isinstance(spec, dict):
            found[name] = spec
    return found
