"""The quality bar: every check with its stable id, title, severity and remediation.

Check ids are stable (certificates and waivers name them); ``docs/checks.md`` documents each.
"""

from __future__ import annotations

from hubrails.core.certify.check_context import CheckSpec
from hubrails.core.certify.checks_agent import (
    check_guardrails,
    check_ledger,
    check_logging,
    check_manifest,
    check_model,
    check_owner,
    check_secrets,
    check_telemetry,
)
from hubrails.core.certify.checks_tools import (
    check_approvals,
    check_data,
    check_skills,
    check_tool_actions,
    check_tools_vetted,
)

CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "manifest-valid",
        "Agent manifest is valid",
        "required",
        "fix the manifest; 'hub validate' shows every problem with a hint",
        check_manifest,
    ),
    CheckSpec(
        "tools-vetted",
        "Only vetted tools, within the declared version ranges",
        "required",
        "use a vetted catalog tool at a version the range allows, or ask the platform team "
        "to vet it",
        check_tools_vetted,
    ),
    CheckSpec(
        "tool-actions",
        "Only tool actions that exist",
        "required",
        "use the action names the tool's manifest declares under spec.actions",
        check_tool_actions,
    ),
    CheckSpec(
        "data-classification",
        "Data within the agent's classification ceiling",
        "required",
        "drop the tool, or raise the agent's data_classification within the policy's maximum",
        check_data,
    ),
    CheckSpec(
        "logging",
        "Logging enabled and meeting the minimum retention",
        "required",
        "set spec.logging.enabled: true and retention_days to at least the policy's minimum",
        check_logging,
    ),
    CheckSpec(
        "approvals",
        "High-stakes actions gated by a human approval",
        "required",
        "add the action to spec.approvals with its approvers, or stop using it",
        check_approvals,
    ),
    CheckSpec(
        "telemetry",
        "Telemetry declared",
        "required",
        "set spec.telemetry.enabled: true with an exporter and endpoint",
        check_telemetry,
    ),
    CheckSpec(
        "ledger-records",
        "Runs recorded in the cost ledger",
        "advisory",
        "check that the agent's telemetry reaches the ledger ('hub ledger ingest')",
        check_ledger,
    ),
    CheckSpec(
        "guardrails-not-loosened",
        "Guardrails not loosened",
        "required",
        "remove the looser value, or ask the platform team to change the hub guardrail",
        check_guardrails,
    ),
    CheckSpec(
        "skills-resolve",
        "Skills resolve, and their tools are among the agent's",
        "required",
        "fix the skill name or range, and list every tool and action the skill needs",
        check_skills,
    ),
    CheckSpec(
        "model-allowed",
        "Model allowed by policy and priced",
        "required",
        "use a model from models.allow that has an entry in pricing.yaml",
        check_model,
    ),
    CheckSpec(
        "owner-team",
        "Owner team exists and has owners",
        "required",
        "set metadata.team to a team in registry/teams/ that lists spec.owners",
        check_owner,
    ),
    CheckSpec(
        "no-secrets",
        "No secrets in manifests or skill files",
        "required",
        "remove the secret, rotate it, and reference it from a secret store instead",
        check_secrets,
    ),
)
CHECK_IDS = tuple(spec.id for spec in CHECKS)
