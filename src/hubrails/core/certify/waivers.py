"""Waivers: the hub's review by exception. One agent, one check, a reason, who granted it and
until when; only waivers in the hub-owned folder (``registry/waivers/``) count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubrails.core.certify.agent_files import Loaded, Workspace
from hubrails.core.registry import layout
from hubrails.core.registry.layout import folders, yaml_files


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
    owner: str = ""  # metadata.team: it must be the platform team

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


def platform_teams(ws: Workspace) -> set[str]:
    """The names of the hub's teams that set ``spec.platform: true`` (validate wants one)."""
    hub_repo = ws.hub.config
    found = set()
    for rel in layout.manifests_of(hub_repo.registry_dir, "Team"):
        loaded = ws.load(hub_repo, rel)
        if loaded is None or loaded.doc is None:
            continue
        meta, spec = loaded.data.get("metadata"), loaded.data.get("spec")
        if isinstance(meta, dict) and isinstance(spec, dict) and spec.get("platform") is True:
            found.add(str(meta.get("name")))
    return found


def load_waivers(ws: Workspace, today: dt.date) -> tuple[list[Waiver], list[str]]:
    """(active waivers, warnings): expired ones count as absent; invalid ones, those not owned
    by the platform team, those reached through a link and those in spoke-owned folders are
    ignored with a warning."""
    owned, spoke_owned = waiver_files(ws)
    warnings = [
        f"{path}: waiver ignored: waivers count only in the hub's registry/waivers/ "
        "(reviewed by the platform team)"
        for path in spoke_owned
    ]
    platform: set[str] | None = None  # the teams are read only for a waiver (200: 40 ms)
    active = []
    for loaded in owned:
        waiver = _parse(loaded)
        if isinstance(waiver, Waiver):
            platform = platform_teams(ws) if platform is None else platform
            if waiver.owner not in platform:
                waiver = (
                    f"its metadata.team is {waiver.owner}, not the platform team "
                    f"({', '.join(sorted(platform)) or 'none'}): waivers are the platform team's"
                )
        if isinstance(waiver, str):
            warnings.append(f"{loaded.path}: waiver ignored: {waiver}")
        elif waiver.expires >= today:
            active.append(waiver)
    return active, warnings


def waiver_files(ws: Workspace) -> tuple[list[Loaded], list[str]]:
    """(waivers in the hub-owned folder, paths of waivers in spoke-owned folders)."""
    hub_repo = ws.hub.config
    folder = hub_repo.registry_dir / "waivers"
    names = yaml_files(folder)
    if _linked(folder, hub_repo.registry_dir):  # e.g. into a spoke's folder: none counts
        linked = [ws.display(hub_repo, folder / n) + " (through a symbolic link)" for n in names]
        names, ignored = [], linked
    else:
        linked = [n for n in names if (folder / n).is_symlink()]
        names = [n for n in names if n not in linked]
        ignored = [ws.display(hub_repo, folder / n) + " (a symbolic link)" for n in linked]
    owned = [
        loaded
        for n in names
        if (loaded := ws.load(hub_repo, layout.manifest_path("Waiver", n[:-5]))) is not None
    ]
    ignored += [
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


def _linked(folder: Path, registry: Path) -> bool:
    """Whether ``folder`` is, or is reached through, a symbolic link."""
    try:
        return folder.is_symlink() or folder.resolve() != registry.resolve() / folder.name
    except OSError:
        return True


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
        owner=str(meta.get("team", "")),
    )
