"""A loaded YAML document that can say where each value and key was written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from hubrails.core.registry.yaml_loader import STR

Pointer = tuple[str | int, ...]
Mark = tuple[int, int]


@dataclass(slots=True)
class Document:
    """A loaded YAML mapping that can say where each value and key was written.

    Positions are looked up in PyYAML's node tree only when a finding needs one, so loading a
    valid file costs nothing extra.
    """

    data: dict[str, Any]
    node: yaml.Node | None = None
    line_offset: int = 0

    def _find(self, pointer: Pointer) -> tuple[yaml.Node | None, yaml.Node | None, bool]:
        """(value node, key node, whether the whole pointer was found) at ``pointer``, or at
        the deepest ancestor that exists."""
        node, key_node = self.node, None
        for part in pointer:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == part:
                        node, key_node = value, key
                        break
                else:
                    return node, key_node, False
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return node, key_node, False
                node, key_node = node.value[part], None
            else:
                return node, key_node, False
        return node, key_node, True

    def mark(self, pointer: Pointer, *, key: bool = False) -> Mark:
        """The 1-based (line, column) of the value (or key) at ``pointer``, else of its nearest
        ancestor."""
        value, key_node, _ = self._find(pointer)
        node = key_node if key and key_node is not None else value
        if node is None:
            return (1 + self.line_offset, 1)
        line, column = mark_of(node)
        return (line + self.line_offset, column)

    def within(self, pointer: Pointer) -> Document:
        """The part of the document at ``pointer`` (which must exist), to look up many
        positions below it without walking down from the top each time."""
        node, _, _ = self._find(pointer)
        return Document(data={}, node=node, line_offset=self.line_offset)

    def raw(self, pointer: Pointer) -> str | None:
        """The source text of a plain scalar that YAML 1.1 read as something other than a
        string (``1.10``, ``no``, ``2026-01-01``), so a finding can say what to quote."""
        node, _, found = self._find(pointer)
        if not found or not isinstance(node, yaml.ScalarNode) or node.style:
            return None
        return None if node.tag == STR else str(node.value)


def dotted(pointer: Pointer) -> str:
    """A pointer as authors write it: ``spec.tools[0].name``."""
    text = ""
    for part in pointer:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def mark_of(node: yaml.Node) -> Mark:
    """The 1-based (line, column) where ``node`` starts."""
    return (node.start_mark.line + 1, node.start_mark.column + 1)
