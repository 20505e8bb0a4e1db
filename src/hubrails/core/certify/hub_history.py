"""The hub's git history as ``hub certify --verify`` checks it: a certificate's hub commit and
the digests of the hub files it records, each file at a commit read and hashed once."""

from __future__ import annotations

import hashlib
from typing import Any

from hubrails.core.certify.agent_files import HUB_PREFIX
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig


class HubHistory:
    """The hub's git history: a certificate's hub commit must be one of its commits and, when
    the hub was clean, hold the hub's inputs with the digests recorded."""

    def __init__(self, hub: Hub, config: HubConfig, inputs: set[str]) -> None:
        self.hub = hub
        self.shared = hub.is_self or hub.config.root.resolve() == config.root.resolve()
        self._seen: dict[str, dict[str, str | None] | None] = {}  # commit -> path -> SHA-256
        # every hub file any agent reads: one batch per commit reads them all
        self._every = sorted({p for i in inputs if (p := self._hub_path(i)) is not None})

    def _hub_path(self, shown: str) -> str | None:
        if shown.startswith(HUB_PREFIX):
            return shown[len(HUB_PREFIX) :]
        return shown if self.shared else None

    def _digests(self, commit: str, paths: list[str]) -> dict[str, str | None] | None:
        """The SHA-256 of each file at ``commit`` (each read and hashed once per commit and
        path: certificates of one commit share their guardrails, tools and teams), ``None``
        for a file the commit lacks, and ``None`` in all without the commit."""
        from hubrails.core.vcs.checkout import files_at

        known = self._seen.get(commit, {})
        if commit in self._seen and known is None:
            return None
        assert known is not None
        lacking = [p for p in paths if p not in known]
        if lacking or commit not in self._seen:
            if commit not in self._seen:
                lacking = sorted({*lacking, *self._every})
            more = files_at(self.hub.config.root, commit, lacking)
            self._seen[commit] = None if more is None else {**known, **_sha256(more)}
        return self._seen[commit]

    def check(self, hub: dict[str, Any], inputs: list[dict[str, str]]) -> str | None:
        """Why the recorded hub revision does not hold, or ``None`` when it does."""
        commit = hub["commit"]
        if commit is None:
            if self.hub.commit is not None:
                return "it records no hub commit, but the hub is a git repository"
            return None
        local = self.shared  # inline _hub_path: 1,000 certificates hold 100,000 inputs
        wanted = {
            (path[len(HUB_PREFIX) :] if path.startswith(HUB_PREFIX) else path): i["sha256"]
            for i in inputs
            if (path := i["path"]).startswith(HUB_PREFIX) or local
        }
        found = self._digests(commit, list(wanted))
        if found is None:
            from hubrails.core.vcs.checkout import is_shallow

            if is_shallow(self.hub.config.root):
                return (
                    f"its hub commit {commit} is not in this shallow clone of the hub: fetch "
                    "the history to verify it (git fetch --unshallow; in GitHub Actions, "
                    "actions/checkout with fetch-depth: 0)"
                )
            return f"its hub commit {commit} is not a commit of the hub's repository"
        if hub["dirty"]:
            return None  # written from uncommitted files: the commit cannot hold them
        for rel, digest in sorted(wanted.items()):
            held = found.get(rel)
            if held is None or held != digest:
                return f"its hub commit {commit} does not hold {rel} as recorded (hub.dirty: false)"
        return None


def _sha256(files: dict[str, bytes | None]) -> dict[str, str | None]:
    return {p: None if d is None else hashlib.sha256(d).hexdigest() for p, d in files.items()}
