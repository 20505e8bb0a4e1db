"""One manifest read and parsed: the loader ``hub validate`` and ``hub certify`` share.

A :class:`Manifest` holds the bytes read safely (inside the repository, under the size limit),
their text, the parsed document, or the :class:`~hubrails.errors.LoadError` that stopped them;
both content keys come from those same bytes: :attr:`Manifest.digest` (blake2b, the index
cache's) and :attr:`Manifest.sha256` (what certificates record).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from hubrails.core.registry import safefile, safeyaml, state
from hubrails.core.registry.document import Document
from hubrails.errors import LoadError


@dataclass(frozen=True, slots=True)
class Manifest:
    """A file's ``raw`` bytes (``None``: unreadable), its ``text`` (``None``: not decoded), its
    ``doc`` (``None``: not parsed), the ``error`` that stopped loading, and the ``stat`` of the
    file the bytes were read from (when read from disk)."""

    raw: bytes | None
    text: str | None = None
    doc: Document | None = None
    error: LoadError | None = None
    stat: os.stat_result | None = None

    @property
    def digest(self) -> str:
        """The index cache's content key of the bytes (blake2b)."""
        return state.digest(self.raw or b"")

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes, as certificates record it (empty when unreadable)."""
        return hashlib.sha256(self.raw).hexdigest() if self.raw is not None else ""

    @property
    def shown_text(self) -> str:
        """The text to show lines from: decoded, or with bad bytes replaced."""
        if self.text is not None:
            return self.text
        return self.raw.decode("utf-8-sig", errors="replace") if self.raw is not None else ""

    def parsed(self, max_alias_nodes: int = safeyaml.DEFAULT_MAX_ALIAS_NODES) -> Manifest:
        """This manifest with its document (or the error parsing its text found)."""
        if self.text is None or self.doc is not None or self.error is not None:
            return self
        return _with_doc(self.raw, self.text, max_alias_nodes, self.stat)


def _with_doc(
    raw: bytes | None, text: str, max_alias_nodes: int, stat: os.stat_result | None
) -> Manifest:
    try:
        doc = safeyaml.parse(text, max_alias_nodes=max_alias_nodes)
    except LoadError as exc:
        return Manifest(raw, text, error=exc, stat=stat)
    return Manifest(raw, text, doc, stat=stat)


def from_bytes(
    raw: bytes,
    *,
    max_alias_nodes: int = safeyaml.DEFAULT_MAX_ALIAS_NODES,
    parse: bool = True,
    stat: os.stat_result | None = None,
) -> Manifest:
    """Decode ``raw`` (UTF-8, a BOM allowed) and, with ``parse``, parse it as one YAML mapping."""
    try:
        text = safeyaml.decode(raw)
    except LoadError as exc:
        return Manifest(raw, error=exc, stat=stat)
    return _with_doc(raw, text, max_alias_nodes, stat) if parse else Manifest(raw, text, stat=stat)


def load(
    path: Path | str,
    root: Path,
    *,
    max_bytes: int = safeyaml.DEFAULT_MAX_BYTES,
    max_alias_nodes: int = safeyaml.DEFAULT_MAX_ALIAS_NODES,
    walked: bool = False,
    parse: bool = True,
) -> Manifest:
    """Read ``path`` safely (see :func:`~hubrails.core.registry.safefile.read_with_stat`),
    then decode and, with ``parse``, parse it; never raises a ``LoadError``, keeps it."""
    try:
        raw, info = safefile.read_with_stat(path, root, max_bytes, walked=walked)
    except LoadError as exc:
        return Manifest(None, error=exc)
    return from_bytes(raw, max_alias_nodes=max_alias_nodes, parse=parse, stat=info)
