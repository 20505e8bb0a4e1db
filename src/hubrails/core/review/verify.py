"""Certificates the ledger's evidence contradicts (``hub certify --verify --evidence``), and an
agent's recent evidence (beside ``hub certify AGENT``'s checks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hubrails.core.certify.certificate import VerifyProblem, certificate_path
from hubrails.core.certify.results import AgentResult
from hubrails.core.registry.config import HubConfig
from hubrails.core.review import rules
from hubrails.core.review.facts import RegistryFacts
from hubrails.errors import HubError
from hubrails.store import evidence_data as evidence
from hubrails.store import missing_sqlite_file
from hubrails.store.reader import Queries

WINDOW_DAYS = 30  # the evidence a certificate is held against: the last 30 days
NAMED = 5  # runs named per contradiction


def open_reader(url: str) -> Queries | None:
    """The ledger at ``url`` to read, or ``None`` when there is none (no file is created)."""
    if missing_sqlite_file(url):
        return None
    from hubrails.store.reader import quick_reader

    reader = quick_reader(url)
    if reader is not None:
        return reader
    from hubrails.store.sql import open_store

    return open_store(url)


def _since(now: dt.datetime) -> int:
    return int(now.timestamp() * 1000) - WINDOW_DAYS * rules.DAY_MS


def contradicted(
    config: HubConfig,
    reg: RegistryFacts,
    store: Queries,
    results: Sequence[AgentResult],
    now: dt.datetime,
) -> list[VerifyProblem]:
    """A problem per certified agent whose evidence of the last 30 days contradicts what it
    declares (an undeclared or unknown MCP server or action, an unvetted tool), naming runs."""
    until = int(now.timestamp() * 1000) + 1
    seen = rules.by_agent(rules.window_rows(store, _since(now), until))
    problems = []
    for result in results:
        key = (result.team, result.name)
        path = certificate_path(config, *key)
        facts = reg.agents.get(key)
        if facts is None or not path.is_file() or key not in seen:
            continue
        found = [
            (w[1], s) for s in seen[key] if (w := reg.contradictions(facts, s.kind, s.subject))
        ]
        if not found:
            continue
        [detail] = store.queries([evidence.agent_query(*key, _since(now), 10_000)])
        runs: dict[tuple[str, str], list[str]] = {}
        for kind, subject, run_key, _calls, _ts in detail:
            runs.setdefault((kind, subject), []).append(run_key)
        reasons = []
        for why, s in found:
            named = sorted(set(runs.get((s.kind, s.subject), [])))
            more = f" and {len(named) - NAMED} more" if len(named) > NAMED else ""
            reasons.append(f"{why}: used in run(s) {', '.join(named[:NAMED])}{more}")
        problems.append(
            VerifyProblem(
                "contradicted",
                path.relative_to(config.root).as_posix(),
                result.name,
                f"{result.team}/{result.name}: the ledger's evidence contradicts its "
                f"certificate: {'; '.join(reasons)}",
            )
        )
    return problems


def recent(store: Queries, team: str, agent: str, now: dt.datetime) -> list[rules.Seen]:
    """The agent's evidence of the last 30 days, per kind and subject."""
    until = int(now.timestamp() * 1000) + 1
    rows = rules.window_rows(store, _since(now), until, team)
    return rules.by_agent(r for r in rows if r[1] == agent).get((team, agent), [])


def require(url: str) -> Queries:
    """The ledger at ``url``; a usage error when there is none."""
    reader = open_reader(url)
    if reader is None:
        raise HubError(
            f"--evidence: no ledger at {url}",
            hint="ingest runs first (hub ledger ingest or hub ledger serve), or set ledger.url",
        )
    return reader
