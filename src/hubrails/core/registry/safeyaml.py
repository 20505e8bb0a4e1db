"""The safe YAML loader every command uses.

PyYAML composes the node tree (with libyaml's C parser where present, and a faster resolver of
the same tags); this module then builds plain Python data from the nodes itself, so that it can
refuse what PyYAML would silently accept (duplicate keys, non-core tags, merge keys, alias bombs)
and keep every node's position.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hubrails.core.registry.document import Document, mark_of
from hubrails.core.registry.yaml_loader import CORE, MAP, SEQ, STR
from hubrails.core.registry.yaml_loader import Loader as _Loader
from hubrails.errors import LoadError as LoadError  # raised here; defined with every error

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_ALIAS_NODES = 1000
MAX_DEPTH = 64

_MERGE = f"{CORE}merge"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BOOLS: dict[str, bool] = _CONSTRUCTOR.bool_values


def _bool(node: ScalarNode) -> bool:
    """``construct_yaml_bool`` without its two checks that the node is a scalar."""
    return _BOOLS[node.value.lower()]


def _null(node: ScalarNode) -> None:
    """``construct_yaml_null``: any value."""


_BUILDERS: dict[str, Callable[[ScalarNode], Any]] = {
    f"{CORE}int": _CONSTRUCTOR.construct_yaml_int,
    f"{CORE}float": _CONSTRUCTOR.construct_yaml_float,
    f"{CORE}bool": _bool,
    f"{CORE}null": _null,
    f"{CORE}timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}


class _Builder:
    """Turns a composed node tree into Python data, enforcing the safety rules.

    ``aliases=False`` promises that the tree has no aliases (see :func:`_may_alias`): no node is
    then reached twice, so nothing is counted, and scalars are built by their parent.
    """

    def __init__(self, max_alias_nodes: int, *, aliases: bool = True) -> None:
        self.max_alias_nodes = max_alias_nodes
        self.aliases = aliases
        self.seen: set[int] = set()
        self.expanded = 0

    def build(self, node: Node, depth: int = 0) -> Any:
        if self.aliases:
            if id(node) in self.seen:
                self.expanded += 1
                if self.expanded > self.max_alias_nodes:
                    raise LoadError(
                        "yaml-alias-limit",
                        f"aliases expand to more than {self.max_alias_nodes} nodes",
                        *mark_of(node),
                        hint="write the values out instead of nesting aliases (a 'billion "
                        "laughs' file expands exponentially)",
                    )
            else:
                self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise LoadError(
                "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels", *mark_of(node)
            )
        if type(node) is ScalarNode:
            return node.value if node.tag == STR else _scalar(node)
        if type(node) is MappingNode:
            return self._mapping(node, depth)
        assert isinstance(node, SequenceNode)
        if node.tag != SEQ:
            raise _tag_error(node)
        depth += 1
        if self.aliases or depth > MAX_DEPTH:
            return [self.build(item, depth) for item in node.value]
        return [
            item.value if type(item) is ScalarNode and item.tag == STR else self.build(item, depth)
            for item in node.value
        ]

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        if node.tag != MAP:
            raise _tag_error(node)
        depth += 1
        inline = not (self.aliases or depth > MAX_DEPTH)  # scalar values built here
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag != STR:
                _check_key(key_node)
            key = key_node.value
            if key in result:
                raise _duplicate_key(node, key_node)
            if not inline:
                result[key] = self.build(value_node, depth)
            elif type(value_node) is ScalarNode:
                tag = value_node.tag
                result[key] = value_node.value if tag == STR else _scalar(value_node)
            elif type(value_node) is MappingNode:
                result[key] = self._mapping(value_node, depth)
            else:
                result[key] = self.build(value_node, depth)
        return result


def _may_alias(text: str) -> bool:
    """Whether ``text`` can hold an alias: that needs an anchor (``&``) and an alias (``*``)."""
    return "*" in text and "&" in text


_KEY_TYPES = {"int": "an integer", "float": "a number", "bool": "a boolean", "null": "null"}


def _check_key(node: Node) -> None:
    """Refuse a merge key, a key that is not a scalar, a key with a non-core tag, and a key
    that YAML 1.1 reads as a number, boolean, null or date: other tools read ``1:`` as 1 and
    ``yes:`` and ``true:`` as the same key, so only a string key means the same everywhere."""
    if node.tag == _MERGE:
        raise LoadError(
            "yaml-merge-key",
            "merge keys ('<<') are not allowed",
            *mark_of(node),
            hint="write the keys out: a merge hides where a governed value comes from",
        )
    if not isinstance(node, ScalarNode):
        raise LoadError("yaml-key", "mapping keys must be plain strings", *mark_of(node))
    value = _scalar(node)
    kind = node.tag.removeprefix(CORE)
    raise LoadError(
        "yaml-implicit-type",
        f"key '{node.value}' is read by YAML 1.1 as {_KEY_TYPES.get(kind, 'a date')} "
        f"({value!r}), not as a string",
        *mark_of(node),
        hint=f'quote it: "{node.value}"',
    )


def _duplicate_key(mapping: MappingNode, node: Node) -> LoadError:
    """The error for key ``node``, written earlier in ``mapping`` too."""
    first = next(key for key, _ in mapping.value if key.value == node.value)
    line, col = mark_of(first)
    return LoadError(
        "yaml-duplicate-key",
        f"duplicate key '{node.value}' (first defined at line {line}, column {col})",
        *mark_of(node),
        hint="YAML keeps only the last value silently; remove one of them",
    )


def _scalar(node: ScalarNode) -> Any:
    if node.tag == STR:
        return node.value
    builder = _BUILDERS.get(node.tag)
    if builder is None:
        raise _tag_error(node)
    try:
        return builder(node)
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        kind = node.tag.removeprefix(CORE)
        raise LoadError(
            "yaml-tag",
            f"'{node.value}' is not a valid !!{kind}",
            *mark_of(node),
            hint=f"write a valid {kind}, or drop the '!!{kind}' tag",
        ) from None


def _tag_error(node: yaml.Node) -> LoadError:
    return LoadError(
        "yaml-tag",
        f"tag '{node.tag}' is not allowed",
        *mark_of(node),
        hint="only YAML's core types (string, number, boolean, null, list, mapping) are allowed",
    )


def decode(data: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed), or raise ``file-encoding`` at the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            "file-encoding",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            line,
            column,
            hint="save the file as UTF-8",
        ) from None


def parse(
    text: str, *, max_alias_nodes: int = DEFAULT_MAX_ALIAS_NODES, line_offset: int = 0
) -> Document:
    """Parse one YAML document that must be a mapping."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
    except yaml.YAMLError as exc:
        raise LoadError("yaml-syntax", str(exc), 1 + line_offset, 1) from None
    except RecursionError:
        raise LoadError("yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if node is None or not isinstance(node, yaml.MappingNode):
        line, col = mark_of(node) if node is not None else (1, 1)
        raise LoadError(
            "yaml-not-mapping",
            "the document is not a mapping" if node is not None else "the file is empty",
            line + line_offset,
            col,
            hint="a manifest starts with 'apiVersion:', 'kind:', 'metadata:' and 'spec:'",
        )
    doc = Document(data={}, node=node, line_offset=line_offset)
    try:
        doc.data = _Builder(max_alias_nodes, aliases=_may_alias(text)).build(node)
    except LoadError as exc:
        exc.line += line_offset
        raise
    return doc


def positions(text: str, data: dict[str, Any]) -> Document:
    """A :class:`Document` for ``data`` that :func:`parse` built from this same ``text`` earlier
    (a cache keyed by the text's digest): the node tree is composed again for positions, and the
    data, already checked, is not rebuilt."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        node = None  # cannot happen for text that parsed before; positions fall back to 1:1
    finally:
        loader.dispose()
    return Document(data=data, node=node)


def _syntax_error(exc: yaml.MarkedYAMLError, line_offset: int) -> LoadError:
    if exc.context == "expected a single document in the stream" and exc.problem_mark:
        return LoadError(
            "yaml-multi-document",
            "the file holds more than one YAML document",
            exc.problem_mark.line + 1 + line_offset,
            exc.problem_mark.column + 1,
            hint="put each manifest in its own file",
        )
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.context}: {exc.problem}"
    return LoadError("yaml-syntax", problem, line + line_offset, col)
