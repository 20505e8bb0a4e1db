"""The assets of a registry by kind and name, as cross-file checks look them up."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from hubrails.core.registry.versions import Verdicts
from hubrails.core.validate.reports import Asset, FileReport

HUB_PREFIX = "hub:"  # the hub's files, told apart from the spoke's files at the same paths


class Index:
    """Assets by kind and name, from the repository's reports (and the hub's, for a spoke,
    their paths prefixed ``hub:``);
    ``names`` gives every name of a kind where the reports are only part of the registry, and
    ``versions`` answers questions about version texts."""

    def __init__(
        self,
        reports: Iterable[FileReport],
        names: Mapping[str, list[str]] | None = None,
        versions: Verdicts | None = None,
        hub: Iterable[FileReport] = (),
    ) -> None:
        self.names = names or {}
        self.versions = versions or Verdicts()
        self.by_kind: dict[str, dict[str, list[tuple[str, Asset]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.models: set[str] = set()
        self._buckets: dict[str, dict[str, list[str]]] = {}
        self._hints: dict[tuple[str, str], str] = {}
        for prefix, group in (("", reports), (HUB_PREFIX, hub)):
            for report in group:
                if report.asset is not None:
                    self.by_kind[report.asset.kind][report.asset.name].append(
                        (prefix + report.path, report.asset)
                    )
                    if report.asset.kind == "Pricing":
                        self.models.update(report.asset.provides)

    def get(self, kind: str, name: str) -> list[tuple[str, Asset]]:
        """Every asset of ``kind`` called ``name`` with its file."""
        return self.by_kind.get(kind, {}).get(name, [])

    def suggest(self, kind: str, name: str) -> str:
        """A "did you mean" hint for an unknown ``name`` of ``kind`` (``Model`` for models).

        Large catalogs are narrowed first to names that start alike and are about as long.
        """
        key = (kind, name)
        if key not in self._hints:
            if kind not in self._buckets:
                buckets: dict[str, list[str]] = defaultdict(list)
                for known in self._known(kind):
                    buckets[known[:2]].append(known)
                self._buckets[kind] = buckets
            buckets = self._buckets[kind]
            candidates = buckets.get(name[:2]) or [
                known
                for start, group in buckets.items()
                if start[:1] == name[:1]
                for known in group
            ]
            candidates = sorted(candidates, key=lambda c: (abs(len(c) - len(name)), c))[:8]
            close = difflib.get_close_matches(name, candidates, n=1)
            self._hints[key] = f"did you mean '{close[0]}'?" if close else ""
        return self._hints[key]

    def _known(self, kind: str) -> Iterable[str]:
        if kind == "Model":
            return self.models
        return self.names.get(kind) or self.by_kind.get(kind, {})
