"""A skill's two files agree: SKILL.md exists beside skill.yaml, with the same name and
description."""

from __future__ import annotations

from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.asset_index import Index
from hubrails.core.validate.reports import FileReport, finding_at


def skill_docs(reports: list[FileReport], index: Index) -> list[Finding]:
    """Every skill has a SKILL.md beside skill.yaml, agreeing on name and description."""
    findings = []
    docs = {r.path.rsplit("/", 1)[0]: r for r in reports if r.asset and r.asset.kind == "SkillDoc"}
    for report in reports:
        asset = report.asset
        if asset is None or asset.kind != "Skill":
            continue
        folder = report.path.rsplit("/", 1)[0]
        doc = docs.get(folder)
        if doc is None:
            doc_path = f"{folder}/SKILL.md"
            if not _has_doc(index, doc_path):
                findings.append(
                    finding_at(
                        "skill-md-missing",
                        Severity.ERROR,
                        report.path,
                        asset,
                        "the skill has no SKILL.md beside skill.yaml",
                        "write the agent-facing instructions in SKILL.md",
                    )
                )
            continue
        assert doc.asset is not None
        for field, mine, theirs in (
            ("name", asset.name, doc.asset.name),
            ("description", asset.description, doc.asset.description),
        ):
            if theirs is not None and mine is not None and mine != theirs:
                findings.append(
                    finding_at(
                        "skill-md-mismatch",
                        Severity.ERROR,
                        report.path,
                        asset,
                        f"metadata.{field} differs from the {field} in {doc.path}",
                        f"make them identical; SKILL.md says: {_clip(theirs)}",
                        [doc.path],
                    )
                )
    return findings


def _has_doc(index: Index, path: str) -> bool:
    return any(
        p == path for entries in index.by_kind.get("SkillDoc", {}).values() for p, _ in entries
    )


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
