"""The registry layout: which file holds which kind, and which team a spoke folder belongs to."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hubrails.errors import HubError

SKILL_MANIFEST = "skill.yaml"
SKILL_DOC = "SKILL.md"
CODEOWNERS = ".github/CODEOWNERS"  # written by hub init, kept by hub codeowners
_FOLDERS = {
    "teams": "Team",
    "tools": "Tool",
    "prompts": "Prompt",
    "guardrails": "Guardrail",
    "agents": "Agent",
    "skills": "Skill",
    "waivers": "Waiver",
}
# Waivers validate anywhere, but count only in the hub's own registry/waivers/ (hub certify).
_SPOKE_FOLDERS = ("skills", "agents", "prompts", "guardrails", "waivers")
FOLDER_OF_KIND = {kind: folder for folder, kind in _FOLDERS.items()}


@dataclass(frozen=True, slots=True)
class Location:
    """What a path in the registry is expected to hold.

    ``kind`` is a manifest kind, or ``SkillDoc`` for a skill's ``SKILL.md``; ``unexpected``
    marks a YAML file where no manifest belongs.
    """

    kind: str
    name: str
    team: str | None = None
    unexpected: bool = False
    link: bool = False
    unreadable: bool = False
    bad_name: bool = False


def classify(rel: tuple[str, ...]) -> Location | None:
    """Classify a path relative to the registry folder; ``None`` for files that are not ours."""
    if rel[-1] == "":  # a linked folder leading outside the repository (see ``walk``)
        if len(rel) >= 2 and rel[-2] == "":  # a folder that can't be listed
            return Location("", "", unexpected=True, unreadable=True)
        return Location("", "", unexpected=True, link=True)
    team = None
    parts = rel
    if len(parts) >= 2 and parts[0] == "spokes":
        team, parts = parts[1], parts[2:]
        if not parts or parts[0] not in _SPOKE_FOLDERS:
            return _unexpected(rel)
    if parts == ("pricing.yaml",) and team is None:
        return Location("Pricing", "pricing")
    if len(parts) < 2 or parts[0] not in _FOLDERS:
        return _unexpected(rel)
    kind = _FOLDERS[parts[0]]
    if kind == "Skill":
        if len(parts) == 3 and parts[2] == SKILL_MANIFEST:
            return Location("Skill", parts[1], team)
        if len(parts) == 3 and parts[2] == SKILL_DOC:
            return Location("SkillDoc", parts[1], team)
        return None if len(parts) > 2 else _unexpected(rel)
    if len(parts) == 2 and parts[1].endswith(".yaml"):
        return Location(kind, parts[1][: -len(".yaml")], team)
    return _unexpected(rel)


def folder_of(kind: str, team: str | None = None) -> str:
    """The folder of ``kind`` manifests, relative to the registry folder (``team``'s own)."""
    return FOLDER_OF_KIND[kind] if team is None else f"spokes/{team}/{FOLDER_OF_KIND[kind]}"


def manifest_path(kind: str, name: str, team: str | None = None) -> str:
    """Where the ``kind`` manifest ``name`` lives, relative to the registry folder: in
    ``team``'s spoke folder when one is given (the inverse of :func:`classify`)."""
    if kind == "Pricing":
        return "pricing.yaml"
    folder = folder_of(kind, team)
    return f"{folder}/{name}/{SKILL_MANIFEST}" if kind == "Skill" else f"{folder}/{name}.yaml"


def manifests_of(registry: Path, kind: str, teams: Iterable[str] | None = None) -> list[str]:
    """The paths (relative to ``registry``) of the ``kind`` manifests in its shared folder, then
    in the spoke folders of ``teams`` (by default every team's); listed, not read. A skill is
    a folder, listed whether or not it holds its manifest."""
    if teams is None:
        teams = folders(registry / "spokes") if FOLDER_OF_KIND[kind] in _SPOKE_FOLDERS else []
    found: list[str] = []
    for team in [None, *teams]:
        folder = registry / folder_of(kind, team)
        if kind == "Skill":
            found += [manifest_path(kind, name, team) for name in folders(folder)]
        else:
            found += [manifest_path(kind, name[:-5], team) for name in yaml_files(folder)]
    return found


def yaml_files(folder: Path) -> list[str]:
    """The ``.yaml`` file names in ``folder``, sorted (none when it does not exist)."""
    try:
        return sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))  # noqa: PTH208
    except OSError:
        return []


def folders(folder: Path) -> list[str]:
    """The subfolder names of ``folder``, sorted (none when it does not exist)."""
    try:  # a folder entry's type comes with the listing: no stat, unless it is a link
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if _is_dir(e))
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a link, as Path.is_dir does
    except OSError:
        return False


def _unexpected(rel: tuple[str, ...]) -> Location | None:
    if rel[-1].endswith((".yaml", ".yml")):
        return Location("", "", unexpected=True)
    return None


Entry = tuple[str, int]  # a name in a folder, and what it is: one of the five below
DIR, FILE, LINKED, OUTSIDE = 0, 1, 2, 3  # linked folders: not followed; those leading outside
UNLISTED = 4  # the folder itself could not be listed (the only entry, with an empty name)
UNLISTABLE: list[Entry] = [("", UNLISTED)]
Lister = Callable[[str, "str | None"], list[Entry]]


def walk(
    registry: Path, root: Path | None = None, lister: Lister | None = None
) -> Iterator[tuple[str, ...]]:
    """Every file under ``registry`` as a tuple of path parts, in sorted order as it is found;
    hidden folders skipped.

    Linked folders are not followed; one that leads outside ``root`` is listed like a file, so
    that reading it reports the link instead of silently skipping what is behind it (as
    ``(..., name, "")``); a folder that can't be listed is yielded as ``(..., folder, "", "")``,
    so that it is reported instead of passing for empty. ``lister``
    (by default :func:`entries`) lists one folder. Going depth first through each folder's
    entries sorted by name yields the files in sorted order, without collecting them all first.
    """
    inside = os.path.realpath(root) if root is not None else None
    listed = lister or entries
    top = os.fspath(registry)
    stack: list[tuple[tuple[str, ...], str, Iterator[Entry]]] = [
        ((), top, iter(sorted(listed(top, inside))))
    ]
    while stack:
        base, folder, remaining = stack[-1]
        for name, what in remaining:
            if what == DIR:
                below = f"{folder}/{name}"
                stack.append(((*base, name), below, iter(sorted(listed(below, inside)))))
                break
            if what == FILE:
                yield (*base, name)
            elif what == OUTSIDE:
                yield (*base, name, "")
            elif what == UNLISTED:
                yield (*base, "", "")
        else:
            stack.pop()


def entries(folder: str, inside: str | None) -> list[Entry]:
    """What ``walk`` sees in one folder: its files, its folders but hidden ones, and its linked
    folders (``OUTSIDE`` when they lead outside ``inside``); :data:`UNLISTABLE` when it can't be
    read. A link that can't be followed (a loop, say) counts as a file: reading it says why."""
    listed: list[Entry] = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                listed.append((entry.name, _kind(entry, inside)))
    except OSError:
        return UNLISTABLE
    return [(name, what) for name, what in listed if what != DIR or not name.startswith(".")]


def _kind(entry: os.DirEntry[str], inside: str | None) -> int:
    try:
        if entry.is_dir(follow_symlinks=False):
            return DIR
        if entry.is_symlink() and entry.is_dir():
            outside = inside is not None and not _within(os.path.realpath(entry.path), inside)
            return OUTSIDE if outside else LINKED
    except OSError:  # ELOOP and the like: read as a file, which reports it
        pass
    return FILE


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_NAME = 63  # a Backstage name; the Agent Skills format allows 64


def check_name(name: str, what: str = "name") -> None:
    """Refuse a name that breaks the hubrails (and Agent Skills) name rules."""
    if len(name) > MAX_NAME or not NAME_RE.match(name):
        raise HubError(
            f"'{name}' is not a valid {what}",
            hint=f"lowercase letters and digits in hyphen-separated words, at most {MAX_NAME} "
            "characters (e.g. incident-summary)",
        )


def action_name(name: str) -> str:
    """An MCP tool name as an action name: ``getWeather`` or ``get-weather`` → ``get_weather``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    return snake if re.match(r"^[a-z]", snake) else f"tool_{snake}"
