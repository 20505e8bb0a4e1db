"""Finding the hub: the repository itself (monorepo), a local checkout (``--hub PATH``), or the
hub that a spoke's ``hub.yaml`` names, materialised at its ref in the cache folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hubrails.core.config import CONFIG_NAME, HubConfig, load_config
from hubrails.errors import ConfigError, HubError


@dataclass(frozen=True, slots=True)
class Hub:
    """The hub a command checks against, with the commit it is at."""

    config: HubConfig
    commit: str | None
    dirty: bool
    ref: str | None = None
    is_self: bool = False
    warnings: tuple[str, ...] = ()


def cache_root() -> Path:
    """``HUB_CACHE_DIR``, else ``XDG_CACHE_HOME/hubrails``, else ``~/.cache/hubrails``."""
    explicit = os.environ.get("HUB_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "hubrails"


def find_hub(config: HubConfig, hub_path: Path | None = None) -> Hub:
    """The hub of ``config``'s repository; ``hub_path`` (``--hub``) overrides ``hub.yaml``."""
    from hubrails.core import vcs

    if hub_path is not None:
        if not (hub_path / CONFIG_NAME).is_file():
            raise ConfigError(
                f"{hub_path} holds no {CONFIG_NAME}", hint="--hub names a checkout of the hub"
            )
        state = vcs.checkout_state(hub_path)
        return Hub(load_config(hub_path.resolve()), state.commit, state.dirty)
    if config.role == "hub":
        state = vcs.checkout_state(config.root)
        return Hub(config, state.commit, state.dirty, is_self=True)
    if not config.hub_url:
        raise HubError(
            "this spoke's hub.yaml names no hub",
            path=str(config.config_path),
            hint="add 'hub: {url: GIT_URL, ref: main}' to hub.yaml, or pass --hub PATH",
        )
    url = _normalise(config)
    local = Path(url)
    if local.is_dir() and (local / CONFIG_NAME).is_file() and not (local / ".git").exists():
        state = vcs.checkout_state(local)  # a plain folder: use it as it is
        return Hub(load_config(local.resolve()), state.commit, state.dirty)
    got = vcs.materialise_hub(url, config.hub_ref, cache_root())
    if not (got.path / CONFIG_NAME).is_file():
        raise ConfigError(
            f"the hub at {config.hub_url} (ref {config.hub_ref}) has no {CONFIG_NAME}",
            hint="hub.url must name a hubrails hub repository",
        )
    warnings = (got.warning,) if got.warning else ()
    return Hub(load_config(got.path), got.commit, False, config.hub_ref, warnings=warnings)


def _normalise(config: HubConfig) -> str:
    """A relative hub URL is a path relative to the spoke's root."""
    url = config.hub_url or ""
    if "://" in url or url.startswith("git@"):
        return url
    return str((config.root / url).resolve())
