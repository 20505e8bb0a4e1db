"""The safe loader refuses what PyYAML would silently accept, and keeps positions."""

from __future__ import annotations

import datetime
import resource
import time
from pathlib import Path

import pytest

from hubrails.core.safeyaml import LoadError, decode, load, parse


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
