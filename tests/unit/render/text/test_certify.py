"""``hub certify`` and ``hub policy`` as text: one agent is a table (the remediation under a
failing or warning check, the waiver under a waived one) and a verdict with a tally; several
are a line per failing agent and check and a count; --verify's problems and how many agents
hold; the effective policy with values, enforcement, sources, built-in defaults and
loosenings."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from hubrails.core.certify.certificate import VerifyProblem
from hubrails.core.certify.policy import EffectivePolicy, Layer, effective
from hubrails.core.certify.results import AgentResult, Certification, CheckResult, Status
from hubrails.core.certify.waivers import Waiver
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig
from hubrails.core.vcs.checkout import CheckoutState
from hubrails.render.text.certify import render_certification, render_policy

HUB = Hub(HubConfig(root=Path("/nonexistent"), role="hub"), pinned=CheckoutState(None, False))
WAIVER = Waiver("w", "registry/waivers/w.yaml", 4, "a", "sre", "secrets", "rotating", "@ciso",
                dt.date(2026, 7, 1), "0" * 64)  # fmt: skip
FAIL = CheckResult("logging", "Logging", "required", Status.FAIL, "keep logs 30 days",
                   "logs kept 7 days")  # fmt: skip
WARN = CheckResult("owner", "Owner", "advisory", Status.WARN, "name an owner", "no owner")
WAIVED = CheckResult("secrets", "Secrets", "required", Status.WAIVED, "rotate", "a key",
                     waiver=WAIVER)  # fmt: skip
PASS = CheckResult("model", "Model", "required", Status.PASS, "pick a model")
SKIP = CheckResult("ledger", "Ledger", "required", Status.SKIP, "set a ledger", "no ledger")
STALE = VerifyProblem("stale", "certificates/sre/b.json", "sre/b", "inputs changed")
EXPIRED = VerifyProblem("expired", "certificates/sre/b.json", "sre/b", "expired on 2026-06-01")


def agent(name: str, *checks: CheckResult) -> AgentResult:
    return AgentResult(name, "sre", f"registry/spokes/sre/agents/{name}.yaml", "production",
                       checks, EffectivePolicy(), ())  # fmt: skip


def text(*results: AgentResult, problems: list[VerifyProblem] | None = None) -> str:
    out = io.StringIO()
    render_certification(Certification(HUB, results), problems, out)
    return out.getvalue()


def test_one_agent_is_a_table_of_its_checks_and_a_verdict_with_a_tally() -> None:
    assert text(agent("a", PASS, FAIL, WARN, WAIVED, SKIP)) == (
        "sre/a  (registry/spokes/sre/agents/a.yaml)\n"
        "┏━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ status ┃ check   ┃ reason                                                    ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ pass   │ model   │                                                           │\n"
        "│ fail   │ logging │ logs kept 7 days                                          │\n"
        "│        │         │ remediation: keep logs 30 days                            │\n"
        "│ warn   │ owner   │ no owner                                                  │\n"
        "│        │         │ remediation: name an owner                                │\n"
        "│ waived │ secrets │ a key                                                     │\n"
        "│        │         │ waived by @ciso until 2026-07-01                          │\n"
        "│        │         │ (registry/waivers/w.yaml): rotating                       │\n"
        "│ skip   │ ledger  │ no ledger                                                 │\n"
        "└────────┴─────────┴───────────────────────────────────────────────────────────┘\n"
        "✗ sre/a: not certified (1 fail, 1 pass, 1 skip, 1 waived, 1 warn)\n"
    )


def test_an_agent_whose_only_problem_is_waived_is_certified() -> None:
    assert text(agent("a", PASS, WAIVED)).endswith("\n✓ sre/a: certified (1 pass, 1 waived)\n")


def test_several_agents_list_only_the_failing_ones_and_their_checks_that_do_not_pass() -> None:
    assert text(agent("a", PASS), agent("b", FAIL, WARN, WAIVED, PASS, SKIP)) == (
        "✗ sre/b: not certified (1 fail, 1 pass, 1 skip, 1 waived, 1 warn)\n"
        "  fail   logging: logs kept 7 days\n"
        "  warn   owner: no owner\n"
        "  waived secrets: a key\n"
        "✗ 1 of 2 agents certified\n"
    )
    assert text(agent("a", PASS), agent("b", WARN)) == "✓ 2 of 2 agents certified\n"


def test_verify_lists_each_certificate_problem_and_how_many_agents_hold() -> None:
    assert text(agent("a", PASS), agent("b", FAIL), problems=[STALE, EXPIRED]) == (
        "✗ sre/b: not certified (1 fail)\n"
        "✗ certificates/sre/b.json: stale: inputs changed\n"
        "✗ certificates/sre/b.json: expired: expired on 2026-06-01\n"
        "✗ 2 certificate problem(s); 1 of 2 agents hold\n"
    )
    assert text(agent("a", PASS), problems=[]).endswith(
        "✓ 0 certificate problem(s); 1 of 1 agents hold\n"
    )


def test_no_agents_says_so_unless_certificates_were_verified() -> None:
    assert text() == "no agents to certify\n"
    assert text(problems=[]) == "✓ 0 certificate problem(s); 0 of 0 agents hold\n"


def policy(
    effective_policy: EffectivePolicy, required: EffectivePolicy, defaults: dict[str, Any] | None
) -> list[str]:
    out = io.StringIO()
    render_policy("registry/spokes/sre/agents/a.yaml", effective_policy, required, out, defaults)
    return out.getvalue().splitlines()


HUB_LAYER = Layer(
    "hub",
    "registry/guardrails/base.yaml",
    {
        "logging.min_retention_days": (30, 8),
        "models.allow": (["sonnet", "haiku"], 9),
        "logging.required": (True, 7),
    },
)
TEAM_LAYER = Layer("team", "registry/spokes/sre/guardrails/sre.yaml", {
    "logging.min_retention_days": (7, 5), "limits.max_cost_usd_per_run": (2.5, 6),
}, required=False)  # fmt: skip


def test_the_policy_lists_each_value_its_enforcement_and_source_then_the_defaults() -> None:
    defaults = {"certificate.validity_days": 90, "tools.allowed_statuses": ["vetted"]}
    lines = policy(effective([HUB_LAYER, TEAM_LAYER]), effective([HUB_LAYER]), defaults)
    assert lines[:-1] == [
        "effective policy of registry/spokes/sre/agents/a.yaml",
        "  limits.max_cost_usd_per_run  2.5  (advisory)",
        "                                 from registry/spokes/sre/guardrails/sre.yaml:6 (team)",
        "  logging.min_retention_days   30  (required)",
        "                                 from registry/guardrails/base.yaml:8 (hub)",
        "  logging.required             true  (required)",
        "                                 from registry/guardrails/base.yaml:7 (hub)",
        "  models.allow                 [sonnet, haiku]  (required)",
        "                                 from registry/guardrails/base.yaml:9 (hub)",
        "  certificate.validity_days    90  (required)",
        "                                 from built-in default: no guardrail sets it "
        "(docs/checks.md)",
        "  tools.allowed_statuses       [vetted]  (required)",
        "                                 from built-in default: no guardrail sets it "
        "(docs/checks.md)",
    ]


def test_each_loosening_is_a_line_and_without_any_the_policy_says_none_loosens() -> None:
    [*_, last] = policy(effective([HUB_LAYER, TEAM_LAYER]), effective([HUB_LAYER]), None)
    assert last == (
        "✗ loosening: registry/spokes/sre/guardrails/sre.yaml:5 sets logging.min_retention_days "
        "to 7, looser than 30 from registry/guardrails/base.yaml:8; the looser value is not "
        "applied"
    )
    assert policy(EffectivePolicy(), EffectivePolicy(), None) == [
        "effective policy of registry/spokes/sre/agents/a.yaml",
        "✓ no team or agent value loosens the policy",
    ]


def test_every_agent_of_the_example_registry_is_certified_in_one_line(registry: Path) -> None:
    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.run import certify
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.registry.config import load_config

    config = load_config(registry)
    ws = Workspace(config, find_hub(config, None), None)
    out = io.StringIO()
    render_certification(certify(ws, ws.agent_paths), None, out)
    assert out.getvalue() == "✓ 4 of 4 agents certified\n"
