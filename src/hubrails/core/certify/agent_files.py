"""The few files one certification reads, found by the registry layout and loaded once each.

``hub validate`` guarantees that a file's name is its ``metadata.name``, so a tool, skill, team
or guardrail is found by its path instead of by loading the whole registry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from hubrails.core.certify.parsed_cache import DocCache
from hubrails.core.hub.locate import Hub
from hubrails.core.registry import layout, manifest, safefile, safeyaml
from hubrails.core.registry.config import HubConfig
from hubrails.core.registry.document import Document, Pointer
from hubrails.core.registry.manifest import Manifest
from hubrails.errors import HubError

HUB_PREFIX = "hub:"
MAX_SCAN_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Loaded:
    """One file: where it is shown, where it is, and its :class:`Manifest` (bytes, text,
    document or why it did not load), with the SHA-256 a certificate records.

    ``cached`` is data from the parsed-manifest cache: the manifest was then not parsed, and the
    :class:`Document` with line marks is made only when a mark is asked for (a problem to
    locate, a policy value's source).
    """

    path: str
    file: Path
    manifest: Manifest
    sha256: str
    cached: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        """The file's text (bad bytes replaced when it did not decode)."""
        return self.manifest.shown_text

    @property
    def error(self) -> str | None:
        """Why the file did not load as a YAML mapping, or ``None``."""
        return self.manifest.error.message if self.manifest.error is not None else None

    @property
    def ok(self) -> bool:
        """Whether the file loaded and is a YAML mapping."""
        return self.manifest.error is None

    @cached_property
    def doc(self) -> Document | None:
        """The document with marks, or ``None`` when the file did not load."""
        if self.cached is not None and self.manifest.text is not None:
            return safeyaml.positions(self.manifest.text, self.cached)
        return self.manifest.doc

    def line(self, pointer: Pointer) -> int:
        """The line of the value at ``pointer`` (parsing the file for its marks if need be)."""
        return self.doc.mark(pointer)[0] if self.doc is not None else 1

    @property
    def data(self) -> dict[str, Any]:
        """The parsed mapping, or an empty one when the file did not load."""
        if self.cached is not None:
            return self.cached
        return self.doc.data if self.doc is not None else {}


class Workspace:
    """The repository being certified and its hub, with a memo of every file read."""

    def __init__(self, config: HubConfig, hub: Hub, docs: DocCache | None = None) -> None:
        self.config = config
        self.docs = docs
        self.hub = hub
        self.shared = hub.is_self or hub.config.root.resolve() == config.root.resolve()
        self._memo: dict[tuple[int, str], Loaded | None] = {}
        self._guardrails: dict[str, tuple[list[Loaded], list[Loaded]]] = {}
        self._skills: dict[Path, dict[str, str]] = {}
        self._files: dict[Path, list[tuple[str, str]]] = {}

    # --- loading --------------------------------------------------------------------------

    def load(self, repo: HubConfig, rel: str) -> Loaded | None:
        """``rel`` (relative to the registry folder of ``repo``), or ``None`` when absent."""
        key = (id(repo), rel)
        if key in self._memo:
            return self._memo[key]
        file = repo.registry_dir / rel
        loaded = self._read(repo, file) if file.is_file() else None
        self._memo[key] = loaded
        return loaded

    def _read(self, repo: HubConfig, file: Path) -> Loaded:
        """Load ``file`` with the registry's loader; its data from the parsed-manifest cache
        when the bytes are those it was parsed from."""
        shown = self.display(repo, file)
        limit = repo.max_alias_nodes
        loaded = manifest.load(
            file, repo.root, max_bytes=repo.max_file_bytes, max_alias_nodes=limit, parse=False
        )
        sha256 = loaded.sha256
        if loaded.error is None and self.docs is not None:
            data = self.docs.get(shown, sha256)
            if data is not None:
                return Loaded(shown, file, loaded, sha256, cached=data)
        loaded = loaded.parsed(limit)
        if loaded.doc is not None and self.docs is not None:
            self.docs.put(shown, sha256, loaded.doc.data)
        return Loaded(shown, file, loaded, sha256)

    def display(self, repo: HubConfig, file: Path) -> str:
        """How a file is named in results: relative to its repository, ``hub:`` for the hub's."""
        rel = file.relative_to(repo.root).as_posix()
        hub_file = repo is self.hub.config and not self.shared
        return HUB_PREFIX + rel if hub_file else rel

    def _repos(self, *, hub_first: bool) -> list[HubConfig]:
        if self.shared:
            return [self.config]
        return [self.hub.config, self.config] if hub_first else [self.config, self.hub.config]

    # --- agents ---------------------------------------------------------------------------

    @cached_property
    def agent_paths(self) -> list[str]:
        """Every agent file of the repository, relative to its registry folder, sorted."""
        return sorted(set(layout.manifests_of(self.config.registry_dir, "Agent")))

    def agent(self, rel: str) -> Loaded:
        """The agent at ``rel`` (one of :attr:`agent_paths`)."""
        loaded = self.load(self.config, rel)
        if loaded is None:
            raise HubError(f"agent file {rel} disappeared while certifying")
        return loaded

    def find_agent(self, given: str) -> str:
        """An agent's path (relative to the registry folder), by name or by its file."""
        as_path = Path(given)
        if given.endswith((".yaml", ".yml")) or os.sep in given or "/" in given:
            absolute = (as_path if as_path.is_absolute() else Path.cwd() / as_path).resolve()
            for rel in self.agent_paths:
                if (self.config.registry_dir / rel).resolve() == absolute:
                    return rel
            raise HubError(
                f"{given} is not an agent manifest of this registry",
                hint="agents live in registry/agents/ or registry/spokes/TEAM/agents/",
            )
        matches = [rel for rel in self.agent_paths if rel.rsplit("/", 1)[-1] == f"{given}.yaml"]
        if len(matches) != 1:
            known = ", ".join(sorted({r.rsplit("/", 1)[-1][:-5] for r in self.agent_paths}))
            problem = "no agent" if not matches else "more than one agent"
            raise HubError(
                f"{problem} named '{given}' in this registry",
                hint=f"known agents: {known}" if not matches else "give the path of its file",
            )
        return matches[0]

    # --- what an agent resolves to ----------------------------------------------------------

    def tool(self, name: str) -> Loaded | None:
        """The catalog tool ``name``: the hub's catalog first."""
        return self._first(layout.manifest_path("Tool", name), hub_first=True)

    def team(self, name: str) -> Loaded | None:
        """The team ``name``: the hub's teams first."""
        return self._first(layout.manifest_path("Team", name), hub_first=True)

    def pricing(self) -> Loaded | None:
        """The hub's pricing table."""
        return self._first(layout.manifest_path("Pricing", "pricing"), hub_first=True)

    def skill(self, name: str) -> Loaded | None:
        """The skill ``name``: the repository's own (spoke folders too), then the hub's."""
        for repo in self._repos(hub_first=False):
            rel = self._skill_index(repo).get(name)
            if rel is not None:
                return self.load(repo, rel)
        return None

    def _skill_index(self, repo: HubConfig) -> dict[str, str]:
        """Skill name -> manifest path, listed once per repository (spoke folders after the
        shared library, so a library skill wins, as ``hub validate`` keeps names unique)."""
        key = repo.registry_dir
        if key not in self._skills:
            found: dict[str, str] = {}
            for rel in layout.manifests_of(repo.registry_dir, "Skill"):
                found.setdefault(rel.rsplit("/", 2)[-2], rel)
            self._skills[key] = found
        return self._skills[key]

    def _first(self, rel: str, *, hub_first: bool) -> Loaded | None:
        for repo in self._repos(hub_first=hub_first):
            loaded = self.load(repo, rel)
            if loaded is not None:
                return loaded
        return None

    def guardrails(self, team: str) -> tuple[list[Loaded], list[Loaded]]:
        """(hub-scope guardrails of the hub, team-scope guardrails of ``team``)."""
        if team not in self._guardrails:
            self._guardrails[team] = self._find_guardrails(team)
        return self._guardrails[team]

    def _find_guardrails(self, team: str) -> tuple[list[Loaded], list[Loaded]]:
        hub_repo = self.hub.config
        hub_level: list[Loaded] = []
        team_level: list[Loaded] = []
        for repo in self._repos(hub_first=True):
            for rel in self._guardrail_files(repo, team):
                loaded = self.load(repo, rel)
                if loaded is None or not loaded.ok:
                    continue
                spec = loaded.data.get("spec")
                scope = spec.get("scope") if isinstance(spec, dict) else None
                owner = _team_of(loaded)
                in_hub_folder = repo is hub_repo and rel.startswith("guardrails/")
                if scope == "hub" and in_hub_folder:
                    hub_level.append(loaded)
                elif owner == team:
                    team_level.append(loaded)
        return hub_level, team_level

    def _guardrail_files(self, repo: HubConfig, team: str) -> list[str]:
        return layout.manifests_of(repo.registry_dir, "Guardrail", [team])

    def skill_files(self, skill: Loaded) -> list[tuple[str, str]]:
        """(shown path, text) of every text file in a skill's folder, for the secret scan."""
        if skill.file not in self._files:
            self._files[skill.file] = self._read_skill_files(skill)
        return self._files[skill.file]

    def _read_skill_files(self, skill: Loaded) -> list[tuple[str, str]]:
        folder = skill.file.parent
        repo = self.config if skill.file.is_relative_to(self.config.root) else self.hub.config
        files: list[tuple[str, str]] = []
        for base, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                file = Path(base, name)
                if file == skill.file or file.is_symlink():
                    continue
                try:  # never a FIFO or a device; os.walk went down real folders only, so
                    # only the file could be a link: opened without following one (no realpath)
                    data = safefile.read_bytes(file, folder, MAX_SCAN_BYTES, walked=True)
                    text = data.decode("utf-8")
                except (safeyaml.LoadError, UnicodeDecodeError):
                    continue  # binary, too large or unreadable: no key was pasted into it
                files.append((self.display(repo, file), text))
        return files


def _team_of(loaded: Loaded) -> str | None:
    meta = loaded.data.get("metadata")
    team = meta.get("team") if isinstance(meta, dict) else None
    return team if isinstance(team, str) else None
