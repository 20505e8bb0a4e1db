"""Per-team tokens: a new random token is shown once; the file keeps only its SHA-256."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from hubrails.errors import HubError

_HEADER = (
    "# hub ledger tokens: team -> SHA-256 digests of its collector tokens.\n"
    "# Only digests are kept; this file may be committed. New token: hub ledger token new TEAM\n"
)


def digest(token: str) -> str:
    """The stored form of ``token``."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def load(path: Path) -> dict[str, list[str]]:
    """The tokens file: team -> digests (empty when the file does not exist)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise HubError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data: Any = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise HubError(f"{path}: not valid YAML: {exc}") from None
    teams = data.get("teams", {}) if isinstance(data, dict) else None
    if not isinstance(teams, dict) or not all(
        isinstance(team, str) and isinstance(found, list) and all(isinstance(d, str) for d in found)
        for team, found in teams.items()
    ):
        raise HubError(f"{path}: expected 'teams:' mapping each team to a list of digests")
    return {team: list(found) for team, found in teams.items()}


def by_digest(path: Path) -> dict[str, str]:
    """Digest -> team, for checking a presented token."""
    return {d: team for team, found in load(path).items() for d in found}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells that the file changed: inode, size and mtime (None when it is missing)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


class TokenBook:
    """Digest -> team from a tokens file, re-read when the file changes.

    The file is checked at most every ``every_s`` seconds, so a new or revoked token takes
    effect without a restart. A file that stops parsing keeps the tokens read before (with a
    warning); a file that is removed revokes every token.
    """

    def __init__(self, path: Path, every_s: float = 1.0) -> None:
        self.path, self._every = path, every_s
        self._stamp = _stamp(path)
        self._teams = by_digest(path)
        self._checked = time.monotonic()

    def current(self) -> dict[str, str]:
        """The tokens in force now."""
        now = time.monotonic()
        if now - self._checked < self._every:
            return self._teams
        self._checked = now
        stamp = _stamp(self.path)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._teams = by_digest(self.path) if stamp is not None else {}
            except HubError as exc:
                logging.getLogger("hubrails.collector").warning(
                    "%s; keeping the tokens read before", exc
                )
        return self._teams


def new_token(path: Path, team: str) -> str:
    """A new token for ``team``, its digest added to ``path`` atomically (created if missing)."""
    import yaml

    if not team or not team.replace("-", "").replace("_", "").isalnum():
        raise HubError(f"not a team name: {team!r}")
    teams = load(path)
    token = "hub_" + secrets.token_urlsafe(32)
    teams.setdefault(team, []).append(digest(token))
    text = _HEADER + yaml.safe_dump({"teams": teams}, sort_keys=True)
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tokens-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except OSError as exc:
        raise HubError(f"cannot write {path}: {exc.strerror}") from None
    return token
