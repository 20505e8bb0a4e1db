"""The facts cross-file checks need from one manifest: its asset and its references."""

from __future__ import annotations

from typing import Any

from hubrails.core.registry.document import Document, Pointer, dotted
from hubrails.core.validate.reports import Asset, Ref


def _meta(doc: Document) -> dict[str, Any]:
    meta = doc.data.get("metadata")
    return meta if isinstance(meta, dict) else {}


def spec_of(doc: Document) -> dict[str, Any]:
    spec = doc.data.get("spec")
    return spec if isinstance(spec, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else none (the schema reports what it is)."""
    return value if isinstance(value, list) else []


def strings(value: Any) -> list[str]:
    """The strings of ``value`` if it is a list (other items are schema findings)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def asset_of(doc: Document, kind: str) -> Asset | None:
    meta, spec = _meta(doc), spec_of(doc)
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
            alias for m in models if isinstance(m, dict) for alias in strings(m.get("aliases"))
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


def refs_of(doc: Document, kind: str) -> list[Ref]:
    """The references a ``kind`` manifest makes, each with where it is written."""
    spec, meta = spec_of(doc), _meta(doc)
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
                actions = tuple(strings(item.get("actions")))
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
