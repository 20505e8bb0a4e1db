"""``hub certify`` and ``hub policy`` as JSON: the certification document (summary, verdicts,
each check with its problems and waiver, the certificates of --verify), indented for a few
agents and compact for many; the policy document with enforcement, built-in defaults and
loosenings (docs/output.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from hubrails import __version__
from hubrails.core.certify.certificate import VerifyProblem
from hubrails.core.certify.check_context import Problem
from hubrails.core.certify.policy import EffectivePolicy, Layer, effective
from hubrails.core.certify.results import AgentResult, Certification, CheckResult, Status
from hubrails.core.certify.waivers import Waiver
from hubrails.core.hub.locate import Hub
from hubrails.core.registry.config import HubConfig
from hubrails.core.vcs.checkout import CheckoutState
from hubrails.render.json.certify import (
    INDENT_LIMIT,
    certification_document,
    render_certification,
    render_policy,
)

PATH = "registry/spokes/sre/agents/triage.yaml"
LOGGING_FIELD = "spec.logging.retention_days"
PROBLEM = Problem("logs kept 7 days", PATH, 12, LOGGING_FIELD)
WAIVER = Waiver("w", "registry/waivers/w.yaml", 4, "triage", "sre", "secrets", "rotating",
                "@ciso", dt.date(2026, 7, 1), "0" * 64)  # fmt: skip
LOGGING = CheckResult("logging", "Logging", "required", Status.FAIL, "keep logs 30 days",
                      "logs kept 7 days", (PROBLEM,))  # fmt: skip
SECRETS = CheckResult("secrets", "Secrets", "required", Status.WAIVED, "rotate it", "a key",
                      waiver=WAIVER)  # fmt: skip
OWNER = CheckResult("owner", "Owner", "required", Status.PASS, "name an owner")


def hub(commit: str | None = "c" * 40, dirty: bool = False) -> Hub:
    config = HubConfig(root=Path("/nonexistent"), role="hub")
    return Hub(config, ref="main", pinned=CheckoutState(commit, dirty))


def agent(name: str, *checks: CheckResult) -> AgentResult:
    return AgentResult(name, "sre", f"registry/spokes/sre/agents/{name}.yaml", "production",
                       checks, EffectivePolicy(), ())  # fmt: skip


def run(*results: AgentResult, warnings: tuple[str, ...] = ()) -> Certification:
    return Certification(hub(), results, warnings)


def rendered(certification: Certification, problems: list[VerifyProblem] | None = None) -> str:
    out = io.StringIO()
    render_certification(certification, problems, out)
    return out.getvalue()


def test_a_run_without_agents_has_an_empty_summary_and_no_certificates_key() -> None:
    document = json.loads(rendered(Certification(hub(None, True), ())))
    assert document == {
        "version": 1,
        "tool": {"name": "hubrails", "version": __version__},
        "hub": {"commit": None, "dirty": True, "ref": "main"},
        "warnings": [],
        "summary": {"agents": 0, "passed": 0, "failed": 0},
        "agents": [],
    }


def test_the_summary_counts_agents_by_verdict_and_warnings_are_kept() -> None:
    document = certification_document(
        run(agent("a", OWNER), agent("b", LOGGING), agent("c", SECRETS), warnings=("w1",))
    )
    assert document["summary"] == {"agents": 3, "passed": 2, "failed": 1}
    assert [a["verdict"] for a in document["agents"]] == ["pass", "fail", "pass"]
    assert document["warnings"] == ["w1"]
    assert document["hub"] == {"commit": "c" * 40, "dirty": False, "ref": "main"}


def test_a_failing_check_has_its_problems_and_place_and_no_waiver() -> None:
    [check] = certification_document(run(agent("triage", LOGGING)))["agents"][0]["checks"]
    assert check == {
        "id": "logging",
        "title": "Logging",
        "severity": "required",
        "status": "fail",
        "reason": "logs kept 7 days",
        "remediation": "keep logs 30 days",
        "file": PATH,
        "line": 12,
        "field": LOGGING_FIELD,
        "problems": [
            {"message": "logs kept 7 days", "path": PATH, "line": 12, "field": LOGGING_FIELD}
        ],
        "waiver": None,
    }


def test_a_waived_check_carries_its_waiver() -> None:
    [check] = certification_document(run(agent("triage", SECRETS)))["agents"][0]["checks"]
    assert check["status"] == "waived"
    assert check["problems"] == []
    assert check["waiver"] == {
        "check": "secrets",
        "reason": "rotating",
        "granted_by": "@ciso",
        "expires": "2026-07-01",
        "file": "registry/waivers/w.yaml",
    }


def test_verify_adds_the_certificates_even_when_every_one_holds() -> None:
    problem = VerifyProblem("stale", "certificates/sre/a.json", "sre/a", "inputs changed")
    assert certification_document(run(agent("a", OWNER)), [])["certificates"] == []
    assert certification_document(run(agent("a", OWNER)), [problem])["certificates"] == [
        {"kind": "stale", "path": "certificates/sre/a.json", "agent": "sre/a",
         "message": "inputs changed"}
    ]  # fmt: skip
    assert "certificates" not in certification_document(run(agent("a", OWNER)), None)


def test_up_to_the_limit_the_document_is_indented_beyond_it_one_line() -> None:
    few = rendered(run(*(agent(f"a{i}", OWNER) for i in range(INDENT_LIMIT))))
    many = rendered(run(*(agent(f"a{i}", OWNER) for i in range(INDENT_LIMIT + 1))))
    assert few.startswith('{\n  "version"') and few.count("\n") > INDENT_LIMIT
    assert many.count("\n") == 1 and many.endswith("}\n")
    assert len(json.loads(many)["agents"]) == INDENT_LIMIT + 1


def test_non_ascii_reasons_are_written_as_they_are() -> None:
    check = CheckResult("owner", "Owner", "required", Status.FAIL, "fix", "Eigentümer fehlt")
    assert "Eigentümer fehlt" in rendered(run(agent("a", check)))


def policy_document(
    policy: EffectivePolicy, required: EffectivePolicy, defaults: dict[str, Any] | None = None
) -> dict[str, Any]:
    out = io.StringIO()
    render_policy(PATH, policy, required, out, defaults)
    text = out.getvalue()
    assert text.startswith("{\n  ") and text.endswith("}\n")
    document: dict[str, Any] = json.loads(text)
    return document


HUB = Layer(
    "hub",
    "registry/guardrails/base.yaml",
    {"logging.min_retention_days": (30, 8), "models.allow": (["sonnet", "haiku"], 9)},
)
TEAM = Layer("team", "registry/spokes/sre/guardrails/sre.yaml",
             {"logging.min_retention_days": (7, 5), "limits.max_cost_usd_per_run": (2.5, 6)},
             required=False)  # fmt: skip


def test_policy_values_say_whether_they_are_required_or_advisory_and_where_they_are_set() -> None:
    required = effective([HUB])
    document = policy_document(effective([HUB, TEAM]), required)
    assert document["version"] == 1 and document["agent"] == PATH
    assert list(document["policy"]) == [
        "limits.max_cost_usd_per_run", "logging.min_retention_days", "models.allow",
    ]  # fmt: skip
    assert document["policy"]["logging.min_retention_days"] == {
        "value": 30,
        "sources": [{"path": "registry/guardrails/base.yaml", "line": 8, "level": "hub"}],
        "enforcement": "required",
    }
    assert document["policy"]["limits.max_cost_usd_per_run"]["enforcement"] == "advisory"


def test_a_loosening_names_both_places_and_its_message() -> None:
    [loose] = policy_document(effective([HUB, TEAM]), effective([HUB]))["loosenings"]
    assert loose == {
        "field": "logging.min_retention_days",
        "value": 7,
        "path": "registry/spokes/sre/guardrails/sre.yaml",
        "line": 5,
        "base": 30,
        "base_sources": [{"path": "registry/guardrails/base.yaml", "line": 8, "level": "hub"}],
        "message": "registry/spokes/sre/guardrails/sre.yaml:5 sets logging.min_retention_days "
        "to 7, looser than 30 from registry/guardrails/base.yaml:8; the looser value is not "
        "applied",
    }


def test_built_in_defaults_have_no_sources_and_sort_among_the_values() -> None:
    document = policy_document(
        effective([HUB]), effective([HUB]), {"certificate.validity_days": 90}
    )
    assert list(document["policy"]) == [
        "certificate.validity_days", "logging.min_retention_days", "models.allow",
    ]  # fmt: skip
    assert document["policy"]["certificate.validity_days"] == {
        "value": 90,
        "sources": [],
        "enforcement": "required",
        "builtin": True,
    }
    assert "builtin" not in document["policy"]["models.allow"]


def test_an_empty_policy_is_an_empty_document() -> None:
    document = policy_document(EffectivePolicy(), EffectivePolicy())
    assert document == {"version": 1, "agent": PATH, "policy": {}, "loosenings": []}


def certify_example(root: Path) -> Certification:
    from hubrails.core.certify.agent_files import Workspace
    from hubrails.core.certify.run import certify
    from hubrails.core.hub.locate import find_hub
    from hubrails.core.registry.config import load_config

    config = load_config(root)
    ws = Workspace(config, find_hub(config, None), None)
    return certify(ws, ws.agent_paths)


CHECK_KEYS = ["field", "file", "id", "line", "problems", "reason", "remediation", "severity",
              "status", "title", "waiver"]  # fmt: skip


def test_a_real_certification_has_the_documented_shape_and_locates_a_failure(
    registry: Path,
) -> None:
    agent_file = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    text = agent_file.read_text(encoding="utf-8")
    agent_file.write_text(text.replace("retention_days: 90\n", "retention_days: 7\n"), "utf-8")
    document = json.loads(rendered(certify_example(registry)))
    assert document["summary"] == {"agents": 4, "passed": 3, "failed": 1}
    for entry in document["agents"]:
        assert sorted(entry) == ["checks", "name", "path", "team", "verdict"]
        assert all(sorted(check) == CHECK_KEYS for check in entry["checks"])
    [failed] = [a for a in document["agents"] if a["verdict"] == "fail"]
    assert (failed["team"], failed["name"]) == ("sre", "incident-triage")
    [logging] = [c for c in failed["checks"] if c["status"] == "fail"]
    assert logging["id"] == "logging"
    assert (logging["file"], logging["field"]) == (
        "registry/spokes/sre/agents/incident-triage.yaml",
        "spec.logging.retention_days",
    )
    assert logging["problems"][0]["line"] == logging["line"] == 58
