"""Where a promotion commit is built without touching the repository it goes into."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hubrails.core.vcs.objects import ZERO, Entry, Identity
from hubrails.core.vcs.repository import Repository


class Scratch:
    """Where a commit is built without touching the repository: a temporary index, and a
    quarantine object folder read together with the real one. :meth:`keep` moves the new
    objects into the repository; leaving the ``with`` block removes everything else."""

    def __init__(self, repo: Repository, base: str) -> None:
        self.repo = repo
        self.folder = Path(tempfile.mkdtemp(prefix="hub-promote-"))
        quarantine = self.folder / "objects"
        quarantine.mkdir()
        self.env = {
            "GIT_INDEX_FILE": str(self.folder / "index"),
            "GIT_OBJECT_DIRECTORY": str(quarantine),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(repo.objects_dir),
        }
        try:
            self.run("read-tree", base)
        except BaseException:  # no area to leave: remove the folder now
            self.__exit__()
            raise

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, *args: str, stdin: bytes | None = None, binary: bool = False) -> Any:
        """Run git with the temporary index and the quarantine."""
        return self.repo.run(*args, env=self.env, stdin=stdin, binary=binary)

    def write_blob(self, path: str, data: bytes) -> str:
        """Store ``data`` as the blob of ``path`` (its .gitattributes filters apply)."""
        return str(self.run("hash-object", "-w", "--stdin", f"--path={path}", stdin=data).strip())

    def stage(self, changes: Mapping[str, Entry | None]) -> None:
        """Put files into the temporary index (``None`` removes the path)."""
        lines = []
        for path, entry in sorted(changes.items()):
            if entry is None:
                lines.append(f"0 {ZERO}\t{path}\0")
            else:
                lines.append(f"{entry.mode} {entry.sha}\t{path}\0")
        self.run("update-index", "-z", "--index-info", stdin="".join(lines).encode())

    def files(self, tree: str, folder: str) -> list[Entry]:
        """Every file under ``folder`` in a tree built here."""
        return self.repo.files(tree, folder, env=self.env)

    def read_many(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Blobs by id or ``tree:path``, quarantined ones included."""
        return self.repo.read_many(names, env=self.env)

    def write_tree(self) -> str:
        """The tree of the temporary index."""
        return str(self.run("write-tree").strip())

    def commit(self, tree: str, parent: str, message: str, author: Identity) -> str:
        """A commit of ``tree`` on ``parent``, authored and committed by ``author``."""
        env = {**self.env, **author.env()}
        out = self.repo.run(
            "commit-tree", tree, "-p", parent, "-F", "-", env=env, stdin=message.encode()
        )
        return str(out.strip())

    def export(self, dest: Path, paths: Iterable[str]) -> None:
        """Write the index's files under ``paths`` into the folder ``dest``."""
        listed: bytes = self.run("ls-files", "-z", "--", *paths, binary=True)
        dest.mkdir(parents=True, exist_ok=True)
        if listed:
            self.run(f"--work-tree={dest}", "checkout-index", "-z", "--stdin", "-f", stdin=listed)

    def diff(self, old: str, new: str) -> str:
        """A patch from tree-ish ``old`` to tree-ish ``new``, renames detected."""
        return str(self.run("diff-tree", "-p", "-M", "--no-color", "--full-index", old, new))

    def keep(self) -> None:
        """Move the quarantined objects into the repository's object store."""
        store = self.repo.objects_dir
        for obj in (self.folder / "objects").glob("??/*"):
            target = store / obj.parent.name / obj.name
            if not target.exists():  # copy, then rename: a reader never sees half an object
                target.parent.mkdir(exist_ok=True)
                partial = target.with_name(f"tmp_obj_{os.getpid()}_{obj.name}")
                shutil.copyfile(obj, partial)
                partial.replace(target)


@contextmanager
def scratch(repo: Repository, base: str) -> Iterator[Scratch]:
    """A :class:`Scratch` on ``base``, removed on exit (also on Ctrl-C)."""
    area = Scratch(repo, base)
    try:
        yield area
    finally:
        area.__exit__()
