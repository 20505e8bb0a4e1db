"""SARIF for code scanning: a rule per finding's rule, results at their place, fingerprints
that survive line moves."""

from __future__ import annotations

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.sarif import FINGERPRINT, validation_log


def finding(line: int = 4, path: str = "registry/tools/a b.yaml") -> Finding:
    return Finding("ref-unresolved", Severity.ERROR, path, line, 7, "no Tool 'x'", "fix it")


def test_results_point_at_their_rule_and_place() -> None:
    warning = Finding("placeholder", Severity.WARNING, "registry/teams/t.yaml", 2, 3, "owner")
    log = validation_log(ValidationResult([finding(), warning], 2))
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["placeholder", "ref-unresolved"]  # sorted, each once
    first, second = run["results"]
    assert (first["ruleId"], rules[first["ruleIndex"]], first["level"]) == (
        "ref-unresolved",
        "ref-unresolved",
        "error",
    )
    assert first["message"]["text"] == "no Tool 'x' (fix it)"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "registry/tools/a%20b.yaml"
    assert location["region"] == {"startLine": 4, "startColumn": 7}
    assert (second["level"], rules[second["ruleIndex"]]) == ("warning", "placeholder")
    for rule in run["tool"]["driver"]["rules"]:  # what GitHub code scanning requires
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["helpUri"].startswith("https://")


def test_a_fingerprint_ignores_the_line_but_not_the_file() -> None:
    def key(f: Finding) -> str:
        results = validation_log(ValidationResult([f], 1))["runs"][0]["results"]
        return str(results[0]["partialFingerprints"][FINGERPRINT])

    assert key(finding(4)) == key(finding(40))
    assert key(finding(4)) != key(finding(4, path="registry/tools/b.yaml"))


def test_no_findings_is_a_valid_empty_run() -> None:
    run = validation_log(ValidationResult([], 0))["runs"][0]
    assert (run["results"], run["tool"]["driver"]["rules"]) == ([], [])
