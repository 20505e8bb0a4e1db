"""``hub.yaml``: finding it (like git finds ``.git``) and reading it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from hubrails.core.registry import safefile, safeyaml
from hubrails.errors import ConfigError

if TYPE_CHECKING:
    from hubrails.core.registry.document import Document

CONFIG_NAME = "hub.yaml"


@dataclass(frozen=True, slots=True)
class HubConfig:
    """The settings of one registry repository."""

    root: Path
    role: str
    registry: str = "registry"
    team: str | None = None
    hub_url: str | None = None
    hub_ref: str = "main"
    max_file_bytes: int = safeyaml.DEFAULT_MAX_BYTES
    max_alias_nodes: int = safeyaml.DEFAULT_MAX_ALIAS_NODES
    raw: dict[str, Any] | None = None

    @property
    def registry_dir(self) -> Path:
        """The folder that holds the manifests."""
        return self.root / self.registry

    def certify_setting(self, key: str) -> Any:
        """``certify.KEY`` of hub.yaml (``None`` when not set)."""
        section = (self.raw or {}).get("certify")
        return section.get(key) if isinstance(section, dict) else None

    @property
    def config_path(self) -> Path:
        """The ``hub.yaml`` file itself."""
        return self.root / CONFIG_NAME


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds ``hub.yaml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_NAME} found in {start} or any parent folder",
        hint="run inside a registry repository, pass --root DIR, or create one with 'hub init'",
    )


def locate(root: Path | None, paths: Sequence[Path] = ()) -> Path:
    """The repository root: ``root`` itself when given, else found upward from the current
    folder, else from the first path (so ``hub validate /elsewhere/x.yaml`` works too)."""
    if root is not None:
        if not (root / CONFIG_NAME).is_file():
            raise ConfigError(
                f"{root} holds no {CONFIG_NAME}", hint="--root names the folder that holds hub.yaml"
            )
        return root.resolve()
    try:
        return find_root(Path.cwd())
    except ConfigError:
        if not paths:
            raise
        return find_root(Path(paths[0]).resolve().parent)


def load_config(root: Path, *, remember: bool = True, on_disk: bool = True) -> HubConfig:
    """Read and validate ``root/hub.yaml``; any problem is a :class:`ConfigError` (exit 2).

    ``remember=False`` writes nothing under ``root/.hub`` (for commands that promise to leave
    the repository untouched, such as ``hub promote``); ``on_disk=False`` is for a hub.yaml
    taken from a git tree, whose registry folder is not checked out beside it."""
    path = root / CONFIG_NAME
    try:
        text = safefile.read_bytes(path, root)
        doc = safeyaml.parse(safeyaml.decode(text))
    except safeyaml.LoadError as exc:
        raise exc.to_error(str(path), ConfigError) from None
    from hubrails.core.registry import state

    # Schema validation costs ~0.1 s of imports; a hub.yaml already found valid is not redone.
    seen = root / ".hub" / "cache" / "hub-yaml.json"
    key = state.salt("hub.yaml", state.digest(text))
    if _remembered(seen) == key:
        problem = None
    else:
        from hubrails.core.registry.schemas import first_error

        problem = first_error("HubConfig", doc)
        if problem is None and remember:
            state.write_json(seen, {"valid": key})
    if problem is not None:
        message, (line, column) = problem
        raise ConfigError(
            message,
            path=str(path),
            line=line,
            column=column,
            hint="see docs/manifests.md, section hub.yaml",
        )
    data = doc.data
    _check_registry(root, data.get("registry", "registry"), path, doc, on_disk)
    limits = data.get("limits", {})
    hub = data.get("hub", {})
    return HubConfig(
        root=root,
        role=data["role"],
        registry=data.get("registry", "registry"),
        team=data.get("team"),
        hub_url=hub.get("url"),
        hub_ref=hub.get("ref", "main"),
        max_file_bytes=limits.get("max_file_bytes", safeyaml.DEFAULT_MAX_BYTES),
        max_alias_nodes=limits.get("max_alias_nodes", safeyaml.DEFAULT_MAX_ALIAS_NODES),
        raw=data,
    )


def _check_registry(root: Path, registry: str, path: Path, doc: Document, on_disk: bool) -> None:
    """Refuse a registry folder that does not exist or that is not inside the repository once
    links are resolved (a pull request editing hub.yaml must not make hub read elsewhere)."""
    if on_disk:
        folder = (root / registry).resolve()
        outside = not folder.is_relative_to(root.resolve())
        if not outside and folder.is_dir():
            return
    else:  # only the path itself can be judged
        lexical = PurePosixPath(registry)
        folder = root / lexical
        outside = lexical.is_absolute() or ".." in lexical.parts
        if not outside:
            return
    line, column = doc.mark(("registry",))
    if outside:
        raise ConfigError(
            f"registry folder '{registry}' is outside the repository (it resolves to {folder})",
            path=str(path),
            line=line,
            column=column,
            hint="'registry' names a folder inside the repository, such as 'registry'",
        )
    raise ConfigError(
        f"registry folder '{registry}' does not exist",
        path=str(path),
        line=line,
        column=column,
        hint="create it (hub init does), or fix 'registry' in hub.yaml",
    )


def _remembered(path: Path) -> str | None:
    try:
        value = json.loads(path.read_bytes()).get("valid")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
