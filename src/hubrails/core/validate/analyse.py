"""Single-file analysis: load safely, validate against the schema, check the layout, and
extract the facts that cross-file checks need."""

from __future__ import annotations

from hubrails.core.registry import manifest
from hubrails.core.registry.document import Document, Pointer
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.layout import Location
from hubrails.core.validate.facts import as_list, asset_of, refs_of, spec_of, strings
from hubrails.core.validate.reports import FileReport
from hubrails.core.validate.skill_md import analyse_skill_doc


def analyse_file(
    path: str, data: bytes, location: Location, *, spoke_team: str | None, max_alias_nodes: int
) -> FileReport:
    """Everything one file (``data``, read from ``path``) says about itself, with the text of
    the lines it points at (so that nothing needs to read the file again to show them); the
    bytes are decoded and parsed by :mod:`~hubrails.core.registry.manifest`, as certify's are."""
    report = FileReport(path)
    if location.unexpected:
        _unexpected(report)
        report.keep_lines(data.decode("utf-8-sig", errors="replace"))
        return report
    loaded = manifest.from_bytes(
        data, max_alias_nodes=max_alias_nodes, parse=location.kind != "SkillDoc"
    )
    if loaded.error is not None:
        report.findings.append(Finding.from_load_error(loaded.error, path))
    elif loaded.doc is not None:
        _analyse(report, loaded.doc, location, spoke_team)
    elif loaded.text is not None:  # a SKILL.md: front matter and body, not one YAML mapping
        analyse_skill_doc(report, loaded.text, location, max_alias_nodes)
    report.keep_lines(loaded.shown_text)
    return report


def _unexpected(report: FileReport) -> None:
    report.findings.append(
        Finding(
            "layout-unexpected-file",
            Severity.WARNING,
            report.path,
            1,
            1,
            "this YAML file is not where any manifest belongs, so it is not validated",
            "manifests live at teams/NAME.yaml, tools/NAME.yaml, skills/NAME/skill.yaml, "
            "prompts/NAME.yaml, guardrails/NAME.yaml, agents/NAME.yaml or spokes/TEAM/...",
        )
    )


def _analyse(report: FileReport, doc: Document, location: Location, spoke_team: str | None) -> None:
    """Fill ``report`` with what the parsed manifest says about itself."""
    from hubrails.core.registry.schemas import KINDS, schema_findings

    path = report.path
    declared = doc.data.get("kind")
    kind = declared if declared in KINDS else location.kind
    report.findings.extend(schema_findings(kind, doc, path))
    _check_layout(report, doc, kind, location, spoke_team)
    report.asset = asset_of(doc, kind)
    report.refs = refs_of(doc, kind)
    if kind == "Agent":
        _check_approvals(report, doc)
    if kind in ("Tool", "Pricing"):
        _check_unique_names(report, doc, kind)
    if kind == "Team":
        _check_placeholders(report, doc)
        if spec_of(doc).get("signing_keys"):
            from hubrails.core.validate.team_keys import signing_key_findings

            report.findings.extend(signing_key_findings(path, doc))
    if kind == "Tool":
        from hubrails.core.validate.poisoning import action_findings, mention_refs

        actions = spec_of(doc).get("actions")
        report.findings.extend(action_findings(path, doc, actions))
        report.refs.extend(mention_refs(doc, actions))


_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")


def _check_placeholders(report: FileReport, doc: Document) -> None:
    """Warn on what ``hub init`` and ``hub new`` write for the user to replace: owners such as
    ``@your-org/sre`` and contacts at example.com (RFC 2606's documentation domains)."""
    spec = spec_of(doc)
    owners = spec.get("owners")
    for i, owner in enumerate(owners if isinstance(owners, list) else []):
        if isinstance(owner, str) and owner.lower().startswith(("@your-org/", "@your-")):
            _warn(
                report,
                doc,
                ("spec", "owners", i),
                f"owner '{owner}' is a placeholder",
                "put the team's real code-host handles here: CODEOWNERS is built from them",
            )
    contact = spec.get("contact")
    for key, value in contact.items() if isinstance(contact, dict) else []:
        domain = value.rsplit("@", 1)[-1].lower() if isinstance(value, str) else ""
        if "@" in str(value) and domain in _PLACEHOLDER_DOMAINS:
            _warn(
                report,
                doc,
                ("spec", "contact", key),
                f"contact {key} '{value}' is a placeholder",
                "give an address people can reach",
            )


def _warn(report: FileReport, doc: Document, at: Pointer, message: str, hint: str) -> None:
    line, column = doc.mark(at)
    report.findings.append(
        Finding("placeholder", Severity.WARNING, report.path, line, column, message, hint)
    )


def _err(
    report: FileReport,
    rule: str,
    doc: Document,
    pointer: Pointer,
    message: str,
    hint: str = "",
    *,
    key: bool = False,
) -> None:
    line, column = doc.mark(pointer, key=key)
    report.findings.append(Finding(rule, Severity.ERROR, report.path, line, column, message, hint))


def _check_layout(
    report: FileReport, doc: Document, kind: str, location: Location, spoke_team: str | None
) -> None:
    meta = doc.data.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    if kind != location.kind:
        _err(
            report,
            "layout-kind",
            doc,
            ("kind",),
            f"a {kind} manifest in a folder for {location.kind} manifests",
            f"move it to the {kind.lower()}s folder, or fix 'kind'",
        )
    name = meta.get("name")
    if isinstance(name, str) and name != location.name:
        where = "folder" if location.kind == "Skill" else "file"
        _err(
            report,
            "layout-name",
            doc,
            ("metadata", "name"),
            f"metadata.name '{name}' does not match the {where} name '{location.name}'",
            f"rename the {where} or the manifest so they agree",
        )
    owner = location.team or spoke_team
    team = meta.get("team")
    if owner and kind != "Team" and isinstance(team, str) and team != owner:
        _err(
            report,
            "spoke-team",
            doc,
            ("metadata", "team"),
            f"metadata.team is '{team}', but this file belongs to team '{owner}'",
            "a team defines assets only for itself",
        )


def _check_approvals(report: FileReport, doc: Document) -> None:
    spec = spec_of(doc)
    used = {
        item["name"]: set(strings(item.get("actions")))
        for item in as_list(spec.get("tools"))
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    }
    for i, approval in enumerate(as_list(spec.get("approvals"))):
        if not isinstance(approval, dict) or not isinstance(approval.get("tool"), str):
            continue
        tool = approval["tool"]
        if tool not in used:
            _err(
                report,
                "approval-unknown-tool",
                doc,
                ("spec", "approvals", i, "tool"),
                f"approval names tool '{tool}', which this agent does not use",
                "list the tool under spec.tools, or remove the approval",
            )
            continue
        for j, action in enumerate(as_list(approval.get("actions"))):
            if isinstance(action, str) and action not in used[tool]:
                _err(
                    report,
                    "approval-unknown-action",
                    doc,
                    ("spec", "approvals", i, "actions", j),
                    f"approval names action '{tool}.{action}', which this agent does not use",
                    f"list the action under the '{tool}' entry of spec.tools",
                )


def _check_unique_names(report: FileReport, doc: Document, kind: str) -> None:
    field, key = ("actions", "name") if kind == "Tool" else ("models", "id")
    seen: dict[str, int] = {}
    items = spec_of(doc).get(field)
    for i, item in enumerate(items if isinstance(items, list) else []):
        names = [item.get(key)] if isinstance(item, dict) else []
        if kind == "Pricing" and isinstance(item, dict):
            names += as_list(item.get("aliases"))
        for name in names:
            if not isinstance(name, str):
                continue
            if name in seen:
                line, _ = doc.mark(("spec", field, seen[name]))
                _err(
                    report,
                    f"{kind.lower()}-duplicate-{key}",
                    doc,
                    ("spec", field, i),
                    f"'{name}' is defined twice in spec.{field} (first at line {line})",
                    "each name must be unique",
                )
            seen[name] = i
