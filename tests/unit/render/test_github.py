"""GitHub Actions workflow commands: one annotation per finding, its text escaped."""

from __future__ import annotations

import io
from pathlib import Path

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.run import ValidationResult
from hubrails.render.github import render_validation


def rendered(*findings: Finding, files: int = 3) -> list[str]:
    out = io.StringIO()
    render_validation(ValidationResult(list(findings), files), out, Path())
    return out.getvalue().splitlines()


def test_each_finding_is_an_annotation_at_its_place_then_a_summary() -> None:
    error = Finding("ref-unresolved", Severity.ERROR, "registry/a.yaml", 4, 7, "no Tool 'x'",
                    "did you mean 'y'?")  # fmt: skip
    warning = Finding("placeholder", Severity.WARNING, "registry/b.yaml", 2, 3, "owner")
    assert rendered(error, warning) == [
        "::error file=registry/a.yaml,line=4,col=7,title=ref-unresolved::no Tool 'x' "
        "(did you mean 'y'?)",
        "::warning file=registry/b.yaml,line=2,col=3,title=placeholder::owner",
        "hub validate: 1 error(s), 1 warning(s) in 3 file(s)",
    ]


def test_what_would_end_a_command_or_a_property_is_escaped() -> None:
    tricky = Finding("r", Severity.ERROR, "registry/a,b:c.yaml", 1, 1, "50%\nnext\r::error x")
    (line, _) = rendered(tricky)
    assert (
        line
        == "::error file=registry/a%2Cb%3Ac.yaml,line=1,col=1,title=r::50%25%0Anext%0D::error x"
    )


def test_no_findings_is_only_the_summary() -> None:
    assert rendered(files=0) == ["hub validate: 0 error(s), 0 warning(s) in 0 file(s)"]
