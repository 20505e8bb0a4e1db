"""Rewrite a skill manifest for the hub: new owner, lineage, and a schema modeline that still
points at the schema from the new folder. Comments and layout are kept where possible."""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from hubrails.core.promote.outcome import Lineage
from hubrails.core.registry import safeyaml
from hubrails.core.registry.document import Document

_MODELINE = re.compile(r"^(#\s*yaml-language-server:\s*\$schema=)(\S+)", re.MULTILINE)


def promoted_manifest(
    text: str, *, owner: str, lineage: Lineage, old_path: str, new_path: str
) -> str:
    """``text`` of ``old_path`` with ``metadata.team`` set to ``owner`` and the lineage added,
    fit to be stored at ``new_path``."""
    doc = safeyaml.parse(text)
    expected = _expected(doc.data, owner, lineage)
    edited = _edit_in_place(text, doc, owner, lineage)
    if edited is None or _data(edited) != expected:
        edited = _dump(expected, _MODELINE.search(text))
    return rewrite_modeline(edited, old_path, new_path)


def rewrite_modeline(text: str, old_path: str, new_path: str) -> str:
    """Re-point a relative ``# yaml-language-server: $schema=`` path from ``new_path``."""
    match = _MODELINE.search(text)
    if match is None or "://" in match.group(2) or match.group(2).startswith("/"):
        return text
    target = posixpath.normpath(posixpath.join(posixpath.dirname(old_path), match.group(2)))
    if target.startswith(".."):
        return text
    relative = posixpath.relpath(target, posixpath.dirname(new_path))
    return text[: match.start(2)] + relative + text[match.end(2) :]


def _expected(data: dict[str, Any], owner: str, lineage: Lineage) -> dict[str, Any]:
    metadata = dict(data["metadata"])
    metadata["team"] = owner
    metadata["promoted_from"] = lineage.to_dict()
    return {**data, "metadata": metadata}


def _data(text: str) -> dict[str, Any] | None:
    try:
        return safeyaml.parse(text).data
    except safeyaml.LoadError:
        return None


def _edit_in_place(text: str, doc: Document, owner: str, lineage: Lineage) -> str | None:
    """Replace the ``team:`` line and add ``promoted_from`` below it, in the author's layout."""
    if "promoted_from" in doc.data["metadata"] or "team" not in doc.data["metadata"]:
        return None
    key = doc.mark(("metadata", "team"), key=True)
    value = doc.mark(("metadata", "team"))
    if key[0] != value[0]:
        return None
    lines = text.splitlines(keepends=True)
    index = key[0] - 1
    indent = " " * (key[1] - 1)
    ending = "\r\n" if lines[index].endswith("\r\n") else "\n"
    block = [f"{indent}team: {owner}", f"{indent}promoted_from:"]
    block += [f"{indent}  {k}: {json.dumps(v)}" for k, v in lineage.to_dict().items()]
    lines[index : index + 1] = [line + ending for line in block]
    return "".join(lines)


def _dump(data: dict[str, Any], modeline: re.Match[str] | None) -> str:
    import yaml

    head = modeline.group(0) + "\n" if modeline else ""
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
