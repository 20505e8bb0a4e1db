"""``hub mcp probe --write``: the pins written into a Tool manifest's text.

Only the ``spec.mcp`` and ``spec.actions`` blocks are rewritten; comments and key order
elsewhere in the file stay as they were.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hubrails.errors import HubError


def _value_node(root: Any, *keys: str) -> Any:
    import yaml

    node = root
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
    return node


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _span(text: str, node: Any) -> tuple[int, int, int]:
    """(start, end, indentation) of a block node's lines in ``text``."""
    if node.flow_style:
        raise HubError("cannot rewrite a flow-style block; write it in block style first")
    start = _line_start(text, node.start_mark.index)
    end = node.end_mark.index
    if text[_line_start(text, end) : end].strip():
        newline = text.find("\n", end)
        end = len(text) if newline < 0 else newline + 1
    else:
        end = _line_start(text, end)
    while end > start:  # trailing blank and comment lines belong to what follows
        last = _line_start(text, end - 1)
        if text[last:end].strip() and not text[last:end].lstrip().startswith("#"):
            break
        end = last
    return start, end, node.start_mark.column


def _dump(value: Any, indent: int) -> str:
    import yaml

    body = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)
    return "".join(" " * indent + line + "\n" for line in body.splitlines())


def rewrite(text: str, mcp: dict[str, Any], actions: list[dict[str, Any]]) -> str:
    """``text`` with its ``spec.mcp`` and ``spec.actions`` values replaced."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans = []
    for key, value in (("mcp", mcp), ("actions", actions)):
        node = _value_node(root, "spec", key)
        if node is None or not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            raise HubError(f"the manifest has no spec.{key} block to rewrite")
        spans.append((*_span(text, node), value))
    for start, end, indent, value in sorted(spans, key=lambda s: s[0], reverse=True):
        text = text[:start] + _dump(value, indent) + text[end:]
    return text


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (temp file and rename), or leave it as it was."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
