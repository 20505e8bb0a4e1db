"""``hub init`` and ``hub new``: start a registry, add a manifest, each valid at once."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import HubError

if TYPE_CHECKING:
    from hubrails.core.catalog.snapshot import Entry
    from hubrails.core.validate.reports import Asset


def init_command(
    folder: Annotated[
        Path, typer.Argument(help="Where to create the registry (created if missing).")
    ] = Path(),
    hub: Annotated[bool, typer.Option("--hub", help="A hub repository.")] = False,
    spoke: Annotated[bool, typer.Option("--spoke", help="A team's spoke repository.")] = False,
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            help="The spoke's team; for a hub, the platform team (default platform).",
            show_default=False,
        ),
    ] = None,
    hub_url: Annotated[
        str | None,
        typer.Option("--hub-url", help="A spoke's hub: git URL or path.", show_default=False),
    ] = None,
    hub_ref: Annotated[
        str | None,
        typer.Option(
            "--hub-ref",
            help="The hub's branch or tag (default: the hub's default branch, else main).",
            show_default=False,
        ),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner", help="A platform team owner handle (repeatable).", show_default=False
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The platform team's email.", show_default=False)
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Start from the shipped example hub registry.")
    ] = False,
    hook_rev: Annotated[
        str | None,
        typer.Option(
            "--hook-rev",
            help="Pin the hub-validate hook to this tag or commit of the hubrails repository "
            "(default: what the installed hubrails came from; a local hook otherwise).",
            show_default=False,
        ),
    ] = None,
    install: Annotated[
        str | None,
        typer.Option(
            "--install",
            help="The pip requirement CI installs, e.g. 'hubrails==0.1.0' or "
            "'hubrails @ git+https://host/hubrails@v0.1.0' (default: the installed one's).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a hub or spoke registry that passes hub validate at once.

    Writes hub.yaml, the folders, the schemas, a pre-commit hook, a CI workflow and .gitignore.

    Runs 'git init' when FOLDER is not in a repository. Refuses to overwrite any file
    (exit 2, listing them).
    """
    from hubrails.core.scaffold.create import init_plan
    from hubrails.core.scaffold.pins import choose
    from hubrails.core.scaffold.write import make_folder, write_new
    from hubrails.core.vcs import checkout as vcs

    if hub == spoke:
        raise HubError("say which: --hub or --spoke")
    if spoke and (not team or not hub_url):
        raise HubError("a spoke needs --team NAME and --hub-url URL")
    if example and spoke:
        raise HubError("--example makes a hub: use it with --hub")
    if example and team not in (None, "platform"):
        raise HubError("the example's platform team is 'platform'; leave out --team")
    plan = init_plan(
        role="hub" if hub else "spoke",
        team=team or "platform",
        hub_url=hub_url,
        hub_ref=(hub_ref or _default_branch(hub_url, folder)) if spoke else "main",
        owners=tuple(owner or ()),
        email=email,
        example=example,
        pins=(pins := choose(hook_rev, install)),
    )
    existed = folder.exists()
    make_folder(folder)
    root = folder.resolve()
    try:
        written = write_new(root, plan)
    except HubError:
        if not existed:  # exit 2 writes nothing: not even the folder
            with contextlib.suppress(OSError):
                root.rmdir()
        raise
    if hub:
        _codeowners(root)
    created = not vcs.is_repository(root)
    if created:
        vcs.init_repository(root)
    sys.stdout.write(
        f"created a {'hub' if hub else 'spoke'} registry in {root} ({len(written)} files"
        f"{', git init' if created else ''})\n"
        "next: hub new KIND NAME, hub validate, pre-commit install\n"
    )
    hook = f"{pins.hook_repo}@{pins.hook_rev}" if pins.hook_repo else "local (the hub on PATH)"
    sys.stdout.write(f"pre-commit hook: {hook}; CI installs: {pins.install}\n")
    if pins.caveat:
        sys.stderr.write(f"hub: warning: {pins.caveat}\n")
    if spoke:
        sys.stdout.write(
            "then: hub certify AGENT and hub export claude-code AGENT DIR: the agent's Claude "
            "Code settings, .mcp.json and the runtime guard (docs/runtime.md)\n"
        )


def _codeowners(root: Path) -> None:
    from hubrails.core.catalog import codeowners
    from hubrails.core.registry.config import load_config
    from hubrails.core.scaffold.write import replace_file

    replace_file(root / codeowners.TARGET, codeowners.render(load_config(root)), root)


def new_command(
    kind: Annotated[
        str, typer.Argument(help="skill, tool, prompt, guardrail, agent, team or waiver.")
    ],
    name: Annotated[str, typer.Argument(help="The new asset's name, e.g. incident-summary.")],
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            help="Owning team (default: hub.yaml's, or the platform team).",
            show_default=False,
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option("--description", "-d", help="One or two sentences.", show_default=False),
    ] = None,
    skill: Annotated[
        list[str] | None,
        typer.Option("--skill", help="An agent: a skill it uses (repeatable).", show_default=False),
    ] = None,
    tool: Annotated[
        list[str] | None,
        typer.Option(
            "--tool",
            help="An agent: a tool it uses, with all its actions (repeatable).",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Write a new, valid KIND manifest called NAME at the right path.

    The file starts with a schema modeline, so editors validate as you type. Refuses a bad or
    taken name (exit 2).
    """
    from hubrails.core.catalog.query import load_catalog, owning_team, parse_kind, refuse_taken
    from hubrails.core.registry.config import load_config, locate
    from hubrails.core.registry.layout import check_name
    from hubrails.core.scaffold.create import NEW_KINDS, new_plan
    from hubrails.core.scaffold.write import write_new

    try:
        wanted = parse_kind(kind)
    except HubError:
        raise HubError(f"unknown kind '{kind}'", hint="kinds: " + ", ".join(NEW_KINDS)) from None
    if wanted == "Pricing":
        raise HubError("there is one pricing table, registry/pricing.yaml: edit it")
    check_name(name)
    config = load_config(locate(root))
    hub = None
    if config.role == "spoke":  # the hub's teams, skills and tools count too
        from hubrails.core.hub.locate import lookup_hub

        found = lookup_hub(config)
        for message in (*found.warnings, *([found.unavailable] if found.unavailable else [])):
            sys.stderr.write(f"hub: warning: {message}\n")
        hub = found.config
    catalog = load_catalog(config, hub)
    refuse_taken(catalog, wanted, name)
    if wanted == "Team":
        owner, platform = None, None
    else:
        owner, platform = owning_team(catalog, team, config.team)
    entries = catalog.entries
    models = [m for e in entries if e.asset.kind == "Pricing" for m in e.asset.provides]
    model = "claude-sonnet-4-5" if "claude-sonnet-4-5" in models or not models else models[0]
    if (skill or tool) and wanted != "Agent":
        raise HubError("--skill and --tool are for an agent")
    uses = _uses(entries, list(skill or ()), list(tool or ()))
    plan = new_plan(
        config.root,
        config.role,
        wanted,
        name,
        team=owner,
        description=description,
        platform_team=platform,
        model=model,
        skills=uses[0],
        tools=uses[1],
    )
    for rel in write_new(config.root, plan):
        sys.stdout.write(f"created {rel}\n")
    if wanted == "Agent":
        sys.stdout.write(
            f"next: hub certify {name}, then hub export claude-code {name} DIR to enforce its "
            "policy in Claude Code (or hub export agent-sdk for the Agent SDK)\n"
        )


def _uses(
    entries: list[Entry], skills: list[str], tools: list[str]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """References to catalog skills and tools: a caret range of their version, every action."""
    found = {(e.asset.kind, e.asset.name): e.asset for e in entries}

    def target(kind: str, name: str) -> Asset:
        asset = found.get((kind, name))
        if asset is None:
            known = sorted(n for k, n in found if k == kind)
            raise HubError(
                f"no {kind.lower()} '{name}' in the catalog",
                hint=f"{kind.lower()}s: {', '.join(known) or 'none yet'}",
            )
        return asset

    def caret(asset: Asset) -> str:
        return f"^{asset.version}" if asset.version else "*"

    skill_refs = tuple((n, caret(target("Skill", n))) for n in skills)
    tool_refs = tuple((n, caret(a := target("Tool", n)), a.provides) for n in tools)
    return skill_refs, tool_refs


def _default_branch(url: str | None, folder: Path) -> str:
    """The branch the hub's HEAD names (a relative path is relative to the new spoke), else
    ``main``."""
    from hubrails.core.vcs import checkout as vcs

    if not url:
        return "main"
    local = (folder / url).resolve()
    target = str(local) if "://" not in url and not url.startswith("git@") else url
    return vcs.default_branch(target) or "main"
