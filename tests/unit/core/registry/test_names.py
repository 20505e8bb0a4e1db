"""File names that are not valid UTF-8 are reported escaped, as git shows them."""

from __future__ import annotations

import os

from hubrails.core.registry.names import bad_name, clean, escaped


def test_utf8_names_are_clean_and_kept() -> None:
    assert clean("tools/jira.yaml") and clean("tools/jïra.yaml")
    assert escaped("tools/jïra.yaml") == "tools/jïra.yaml"
    assert escaped("a\\b.yaml") == "a\\b.yaml"  # a clean name is never changed


def test_undecodable_bytes_are_octal_and_backslashes_doubled() -> None:
    name = os.fsdecode(b"tools/j\xffra\\x.yaml")
    assert not clean(name)
    assert escaped(name) == "tools/j\\377ra\\\\x.yaml"
    escaped(name).encode("utf-8")  # printable, storable: no lone surrogate left


def test_a_lone_surrogate_that_is_not_a_byte_is_shown_as_a_code_point() -> None:
    assert escaped("x\ud800y") == "x\\ud800y"


def test_the_finding_names_its_rule() -> None:
    error = bad_name()
    assert error.rule == "file-name-encoding"
    assert "rename" in error.hint
