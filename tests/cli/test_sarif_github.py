"""SARIF logs as GitHub code scanning takes them: valid against the OASIS SARIF 2.1.0 schema
with format checking on, and clean under the SARIF Multitool's GitHub rules (``--rule-kind Gh``)
when the Multitool is installed (``.ci/run`` installs it from npm and sets
``HUB_SARIF_MULTITOOL``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import edit, run_cli

SCHEMA = Path(__file__).parent.parent / "fixtures/sarif/sarif-schema-2.1.0.json"
SPACED = "registry/tools/my tool.yaml"


@pytest.fixture
def logs(registry: Path) -> dict[str, dict[str, Any]]:
    """A validation log and a certification log, both with results (one on a file whose
    name has a space)."""
    text = (registry / "registry/tools/jira.yaml").read_text(encoding="utf-8")
    (registry / SPACED).write_text(text.replace("risk: ", "risk: extreme #", 1), encoding="utf-8")
    agent = registry / "registry/spokes/sre/agents/incident-triage.yaml"
    edit(agent, "enabled: true", "enabled: no")
    validated = run_cli("validate", "--format", "sarif")
    assert validated.exit_code == 1
    certified = run_cli("certify", "--all", "--format", "sarif")
    assert certified.exit_code == 1
    return {"validate": validated.json(), "certify": certified.json()}


# RFC 3986: what a URI reference may hold (unreserved, sub-delims, the delimiters of its parts,
# percent-encoded octets); a scheme is a letter then letters, digits, "+", "-" or ".".
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")


def is_uri_reference(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _URI_CHARS.match(value) or value.count("#") > 1:
        return False
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in head or bool(_SCHEME.match(head.split(":", 1)[0]))


def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    return is_uri_reference(value) and ":" in head


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def validator() -> jsonschema.Draft4Validator:
    """The OASIS schema with format checking on: the schema's formats (uri, uri-reference,
    date-time) checked as RFC 3986 and RFC 3339 say, here rather than by an optional package
    (installing one would change what jsonschema checks in hubrails itself)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(is_uri)
    checker.checks("uri-reference")(is_uri_reference)
    checker.checks("date-time")(is_date_time)
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def test_the_format_checks() -> None:
    assert is_uri_reference("registry/tools/my%20tool.yaml")
    assert not is_uri_reference("registry/tools/my tool.yaml")
    assert not is_uri_reference("a%zz")
    assert is_uri("https://json.schemastore.org/sarif-2.1.0.json")
    assert not is_uri("registry/x.yaml")
    assert is_date_time("2026-12-02T10:00:00Z") and not is_date_time("2026-02-30T10:00:00Z")


def test_format_checking_is_really_on() -> None:
    formats = set(re.findall(r'"format": "([a-z-]+)"', SCHEMA.read_text(encoding="utf-8")))
    assert formats <= {"uri", "uri-reference", "date-time"}  # all checked above
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "artifacts": [{"location": {"uri": SPACED}}],
            }
        ],
    }
    assert not validator().is_valid(log)  # a raw space is not a uri-reference


@pytest.mark.parametrize("command", ["validate", "certify"])
def test_logs_are_valid_against_the_oasis_schema(
    logs: dict[str, dict[str, Any]], command: str
) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in validator().iter_errors(logs[command])]
    assert errors == []


@pytest.mark.parametrize("command", ["validate", "certify"])
def test_what_github_requires(logs: dict[str, dict[str, Any]], command: str) -> None:
    run = logs[command]["runs"][0]
    assert run["automationDetails"]["id"] == f"hub-{command}/"
    for rule in run["tool"]["driver"]["rules"]:  # GH2012
        assert rule["fullDescription"]["text"] and rule["help"]["text"], rule
    fingerprints = [r["partialFingerprints"]["hubrailsFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        for loc in r["locations"]
    }
    assert all(" " not in uri for uri in uris)
    if command == "validate":
        assert "registry/tools/my%20tool.yaml" in uris


def test_fingerprints_survive_a_line_move(registry: Path) -> None:
    edit(registry / "registry/tools/jira.yaml", "risk: ", "risk: extreme #", 1)
    first = run_cli("validate", "--format", "sarif").json()["runs"][0]["results"]
    edit(registry / "registry/tools/jira.yaml", "apiVersion:", "# a comment\napiVersion:")
    second = run_cli("validate", "--format", "sarif").json()["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    assert first[0]["locations"] != second[0]["locations"]


def multitool() -> str | None:
    given = os.environ.get("HUB_SARIF_MULTITOOL")
    return given or shutil.which("sarif-multitool")


@pytest.mark.skipif(multitool() is None, reason="SARIF Multitool not installed (.ci/run has it)")
@pytest.mark.parametrize("command", ["validate", "certify"])
def test_sarif_multitool_github_rules(
    logs: dict[str, dict[str, Any]], command: str, tmp_path: Path
) -> None:
    tool = multitool()
    assert tool is not None
    source, report = tmp_path / f"{command}.sarif", tmp_path / f"{command}-gh.sarif"
    source.write_text(json.dumps(logs[command]), encoding="utf-8")
    done = subprocess.run(
        [tool, "validate", "--rule-kind", "Gh", "--output", str(report), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]) for r in found] == []
