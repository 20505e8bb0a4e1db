"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hubrails.core.registry.findings import Severity
from hubrails.core.validate.run import ValidationResult

if TYPE_CHECKING:
    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.results import Certification
    from hubrails.core.review.items import Review


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_validation(result: ValidationResult, out: TextIO, root: Path) -> None:
    """Write ``::error``/``::warning`` commands the runner turns into annotations."""
    lines = []
    for f in result.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        message = f"{f.message} ({f.hint})" if f.hint else f.message
        lines.append(
            f"::{level} file={_prop(f.path)},line={f.line},col={f.column},"
            f"title={_prop(f.rule)}::{_data(message)}\n"
        )
    lines.append(
        f"hub validate: {result.count(Severity.ERROR)} error(s), "
        f"{result.count(Severity.WARNING)} warning(s) in {result.files_checked} file(s)\n"
    )
    out.write("".join(lines))


_LEVEL = {"fail": "error", "warn": "warning", "waived": "notice"}


def render_certification(
    run: Certification, problems: list[VerifyProblem] | None, out: TextIO
) -> None:
    """One annotation per failing, warning or waived check problem, then a summary line."""
    for message in run.warnings:
        out.write(f"::warning title=hub::{_data(message)}\n")
    for result in run.results:
        for check in result.checks:
            level = _LEVEL.get(check.status.value)
            if level is None:
                continue
            for p in check.problems:
                text = f"{result.team}/{result.name}: {p.message} ({check.remediation})"
                if check.waiver is not None:
                    text = f"waived until {check.waiver.expires}: {text}"
                out.write(
                    f"::{level} file={_prop(p.path)},line={p.line},"
                    f"title={_prop(check.id)}::{_data(text)}\n"
                )
    for problem in problems or []:
        out.write(
            f"::error file={_prop(problem.path)},title={_prop('certificate-' + problem.kind)}"
            f"::{_data(problem.message)}\n"
        )
    failed = sum(1 for r in run.results if not r.passed)
    out.write(f"hub certify: {len(run.results) - failed} of {len(run.results)} agents certified")
    out.write(f", {len(problems)} certificate problem(s)\n" if problems is not None else "\n")


def render_review(review: Review, out: TextIO) -> None:
    """One annotation per reason of each review item, on the agent's (or team's) manifest."""
    for item in review.items:
        for r in item.reasons:
            where = f"file={_prop(item.path)},line=1," if item.path else ""
            text = f"{item.key}: {r.message}; {'; '.join(r.evidence)}; action: {r.action}"
            out.write(f"::{r.severity} {where}title={_prop(r.code)}::{_data(text)}\n")
    out.write(f"hub review: {len(review.items)} item(s), {review.errors} with an error\n")
