"""Manifests of the wrong shape are findings (exit 1), never internal errors: in validate and
in certify (``run_cli`` sets ``HUB_DEBUG=1``, so an internal error fails the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import edit, run_cli

AGENT = "registry/spokes/billing-ops/agents/invoice-triage.yaml"
ACTIONS = "      actions:\n        - list_customers\n"
APPROVAL = "      actions:\n        - create_refund\n"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (ACTIONS, "      actions:\n        - {x: y}\n"),
        (ACTIONS, "      actions:\n        - [x]\n"),
        (ACTIONS, "      actions: 5\n      unused:\n"),
        (ACTIONS, "      actions: {a: b}\n      unused:\n"),
        (APPROVAL, "      actions:\n        - [create_refund]\n"),
        (APPROVAL, "      actions: 7\n"),
        ("  approvals:\n", "  approvals: 3\n  unused:\n"),
        (
            "  tools:\n    - name: stripe-refunds\n",
            "  tools:\n    - [stripe-refunds]\n    - x: 1\n",
        ),
    ],
)
def test_a_wrong_shape_is_a_schema_finding(registry: Path, old: str, new: str) -> None:
    edit(registry / AGENT, old, new)
    for args in (("validate",), ("validate", AGENT)):
        run = run_cli(*args, "--format", "json")
        assert run.exit_code == 1
        assert any(rule.startswith("schema-") and path == AGENT for rule, path, _ in run.rules())
    run = run_cli("certify", AGENT)
    assert run.exit_code == 1, run.stderr
    assert "manifest-valid" in run.stdout


TOOL = "registry/tools/github.yaml"
LABELS = "  labels:\n    category: code-host\n"


@pytest.mark.parametrize("key", ["1", "null", "yes", "true", "off", "2024-01-01", "1.5", "~"])
def test_a_label_key_yaml_reads_as_another_type_is_a_finding(registry: Path, key: str) -> None:
    edit(registry / TOOL, LABELS, f"{LABELS}    {key}: x\n")
    run = run_cli("validate", TOOL, "--format", "json")
    assert run.exit_code == 1
    assert ("yaml-implicit-type", TOOL, 13) in run.rules()
    edit(registry / TOOL, f"    {key}: x\n", f'    "{key}": x\n')
    assert ("yaml-implicit-type", TOOL, 13) not in run_cli("validate", TOOL, "-f", "json").rules()


def test_keys_that_yaml_reads_alike_are_caught(registry: Path) -> None:
    edit(registry / TOOL, LABELS, f"{LABELS}    yes: a\n    true: b\n")
    assert ("yaml-implicit-type", TOOL, 13) in run_cli("validate", TOOL, "-f", "json").rules()


@pytest.mark.parametrize("value", ["25:00", "0x5DC", "1_500", "017", "190:20:30"])
def test_a_sexagesimal_or_hex_value_is_an_implicit_type(registry: Path, value: str) -> None:
    edit(registry / TOOL, LABELS, f"{LABELS}    when: {value}\n")
    assert ("yaml-implicit-type", TOOL, 13) in run_cli("validate", TOOL, "-f", "json").rules()
