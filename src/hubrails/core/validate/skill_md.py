"""``SKILL.md``: the Agent Skills frontmatter rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hubrails.core.registry import safeyaml
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.layout import Location
from hubrails.core.validate.reports import Asset, FileReport

ALLOWED_KEYS = ("name", "description", "license", "compatibility", "metadata", "allowed-tools")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_COMPATIBILITY = 500


def split_frontmatter(text: str) -> tuple[str, int] | None:
    """The frontmatter text and the line it starts on, or ``None`` when there is none."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    for end in range(1, len(lines)):
        if lines[end].rstrip() == "---":
            return "".join(lines[1:end]), 1
    return None


def analyse_skill_doc(
    report: FileReport, text: str, location: Location, max_alias_nodes: int
) -> FileReport:
    """Check a ``SKILL.md`` against the Agent Skills rules (and for poisoning) and record its
    name and description."""
    from hubrails.core.validate.poisoning import skill_doc_findings

    report.findings.extend(skill_doc_findings(report.path, text))
    found = split_frontmatter(text)
    if found is None:
        report.findings.append(
            Finding(
                "skill-md-frontmatter",
                Severity.ERROR,
                report.path,
                1,
                1,
                "SKILL.md has no YAML frontmatter",
                "start the file with '---', then 'name:' and 'description:', then '---'",
            )
        )
        return report
    front, offset = found
    try:
        doc = safeyaml.parse(front, max_alias_nodes=max_alias_nodes, line_offset=offset)
    except safeyaml.LoadError as exc:
        report.findings.append(Finding.from_load_error(exc, report.path))
        return report
    data = doc.data

    def problem(rule: str, key: str, message: str, hint: str = "") -> None:
        line, column = doc.mark((key,), key=True) if key else (1, 1)
        report.findings.append(
            Finding(rule, Severity.ERROR, report.path, line, column, message, hint)
        )

    for key in data:
        if key not in ALLOWED_KEYS:
            problem(
                "skill-md-key",
                key,
                f"frontmatter key '{key}' is not allowed in SKILL.md",
                "Agent Skills allows only: "
                + ", ".join(ALLOWED_KEYS)
                + "; put governance data in skill.yaml",
            )
    name = data.get("name")
    if not isinstance(name, str) or not name:
        problem("skill-md-name", "name" if "name" in data else "", "SKILL.md needs a 'name'")
    elif len(name) > MAX_NAME or not NAME_RE.match(name):
        problem(
            "skill-md-name",
            "name",
            f"name '{name}' breaks the Agent Skills name rules",
            f"lowercase letters, digits and single hyphens, at most {MAX_NAME} characters",
        )
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        problem(
            "skill-md-description",
            "description" if "description" in data else "",
            "SKILL.md needs a non-empty 'description'",
        )
    elif len(description) > MAX_DESCRIPTION:
        problem(
            "skill-md-description",
            "description",
            f"description is {len(description)} characters, over {MAX_DESCRIPTION}",
        )
    _check_optional(data, problem)
    report.asset = Asset(
        kind="SkillDoc",
        name=name if isinstance(name, str) else "",
        line=1,
        column=1,
        team=location.team,
        description=description if isinstance(description, str) else None,
    )
    return report


def _check_optional(data: dict[str, Any], problem: Callable[..., None]) -> None:
    compatibility = data.get("compatibility")
    if compatibility is not None and (
        not isinstance(compatibility, str) or len(compatibility) > MAX_COMPATIBILITY
    ):
        problem(
            "skill-md-compatibility",
            "compatibility",
            f"compatibility must be a string of at most {MAX_COMPATIBILITY} characters",
        )
    metadata = data.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        problem(
            "skill-md-metadata",
            "metadata",
            "metadata must map strings to strings",
            "quote numbers and dates",
        )
    for key in ("license", "allowed-tools"):
        if key in data and not isinstance(data[key], str):
            problem(f"skill-md-{key}", key, f"'{key}' must be a string")
