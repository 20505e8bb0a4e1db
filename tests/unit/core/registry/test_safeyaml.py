"""The safe loader refuses what PyYAML would silently accept, and keeps positions."""

from __future__ import annotations

import datetime
import random
import resource
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hubrails.core.registry import safeyaml, yaml_loader
from hubrails.core.registry.safefile import load
from hubrails.core.registry.safeyaml import LoadError, decode, parse


def rule_of(text: str) -> tuple[str, int, int]:
    with pytest.raises(LoadError) as caught:
        parse(text)
    return caught.value.rule, caught.value.line, caught.value.column


def test_marks_every_value_and_key() -> None:
    doc = parse("a:\n  b: [1, two]\n  c: x\n")
    assert doc.data == {"a": {"b": [1, "two"], "c": "x"}}
    assert doc.mark(("a", "b", 1)) == (2, 10)
    assert doc.mark(("a", "c"), key=True) == (3, 3)
    assert doc.mark(("a", "c")) == (3, 6)
    assert doc.mark(("a", "missing", 0)) == (2, 3)
    assert doc.mark(("a", "missing"), key=True) == (1, 1)


def test_implicit_types_keep_their_source_text() -> None:
    doc = parse("version: 1.10\nflag: no\nday: 2026-01-01\nquoted: '1.10'\n")
    assert doc.data["version"] == 1.1
    assert doc.data["flag"] is False
    assert doc.data["day"] == datetime.date(2026, 1, 1)
    assert doc.raw(("version",)) == "1.10"
    assert doc.raw(("flag",)) == "no"
    assert doc.raw(("day",)) == "2026-01-01"
    assert doc.raw(("quoted",)) is None
    assert doc.raw(("absent",)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("risk: low\nname: x\nrisk: high\n", ("yaml-duplicate-key", 3, 1)),
        ("a: !!python/object/apply:os.system ['true']\n", ("yaml-tag", 1, 4)),
        ("a: !vault secret\n", ("yaml-tag", 1, 4)),
        ("a: !!binary aGVsbG8=\n", ("yaml-tag", 1, 4)),
        ("a: !!set {x}\n", ("yaml-tag", 1, 4)),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", ("yaml-merge-key", 3, 3)),
        ("a: 1\n---\nb: 2\n", ("yaml-multi-document", 2, 1)),
        ("- a\n- b\n", ("yaml-not-mapping", 1, 1)),
        ("just a string\n", ("yaml-not-mapping", 1, 1)),
        ("", ("yaml-not-mapping", 1, 1)),
        ("a: [1, 2\nb: 3\n", ("yaml-syntax", 2, 2)),
        ("a:\n\tb: 1\n", ("yaml-syntax", 2, 1)),
        ("? [a, b]\n: 1\n", ("yaml-key", 1, 3)),
        ("a: &x [*x]\n", ("yaml-too-deep", 1, 4)),
        ("a: " + "[" * 70 + "]" * 70 + "\n", ("yaml-too-deep", 1, 68)),
    ],
)
def test_refuses_unsafe_or_ambiguous_yaml(text: str, expected: tuple[str, int, int]) -> None:
    assert rule_of(text) == expected


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_and_small() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rule, _, _ = rule_of(billion_laughs())
    elapsed = time.perf_counter() - started
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert rule == "yaml-alias-limit"
    assert elapsed < 1.0
    assert grown_kib < 5 * 1024


def test_a_few_aliases_are_fine() -> None:
    doc = parse("x: &v [1, 2]\ny: *v\n")
    assert doc.data == {"x": [1, 2], "y": [1, 2]}


def test_non_utf8_is_located() -> None:
    with pytest.raises(LoadError) as caught:
        decode(b"a: 1\nb: caf\xe9\n")
    assert (caught.value.rule, caught.value.line, caught.value.column) == ("file-encoding", 2, 7)


def test_bom_is_accepted() -> None:
    assert parse(decode("\ufeffa: 1\n".encode())).data == {"a": 1}


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(LoadError) as caught:
        load(big, tmp_path, max_bytes=1000)
    assert caught.value.rule == "file-too-large"
    assert load(big, tmp_path, max_bytes=4000).data["a"].startswith("xx")


def test_symlink_outside_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "inside.yaml").write_text("b: 2\n")
    (repo / "link.yaml").symlink_to(outside)
    (repo / "ok.yaml").symlink_to(repo / "inside.yaml")
    with pytest.raises(LoadError) as caught:
        load(repo / "link.yaml", repo)
    assert caught.value.rule == "symlink-outside"
    assert load(repo / "ok.yaml", repo).data == {"b": 2}


def test_line_offset_for_frontmatter() -> None:
    doc = parse("name: x\n", line_offset=1)
    assert doc.mark(("name",)) == (2, 7)
    with pytest.raises(LoadError) as caught:
        parse("a: 1\na: 2\n", line_offset=1)
    assert caught.value.line == 3


# Scalars whose YAML 1.1 type is easy to get wrong, and neighbours that are plain strings.
TRICKY_SCALARS = [
    *("1.10", "1.4.0", "1.", ".5", "._", "1_000", "1_000.5", "+1", "-1", "+-1", "0", "00", "08"),
    *("0o17", "017", "0x1F", "-0x_1f", "0xG", "0b1010", "-0b1", "0b2", "1e3", "1.0e+3", "1.0e3"),
    *("1:20", "1:20.5", "-1:61", "190:20:30", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "-.nan"),
    *("2026-01-01", "2026-1-1", "2026-01-01T10:00:00Z", "2001-12-14t21:59:43.10-05:00"),
    *("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43", "2026-01-01x", "20260101"),
    *("yes", "Yes", "YES", "yEs", "no", "No", "NO", "y", "Y", "n", "N", "true", "True", "TRUE"),
    *("tRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "oN", "yes!"),
    *("~", "null", "Null", "NULL", "nULL", "none", "None", "nil", "", "<<", "<", "<<<", "=", "=="),
    *("name", "tools", "team", "owner", "flag", "org", "yaml", "Ω", "é1", "-", "--x", "+x"),
    *("x" * 70, "1" * 70, "n" + "o" * 70, "^1.4.0", "~2.3", ">=1.0.0 <2.0.0", "1.x", "v1"),
]


def _nodes(node: Node) -> list[tuple[str, str, object]]:
    """Every node of a tree, depth first: (class, tag, value if a scalar)."""
    if isinstance(node, ScalarNode):
        return [(type(node).__name__, node.tag, node.value)]
    children: list[Node] = []
    for item in node.value:
        children.extend(item if isinstance(item, tuple) else (item,))
    return [(type(node).__name__, node.tag, None), *(n for c in children for n in _nodes(c))]


def _compose(loader_class: Any, text: str) -> list[tuple[str, str, object]] | str:
    """The nodes of ``text`` composed with ``loader_class``, or the name of its error."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        return type(exc).__name__
    finally:
        loader.dispose()
    assert node is not None
    return _nodes(node)


def _documents() -> list[str]:
    docs = []
    for value in TRICKY_SCALARS:
        docs.append(f"a: {value}\n{value}: b\nl:\n- {value}\n- [{value}]\n")
        for quoted in (f"'{value}'", f'"{value}"', f"! {value}", f"!!str {value}"):
            docs.append(f"a: {quoted}\n{quoted}: b\nf: [{quoted}]\n")
        docs.append(f"a: |\n  {value}\nb: >\n  {value}\n")
    docs.append("a:\nb: [~, null, '']\nc: {x: , y: no}\nd:\n- \n- -\n")
    docs.append("? a\n? no\nq: !!seq [1]\nr: !!map {1: 2}\ns: ! [1]\nt: &x 0x1\nu: *x\n")
    return docs


@pytest.mark.parametrize(
    ("loader_class", "reference"),
    [
        (yaml_loader.Loader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)),
        (yaml_loader._PyLoader, yaml.SafeLoader),
    ],
)
def test_fast_resolver_gives_safeloader_tags(loader_class: Any, reference: Any) -> None:
    """The same node trees as PyYAML's safe loader on the same parser (libyaml and PyYAML's own
    parser disagree on a few corners, such as ``! `` with no value)."""
    composed = 0
    for text in _documents() * 2:  # twice: the second pass answers from the memo
        expected = _compose(reference, text)
        assert _compose(loader_class, text) == expected, text
        composed += not isinstance(expected, str)
    assert composed > 1000


def test_fast_resolver_gives_safeloader_tags_for_random_scalars() -> None:
    fast, reference = yaml_loader._Resolver(), yaml.SafeLoader("")
    reference_resolve: Any = reference.resolve
    rng = random.Random(7)
    alphabet = "0123456789._-+:eExXbBoOnNyYtTfFlLsuU~<=! Z"
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(20_000)]
    values += [first + rest for first in map(chr, range(128)) for rest in ("", "0", "1.0", "o")]
    for value in values + values:
        for implicit in ((True, False), (False, True), (False, False)):
            expected = reference_resolve(ScalarNode, value, implicit)
            assert fast.resolve(ScalarNode, value, implicit) == expected, value
    for kind in (SequenceNode, MappingNode):
        for flag in (True, False):
            assert fast.resolve(kind, None, flag) == reference_resolve(kind, None, flag)


def _build(text: str, *, aliases: bool) -> object:
    """What the builder makes of ``text`` (or the error it raises), counting aliases or not."""
    loader = yaml_loader.Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert node is not None
    try:
        return safeyaml._Builder(10, aliases=aliases).build(node)
    except LoadError as exc:
        return (exc.rule, exc.message, exc.line, exc.column, exc.hint)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, 2, {c: no}]\nc: {d: ~, e: [1.5, '1.5', 2026-01-01]}\n",
        *(f"a: {'{b: ' * n}x{'}' * n}\n" for n in (62, 63, 64, 65)),
        *(f"a: {'[' * n}x{']' * n}\n" for n in (62, 63, 64, 65)),
        *(f"a: {'{b: ' * n}[y, {{c: !!int 1}}]{'}' * n}\n" for n in (61, 62, 63)),
        "a: !!bool yes\nb: !!null x\nc: !!float 1\n",
        "a: [x, !vault y]\nb: 1\nb: 2\n",
        "a: 1\nb: {c: !vault y}\na: 2\n",
        "a: 1\n<<: {b: 2}\na: 2\n",
        "a: 1\n1: x\nno: y\n~: z\n'1': w\n",
        "a: {x: 1, ? [k] : 2}\n",
        "a: [1, 2]\nb: !!map {c: !!seq [d]}\nc: !!set {x}\n",
    ],
)
def test_building_without_counting_aliases_changes_nothing(text: str) -> None:
    assert not safeyaml._may_alias(text)
    assert _build(text, aliases=False) == _build(text, aliases=True)


def test_only_text_with_an_anchor_and_an_alias_is_counted() -> None:
    assert safeyaml._may_alias("a: &x 1\nb: *x\n")
    assert not safeyaml._may_alias("paths: ['**/*.py']\n")
    assert not safeyaml._may_alias("name: R&D\n")
    assert parse("paths: ['**/*.py']\nteam: R&D\n").data == {
        "paths": ["**/*.py"],
        "team": "R&D",
    }


@pytest.mark.parametrize("value", ["!!int x", "!!bool maybe", "!!float x", "!!timestamp x"])
def test_a_tagged_value_that_is_not_of_its_type_is_a_finding(value: str) -> None:
    with pytest.raises(safeyaml.LoadError) as caught:
        safeyaml.parse(f"kind: Tool\nrisk: {value}\n")
    assert (caught.value.rule, caught.value.line, caught.value.column) == ("yaml-tag", 2, 7)
    assert "is not a valid" in caught.value.message
