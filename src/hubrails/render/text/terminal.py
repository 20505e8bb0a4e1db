"""Writing text for a terminal: whether to colour it, how many columns a string takes, and
runs of text painted with ANSI SGR codes (the conventions rich follows, without importing it)."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from typing import TextIO

_ZERO_WIDTH = frozenset(("Mn", "Mc", "Me", "Cf", "Zl", "Zp"))  # Unicode categories of no width

Piece = tuple[str, str]
"""A run of text and its SGR parameters ("" for none)."""


def colour_enabled(out: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``out``, by the conventions rich follows: never when
    ``NO_COLOR`` is set and not empty or ``TERM`` is ``dumb`` (or ``unknown``), always when
    ``FORCE_COLOR`` is set and not empty, otherwise only when ``out`` is a terminal."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM", "").strip().lower() in ("dumb", "unknown"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # not a real stream, or closed
        return False


def cells(text: str) -> int:
    """The columns ``text`` takes on a terminal, as rich counts them: two for wide East Asian
    characters, none for control, combining and format characters."""
    if text.isascii() and text.isprintable():
        return len(text)
    width = 0
    for char in text:
        if char < " " or "\x7f" <= char < "\xa0" or "\u1160" <= char <= "\u11ff":
            continue
        category = unicodedata.category(char)
        if category in _ZERO_WIDTH and char != "\xad":
            continue
        wide = category != "Cn" and unicodedata.east_asian_width(char) in ("W", "F")
        width += 2 if wide else 1
    return width


def paint(line: list[Piece]) -> str:
    """``line`` with each run in its SGR colours, reset after each."""
    return "".join(f"\x1b[{sgr}m{text}\x1b[0m" if sgr and text else text for text, sgr in line)
