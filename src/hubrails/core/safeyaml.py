"""The safe YAML loader every command uses.

PyYAML composes the node tree (with libyaml's C parser where present, and a faster resolver of
the same tags); this module then builds plain Python data from the nodes itself, so that it can
refuse what PyYAML would silently accept (duplicate keys, non-core tags, merge keys, alias bombs)
and keep every node's position.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_ALIAS_NODES = 1000
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = (f"{_CORE}{t}" for t in ("str", "seq", "map", "merge"))
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_BOOLS: dict[str, bool] = _CONSTRUCTOR.bool_values


def _bool(node: ScalarNode) -> bool:
    """``construct_yaml_bool`` without its two checks that the node is a scalar."""
    return _BOOLS[node.value.lower()]


def _null(node: ScalarNode) -> None:
    """``construct_yaml_null``: any value."""


_BUILDERS: dict[str, Callable[[ScalarNode], Any]] = {
    f"{_CORE}int": _CONSTRUCTOR.construct_yaml_int,
    f"{_CORE}float": _CONSTRUCTOR.construct_yaml_float,
    f"{_CORE}bool": _bool,
    f"{_CORE}null": _null,
    f"{_CORE}timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}


# PyYAML's own YAML 1.1 implicit resolvers (bool, int, float, null, timestamp, merge, value), by
# the first character of a plain scalar, each list followed by the ones for any character.
_WILDCARD: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    Resolver.yaml_implicit_resolvers.get(None, ())
)
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: (*resolvers, *_WILDCARD)
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    if first is not None
}
_NO_PATHS: dict[Node | None, Any] = {}
_PLAIN_TAGS: dict[str, str] = {}  # short plain scalars that had resolvers to try -> their tag
_PLAIN_TAGS_MAX = 4096
_PLAIN_TAGS_MAX_LENGTH = 64

Pointer = tuple[str | int, ...]
Mark = tuple[int, int]


class LoadError(Exception):
    """A file that cannot be loaded safely; ``rule`` is the stable finding id."""

    def __init__(
        self, rule: str, message: str, line: int = 1, column: int = 1, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


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
        line, column = _mark(node)
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
        return None if node.tag == _STR else str(node.value)


def dotted(pointer: Pointer) -> str:
    """A pointer as authors write it: ``spec.tools[0].name``."""
    text = ""
    for part in pointer:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Resolver:
    """The tags of PyYAML's ``SafeLoader`` (``yaml.resolver.Resolver``), found faster.

    PyYAML's resolver is pure Python and runs for every node, walking path resolvers that the
    safe loader never has. This one tries the same implicit resolvers, in the same order, only
    for plain scalars whose first character has any, and remembers the answer for short ones.
    """

    # No path resolvers: descending and ascending the tree does nothing. Builtins ignore their
    # arguments faster than a Python method: ``{}.get(node, index)`` and ``tuple()``.
    descend_resolver = _NO_PATHS.get
    ascend_resolver = tuple

    def resolve(self, kind: type[Node], value: str | None, implicit: Any) -> str:
        """The tag of a node that has none (or only ``!``); ``implicit`` is ``(plain, quoted)``
        for a scalar."""
        if kind is ScalarNode:
            if implicit[0]:
                assert value is not None
                resolvers = _IMPLICIT.get(value[:1], _WILDCARD)
                if resolvers:
                    tag = _PLAIN_TAGS.get(value)
                    return _plain_tag(value, resolvers) if tag is None else tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def _plain_tag(value: str, resolvers: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    """The first of ``resolvers`` that matches ``value``, as PyYAML tries them, else str."""
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), _STR)
    if len(value) <= _PLAIN_TAGS_MAX_LENGTH and len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
        _PLAIN_TAGS[value] = tag
    return tag


class _PyLoader(Reader, Scanner, Parser, Composer, _Resolver):
    """PyYAML's pure-Python parser and composer with the fast resolver, where libyaml is
    missing."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - libyaml is missing only on exotic builds
    _Loader: type[_PyLoader] | type[_CLoader] = _PyLoader
else:

    class _CLoader(CParser, _Resolver):
        """libyaml's parser and PyYAML's C composer with the fast resolver."""

    _Loader = _CLoader


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
                        *_mark(node),
                        hint="write the values out instead of nesting aliases (a 'billion "
                        "laughs' file expands exponentially)",
                    )
            else:
                self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise LoadError(
                "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels", *_mark(node)
            )
        if type(node) is ScalarNode:
            return node.value if node.tag == _STR else _scalar(node)
        if type(node) is MappingNode:
            return self._mapping(node, depth)
        assert isinstance(node, SequenceNode)
        if node.tag != _SEQ:
            raise _tag_error(node)
        depth += 1
        if self.aliases or depth > MAX_DEPTH:
            return [self.build(item, depth) for item in node.value]
        return [
            item.value if type(item) is ScalarNode and item.tag == _STR else self.build(item, depth)
            for item in node.value
        ]

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            raise _tag_error(node)
        depth += 1
        inline = not (self.aliases or depth > MAX_DEPTH)  # scalar values built here
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag != _STR:
                _check_key(key_node)
            key = key_node.value
            if key in result:
                raise _duplicate_key(node, key_node)
            if not inline:
                result[key] = self.build(value_node, depth)
            elif type(value_node) is ScalarNode:
                tag = value_node.tag
                result[key] = value_node.value if tag == _STR else _scalar(value_node)
            elif type(value_node) is MappingNode:
                result[key] = self._mapping(value_node, depth)
            else:
                result[key] = self.build(value_node, depth)
        return result


def _may_alias(text: str) -> bool:
    """Whether ``text`` can hold an alias: that needs an anchor (``&``) and an alias (``*``)."""
    return "*" in text and "&" in text


def _check_key(node: Node) -> None:
    """Refuse a merge key, a key that is not a scalar, and a key with a non-core tag (an
    implicit int, bool, ... key is kept as its source text)."""
    if node.tag == _MERGE:
        raise LoadError(
            "yaml-merge-key",
            "merge keys ('<<') are not allowed",
            *_mark(node),
            hint="write the keys out: a merge hides where a governed value comes from",
        )
    if not isinstance(node, ScalarNode):
        raise LoadError("yaml-key", "mapping keys must be plain strings", *_mark(node))
    _scalar(node)


def _duplicate_key(mapping: MappingNode, node: Node) -> LoadError:
    """The error for key ``node``, written earlier in ``mapping`` too."""
    first = next(key for key, _ in mapping.value if key.value == node.value)
    line, col = _mark(first)
    return LoadError(
        "yaml-duplicate-key",
        f"duplicate key '{node.value}' (first defined at line {line}, column {col})",
        *_mark(node),
        hint="YAML keeps only the last value silently; remove one of them",
    )


def _scalar(node: ScalarNode) -> Any:
    if node.tag == _STR:
        return node.value
    builder = _BUILDERS.get(node.tag)
    if builder is None:
        raise _tag_error(node)
    try:
        return builder(node)
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        kind = node.tag.removeprefix(_CORE)
        raise LoadError(
            "yaml-tag",
            f"'{node.value}' is not a valid !!{kind}",
            *_mark(node),
            hint=f"write a valid {kind}, or drop the '!!{kind}' tag",
        ) from None


def _tag_error(node: yaml.Node) -> LoadError:
    return LoadError(
        "yaml-tag",
        f"tag '{node.tag}' is not allowed",
        *_mark(node),
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
        line, col = _mark(node) if node is not None else (1, 1)
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


def read_bytes(
    path: Path | str, root: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, walked: bool = False
) -> bytes:
    """Read a file inside ``root``, refusing links that lead outside it and files over the limit.

    ``walked`` says the caller reached ``path`` by walking real folders down from ``root``
    (as ``layout.walk`` does), so only the file itself can be a link: it is opened without
    following one, and only a link is resolved.
    """
    try:
        fd = _open_inside(path, root, walked)
        try:
            size = os.fstat(fd).st_size
            limit = max_bytes + 1
            data = os.read(fd, min(size + 1, limit) if size else limit)  # not 1 MiB for 2 KiB
            while len(data) < min(size, limit) and (more := os.read(fd, limit - len(data))):
                data += more
        finally:
            os.close(fd)
    except OSError as exc:
        raise LoadError("file-unreadable", f"cannot read the file: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise LoadError(
            "file-too-large",
            f"file is {size} bytes, over the limit of {max_bytes}",
            hint="split it, or raise limits.max_file_bytes in hub.yaml",
        )
    return data


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open_inside(path: Path | str, root: Path, walked: bool) -> int:
    """A descriptor of ``path`` opened for reading, unless it links outside ``root``."""
    if walked and _NOFOLLOW:
        try:
            return os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError as exc:
            if exc.errno != errno.ELOOP:  # ELOOP: the file is a link, resolved below
                raise
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(Path(os.path.realpath(root))):
        raise LoadError(
            "symlink-outside",
            f"symbolic link leads outside the repository (to {target})",
            hint="copy the file into the repository instead of linking to it",
        )
    return os.open(path, os.O_RDONLY)


def load(
    path: Path,
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_alias_nodes: int = DEFAULT_MAX_ALIAS_NODES,
) -> Document:
    """Read, decode and parse one manifest file safely."""
    return parse(decode(read_bytes(path, root, max_bytes)), max_alias_nodes=max_alias_nodes)
