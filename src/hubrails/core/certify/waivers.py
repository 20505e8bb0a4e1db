"""Waivers: the hub's review by exception. One agent, one check, a reason, who granted it and
until when; only waivers in the hub-owned folder (``registry/waivers/``) count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hubrails.core.certify.agent_files import Loaded, Workspace, folders, yaml_files


@dataclass(frozen=True, slots=True)
class Waiver:
    """One active waiver and the file it is in."""

    name: str
    path: str
    line: int
    agent: str
    team: str | None
    check: str
    reason: str
    granted_by: str
    expires: dt.date
    sha256: str

    def applies(self, agent: str, team: str, check: str) -> bool:
        """Whether this waiver covers ``check`` of ``agent`` in ``team``."""
        return self.agent == agent and self.check == check and self.team in (None, team)

    def to_dict(self) -> dict[str, Any]:
        """The form certificates record."""
        return {
            "check": self.check,
            "reason": self.reason,
            "granted_by": self.granted_by,
            "expires": self.expires.isoformat(),
            "file": self.path,
        }


def load_waivers(ws: Workspace, today: dt.date) -> tuple[list[Waiver], list[str]]:
    """(active waivers, warnings): expired ones count as absent; invalid ones and those in
    spoke-owned folders are ignored with a warning."""
    owned, spoke_owned = waiver_files(ws)
    warnings = [
        f"{path}: waiver ignored: waivers count only in the hub's registry/waivers/ "
        "(reviewed by the platform team)"
        for path in spoke_owned
    ]
    active = []
    for loaded in owned:
        waiver = _parse(loaded)
        if isinstance(waiver, str):
            warnings.append(f"{loaded.path}: waiver ignored: {waiver}")
        elif waiver.expires >= today:
            active.append(waiver)
    return active, warnings


def waiver_files(ws: Workspace) -> tuple[list[Loaded], list[str]]:
    """(waivers in the hub-owned folder, paths of waivers in spoke-owned folders)."""
    hub_repo = ws.hub.config
    owned = [
        loaded
        for n in yaml_files(hub_repo.registry_dir / "waivers")
        if (loaded := ws.load(hub_repo, f"waivers/{n}")) is not None
    ]
    ignored = [
        ws.display(hub_repo, hub_repo.registry_dir / "spokes" / team / "waivers" / n)
        for team in folders(hub_repo.registry_dir / "spokes")
        for n in yaml_files(hub_repo.registry_dir / "spokes" / team / "waivers")
    ]
    if not ws.shared:
        local = ws.config.registry_dir
        ignored += [
            ws.display(ws.config, folder / n)
            for folder in (
                local / "waivers",
                *(local / "spokes" / t / "waivers" for t in folders(local / "spokes")),
            )
            for n in yaml_files(folder)
        ]
    return owned, ignored


def _parse(loaded: Loaded) -> Waiver | str:
    if loaded.doc is None:
        return loaded.error or "cannot load"
    from hubrails.core.registry.schemas import first_error

    problem = first_error("Waiver", loaded.doc)
    if problem is not None:
        message, (line, _) = problem
        return f"line {line}: {message}"
    meta, spec = loaded.data["metadata"], loaded.data["spec"]
    assert isinstance(meta, dict) and isinstance(spec, dict)
    return Waiver(
        name=meta["name"],
        path=loaded.path,
        line=loaded.doc.mark(("spec", "check"))[0],
        agent=spec["agent"],
        team=spec.get("team"),
        check=spec["check"],
        reason=spec["reason"],
        granted_by=spec["granted_by"],
        expires=dt.date.fromisoformat(spec["expires"]),
        sha256=loaded.sha256,
    )
