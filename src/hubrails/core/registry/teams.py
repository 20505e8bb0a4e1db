"""What other commands read from Team manifests beyond the validation index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hubrails.core.registry import safefile, safeyaml
from hubrails.core.registry.config import HubConfig


def team_specs(config: HubConfig, teams: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Each team's ``spec`` mapping, from (name, manifest path under ``config.root``) pairs;
    unreadable manifests are left out (validation reports them)."""
    found: dict[str, dict[str, Any]] = {}
    for name, path in teams:
        try:
            doc = safefile.load(config.root / path, config.root)
        except safeyaml.LoadError:
            continue
        spec = doc.data.get("spec")
        if isinstance(spec, dict):
            found[name] = spec
    return found
