"""Single-file analysis: load safely, validate against the schema, check the layout, and
extract the facts that cross-file checks need."""

from __future__ import annotations

from typing import Any

from hubrails.core.registry import safeyaml
from hubrails.core.registry.document import Document, Pointer, dotted
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.layout import Location
from hubrails.core.validate.reports import Asset, FileReport, Ref
from hubrails.core.validate.skill_md import analyse_skill_doc


def analyse_file(
    path: str, data: bytes, location: Location, *, spoke_team: str | None, max_alias_nodes: int
) -> FileReport:
    """Everything one file (``data``, read from ``path``) says about itself."""
    report = FileReport(path)
    if location.unexpected:
        report.findings.append(
            Finding(
                "layout-unexpected-file",
                Severity.WARNING,
                path,
                1,
                1,
                "this YAML file is not where any manifest belongs, so it is not validated",
                "manifests live at teams/NAME.yaml, tools/NAME.yaml, skills/NAME/skill.yaml, "
                "prompts/NAME.yaml, guardrails/NAME.yaml, agents/NAME.yaml or spokes/TEAM/...",
            )
        )
        return report
    try:
        text = safeyaml.decode(data)
        if location.kind == "SkillDoc":
            return analyse_skill_doc(report, text, location, max_alias_nodes)
        doc = safeyaml.parse(text, max_alias_nodes=max_alias_nodes)
    except safeyaml.LoadError as exc:
        report.findings.append(Finding.from_load_error(exc, path))
        return report
    from hubrails.core.registry.schemas import KINDS, schema_findings

    declared = doc.data.get("kind")
    kind = declared if declared in KINDS else location.kind
    report.findings.extend(schema_findings(kind, doc, path))
    _check_layout(report, doc, kind, location, spoke_team)
    report.asset = _asset(doc, kind)
    report.refs = _refs(doc, kind)
    if kind == "Agent":
        _check_approvals(report, doc)
    if kind in ("Tool", "Pricing"):
        _check_unique_names(report, doc, kind)
    if kind == "Tool":
        from hubrails.core.validate.poisoning import action_findings

        report.findings.extend(action_findings(path, doc, _spec(doc).get("actions")))
    return report


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


def _meta(doc: Document) -> dict[str, Any]:
    meta = doc.data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _spec(doc: Document) -> dict[str, Any]:
    spec = doc.data.get("spec")
    return spec if isinstance(spec, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _asset(doc: Document, kind: str) -> Asset | None:
    meta, spec = _meta(doc), _spec(doc)
    name = _str(meta.get("name"))
    if name is None:
        return None
    line, column = doc.mark(("metadata", "name"))
    provides: tuple[str, ...] = ()
    if kind == "Tool":
        provides = tuple(_names(spec.get("actions"), "name"))
    elif kind == "Pricing":
        models: list[Any] = spec["models"] if isinstance(spec.get("models"), list) else []
        provides = tuple(_names(models, "id")) + tuple(
            alias
            for m in models
            if isinstance(m, dict)
            for alias in (m.get("aliases") or [])
            if isinstance(alias, str)
        )
    return Asset(
        kind=kind,
        name=name,
        line=line,
        column=column,
        team=_str(meta.get("team")),
        version=_str(meta.get("version")),
        lifecycle=_str(meta.get("lifecycle")) or "production",
        status=_str(spec.get("status")),
        description=_str(meta.get("description")),
        platform=spec.get("platform") is True,
        provides=provides,
        labels=_labels(meta.get("labels")),
    )


def _labels(labels: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(labels, dict):
        return ()
    return tuple(sorted((str(k), v) for k, v in labels.items() if isinstance(v, str)))


def _names(items: Any, key: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i[key] for i in items if isinstance(i, dict) and isinstance(i.get(key), str)]


_REF_FIELDS = {
    "Agent": (("skills", "Skill"), ("tools", "Tool"), ("prompts", "Prompt")),
    "Skill": (("tools", "Tool"), ("prompts", "Prompt")),
}


def references(doc: Document, kind: str) -> list[Ref]:
    """The references a ``kind`` manifest makes, each with where it is written."""
    return _refs(doc, kind)


def _refs(doc: Document, kind: str) -> list[Ref]:
    spec, meta = _spec(doc), _meta(doc)
    refs: list[Ref] = []
    if isinstance(meta.get("team"), str) and kind != "Team":
        refs.append(_ref(doc, "Team", ("metadata", "team"), meta["team"]))
    for field, target in _REF_FIELDS.get(kind, ()):
        items = spec.get(field)
        if not isinstance(items, list):
            continue
        listed = doc.within(("spec", field))
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                line, column = listed.mark((i, "name"))
                actions = tuple(a for a in item.get("actions") or [] if isinstance(a, str))
                version = _str(item.get("version"))
                where = f"spec.{field}[{i}].name"
                refs.append(Ref(target, item["name"], where, line, column, version, actions))
    if kind == "Agent":
        instructions = spec.get("instructions")
        if isinstance(instructions, dict) and isinstance(instructions.get("name"), str):
            refs.append(
                _ref(
                    doc,
                    "Prompt",
                    ("spec", "instructions", "name"),
                    instructions["name"],
                    _str(instructions.get("version")),
                )
            )
        if isinstance(spec.get("model"), str):
            refs.append(_ref(doc, "Model", ("spec", "model"), spec["model"]))
    return refs


def _ref(
    doc: Document,
    kind: str,
    at: Pointer,
    name: str,
    version: str | None = None,
    actions: tuple[str, ...] = (),
) -> Ref:
    line, column = doc.mark(at)
    return Ref(kind, name, dotted(at), line, column, version, actions)


def _check_approvals(report: FileReport, doc: Document) -> None:
    spec = _spec(doc)
    used = {
        item["name"]: set(item.get("actions") or [])
        for item in spec.get("tools") or []
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    }
    for i, approval in enumerate(spec.get("approvals") or []):
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
        for j, action in enumerate(approval.get("actions") or []):
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
    items = _spec(doc).get(field)
    for i, item in enumerate(items if isinstance(items, list) else []):
        names = [item.get(key)] if isinstance(item, dict) else []
        if kind == "Pricing" and isinstance(item, dict):
            names += list(item.get("aliases") or [])
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
