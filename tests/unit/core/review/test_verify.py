"""The ledger's evidence held against certificates, with runs ingested into the example
registry's ledger (on PostgreSQL too where the queries are the point): a certified agent's
undeclared or unknown MCP use names its runs; no certificate, old evidence or declared use
contradicts nothing; an agent's recent evidence; opening the ledger, or refusing when there is
none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hubrails.core.certify.policy import EffectivePolicy
from hubrails.core.certify.results import AgentResult
from hubrails.core.registry.config import load_config
from hubrails.core.review.facts import registry_facts
from hubrails.core.review.verify import NAMED, contradicted, open_reader, recent, require
from hubrails.errors import HubError
from hubrails.store import normalise_url
from hubrails.store.reader import Queries
from tests.helpers import jsonl, record, run_cli

NOW = datetime(2026, 6, 20, 12, tzinfo=UTC)
SRE = "certificates/sre/incident-triage.json"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """A SQLite ledger URL, for the tests whose point is not the database."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def _ts(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ingest(
    root: Path, url: str, tools: str, runs: int = 1, days_ago: float = 1, n: int = 0
) -> None:
    found = [
        record(run_id=f"r{n}-{k}", team="sre", agent="incident-triage", ts=_ts(days_ago),
               labels={"hub.tools": tools})
        for k in range(runs)
    ]  # fmt: skip
    done = run_cli("ledger", "ingest", "--db", url, str(jsonl(root / f"runs-{n}.jsonl", found)))
    assert done.exit_code == 0, done.stderr


def result(team: str = "sre", name: str = "incident-triage") -> AgentResult:
    return AgentResult(name, team, "a.yaml", "production", (), EffectivePolicy(), ())


def certify_file(root: Path, rel: str = SRE) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text("{}", encoding="utf-8")  # only its presence counts here


def judged(root: Path, url: str, results: list[AgentResult] | None = None) -> list[Any]:
    config = load_config(root)
    store = require(normalise_url(url, root))
    try:
        found = contradicted(config, registry_facts(config), store, results or [result()], NOW)
    finally:
        store.close()
    return [(p.kind, p.path, p.agent, p.message) for p in found]


def test_undeclared_and_unknown_servers_contradict_a_certificate_naming_runs(
    registry: Path, ledger_db: str
) -> None:
    certify_file(registry)
    ingest(registry, ledger_db, "mcp__jira__create_issue=1,mcp__mystery__x=2,Read=3", runs=2)
    ingest(registry, ledger_db, "mcp__github__merge_pull_request=1", n=1)
    [(kind, path, agent, message)] = judged(registry, ledger_db)
    assert (kind, path, agent) == ("contradicted", SRE, "incident-triage")
    assert message == (
        "sre/incident-triage: the ledger's evidence contradicts its certificate: "
        "action 'merge_pull_request' of 'github' is not in the agent's spec.tools actions: "
        "used in run(s) r1-0; "
        "MCP server 'jira' is not in the agent's spec.tools: used in run(s) r0-0, r0-1; "
        "MCP server 'mystery' is no Tool in the catalog: used in run(s) r0-0, r0-1"
    )


def test_declared_use_contradicts_nothing(registry: Path, sqlite_db: str) -> None:
    certify_file(registry)
    ingest(registry, sqlite_db, "mcp__github__search_code=4,mcp__slack__slack_reply_to_thread=1")
    assert judged(registry, sqlite_db) == []


def test_no_certificate_or_no_agent_is_not_judged(registry: Path, sqlite_db: str) -> None:
    ingest(registry, sqlite_db, "mcp__jira__create_issue=1")
    assert judged(registry, sqlite_db) == []  # no certificate
    certify_file(registry, "certificates/sre/ghost.json")
    assert judged(registry, sqlite_db, [result(name="ghost")]) == []  # not an agent here


def test_evidence_older_than_the_window_is_ignored(registry: Path, sqlite_db: str) -> None:
    certify_file(registry)
    ingest(registry, sqlite_db, "mcp__jira__create_issue=1", days_ago=31)
    assert judged(registry, sqlite_db) == []


def test_more_runs_than_are_named_are_counted(registry: Path, sqlite_db: str) -> None:
    certify_file(registry)
    ingest(registry, sqlite_db, "mcp__jira__create_issue=1", runs=NAMED + 2)
    [(*_, message)] = judged(registry, sqlite_db)
    assert message.endswith("used in run(s) r0-0, r0-1, r0-2, r0-3, r0-4 and 2 more")


def test_recent_evidence_is_the_agents_own_per_kind_and_subject(
    registry: Path, ledger_db: str
) -> None:
    ingest(registry, ledger_db, "mcp__github__search_code=2,Read=1", runs=2)
    ingest(registry, ledger_db, "mcp__slack__slack_list_channels=1", days_ago=40, n=1)  # too old
    store = require(normalise_url(ledger_db, registry))
    try:
        seen = recent(store, "sre", "incident-triage", NOW)
        assert recent(store, "sre", "someone-else", NOW) == []
        assert recent(store, "growth", "incident-triage", NOW) == []
    finally:
        store.close()
    assert [(s.kind, s.subject, s.runs, s.calls) for s in seen] == [
        ("mcp_action", "github/search_code", 2, 4),
        ("mcp_server", "github", 2, 4),
        ("tool", "Read", 2, 2),
        ("tool", "mcp__github__search_code", 2, 4),
    ]


def test_no_ledger_file_is_none_and_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    assert open_reader(url) is None
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(HubError) as caught:
        require(url)
    assert str(caught.value) == f"--evidence: no ledger at {url}"
    assert caught.value.hint is not None and "hub ledger ingest" in caught.value.hint


def test_an_existing_ledger_opens_for_reading(registry: Path, sqlite_db: str) -> None:
    ingest(registry, sqlite_db, "Read=1")
    store: Queries | None = open_reader(normalise_url(sqlite_db, registry))
    assert store is not None
    store.close()
