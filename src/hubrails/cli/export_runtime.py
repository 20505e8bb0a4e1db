"""``hub export claude-code`` and ``hub export agent-sdk``: the policy for the running agent."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.cli.certify import HubOption
from hubrails.errors import ExitCode, HubError

if TYPE_CHECKING:
    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.runtime.claude_code import Options
    from hubrails.core.runtime.compile import Compiled

EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--otlp-endpoint",
        help="Where Claude Code sends telemetry (default: hub.yaml ledger.otlp_endpoint, "
        "else http://127.0.0.1:4318, hub ledger serve).",
        show_default=False,
    ),
]
HubCommandOption = Annotated[
    str, typer.Option("--hub-command", help="How the hooks run hub on the agent's machine.")
]
UncertifiedOption = Annotated[
    bool,
    typer.Option("--allow-uncertified", help="Export an agent that fails certification."),
]


def _options(ws: Workspace, endpoint: str | None, hub_command: str, policy: str) -> Options:
    from hubrails.core.ledger.registry_facts import ledger_settings
    from hubrails.core.runtime.claude_code import DEFAULT_OTLP_ENDPOINT, Options

    configured = ledger_settings(ws.config).get("otlp_endpoint")
    default = configured if isinstance(configured, str) else DEFAULT_OTLP_ENDPOINT
    return Options(hub_command, policy, endpoint or default)


def _compiled(ws: Workspace, agent: str, allow_uncertified: bool) -> Compiled:
    from hubrails.core.runtime.compile import compile_agent

    compiled = compile_agent(ws, agent)
    if not compiled.certified and not allow_uncertified:
        raise HubError(
            f"agent '{compiled.agent}' fails certification ({', '.join(compiled.failing)})",
            hint=f"run hub certify {compiled.agent}, or pass --allow-uncertified",
        )
    return compiled


def _outcomes(given: list[str]) -> dict[str, str]:
    from hubrails.core.runtime.session_end import OUTCOMES

    found = {}
    for item in given:
        reason, sep, value = item.partition("=")
        if not sep or not reason or value not in OUTCOMES:
            raise HubError(f"--outcome {item!r}: expected REASON=" + "|".join(OUTCOMES))
        found[reason] = value
    return found


def claude_code_command(
    agent: Annotated[
        str | None,
        typer.Argument(help="The agent: its name or the path of its file.", show_default=False),
    ] = None,
    folder: Annotated[
        Path, typer.Argument(help="The agent's project folder.", file_okay=False)
    ] = Path(),
    managed: Annotated[
        bool,
        typer.Option("--managed", help="Write managed-settings.json and managed-mcp.json."),
    ] = False,
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help="With --managed: one team (default: the whole hub).", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the files are missing, stale or looser.")
    ] = False,
    as_json: Annotated[
        str, typer.Option("--format", help="text (write the files) or json (print them).")
    ] = "text",
    ledger_file: Annotated[
        str,
        typer.Option(
            "--ledger-file",
            help="Where the session-end hook appends its record "
            "(relative to the project folder; $HUB_LEDGER_FILE overrides it).",
        ),
    ] = ".claude/hub-runs.jsonl",
    policy_at: Annotated[
        str | None,
        typer.Option(
            "--policy-path",
            help="Where the hooks read the compiled policy (default: the project's "
            ".claude/hub-policy.json; --managed: /etc/claude-code/hub-policy.json).",
            show_default=False,
        ),
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="REASON=OUTCOME: the ledger outcome of a session that ends for REASON "
            "(SessionEnd's reason, e.g. logout=abandoned; default resolved). Repeatable.",
            show_default=False,
        ),
    ] = None,
    endpoint: EndpointOption = None,
    hub_command: HubCommandOption = "hub",
    allow_uncertified: UncertifiedOption = False,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Write Claude Code settings, .mcp.json and the compiled policy for one agent.

    DIR/.claude/settings.json (permissions, models, telemetry env, the guard's hooks),
    DIR/.mcp.json and DIR/.claude/hub-policy.json; --managed writes the organisation-wide
    managed-settings.json and managed-mcp.json for --team or the whole hub instead.

    Exit 0: written (or --check: up to date). Exit 1: --check found drift, or an existing
    settings key loosens the policy. Exit 2: bad invocation, unknown agent or team.
    """
    from hubrails.cli.certify import _workspace
    from hubrails.core.runtime import claude_code as cc
    from hubrails.core.runtime import files
    from hubrails.core.runtime.compile import compile_scope

    if as_json not in ("text", "json"):
        raise HubError(f"--format is text or json, not {as_json}")
    if managed and agent is not None and folder == Path():
        agent, folder = None, Path(str(agent))  # hub export claude-code --managed DIR
    if managed and agent is not None:
        raise HubError("--managed exports a team or the hub, not one agent",
                       hint="hub export claude-code --managed [--team T] DIR")  # fmt: skip
    if not managed and agent is None:
        raise HubError("name an AGENT, or pass --managed (with --team or for the hub)")
    if team and not managed:
        raise HubError("--team goes with --managed")
    ws = _workspace(root, hub)
    import shlex

    given = shlex.quote(policy_at) if policy_at else None
    policy_path = given or (cc.MANAGED_POLICY if managed else cc.PROJECT_POLICY)
    options = _options(ws, endpoint, hub_command, policy_path)
    compiled = compile_scope(ws, team) if managed else _compiled(ws, agent or "", allow_uncertified)
    outcomes = _outcomes(outcome or [])
    the_plan = files.plan(
        compiled, options, {"file": ledger_file}, managed=managed, outcomes=outcomes
    )
    for finding in the_plan.findings:
        sys.stderr.write(f"hub: {finding}\n")
    if as_json == "json":
        sys.stdout.write(files.dumps({"files": the_plan.files}))
    elif check:
        problems = files.check(folder, the_plan)
        for problem in problems:
            sys.stdout.write(f"{folder / problem.split(':', 1)[0]}:{problem.split(':', 1)[1]}\n")
        if problems:
            raise typer.Exit(ExitCode.FINDINGS)
        sys.stdout.write(f"{folder}: up to date with the registry\n")
    else:
        for rel in files.write(folder, the_plan, force=force):
            sys.stderr.write(f"hub: wrote {(folder / rel).as_posix()}\n")
    if the_plan.findings:
        raise typer.Exit(ExitCode.FINDINGS)


def agent_sdk_command(
    agent: Annotated[str, typer.Argument(help="The agent: its name or the path of its file.")],
    endpoint: EndpointOption = None,
    hub_command: HubCommandOption = "hub",
    allow_uncertified: UncertifiedOption = False,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Print the agent's policy as Claude Agent SDK options (JSON for ClaudeAgentOptions(**...)).

    The hooks run the guard, which reads .claude/hub-policy.json (hub export claude-code).
    Exit 0, or 2 on a bad invocation or an unknown or uncertified agent.
    """
    from hubrails.cli.certify import _workspace
    from hubrails.core.runtime import claude_code as cc

    ws = _workspace(root, hub)
    options = _options(ws, endpoint, hub_command, ".claude/hub-policy.json")
    compiled = _compiled(ws, agent, allow_uncertified)
    sys.stdout.write(json.dumps(cc.agent_sdk_options(compiled, options), indent=2) + "\n")
