"""Composing YAML node trees fast: libyaml's parser and PyYAML's C composer (PyYAML's own
pure-Python ones where libyaml is missing), with a resolver that gives exactly the tags of
PyYAML's safe loader but costs a fraction of its pure-Python one."""

from __future__ import annotations

import re
from typing import Any

from yaml.composer import Composer
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

CORE = "tag:yaml.org,2002:"  # YAML's core tags: CORE + "str", "int", ...
STR, SEQ, MAP = (f"{CORE}{t}" for t in ("str", "seq", "map"))

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
            return STR
        return SEQ if kind is SequenceNode else MAP


def _plain_tag(value: str, resolvers: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    """The first of ``resolvers`` that matches ``value``, as PyYAML tries them, else str."""
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), STR)
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
    Loader: type[_PyLoader] | type[_CLoader] = _PyLoader
else:

    class _CLoader(CParser, _Resolver):
        """libyaml's parser and PyYAML's C composer with the fast resolver."""

    Loader = _CLoader
