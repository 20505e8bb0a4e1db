"""The rejects file of ``hub ledger ingest --skip-invalid``: never one of the inputs, written to
a temporary file beside it and renamed into place at the end (atomic)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from hubrails.errors import HubError

STDIN = "-"


def _same(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: one resolved path, or one inode (a hard link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        first, second = a.stat(), b.stat()
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def refuse_inputs(rejects: Path, inputs: Sequence[str], ledger: Path | None = None) -> None:
    """Refuse a rejects path that is, or resolves to, one of ``inputs`` or the ``ledger``
    database file (either would be lost)."""
    if ledger is not None and _same(rejects, ledger):
        raise HubError(f"--rejects {rejects} is the ledger database: writing it would lose it")
    for given in inputs:
        if given != STDIN and _same(rejects, Path(given)):
            raise HubError(
                f"--rejects {rejects} is the input {given}: writing the rejects would lose it",
                hint="write the rejects elsewhere, e.g. --rejects rejects-2.jsonl",
            )
    if rejects.is_dir():
        raise HubError(f"cannot write {rejects}: Is a directory")


class RejectsFile:
    """A temporary file in the rejects file's folder; ``commit`` renames it into place (when
    nothing was rejected, no rejects file is left: not even one from an earlier run)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        try:
            fd, name = tempfile.mkstemp(
                dir=target.parent if str(target.parent) else ".",
                prefix=f".{target.name}-",
                suffix=".tmp",
            )
        except OSError as exc:
            raise HubError(f"cannot write {target}: {exc.strerror}") from None
        self.tmp = Path(name)
        self.out: IO[str] = os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape")
        self.count = 0

    def write(self, line: str) -> None:
        """Append one rejected line."""
        self.out.write(line + "\n")
        self.count += 1

    def commit(self) -> bool:
        """Rename the temporary file into place; ``False`` (and nothing written) when empty."""
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        if self.count == 0:
            self.tmp.unlink(missing_ok=True)
            self.target.unlink(missing_ok=True)
            return False
        try:
            self.tmp.replace(self.target)
        except OSError as exc:
            self.tmp.unlink(missing_ok=True)
            raise HubError(f"cannot write {self.target}: {exc.strerror}") from None
        return True

    def discard(self) -> None:
        """Drop the temporary file (an error ended the ingest)."""
        if not self.out.closed:
            self.out.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> RejectsFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None or not self.out.closed:
            self.discard()
