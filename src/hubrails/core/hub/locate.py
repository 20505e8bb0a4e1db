"""Finding the hub: the repository itself (monorepo), a local checkout (``--hub PATH``), or the
hub that a spoke's ``hub.yaml`` names, materialised at its ref in the cache folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hubrails.core.registry.config import CONFIG_NAME, HubConfig, load_config
from hubrails.errors import ConfigError, HubFetchError

if TYPE_CHECKING:
    from hubrails.core.vcs.checkout import CheckoutState


@dataclass(frozen=True)
class Hub:
    """The hub a command checks against; the commit it is at is asked of git only when needed
    (it costs a GitPython import and a ``git status``)."""

    config: HubConfig
    ref: str | None = None
    is_self: bool = False
    warnings: tuple[str, ...] = ()
    pinned: CheckoutState | None = None

    @cached_property
    def state(self) -> CheckoutState:
        """The commit and dirtiness of the hub's checkout."""
        if self.pinned is not None:
            return self.pinned
        from hubrails.core.vcs.checkout import checkout_state

        return checkout_state(self.config.root)

    @property
    def commit(self) -> str | None:
        """The hub commit, or ``None`` outside a git repository."""
        return self.state.commit

    @property
    def dirty(self) -> bool:
        """Whether the hub's tree differs from its commit."""
        return self.state.dirty


def cache_root() -> Path:
    """``HUB_CACHE_DIR``, else ``XDG_CACHE_HOME/hubrails``, else ``~/.cache/hubrails``."""
    explicit = os.environ.get("HUB_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "hubrails"


DEFAULT_FETCH_MINUTES = 10


def fetch_every(config: HubConfig) -> float:
    """Seconds between fetches of a cached hub on the fast path (``hub.fetch_every_minutes``)."""
    hub = (config.raw or {}).get("hub") or {}
    return float(hub.get("fetch_every_minutes", DEFAULT_FETCH_MINUTES)) * 60


@dataclass(frozen=True)
class HubLookup:
    """What validate and the catalog check against: the hub's config (``None`` in a hub, or
    when the hub cannot be had), warnings to print, and why it is unavailable."""

    config: HubConfig | None
    warnings: tuple[str, ...] = ()
    unavailable: str | None = None


def lookup_hub(
    config: HubConfig, hub_path: Path | None = None, *, throttle: bool = True
) -> HubLookup:
    """The hub as :func:`find_hub` resolves it; ``throttle`` fetches a cached clone at most
    once per ``hub.fetch_every_minutes``; an unreachable hub without a cached copy is reported
    as ``unavailable`` instead of raised, so a hook stays usable offline."""
    if config.role == "hub" and hub_path is None:
        return HubLookup(None)

    try:
        hub = find_hub(config, hub_path, fetch_every=fetch_every(config) if throttle else None)
    except HubFetchError as exc:
        return HubLookup(None, unavailable=exc.message)
    if hub.is_self:
        return HubLookup(None)
    return HubLookup(hub.config, hub.warnings)


def find_hub(
    config: HubConfig, hub_path: Path | None = None, *, fetch_every: float | None = None
) -> Hub:
    """The hub of ``config``'s repository; ``hub_path`` (``--hub``) overrides ``hub.yaml``.
    A git URL or a local repository is used at ``hub.ref`` from the clone cache; a plain folder
    (no git) as it is."""
    if hub_path is not None:
        if not (hub_path / CONFIG_NAME).is_file():
            raise ConfigError(
                f"{hub_path} holds no {CONFIG_NAME}", hint="--hub names a checkout of the hub"
            )
        return Hub(load_config(hub_path.resolve()))
    if config.role == "hub":
        return Hub(config, is_self=True)
    from hubrails.core.vcs.checkout import CheckoutState  # not for the hub itself: 6 ms
    from hubrails.core.vcs.hub_clone import materialise_hub

    if not config.hub_url:
        raise HubFetchError(
            "this spoke's hub.yaml names no hub",
            path=str(config.config_path),
            hint="add 'hub: {url: GIT_URL, ref: main}' to hub.yaml, or pass --hub PATH",
        )
    url = _normalise(config)
    local = Path(url)
    if local.is_dir() and (local / CONFIG_NAME).is_file() and not (local / ".git").exists():
        return Hub(load_config(local.resolve()))  # a plain folder: use it as it is
    got = materialise_hub(url, config.hub_ref, cache_root(), fetch_every=fetch_every)
    if not (got.path / CONFIG_NAME).is_file():
        raise ConfigError(
            f"the hub at {config.hub_url} (ref {config.hub_ref}) has no {CONFIG_NAME}",
            hint="hub.url must name a hubrails hub repository",
        )
    warnings = (got.warning,) if got.warning else ()
    pinned = CheckoutState(got.commit, dirty=False)
    return Hub(load_config(got.path), config.hub_ref, warnings=warnings, pinned=pinned)


def _normalise(config: HubConfig) -> str:
    """A relative hub URL is a path relative to the spoke's root."""
    url = config.hub_url or ""
    if "://" in url or url.startswith("git@"):
        return url
    return str((config.root / url).resolve())
