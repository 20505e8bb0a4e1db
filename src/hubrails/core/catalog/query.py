"""``hub catalog``: list, find and search the registry's assets, and who depends on what.

A spoke's catalog includes its hub's assets (when the hub is available), their paths prefixed
with ``hub:``.
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from dataclasses import dataclass, replace

from hubrails.core.catalog.snapshot import Entry, Snapshot, Use
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.schemas import KINDS
from hubrails.errors import HubError

HUB_PREFIX = "hub:"
_ALIASES = {k.lower(): k for k in KINDS} | {f"{k.lower()}s": k for k in KINDS}


def parse_kind(text: str) -> str:
    """``tool``, ``tools`` or ``Tool`` → ``Tool``; anything else is a :class:`HubError`."""
    kind = _ALIASES.get(text.lower())
    if kind is None:
        raise HubError(
            f"unknown kind '{text}'", hint="kinds: " + ", ".join(k.lower() for k in KINDS)
        )
    return kind


@dataclass(frozen=True, slots=True)
class Catalog:
    """The assets of a repository, and of its hub for a spoke."""

    local: Snapshot
    hub: Snapshot | None = None

    @property
    def entries(self) -> list[Entry]:
        """Every asset, the repository's own first."""
        return (
            [*self.local.entries, *(_hub_entry(e) for e in self.hub.entries)]
            if self.hub
            else [*self.local.entries]
        )

    def users(self, kind: str, name: str) -> list[Use]:
        """Every reference to ``kind``/``name`` in the repository (and the hub)."""
        found = self.local.users(kind, name)
        if self.hub is not None:
            found += [replace(u, entry=_hub_entry(u.entry)) for u in self.hub.users(kind, name)]
        return found


def _hub_entry(entry: Entry) -> Entry:
    return replace(entry, path=HUB_PREFIX + entry.path)


def load_catalog(
    config: HubConfig, hub: HubConfig | None = None, *, use_cache: bool = True
) -> Catalog:
    """The catalog of ``config``'s registry (plus ``hub``'s for a spoke)."""
    from hubrails.core.catalog import snapshot

    local = snapshot.load(config, use_cache=use_cache)
    return Catalog(local, snapshot.load(hub, use_cache=use_cache) if hub is not None else None)


def list_assets(
    catalog: Catalog,
    kind: str | None = None,
    *,
    team: str | None = None,
    status: str | None = None,
    lifecycle: str | None = None,
) -> list[Entry]:
    """Assets matching every filter given, by kind then name."""
    found = [
        e
        for e in catalog.entries
        if (kind is None or e.asset.kind == kind)
        and (
            team is None
            or e.asset.team == team
            or (e.asset.kind == "Team" and e.asset.name == team)
        )
        and (status is None or e.asset.status == status)
        and (lifecycle is None or e.asset.lifecycle == lifecycle)
    ]
    return sorted(found, key=lambda e: (e.asset.kind, e.asset.name, e.path))


def find(catalog: Catalog, query: str, kind: str | None = None) -> Entry:
    """The one asset called ``query`` (``NAME`` or ``KIND/NAME``; ``kind`` as the user wrote
    it); a clear error otherwise."""
    if "/" in query:
        kind, query = query.split("/", 1)
    kind = parse_kind(kind) if kind else None
    matches = [
        e
        for e in catalog.entries
        if e.asset.name == query and (kind is None or e.asset.kind == kind)
    ]
    kinds = sorted({e.asset.kind for e in matches})
    if len(kinds) > 1:
        options = ", ".join(f"{k.lower()}/{query}" for k in kinds)
        raise HubError(f"'{query}' names more than one asset", hint=f"say which: {options}")
    if not matches:
        names = sorted(
            {e.asset.name for e in catalog.entries if kind is None or e.asset.kind == kind}
        )
        close = difflib.get_close_matches(query, names, n=3)
        what = f"{kind} " if kind else ""
        raise HubError(
            f"no {what}asset named '{query}'",
            hint=f"did you mean {', '.join(close)}?" if close else "see 'hub catalog ls'",
        )
    return matches[0]


def refuse_taken(catalog: Catalog, kind: str, name: str) -> None:
    """A :class:`HubError` if a ``kind`` called ``name`` already exists."""
    for entry in catalog.entries:
        if entry.asset.kind == kind and entry.asset.name == name:
            raise HubError(
                f"{kind} '{name}' already exists: {entry.path}", hint="choose another name"
            )


def owning_team(catalog: Catalog, team: str | None, default: str | None) -> tuple[str, str | None]:
    """(the owner of a new asset, the platform team): ``team`` if given, else ``default``
    (hub.yaml's team), else the platform team."""
    platform = next(
        (e.asset.name for e in catalog.entries if e.asset.kind == "Team" and e.asset.platform),
        None,
    )
    if team is not None:
        _check_team(catalog, team, default)
    owner = team or default or platform
    if owner is None:
        raise HubError("no owning team", hint="pass --team NAME (or create the platform team)")
    teams = sorted(e.asset.name for e in catalog.entries if e.asset.kind == "Team")
    if team is not None and teams and team not in teams:
        raise HubError(
            f"no team '{team}'", hint=f"teams: {', '.join(teams)}; create one with 'hub new team'"
        )
    return owner, platform


def _check_team(catalog: Catalog, team: str, default: str | None) -> None:
    """Refuse a ``--team`` that is not a team name (it becomes part of a path), that names no
    team of the catalog, or that is not a spoke's own team."""
    from hubrails.core.registry.layout import check_name

    check_name(team, "team name")
    teams = sorted(e.asset.name for e in catalog.entries if e.asset.kind == "Team")
    if default is not None and team != default and not teams:
        raise HubError(
            f"this spoke belongs to team '{default}', not '{team}'",
            hint="a spoke defines assets only for its own team: leave out --team",
        )
    if teams and team not in teams:
        raise HubError(
            f"there is no team '{team}'",
            hint=f"create it first with 'hub new team {team}'; the teams are: {', '.join(teams)}",
        )


@dataclass(frozen=True, slots=True)
class Dependent:
    """An asset that depends on the target, directly (depth 1) or through others (``via``)."""

    entry: Entry
    depth: int
    via: tuple[str, ...]
    version: str | None
    actions: tuple[str, ...]


def impact(catalog: Catalog, target: Entry) -> list[Dependent]:
    """Every asset that depends on ``target``, transitively: what breaks if it goes away.

    A Team's dependents are the assets it owns; ownership does not pass further down.
    """
    start = (target.asset.kind, target.asset.name)
    seen = {start}
    found: list[Dependent] = []
    queue: deque[tuple[tuple[str, str], int, tuple[str, ...]]] = deque([(start, 1, ())])
    while queue:
        (kind, name), depth, via = queue.popleft()
        for use in catalog.users(kind, name):
            node = (use.entry.asset.kind, use.entry.asset.name)
            if node in seen:
                continue
            seen.add(node)
            found.append(Dependent(use.entry, depth, via, use.version, use.actions))
            if target.asset.kind != "Team":
                queue.append((node, depth + 1, (*via, f"{node[0].lower()}/{node[1]}")))
    return sorted(found, key=lambda d: (d.depth, d.entry.asset.kind, d.entry.asset.name))


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result and its score (higher is better)."""

    entry: Entry
    score: int


_WORD = re.compile(r"[a-z0-9]+")


def search(catalog: Catalog, text: str, *, kind: str | None = None, limit: int = 20) -> list[Hit]:
    """Assets whose name, labels or description hold every word of ``text``, best first.

    Per word: the whole name 10, a name part 6, inside the name 4, a label key or value 3, a
    word of the description 2, inside the description 1; a name equal to the whole text adds 20.
    """
    words = _WORD.findall(text.lower())
    if not words:
        raise HubError("nothing to search for", hint="give at least one word or name")
    whole = "-".join(words)
    hits = []
    for entry in catalog.entries:
        asset = entry.asset
        if asset.kind == "SkillDoc" or (kind is not None and asset.kind != kind):
            continue
        total = 20 if asset.name == whole else 0
        for word in words:
            score = _score(word, asset.name, asset.labels, asset.description or "")
            if not score:
                break
            total += score
        else:
            hits.append(Hit(entry, total))
    hits.sort(key=lambda h: (-h.score, h.entry.asset.kind, h.entry.asset.name))
    return hits[:limit]


def _score(word: str, name: str, labels: tuple[tuple[str, str], ...], description: str) -> int:
    if word == name:
        return 10
    if word in name.split("-"):
        return 6
    if word in name:
        return 4
    if any(word == x or word in x.split("-") for kv in labels for x in map(str.lower, kv)):
        return 3
    lowered = description.lower()
    if word not in lowered:
        return 0
    return 2 if word in _WORD.findall(lowered) else 1
