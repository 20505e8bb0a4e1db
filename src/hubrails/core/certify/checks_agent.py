"""Checks on the agent itself: manifest, logging, telemetry, ledger, guardrails, model,
owner, secrets."""

from __future__ import annotations

from hubrails.core.certify.check_context import (
    AgentContext,
    Outcome,
    Problem,
    Skip,
    spec_of,
)
from hubrails.core.certify.policy import BUILT_IN, EffectivePolicy
from hubrails.core.certify.secrets import find_secrets


def check_manifest(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The agent manifest loads and matches its schema."""
    if not ctx.agent.ok:
        return [Problem(ctx.agent.error or "cannot load", ctx.agent.path, 1, "")]
    return list(ctx.schema_problems)


def check_logging(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Logging is enabled when required and keeps logs at least as long as the policy says."""
    logging = ctx.spec.get("logging")
    logging = logging if isinstance(logging, dict) else {}
    problems = []
    if policy.get("logging.required") and logging.get("enabled") is not True:
        problems.append(ctx.at(("spec", "logging", "enabled"), "logging is not enabled"))
    minimum = policy.get("logging.min_retention_days")
    kept = logging.get("retention_days")
    if isinstance(minimum, int) and (not isinstance(kept, int) or kept < minimum):
        src = policy.source("logging.min_retention_days")
        where = f" ({src.path}:{src.line})" if src else ""
        problems.append(
            ctx.at(
                ("spec", "logging", "retention_days"),
                f"logs are kept {kept if isinstance(kept, int) else 'an unknown number of'} days; "
                f"the policy requires at least {minimum}{where}",
            )
        )
    return problems


def check_telemetry(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Telemetry is declared and enabled when the policy requires it."""
    telemetry = ctx.spec.get("telemetry")
    enabled = isinstance(telemetry, dict) and telemetry.get("enabled") is True
    if policy.get("telemetry.required") and not enabled:
        return [ctx.at(("spec", "telemetry", "enabled"), "telemetry is not enabled")]
    return []


def ledger_records_seen(store_url: str, team: str, agent: str, window_days: int) -> int | None:
    """How many ledger records the agent has within the window; ``None`` when the store at
    ``store_url`` cannot be read."""
    import time

    from hubrails.store import missing_sqlite_file
    from hubrails.store.reader import runs_since as reader_runs_since
    from hubrails.store.reader import sqlite_reader

    if missing_sqlite_file(store_url):
        return None
    since_ms = max(int(time.time() * 1000) - int(window_days * 86_400_000), -(2**62))
    reader = sqlite_reader(store_url)  # a SQLite ledger at this schema: no SQLAlchemy import
    if reader is not None:
        return reader_runs_since(reader, team, agent, since_ms)
    from hubrails.store.sql import runs_since

    return runs_since(store_url, team, agent, since_ms)


def check_ledger(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """Where a ledger store is configured and reachable, the agent has recent records."""
    if not ctx.ledger_url:
        return Skip("no ledger configured")
    window = policy.get("telemetry.ledger_window_days", BUILT_IN["telemetry.ledger_window_days"])
    from hubrails.store import missing_sqlite_file

    if missing_sqlite_file(ctx.ledger_url):
        return Skip(
            f"the ledger at {ctx.ledger_url} has no records yet ('hub ledger ingest' creates it)"
        )
    seen = ledger_records_seen(ctx.ledger_url, ctx.team, ctx.name, window)
    if seen is None:
        # no URL: it is machine-specific (a path) and may hold a password; certificates keep it
        return Skip("the configured ledger is not reachable")
    if seen == 0:
        return [ctx.at(("metadata", "name"), f"no ledger records in the last {window} days")]
    return []


def check_guardrails(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """No team or agent policy loosens the policy above it."""
    return [
        Problem(loose.message(located=False), loose.source.path, loose.source.line, loose.field)
        for loose in policy.loosenings
    ]


def check_model(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The model is allowed by policy and priced in the pricing table."""
    model = ctx.spec.get("model")
    if not isinstance(model, str):
        return [ctx.at(("spec", "model"), "the agent names no model")]
    names = {model}
    priced = False
    models = spec_of(ctx.ws.pricing()).get("models")
    for entry in models if isinstance(models, list) else []:
        if not isinstance(entry, dict):
            continue
        aliases = entry.get("aliases")
        known = [entry.get("id"), *(aliases if isinstance(aliases, list) else [])]
        if model in known:  # a list, not a set: an invalid table may hold lists or mappings
            priced = True
            names |= {n for n in known if isinstance(n, str)}
    problems = []
    if not priced:
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is not in the pricing table"))
    allow = policy.get("models.allow")
    if allow is not None and not names & set(allow):
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is not in models.allow"))
    if names & set(policy.get("models.deny", [])):
        problems.append(ctx.at(("spec", "model"), f"model '{model}' is denied (models.deny)"))
    return problems


def check_owner(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """The owning team exists and names its owners."""
    team = ctx.ws.team(ctx.team) if ctx.team else None
    if team is None or not team.ok:
        return [ctx.at(("metadata", "team"), f"no team named '{ctx.team}'")]
    owners = spec_of(team).get("owners")
    if not isinstance(owners, list) or not owners:
        return [ctx.at(("spec", "owners"), f"team '{ctx.team}' names no owners", team)]
    return []


def check_secrets(ctx: AgentContext, policy: EffectivePolicy) -> Outcome:
    """No credentials in the agent's manifest or in its skills' files."""
    files = [(ctx.agent.path, ctx.agent.text)]
    for _, _, skill in ctx.skills:
        if skill is not None:
            files += [(skill.path, skill.text), *ctx.ws.skill_files(skill)]
    return [
        Problem(f"looks like a secret: {hit.kind}", path, hit.line, "")
        for path, text in files
        for hit in find_secrets(text)
    ]
