"""File names that are not valid UTF-8: shown escaped, as git shows them.

Python reads such a name with each undecodable byte as a lone surrogate (``surrogateescape``);
such a string cannot be printed, stored in SQLite or written as JSON. :func:`escaped` turns
each of those bytes into ``\\ooo`` (octal, as ``git ls-files`` does) and a backslash into
``\\\\``, so that the name can be reported and kept.
"""

from __future__ import annotations

from hubrails.core.registry.safeyaml import LoadError


def clean(name: str) -> bool:
    """Whether ``name`` is valid UTF-8 text (no byte had to be escaped to read it)."""
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def escaped(name: str) -> str:
    """``name`` with each undecodable byte as ``\\ooo`` and each backslash doubled."""
    if clean(name):
        return name
    out = []
    for char in name:
        if "\udc80" <= char <= "\udcff":
            out.append(f"\\{ord(char) - 0xDC00:03o}")
        elif char == "\\":
            out.append("\\\\")
        elif "\ud800" <= char <= "\udfff":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def bad_name() -> LoadError:
    """The finding for a file whose name is not valid UTF-8."""
    return LoadError(
        "file-name-encoding",
        "the file name is not valid UTF-8 (its bytes are shown escaped, as git does)",
        hint="rename the file to a UTF-8 name",
    )
