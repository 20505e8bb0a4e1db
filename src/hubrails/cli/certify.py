"""``hub certify`` and ``hub policy``: the quality bar, certificates and the effective policy."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hubrails.cli._common import RootOption
from hubrails.errors import ExitCode, HubError
from hubrails.render import Format, OutputFormat

if TYPE_CHECKING:
    import datetime as dt

    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.results import Certification

HubOption = Annotated[
    Path | None,
    typer.Option(
        "--hub",
        help="A local checkout of the hub, instead of the one hub.yaml names.",
        file_okay=False,
        show_default=False,
    ),
]


def _workspace(root: Path | None, hub: Path | None, *, many: bool = False) -> Workspace:
    """The repository and its hub; ``many`` agents make the parsed-manifest cache pay off."""
    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.parsed_cache import DocCache
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.registry.config import load_config, locate

    config = load_config(locate(root))
    return Workspace(config, find_hub(config, hub), DocCache(config.root) if many else None)


def _ledger_url(ws: Workspace) -> str | None:
    """The ledger store certify reads: ``HUB_LEDGER_URL``, else ``ledger.url`` in the
    repository's (or its hub's) ``hub.yaml``; ``None`` when none is configured."""
    from hubrails.core.ledger.registry_facts import ledger_settings, ledger_url

    given = os.environ.get("HUB_LEDGER_URL")
    for config in (ws.config, ws.hub.config):
        if given or ledger_settings(config).get("url"):
            return ledger_url(config, given)
    return None


def _warn(messages: tuple[str, ...] | list[str]) -> None:
    for message in messages:
        sys.stderr.write(f"hub: warning: {message}\n")


def certify_command(
    agent: Annotated[
        str | None,
        typer.Argument(
            help="The agent to certify: its name or the path of its file.", show_default=False
        ),
    ] = None,
    all_agents: Annotated[bool, typer.Option("--all", help="Certify every agent.")] = False,
    write: Annotated[
        bool,
        typer.Option("--write", help="Write certificates/TEAM/AGENT.json for agents that pass."),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Recompute every certificate; fail on a stale, edited, expired, missing, "
            "untrusted (signature) or unsigned (where required) one.",
        ),
    ] = False,
    sign: Annotated[
        list[Path] | None,
        typer.Option(
            "--sign",
            help="With --write: sign each certificate (a DSSE envelope) with this Ed25519 "
            "private key, one listed in the agent's team's spec.signing_keys (repeat for "
            "several teams).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="With --verify: also fail a certificate the ledger's evidence contradicts "
            "(default with certify.evidence: true in hub.yaml).",
        ),
    ] = False,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Certify agents against the quality bar and their effective guardrail policy.

    Exit 0: every required check passes or is waived (--verify: every certificate holds).

    Exit 1: a required check fails (--verify: a certificate is stale, edited, expired, missing).

    Exit 2: the invocation is wrong (no agent, unknown agent, hub unavailable, bad hub.yaml,
    a --sign key that is unreadable, not listed by the team or outside its window).
    """
    import datetime as dt

    from hubrails.core.certify.run import certify
    from hubrails.render import certification_renderer

    if evidence and not verify:
        raise HubError("--evidence goes with --verify", hint="hub certify --verify --evidence")
    if verify and (agent or write):
        raise HubError("--verify checks every certificate; it takes no AGENT and no --write")
    if sign and not write:
        raise HubError("--sign signs the certificates --write writes; pass --write too")
    if not verify and bool(agent) == all_agents:
        raise HubError(
            "name one agent, or pass --all" if not agent else "give an AGENT or --all, not both",
            hint="hub certify AGENT | hub certify --all | hub certify --verify",
        )
    ws = _workspace(root, hub, many=all_agents or verify)
    recorded = write or verify or output is not Format.TEXT  # outputs naming the hub commit
    now = dt.datetime.now(dt.UTC)
    problems: list[VerifyProblem] | None = None
    if verify:  # signatures and verification imported only here: hub certify AGENT starts fast
        from hubrails.core.certify.signatures import Trust
        from hubrails.core.certify.verify import certify_and_verify

        run, problems = certify_and_verify(
            ws, now, Trust.of(ws), ledger_url=_ledger_url(ws), hub_state=recorded
        )
    else:
        agents = ws.agent_paths if all_agents else [ws.find_agent(agent or "")]
        run = certify(ws, agents, ledger_url=_ledger_url(ws), hub_state=recorded)
    _warn(run.warnings)
    if problems is not None and (evidence or ws.config.certify_setting("evidence") is True):
        problems += _contradicted(ws, run, now, required=evidence)
    if write:
        _write(ws, run, now, sign)
    certification_renderer(output)(run, problems, sys.stdout)
    if agent and output is Format.TEXT:
        _show_evidence(ws, run, now)
    failed = bool(problems) if problems is not None else not run.passed
    if failed:
        raise typer.Exit(ExitCode.FINDINGS)


def _write(ws: Workspace, run: Certification, now: dt.datetime, sign: list[Path] | None) -> None:
    """Write the certificates of the agents that passed, signed with ``sign``'s keys; every
    target and key is checked before any is written."""
    from hubrails.core.certify.certificate import refuse_outside, write_certificate
    from hubrails.core.certify.signatures import Trust, signer_for, signers

    trust = Trust.of(ws)
    if trust.required and not sign:
        raise HubError(
            "hub.yaml's certify.signing is required: unsigned certificates would not verify",
            hint="pass --sign KEY (a private key listed in the team's spec.signing_keys)",
        )
    keys = signers(sign, trust, now) if sign else {}
    for result in run.results:  # every target is checked before any is written
        if result.passed:
            refuse_outside(ws.config, result)
            if sign:
                signer_for(keys, result.team, result.name)
    for result in run.results:
        if result.passed:
            key = keys[result.team] if sign else None
            path = write_certificate(ws.config, result, run.hub, now, key)
            how = f" (signed for team {result.team})" if key is not None else ""
            shown = path.relative_to(ws.config.root).as_posix()
            sys.stderr.write(f"hub: wrote {shown}{how}\n")
        else:
            _warn([f"{result.team}/{result.name} failed: no certificate written"])


def _evidence_url(ws: Workspace) -> str:
    from hubrails.core.ledger.registry_facts import ledger_url

    return _ledger_url(ws) or ledger_url(ws.config, None)


def _contradicted(
    ws: Workspace, run: Certification, now: dt.datetime, *, required: bool
) -> list[VerifyProblem]:
    """Certificates the ledger's evidence contradicts (no ledger: an error when ``required``)."""
    from hubrails.core.review.facts import registry_facts
    from hubrails.core.review.verify import contradicted, open_reader, require

    url = _evidence_url(ws)
    store = require(url) if required else open_reader(url)
    if store is None:
        _warn([f"certify.evidence: no ledger at {url}; the evidence was not checked"])
        return []
    try:
        return contradicted(ws.config, registry_facts(ws.config, ws.hub.config), store,
                            run.results, now)  # fmt: skip
    finally:
        store.close()


def _show_evidence(ws: Workspace, run: Certification, now: dt.datetime) -> None:
    """The agent's recent evidence, beside its checks (when there is a ledger)."""
    from hubrails.store import missing_sqlite_file

    url = _evidence_url(ws)
    if missing_sqlite_file(url):  # no ledger: the review modules are not even imported
        return
    from hubrails.core.review.verify import open_reader, recent
    from hubrails.render.text.review import render_agent_evidence

    store = open_reader(url)
    if store is None:
        return
    try:
        for result in run.results:
            seen = recent(store, result.team, result.name, now)
            render_agent_evidence(result.team, result.name, seen, sys.stdout)
    finally:
        store.close()


def policy_command(
    agent: Annotated[str, typer.Argument(help="The agent: its name or the path of its file.")],
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    hub: HubOption = None,
    root: RootOption = None,
) -> None:
    """Print an agent's effective policy (hub ⊓ team ⊓ agent) and where each value comes from.

    Fields no guardrail sets show certify's built-in defaults. Exit 0: no team or agent value
    loosens the policy above it. Exit 1: one does.

    Exit 2: the invocation is wrong.
    """
    from hubrails.core.certify.agent_policy import policies
    from hubrails.core.certify.policy import BUILT_IN

    ws = _workspace(root, hub)
    _warn(ws.hub.warnings)
    loaded = ws.agent(ws.find_agent(agent))
    full, required, _ = policies(ws, loaded)
    from hubrails.render import policy_renderer

    defaults = {k: v for k, v in BUILT_IN.items() if k not in full.values}
    policy_renderer(output)(loaded.path, full, required, sys.stdout, defaults)
    if full.loosenings:
        raise typer.Exit(ExitCode.FINDINGS)
