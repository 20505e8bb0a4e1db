"""``hub import`` and ``hub export``: Agent Skills folders and MCP ``server.json`` files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import HubError

if TYPE_CHECKING:
    from hubrails.core.catalog.query import Catalog
    from hubrails.core.registry.config import HubConfig

import_app = typer.Typer(
    name="import",
    help="Bring Agent Skills folders and MCP servers into the registry.",
    no_args_is_help=True,
)
export_app = typer.Typer(
    name="export", help="Write registry assets in the ecosystem's formats.", no_args_is_help=True
)
TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        help="Owning team (default: hub.yaml's, or the platform team).",
        show_default=False,
    ),
]


def _open(root: Path | None) -> tuple[HubConfig, Catalog]:
    from hubrails.core.catalog.query import load_catalog
    from hubrails.core.registry.config import load_config, locate

    config = load_config(locate(root))
    return config, load_catalog(config)


@import_app.command("skill")
def import_skill_command(
    folder: Annotated[
        Path,
        typer.Argument(
            help="An Agent Skills folder (with SKILL.md).", file_okay=False, exists=True
        ),
    ],
    team: TeamOption = None,
    root: RootOption = None,
) -> None:
    """Import an Agent Skills folder as a registry skill.

    The folder is copied unchanged and a skill.yaml manifest is written beside its SKILL.md.
    Exit 2 on a folder that breaks the Agent Skills rules, or a name already taken.
    """
    from hubrails.core.catalog.query import owning_team, refuse_taken
    from hubrails.core.interop.agent_skills import import_plan, read_skill
    from hubrails.core.registry.layout import check_name
    from hubrails.core.scaffold.create import manifest_path, schema_ref
    from hubrails.core.scaffold.write import write_new

    config, catalog = _open(root)
    owner, platform = owning_team(catalog, team, config.team)
    skill = read_skill(folder)
    check_name(skill.name)
    refuse_taken(catalog, "Skill", skill.name)
    rel = manifest_path(config.role, "Skill", skill.name, owner, platform)
    dest = rel.rsplit("/", 1)[0]
    plan = import_plan(skill, owner, dest, schema_ref(config.root, rel, "Skill"))
    write_new(config.root, plan, (f"{dest}/{f}" for f in skill.executable))
    sys.stdout.write(f"imported skill {skill.name} into {dest}/ ({len(plan)} files)\n")


@export_app.command("skill")
def export_skill_command(
    name: Annotated[str, typer.Argument(help="The registry skill.")],
    folder: Annotated[
        Path, typer.Argument(help="Where to write it: FOLDER/NAME/ is created.", file_okay=False)
    ],
    root: RootOption = None,
) -> None:
    """Export a registry skill as an Agent Skills folder.

    Writes FOLDER/NAME/ (SKILL.md, scripts, references, assets, evals/evals.json), checked
    against the Agent Skills rules. Exit 2 if it breaks them or FOLDER/NAME exists.
    """
    from hubrails.core.catalog.query import find
    from hubrails.core.interop.agent_skills import executables, export_plan
    from hubrails.core.registry import safefile, safeyaml

    config, catalog = _open(root)
    entry = find(catalog, name, "skill")
    manifest = config.root / entry.path
    try:
        spec = safefile.load(manifest, config.root).data.get("spec")
    except safeyaml.LoadError as exc:
        raise exc.to_error(entry.path) from None
    files = export_plan(manifest.parent, spec if isinstance(spec, dict) else {}, name)
    from hubrails.core.scaffold.write import make_folder, write_new

    target = folder / name
    make_folder(target, exist_ok=False)
    write_new(target, dict(files), executables(manifest.parent, files))
    sys.stdout.write(f"exported skill {name} to {target} ({len(files)} files)\n")


@import_app.command("mcp")
def import_mcp_command(
    server_json: Annotated[
        Path, typer.Argument(help="An MCP registry server.json file.", dir_okay=False, exists=True)
    ],
    tools: Annotated[
        Path | None,
        typer.Option(
            "--tools",
            help="The server's tools/list result (JSON) for its actions.",
            dir_okay=False,
            exists=True,
            show_default=False,
        ),
    ] = None,
    action: Annotated[
        list[str] | None,
        typer.Option("--action", help="An action (MCP tool) name, repeatable.", show_default=False),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="The Tool's name (default: from server.json).", show_default=False
        ),
    ] = None,
    remote: Annotated[
        bool, typer.Option("--remote", help="Use the remote endpoint, not the package.")
    ] = False,
    probe: Annotated[
        bool,
        typer.Option("--probe", help="Start or connect to the server and pin its live tools/list."),
    ] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds to wait for the server (--probe).", min=0.1),
    ] = 20.0,
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            help="NAME=VALUE for a URL variable ({host}) or an argument's valueHint; repeatable.",
            show_default=False,
        ),
    ] = None,
    team: TeamOption = None,
    root: RootOption = None,
) -> None:
    """Turn an MCP registry server.json into a Tool manifest with status proposed.

    Actions come from --tools (the server's tools/list result), --action, or with --probe from
    the live server (started from the package, or the remote), pinned as `hub mcp probe --write`
    pins them; with none, the Tool has no actions yet. Annotations the server does not give take
    the MCP defaults (destructive unless read-only, open-world). Exit 2 on bad input or a server
    that cannot be reached.
    """
    import yaml

    from hubrails.core.catalog.query import owning_team, refuse_taken
    from hubrails.core.interop.mcp_import import read_json, tool_document
    from hubrails.core.registry.layout import check_name
    from hubrails.core.registry.schemas import first_error
    from hubrails.core.scaffold.create import manifest_path, schema_ref
    from hubrails.core.scaffold.write import write_new

    config, catalog = _open(root)
    owner, platform = owning_team(catalog, team, config.team)
    server = read_json(server_json, "server.json")
    from hubrails.core.interop.mcp_legacy import tools_of

    variables: dict[str, str] = {}
    for item in var or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise HubError(f"--var {item}: expected NAME=VALUE")
        variables[key] = value
    notes: list[str] = []
    tool_list: list[object] = []
    if probe and (tools or action):
        raise HubError("--probe takes the actions from the server: leave out --tools and --action")
    if tools:
        tool_list, notes = tools_of(read_json(tools, "the tools list"), str(tools))
        if not tool_list and not action:
            raise HubError(f"{tools} lists no tools", hint="pass --action NAME for each action")
    document = tool_document(
        server,
        team=owner,
        name=name,
        tools=tool_list,
        actions=list(action or ()),
        remote=remote,
        variables=variables,
        notes=notes,
    )
    tool = document["metadata"]["name"]
    check_name(tool, "tool name (pass --name)")
    refuse_taken(catalog, "Tool", tool)
    if probe:
        from hubrails.core.mcp.client import Limits
        from hubrails.core.mcp.importing import probed

        probed(document, Limits(timeout=timeout))
    if not document["spec"]["actions"]:
        notes.append(f"no actions yet: `hub mcp probe {tool} --write` pins the live server's")
    rel = manifest_path(config.role, "Tool", tool, owner, platform)
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    text = f"# yaml-language-server: $schema={schema_ref(config.root, rel, 'Tool')}\n{body}"
    from hubrails.core.registry.safeyaml import parse

    problem = first_error("Tool", parse(text))
    if problem is not None:
        raise HubError(
            f"the Tool made from server.json is invalid: {problem[0]}", path=str(server_json)
        )
    write_new(config.root, {rel: text})
    count = len(document["spec"]["actions"])
    actions = f"{count} action{'' if count == 1 else 's'}"
    sys.stdout.write(f"imported {tool} as {rel} (status proposed, {actions})\n")
    for note in notes:
        sys.stdout.write(f"  note: {note}\n")


def _register_runtime_exports() -> None:
    """``hub export claude-code`` and ``hub export agent-sdk`` live in their own module."""
    from hubrails.cli import export_runtime

    export_app.command("claude-code")(export_runtime.claude_code_command)
    export_app.command("agent-sdk")(export_runtime.agent_sdk_command)


_register_runtime_exports()
