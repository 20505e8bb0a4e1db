"""What ``hub validate`` does once its options are parsed, importing no typer: the command
calls it, and so does :func:`hubrails.cli.main` for ``hub validate [FILE...]`` with no option
(how the pre-commit hook runs it), before typer is imported."""

from __future__ import annotations

import sys
from pathlib import Path

from hubrails.errors import ExitCode
from hubrails.render import Format


def run_validate(
    paths: list[Path],
    *,
    output: Format = Format.TEXT,
    strict: bool = False,
    hub: Path | None = None,
    no_cache: bool = False,
    fetch: bool = False,
    require_hub: bool = False,
    root: Path | None = None,
) -> int:
    """Validate, write the result in ``output`` and return the exit code (1 on findings)."""
    from hubrails.core.hub.locate import lookup_hub
    from hubrails.core.registry.config import load_config, locate
    from hubrails.core.validate.run import validate
    from hubrails.errors import HubError
    from hubrails.render import validation_renderer

    config = load_config(locate(root, paths))
    found = lookup_hub(config, locate(hub, []) if hub else None, throttle=not fetch)
    if found.unavailable and require_hub:
        raise HubError(found.unavailable, hint="--require-hub: hub references must be checked")
    for message in found.warnings:
        sys.stderr.write(f"hub: warning: {message}\n")
    result = validate(
        config, paths, hub=found.config, use_cache=not no_cache, hub_problem=found.unavailable
    )
    validation_renderer(output)(result, sys.stdout, config.root)
    return int(ExitCode.FINDINGS) if result.failed(strict=strict) else 0


def plain_files(args: list[str]) -> list[Path] | None:
    """The files of ``hub validate ARGS`` when they are only files (nothing starts with ``-``,
    so no option parser is needed); ``None`` otherwise."""
    if any(a.startswith("-") for a in args):
        return None
    return [Path(a) for a in args]
