"""The fast YAML composer: its tags for plain, quoted and collection nodes, and the bounded memo
of plain scalars' tags. (That its trees equal PyYAML's safe loader's is in test_safeyaml.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from hubrails.core.registry import yaml_loader
from hubrails.core.registry.yaml_loader import CORE, MAP, SEQ, STR, Loader, _plain_tag, _Resolver


@pytest.fixture
def empty_memo() -> Iterator[dict[str, str]]:
    """The memo of plain scalars' tags, emptied for the test and restored after it."""
    memo = yaml_loader._PLAIN_TAGS
    saved = dict(memo)
    memo.clear()
    yield memo
    memo.clear()
    memo.update(saved)


def compose(text: str) -> MappingNode:
    loader = Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert isinstance(node, MappingNode)
    return node


def test_the_core_tags() -> None:
    assert CORE == "tag:yaml.org,2002:"
    assert [STR, SEQ, MAP] == [CORE + "str", CORE + "seq", CORE + "map"]


def test_the_loader_composes_tagged_nodes_with_positions() -> None:
    node = compose("a: 1\nb: [x, 'no']\nc: {d: null}\n")
    (a, one), (_, seq), (_, mapping) = node.value
    assert (a.tag, one.tag) == (STR, f"{CORE}int")
    assert (one.start_mark.line, one.start_mark.column) == (0, 3)
    assert isinstance(seq, SequenceNode) and seq.tag == SEQ
    assert [item.tag for item in seq.value] == [STR, STR]
    assert mapping.tag == MAP
    assert mapping.value[0][1].tag == f"{CORE}null"


def test_only_plain_scalars_are_resolved() -> None:
    resolver = _Resolver()
    assert resolver.resolve(ScalarNode, "1", (True, False)) == f"{CORE}int"
    assert resolver.resolve(ScalarNode, "1", (False, True)) == STR
    assert resolver.resolve(ScalarNode, "yes", (False, False)) == STR
    assert resolver.resolve(ScalarNode, "", (True, False)) == f"{CORE}null"
    assert resolver.resolve(ScalarNode, "name", (True, False)) == STR
    assert resolver.resolve(SequenceNode, None, True) == SEQ
    assert resolver.resolve(MappingNode, None, False) == MAP


def test_a_scalar_whose_first_character_has_no_resolver_is_a_string_unmemoised(
    empty_memo: dict[str, str],
) -> None:
    assert _Resolver().resolve(ScalarNode, "hello", (True, False)) == STR
    assert empty_memo == {}  # 'h' has no implicit resolver: nothing was tried, nothing kept


def test_short_plain_scalars_are_remembered_with_their_tag(empty_memo: dict[str, str]) -> None:
    resolver = _Resolver()
    assert resolver.resolve(ScalarNode, "1.5", (True, False)) == f"{CORE}float"
    assert resolver.resolve(ScalarNode, "no", (True, False)) == f"{CORE}bool"
    assert resolver.resolve(ScalarNode, "1.4.0", (True, False)) == STR
    assert empty_memo == {"1.5": f"{CORE}float", "no": f"{CORE}bool", "1.4.0": STR}
    empty_memo["1.5"] = "remembered"  # the memo answers before the resolvers run
    assert resolver.resolve(ScalarNode, "1.5", (True, False)) == "remembered"


def test_long_scalars_are_not_remembered(empty_memo: dict[str, str]) -> None:
    limit = yaml_loader._PLAIN_TAGS_MAX_LENGTH
    resolvers = yaml_loader._IMPLICIT["1"]
    assert _plain_tag("1" * limit, resolvers) == f"{CORE}int"
    assert _plain_tag("1" * (limit + 1), resolvers) == f"{CORE}int"
    assert list(empty_memo) == ["1" * limit]


def test_the_memo_stops_growing_at_its_size(
    empty_memo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_loader, "_PLAIN_TAGS_MAX", 2)
    resolvers = yaml_loader._IMPLICIT["1"]
    for value in ("1", "2", "3"):
        assert _plain_tag(value, resolvers) == f"{CORE}int"
    assert list(empty_memo) == ["1", "2"]


def test_plain_tag_takes_the_first_resolver_that_matches_else_str(
    empty_memo: dict[str, str],
) -> None:
    assert _plain_tag("7", yaml_loader._IMPLICIT["7"]) == f"{CORE}int"
    assert _plain_tag("8", ()) == STR
    assert empty_memo == {"7": f"{CORE}int", "8": STR}
