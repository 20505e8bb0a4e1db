"""The README says each thing once."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).parent.parent.parent / "README.md"


def test_the_postgresql_paragraph_appears_once() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert text.count("PostgreSQL tests start") == 1
    assert text.count("HUB_REQUIRE_POSTGRES=1") == 1
