"""What the registry governs: each agent's certification (a fresh ``hub certify`` and its
certificate checked as ``--verify`` does), waivers with their expiry, tools by status and risk,
and the skills promoted in the window (from git history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hubrails.core.certify.agent_files import Workspace
from hubrails.core.certify.waivers import Waiver
from hubrails.core.ledger.window import Window
from hubrails.core.promote.outcome import PROMOTED_BY, PROMOTED_BY_VALUE


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """One agent: does it pass now, and does its certificate hold."""

    team: str
    agent: str
    lifecycle: str
    passed: bool
    failing: tuple[str, ...]  # ids of the checks that fail
    waived: tuple[str, ...]  # ids of the checks waived
    certificate: str  # "valid", "none", or a --verify problem kind (missing, stale, expired …)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class WaiverStatus:
    """One waiver and whether it has expired."""

    waiver: Waiver
    expired: bool


@dataclass(frozen=True, slots=True)
class ToolStatus:
    """One tool: its lifecycle status, risk and how many manifests use it."""

    name: str
    team: str | None
    status: str
    risk: str
    users: int


@dataclass(frozen=True, slots=True)
class Promotion:
    """One skill promotion commit."""

    subject: str
    commit: str
    time: dt.datetime
    version: str
    source: str


@dataclass(frozen=True, slots=True)
class Governance:
    """Every governance section, and warnings met on the way."""

    agents: tuple[AgentStatus, ...]
    waivers: tuple[WaiverStatus, ...]
    tools: tuple[ToolStatus, ...]
    promotions: tuple[Promotion, ...] | None  # None: no git history to read
    warnings: tuple[str, ...]


def certification(
    ws: Workspace, ledger_url: str | None, now: dt.datetime
) -> tuple[tuple[AgentStatus, ...], tuple[str, ...]]:
    """Every agent certified afresh, with its certificate's verification."""
    from hubrails.core.certify.certificate import certificate_path
    from hubrails.core.certify.results import Status
    from hubrails.core.certify.run import certify
    from hubrails.core.certify.verify import verify

    run = certify(ws, ws.agent_paths, ledger_url=ledger_url, today=now.date())
    problems = {(p.path, p.agent): p for p in verify(ws.config, run, now)}
    found = []
    for r in run.results:
        path = certificate_path(ws.config, r.team, r.name)
        problem = problems.get((path.relative_to(ws.config.root).as_posix(), r.name))
        if problem is not None:
            state, detail = problem.kind, problem.message
        else:
            state, detail = ("valid", "") if path.is_file() else ("none", "")
        found.append(
            AgentStatus(
                r.team,
                r.name,
                r.lifecycle,
                r.passed,
                tuple(c.id for c in r.checks if c.status is Status.FAIL),
                tuple(c.id for c in r.checks if c.status is Status.WAIVED),
                state,
                detail,
            )
        )
    found.sort(key=lambda a: (a.passed, a.certificate == "valid", a.team, a.agent))
    return tuple(found), run.warnings


def waivers(ws: Workspace, today: dt.date) -> tuple[WaiverStatus, ...]:
    """Every valid waiver of the hub, expired ones too, soonest expiry first."""
    from hubrails.core.certify.waivers import load_waivers

    every, _ = load_waivers(ws, dt.date.min)  # expired ones are dropped only after today
    found = [WaiverStatus(w, w.expires < today) for w in every]
    return tuple(sorted(found, key=lambda s: (s.waiver.expires, s.waiver.agent, s.waiver.check)))


def tools(ws: Workspace) -> tuple[ToolStatus, ...]:
    """Every tool of the registry with its status, risk and number of users."""
    from hubrails.core.catalog.snapshot import load

    snapshot = load(ws.config)
    found = []
    for entry in snapshot.entries:
        asset = entry.asset
        if asset.kind != "Tool":
            continue
        loaded = ws.tool(asset.name)
        spec = loaded.data.get("spec") if loaded is not None else None
        risk = spec.get("risk") if isinstance(spec, dict) else None
        users = len({u.entry.path for u in snapshot.users("Tool", asset.name)})
        found.append(
            ToolStatus(asset.name, asset.team, asset.status or "?", str(risk or "?"), users)
        )
    return tuple(sorted(found, key=lambda t: (t.status, t.risk, t.name)))


def promotions(ws: Workspace, span: Window) -> tuple[Promotion, ...] | None:
    """The skill promotions committed in ``span`` (``None`` without git history)."""
    from hubrails.core.vcs.history import commits_with_trailer

    keys = ("Source-Version", "Source-Repository")
    found = commits_with_trailer(
        ws.hub.config.root,
        PROMOTED_BY,
        PROMOTED_BY_VALUE,
        span.since_ms // 1000,
        -(-span.until_ms // 1000),
        keys,
    )
    if found is None:
        return None
    return tuple(
        Promotion(
            c.subject,
            c.sha,
            dt.datetime.fromtimestamp(c.time_s, dt.UTC),
            c.trailers.get(keys[0], ""),
            c.trailers.get(keys[1], ""),
        )
        for c in found
    )


def governance(
    ws: Workspace, span: Window, ledger_url: str | None, now: dt.datetime, team: str | None = None
) -> Governance:
    """Every governance section; with ``team``, only its agents and their waivers."""
    agents, warnings = certification(ws, ledger_url, now)
    found = waivers(ws, now.date())
    if team is not None:
        agents = tuple(a for a in agents if a.team == team)
        names = {a.agent for a in agents}
        found = tuple(
            s
            for s in found
            if s.waiver.team == team or (s.waiver.team is None and s.waiver.agent in names)
        )
    return Governance(agents, found, tools(ws), promotions(ws, span), warnings)
