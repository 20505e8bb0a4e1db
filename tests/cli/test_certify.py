"""``hub certify``: every check passes on the example and fails on a targeted edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hubrails.core.certify.checks import CHECK_IDS
from tests.helpers import edit, line_of, run_cli, write

SRE = "registry/spokes/sre/agents/incident-triage.yaml"
BILLING = "registry/spokes/billing-ops/agents/invoice-triage.yaml"


def certify(agent: str = "incident-triage", *extra: str, code: int | None = None) -> Any:
    run = run_cli("certify", agent, "--format", "json", *extra)
    assert run.exit_code in (0, 1), run.stderr
    if code is not None:
        assert run.exit_code == code, run.stdout
    return run.json()


def result(agent: str, check: str) -> dict[str, Any]:
    document = certify(agent)
    return next(c for c in document["agents"][0]["checks"] if c["id"] == check)


def test_every_example_agent_passes_every_check(registry: Path) -> None:
    run = run_cli("certify", "--all", "--format", "json")
    assert run.exit_code == 0, run.stdout
    for agent in run.json()["agents"]:
        statuses = {c["id"]: c["status"] for c in agent["checks"]}
        assert list(statuses) == list(CHECK_IDS)
        assert set(statuses.values()) <= {"pass", "skip"}, (agent["name"], statuses)


def test_text_output_has_a_table_and_a_verdict(registry: Path) -> None:
    run = run_cli("certify", "incident-triage")
    assert run.exit_code == 0
    assert "approvals" in run.stdout
    assert run.stdout.strip().splitlines()[-1].startswith("✓ sre/incident-triage: certified")


def test_certify_by_path(registry: Path) -> None:
    assert certify(SRE, code=0)["agents"][0]["name"] == "incident-triage"


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("incident-triage", "--all"),
        ("no-such-agent",),
        ("registry/tools/github.yaml",),
        ("--verify", "--write"),
        ("incident-triage", "--format", "xml"),
    ],
)
def test_wrong_invocations_exit_2(registry: Path, args: tuple[str, ...]) -> None:
    run = run_cli("certify", *args)
    assert run.exit_code == 2, run.stdout
    assert "Traceback" not in run.stderr


def test_unknown_agent_lists_known_ones(registry: Path) -> None:
    run = run_cli("certify", "incident-triag")
    assert "no agent named 'incident-triag'" in run.stderr
    assert "incident-triage" in run.stderr


# --- one failing case per check -----------------------------------------------------------


def test_manifest_valid_fails_on_a_schema_error(registry: Path) -> None:
    edit(
        registry / SRE,
        "  model: claude-sonnet-4-5\n",
        "  model: claude-sonnet-4-5\n  colour: red\n",
    )
    check = result("incident-triage", "manifest-valid")
    assert check["status"] == "fail"
    assert check["line"] == line_of(registry / SRE, "colour:")


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ('      version: "^1.4.0"\n', '      version: "^3.0.0"\n', "^3.0.0", "outside '^3.0.0'"),
        ("    - name: slack\n", "    - name: legacy-wiki\n", "legacy-wiki", "deprecated"),
        ("    - name: slack\n", "    - name: pastebin-share\n", "pastebin-share", "revoked"),
        ("    - name: slack\n", "    - name: no-such-tool\n", "no-such-tool", "not in the cat"),
    ],
)
def test_tools_vetted_fails(registry: Path, old: str, new: str, needle: str, words: str) -> None:
    edit(registry / SRE, old, new)
    check = result("incident-triage", "tools-vetted")
    assert check["status"] == "fail"
    assert words in check["reason"]
    assert check["line"] == line_of(registry / SRE, needle)
    assert check["file"] == SRE


def test_tools_vetted_follows_the_allowed_statuses(registry: Path) -> None:
    edit(registry / "registry/tools/filesystem-write.yaml", "status: proposed", "status: vetted")
    edit(registry / SRE, "    - name: slack\n", "    - name: filesystem-write\n")
    edit(registry / SRE, '      version: "^1.4.0"\n', '      version: "^0.1.0"\n')
    assert result("incident-triage", "tools-vetted")["status"] == "pass"


def test_tool_actions_fail_on_an_unknown_action(registry: Path) -> None:
    edit(registry / SRE, "        - list_commits\n", "        - list_comits\n")
    check = result("incident-triage", "tool-actions")
    assert check["status"] == "fail"
    assert check["line"] == line_of(registry / SRE, "list_comits")
    assert check["field"] == "spec.tools[1].actions[2]"


def test_data_classification_fails_for_a_tool_above_the_agent(registry: Path) -> None:
    edit(registry / SRE, "  data_classification: internal\n", "  data_classification: public\n")
    check = result("incident-triage", "data-classification")
    assert check["status"] == "fail"
    assert "tool 'pagerduty' handles internal data" in check["reason"]


def test_data_classification_fails_above_the_team_maximum(registry: Path) -> None:
    edit(registry / BILLING, "data_classification: confidential", "data_classification: restricted")
    check = result("invoice-triage", "data-classification")
    assert check["status"] == "fail"
    assert "billing-retention.yaml" in check["reason"]


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("enabled: true\n    retention_days", "enabled: false\n    retention_days", "not enabled"),
        ("    retention_days: 90\n", "    retention_days: 7\n", "at least 30"),
    ],
)
def test_logging_fails(registry: Path, old: str, new: str, words: str) -> None:
    edit(registry / SRE, old, new)
    check = result("incident-triage", "logging")
    assert check["status"] == "fail"
    assert words in check["reason"]


def test_logging_retention_follows_the_team_minimum(registry: Path) -> None:
    edit(registry / BILLING, "retention_days: 400", "retention_days: 100")
    check = result("invoice-triage", "logging")
    assert check["status"] == "fail"
    assert "at least 365" in check["reason"]
    assert "billing-retention.yaml" in check["reason"]


def test_approvals_fail_for_an_ungated_high_risk_action(registry: Path) -> None:
    edit(
        registry / BILLING,
        "        - create_refund\n      approvers:",
        "        - list_invoices\n      approvers:",
    )
    check = result("invoice-triage", "approvals")
    assert check["status"] == "fail"
    assert "'stripe-refunds.create_refund' (risk high, destructive)" in check["reason"]


def test_approvals_treat_an_unannotated_action_as_destructive(registry: Path) -> None:
    edit(
        registry / "registry/tools/slack.yaml",
        "      description: Read recent messages in a channel.\n      risk: low\n"
        "      annotations:\n        readOnlyHint: true\n        destructiveHint: false\n"
        "        idempotentHint: true\n        openWorldHint: false\n",
        "      description: Read recent messages in a channel.\n      risk: low\n",
    )
    check = result("incident-triage", "approvals")
    assert check["status"] == "fail"
    assert "slack.slack_get_channel_history' (destructive)" in check["reason"]


def test_telemetry_fails_when_disabled(registry: Path) -> None:
    edit(registry / SRE, "  telemetry:\n    enabled: true\n", "  telemetry:\n    enabled: false\n")
    check = result("incident-triage", "telemetry")
    assert check["status"] == "fail"
    assert check["line"] == line_of(registry / SRE, "enabled: false")


def test_ledger_check_skips_without_a_ledger(registry: Path) -> None:
    edit(registry / "hub.yaml", 'ledger:\n  url: "sqlite:///.hub/ledger.db"\n', "ledger:\n")
    check = result("incident-triage", "ledger-records")
    assert check["status"] == "skip"
    assert check["reason"] == "no ledger configured"


def test_guardrails_not_loosened_fails_naming_both_files(registry: Path) -> None:
    edit(
        registry / SRE,
        "      limits:\n",
        "      logging:\n        min_retention_days: 7\n      limits:\n",
    )
    check = result("incident-triage", "guardrails-not-loosened")
    assert check["status"] == "fail"
    assert f"{SRE}:{line_of(registry / SRE, 'min_retention_days')}" in check["reason"]
    baseline = registry / "registry/guardrails/baseline.yaml"
    assert f"baseline.yaml:{line_of(baseline, 'min_retention_days')}" in check["reason"]


def test_skills_resolve_fails_on_an_unknown_skill(registry: Path) -> None:
    edit(registry / SRE, "    - name: runbook-lookup\n", "    - name: runbook-lokup\n")
    check = result("incident-triage", "skills-resolve")
    assert check["status"] == "fail"
    assert check["line"] == line_of(registry / SRE, "runbook-lokup")


def test_skills_resolve_fails_when_a_skill_needs_a_missing_action(registry: Path) -> None:
    edit(registry / SRE, "        - list_log_entries\n", "")
    check = result("incident-triage", "skills-resolve")
    assert check["status"] == "fail"
    assert (
        "skill 'incident-summary' needs 'pagerduty' actions ['list_log_entries']"
        in (check["reason"])
    )
    assert "registry/skills/incident-summary/skill.yaml:" in check["reason"]


def test_skills_resolve_fails_outside_the_version_range(registry: Path) -> None:
    edit(registry / SRE, '      version: "^1.3.0"\n', '      version: "^2.0.0"\n')
    assert result("incident-triage", "skills-resolve")["status"] == "fail"


@pytest.mark.parametrize(
    ("model", "words"),
    [("claude-opus-4-1", "denied"), ("gpt-9", "not in the pricing table")],
)
def test_model_allowed_fails(registry: Path, model: str, words: str) -> None:
    edit(registry / SRE, "  model: claude-sonnet-4-5\n", f"  model: {model}\n")
    check = result("incident-triage", "model-allowed")
    assert check["status"] == "fail"
    assert any(words in p["message"] for p in check["problems"])


def test_model_allowed_fails_outside_the_team_allow_list(registry: Path) -> None:
    edit(registry / BILLING, "  model: claude-sonnet-4-5\n", "  model: claude-opus-4-5\n")
    check = result("invoice-triage", "model-allowed")
    assert check["status"] == "fail"
    assert "models.allow" in check["reason"]


def test_owner_team_fails_without_owners(registry: Path) -> None:
    edit(
        registry / "registry/teams/sre.yaml",
        '  owners:\n    - "@acme/sre"\n    - "@alice.nguyen"\n',
        "  owners: []\n",
    )
    check = result("incident-triage", "owner-team")
    assert check["status"] == "fail"
    assert check["file"] == "registry/teams/sre.yaml"


def test_owner_team_fails_for_an_unknown_team(registry: Path) -> None:
    (registry / "registry/teams/sre.yaml").unlink()
    assert result("incident-triage", "owner-team")["status"] == "fail"


@pytest.mark.parametrize(
    "secret",
    [
        "ghp_" + "a1B2" * 9,
        "AKIA" + "Q" * 16,
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "sk-ant-api03-" + "x9Y_" * 12,
    ],
)
def test_no_secrets_fails_on_a_key_in_a_skill_file(registry: Path, secret: str) -> None:
    doc = registry / "registry/skills/incident-summary/SKILL.md"
    doc.write_text(doc.read_text(encoding="utf-8") + f"\nUse {secret} to log in.\n", "utf-8")
    check = result("incident-triage", "no-secrets")
    assert check["status"] == "fail"
    assert check["file"] == "registry/skills/incident-summary/SKILL.md"
    assert check["line"] == line_of(doc, "to log in")
    assert secret not in check["reason"]  # never echo the secret itself


def test_no_secrets_fails_on_a_high_entropy_value_in_the_agent(registry: Path) -> None:
    edit(
        registry / SRE,
        "  annotations:\n",
        "  annotations:\n    api_token: 'Zx8qLm2vPw9tRk4nBc7yHd3s'\n",
    )
    check = result("incident-triage", "no-secrets")
    assert check["status"] == "fail"
    assert "api_token" in check["reason"]


def test_advisory_guardrail_only_warns(registry: Path) -> None:
    cost = (registry / "registry/guardrails/cost-limits.yaml").read_text(encoding="utf-8")
    limits = "    limits:\n      max_cost_usd_per_run: 2.5\n      max_tool_calls_per_run: 40\n"
    short = cost.replace("name: cost-limits", "name: short-logs").replace(
        limits, "    logging:\n      min_retention_days: 120\n"
    )
    write(registry, {"registry/guardrails/short-logs.yaml": short})
    document = certify("incident-triage", code=0)
    check = next(c for c in document["agents"][0]["checks"] if c["id"] == "logging")
    assert check["status"] == "warn"
    assert "at least 120" in check["reason"]


def test_parallel_and_index_cache_paths_agree_with_the_serial_one(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubrails.core.certify import run as certify_module

    edit(
        registry / SRE,
        "  model: claude-sonnet-4-5\n",
        "  model: claude-sonnet-4-5\n  colour: red\n",
    )
    serial = run_cli("certify", "--all", "--format", "json").json()["agents"]
    assert run_cli("validate").exit_code == 1  # fills the index cache
    monkeypatch.setattr(certify_module, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(certify_module, "INDEX_THRESHOLD", 0)
    parallel = run_cli("certify", "--all", "--format", "json").json()["agents"]
    assert parallel == serial
    sre = next(a for a in parallel if a["name"] == "incident-triage")
    assert sre["checks"][0]["status"] == "fail"


def test_all_lists_failing_agents_and_checks(registry: Path) -> None:
    edit(registry / SRE, "    retention_days: 90\n", "    retention_days: 7\n")
    run = run_cli("certify", "--all")
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("✗ sre/incident-triage: not certified")
    assert lines[1].startswith(f"  fail   logging: {SRE}:")
    assert lines[-1] == "✗ 3 of 4 agents certified"


def test_an_integer_past_64_bits_in_a_manifest_is_no_internal_error(registry: Path) -> None:
    # Found by the fuzzer: saving the parsed-manifest cache raised (exit 3).
    baseline = registry / "registry/guardrails/baseline.yaml"
    edit(baseline, "apiVersion: hubrails/v1", "apiVersion: -9223372036854775809")
    first = run_cli("certify", "--all", "--format", "json")
    assert first.exit_code in (0, 1), first.stderr
    assert run_cli("certify", "--all", "--format", "json").json() == first.json()


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("registry/pricing.yaml", "        - opus\n", "        - [opus]\n"),
        ("registry/pricing.yaml", "        - opus\n", "        - {x: opus}\n"),
        ("registry/pricing.yaml", "    - id: claude-opus-4-5\n", "    - id: [claude-opus-4-5]\n"),
    ],
)
def test_pricing_names_of_any_shape_are_no_internal_error(
    registry: Path, path: str, old: str, new: str
) -> None:
    # Found by the fuzzer: a list or mapping as a model's id or among its aliases was an
    # unhashable TypeError in the model-allowed check (exit 3).
    edit(registry / path, old, new)
    run = run_cli("certify", "--all", "--format", "json")
    assert run.exit_code in (0, 1), run.stderr
    assert len(run.json()["agents"]) == 4
