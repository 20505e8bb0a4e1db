"""Document: where a value or key was written (through sequences, past their ends, below a
sub-document, with a line offset), the source text of implicitly typed scalars, and pointers
written as authors write them. (The basic marks of a parsed file are in test_safeyaml.)"""

from __future__ import annotations

import yaml

from hubrails.core.registry.document import Document, dotted, mark_of
from hubrails.core.registry.safeyaml import parse

TEXT = """\
spec:
  tools:
    - name: github
      scopes: [read, write]
    - name: jira
  risk: low
"""


def test_marks_walk_through_sequences_by_index() -> None:
    doc = parse(TEXT)
    assert doc.mark(("spec", "tools", 1, "name")) == (5, 13)
    assert doc.mark(("spec", "tools", 0, "scopes", 1)) == (4, 22)
    assert doc.mark(("spec", "tools", 1, "name"), key=True) == (5, 7)


def test_an_index_past_the_end_or_negative_marks_the_sequence() -> None:
    doc = parse(TEXT)
    sequence = doc.mark(("spec", "tools"))
    assert sequence == (3, 5)
    assert doc.mark(("spec", "tools", 2)) == sequence
    assert doc.mark(("spec", "tools", -1)) == sequence


def test_a_name_into_a_sequence_or_a_part_below_a_scalar_marks_the_nearest_ancestor() -> None:
    doc = parse(TEXT)
    assert doc.mark(("spec", "tools", "name")) == (3, 5)
    assert doc.mark(("spec", "risk", "deeper")) == (6, 9)
    assert doc.mark(("spec", "risk", "deeper"), key=True) == (6, 3)


def test_the_empty_pointer_marks_the_document_itself() -> None:
    assert parse("\n\na: 1\n").mark(()) == (3, 1)
    assert parse("a: 1\n").mark((), key=True) == (1, 1)


def test_a_document_without_nodes_marks_its_first_line_after_the_offset() -> None:
    assert Document(data={"a": 1}).mark(("a",)) == (1, 1)
    assert Document(data={}, line_offset=4).mark(("a", 0), key=True) == (5, 1)
    assert Document(data={}).raw(("a",)) is None


def test_within_marks_as_the_whole_document_does_below_the_pointer() -> None:
    doc = parse(TEXT, line_offset=10)
    tool = doc.within(("spec", "tools", 1))
    assert tool.data == {}
    assert tool.line_offset == 10
    assert tool.mark(("name",)) == doc.mark(("spec", "tools", 1, "name")) == (15, 13)
    assert tool.mark(("name",), key=True) == (15, 7)
    assert tool.mark(()) == doc.mark(("spec", "tools", 1))


def test_within_a_missing_pointer_keeps_the_nearest_ancestor() -> None:
    doc = parse(TEXT)
    assert doc.within(("spec", "absent")).mark(()) == doc.mark(("spec",))


def test_raw_is_only_for_plain_scalars_that_are_not_strings() -> None:
    doc = parse("a: [1.10, x, '2']\nb: {c: 017}\nd: \"yes\"\ne: |\n  no\nf: ~\n")
    assert doc.raw(("a", 0)) == "1.10"
    assert doc.raw(("b", "c")) == "017"
    assert doc.raw(("f",)) == "~"
    assert doc.raw(("a", 1)) is None  # a string
    assert doc.raw(("a", 2)) is None  # quoted
    assert doc.raw(("d",)) is None  # quoted
    assert doc.raw(("e",)) is None  # a block scalar has a style
    assert doc.raw(("a",)) is None  # not a scalar
    assert doc.raw(("b",)) is None
    assert doc.raw(("a", 3)) is None  # past the end


def test_dotted_writes_pointers_as_authors_do() -> None:
    assert dotted(()) == "the document"
    assert dotted(("spec",)) == "spec"
    assert dotted(("spec", "tools", 0, "name")) == "spec.tools[0].name"
    assert dotted((0, "a")) == "[0].a"
    assert dotted(("m", 1, 2)) == "m[1][2]"


def test_mark_of_is_one_based() -> None:
    node = yaml.compose("a:\n  - b\n")
    assert node is not None
    assert mark_of(node) == (1, 1)
    assert mark_of(node.value[0][1].value[0]) == (2, 5)
