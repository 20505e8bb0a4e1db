"""What ``hub init`` pins in ``.pre-commit-config.yaml`` and the CI workflow: where the
``hub-validate`` hook comes from and how CI installs hubrails — by default what is true for the
installed hubrails (PEP 610's ``direct_url.json`` says whether it came from an index, a git
repository or a local folder), else what ``--hook-rev`` and ``--install`` say."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hubrails import __version__

PROJECT_URL = "https://github.com/hubrails/hubrails"


@dataclass(frozen=True, slots=True)
class Pins:
    """The hook repository and rev (``None``: a local hook running the ``hub`` on PATH), the
    pip requirement CI installs, and a caveat to write beside a requirement that is a guess."""

    hook_repo: str | None
    hook_rev: str | None
    install: str
    caveat: str | None = None


def installed() -> Pins:
    """The pins that hold for the hubrails that runs this."""
    origin = _direct_url()
    if origin is None:  # from a package index
        return Pins(PROJECT_URL, f"v{__version__}", f"hubrails=={__version__}")
    vcs = origin.get("vcs_info")
    url = str(origin.get("url", ""))
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        commit = str(vcs["commit_id"])
        return Pins(url, commit, f"hubrails @ git+{url}@{commit}")
    return Pins(
        None,
        None,
        f"hubrails=={__version__}",
        f"hubrails {__version__} was installed from {url or 'a local folder'}, which CI cannot "
        "reach: say where CI gets it with 'hub init --install SPEC'",
    )


def choose(hook_rev: str | None = None, install: str | None = None) -> Pins:
    """The installed pins, with ``--hook-rev`` and ``--install`` taking precedence."""
    pins = installed()
    repo = pins.hook_repo or PROJECT_URL
    return Pins(
        repo if hook_rev else pins.hook_repo,
        hook_rev or pins.hook_rev,
        install or pins.install,
        None if install else pins.caveat,
    )


def _direct_url() -> dict[str, Any] | None:
    from importlib import metadata

    try:
        text = metadata.distribution("hubrails").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
