"""SARIF 2.1.0, for code-scanning upload."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from hubrails import __version__
from hubrails.core.registry.findings import Severity
from hubrails.core.validate.rules import describe
from hubrails.core.validate.run import ValidationResult

if TYPE_CHECKING:
    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.results import Certification
    from hubrails.core.review.items import Review

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_DOC = "https://github.com/hubrails/hubrails/blob/main/docs/rules.md"
CHECKS_DOC = "https://github.com/hubrails/hubrails/blob/main/docs/checks.md"
FINGERPRINT = "hubrailsFinding/v1"  # partialFingerprints key: rule, file and message, no line


def _uri(path: str) -> str:
    """A repository-relative path as a percent-encoded ``uri-reference``."""
    return quote(path, safe="/")


def _fingerprint(*parts: str) -> dict[str, str]:
    """Stable across runs and line moves, so a re-upload updates alerts instead of adding."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
    return {FINGERPRINT: digest}


def _rule(rule_id: str, short: str, full: str, help_text: str, doc: str) -> dict[str, Any]:
    """A ``reportingDescriptor`` with what GitHub code scanning requires (GH2012)."""
    return {
        "id": rule_id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": f"{help_text}\n\nSee [{doc}]({doc})."},
        "helpUri": doc,
    }


def _validation_rule(rule_id: str) -> dict[str, Any]:
    text = describe(rule_id)
    return _rule(
        rule_id,
        text,
        f"hubrails validate rule {rule_id}: {text}",
        f"{text} Each result's message ends with the fix for that finding.",
        RULES_DOC,
    )


def validation_log(result: ValidationResult) -> dict[str, Any]:
    """The SARIF log for a validation result."""
    rule_ids = sorted({f.rule for f in result.findings})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f"{f.message} ({f.hint})" if f.hint else f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
            "partialFingerprints": _fingerprint(f.rule, f.path, f.message),
        }
        for f in result.findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hubrails",
                        "version": __version__,
                        "informationUri": "https://hubrails.dev",
                        "rules": [_validation_rule(r) for r in rule_ids],
                    }
                },
                "automationDetails": {"id": "hub-validate/"},
                "results": results,
            }
        ],
    }


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write the validation result as a SARIF log."""
    out.write(json.dumps(validation_log(result), indent=2) + "\n")


def certification_log(
    run: Certification, problems: list[VerifyProblem] | None = None
) -> dict[str, Any]:
    """The SARIF log for a certification run: a result per problem of a non-passing check;
    waived ones carry an external suppression with the waiver's reason."""
    from hubrails.core.certify.checks import CHECKS

    index = {spec.id: i for i, spec in enumerate(CHECKS)}
    rules: list[dict[str, Any]] = [
        _rule(
            s.id,
            s.title,
            f"hubrails certify check {s.id} ({s.severity}): {s.title}.",
            f"To pass: {s.remediation}.",
            CHECKS_DOC,
        )
        for s in CHECKS
    ]
    results: list[dict[str, Any]] = []
    for result in run.results:
        for check in result.checks:
            if check.status.value not in ("fail", "warn", "waived"):
                continue
            for p in check.problems:
                entry: dict[str, Any] = {
                    "ruleId": check.id,
                    "ruleIndex": index[check.id],
                    "level": "warning" if check.status.value == "warn" else "error",
                    "message": {"text": f"{result.team}/{result.name}: {p.message}"},
                    "locations": [_location(p.path, p.line)],
                    "partialFingerprints": _fingerprint(
                        check.id, result.team, result.name, p.path, p.message
                    ),
                }
                if check.waiver is not None:
                    justification = f"{check.waiver.reason} ({check.waiver.path})"
                    entry["suppressions"] = [{"kind": "external", "justification": justification}]
                results.append(entry)
    for problem in problems or []:
        rule = f"certificate-{problem.kind}"
        if rule not in {r["id"] for r in rules}:
            text = f"Certificate {problem.kind}"
            full = f"hub certify --verify: a certificate is {problem.kind}."
            fix = "Recertify the agent with 'hub certify --write' and commit the certificate."
            rules.append(_rule(rule, text, full, fix, CHECKS_DOC))
        results.append(
            {
                "ruleId": rule,
                "level": "error",
                "message": {"text": problem.message},
                "locations": [_location(problem.path, 1)],
                "partialFingerprints": _fingerprint(rule, problem.path, problem.message),
            }
        )
    log = validation_log(ValidationResult())
    log["runs"][0]["tool"]["driver"]["rules"] = rules
    log["runs"][0]["automationDetails"] = {"id": "hub-certify/"}
    log["runs"][0]["results"] = results
    return log


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path)},
            "region": {"startLine": line},
        }
    }


def render_certification(
    run: Certification, problems: list[VerifyProblem] | None, out: TextIO
) -> None:
    """Write a certification run as a SARIF log."""
    out.write(json.dumps(certification_log(run, problems), indent=2) + "\n")


REVIEW_DOC = "https://github.com/hubrails/hubrails/blob/main/docs/review.md"


def review_log(review: Review) -> dict[str, Any]:
    """The SARIF log of a review: a result per reason, on the agent's (or team's) manifest."""
    codes = sorted({r.code for i in review.items for r in i.reasons})
    index = {code: n for n, code in enumerate(codes)}
    results = [
        {
            "ruleId": r.code,
            "ruleIndex": index[r.code],
            "level": r.severity,
            "message": {
                "text": f"{i.key}: {r.message}. Evidence: {'; '.join(r.evidence)}. "
                f"Suggested: {r.action}."
            },
            "locations": [_location(i.path or "hub.yaml", 1)],
            "partialFingerprints": _fingerprint(r.code, i.key, i.path or ""),
        }
        for i in review.items
        for r in i.reasons
    ]
    log = validation_log(ValidationResult())
    run = log["runs"][0]
    run["tool"]["driver"]["rules"] = [
        _rule(
            c, f"Review: {c}", f"hub review condition {c}.", "See the suggested action.", REVIEW_DOC
        )
        for c in codes
    ]
    run["automationDetails"] = {"id": "hub-review/"}
    run["results"] = results
    return log


def render_review(review: Review, out: TextIO) -> None:
    """Write a review as a SARIF log."""
    out.write(json.dumps(review_log(review), indent=2) + "\n")
