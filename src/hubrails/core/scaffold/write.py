"""Writing new files into a repository: all or nothing, never outside it, never over a file."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from hubrails.errors import HubError

Plan = dict[str, str | bytes]


def write_new(root: Path, plan: Plan, executable: Iterable[str] = ()) -> list[str]:
    """Write every file of ``plan`` under ``root``, all or nothing: refuse (exit 2) before
    writing anything if a file exists or a target leads outside ``root`` (through ``..`` or a
    linked folder); each file is written to a temporary one, and all are then linked into
    place (a link never replaces a file); when that cannot finish, what was written goes.
    The files named in ``executable`` get the execute bits (as the umask allows)."""
    run = set(executable)
    targets = {rel: inside(root, rel) for rel in plan}
    taken = sorted(p for p, t in targets.items() if t.exists() or t.is_symlink())
    if taken:
        raise HubError(
            f"refusing to overwrite {len(taken)} existing file{'s' if len(taken) > 1 else ''}: "
            + ", ".join(taken),
            hint="move them away first, or choose another folder or name",
        )
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    written: list[Path] = []
    done = False
    try:
        for rel, text in plan.items():
            target = targets[rel]
            for parent in reversed(target.parents):
                if not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            inside(root, rel)  # (again: a folder made meanwhile could be a link)
            staged.append((_staged(target, text), target))
            if rel in run:
                staged[-1][0].chmod(0o777 & ~_umask())
        for temp, target in staged:
            _place(temp, target)
            written.append(target)
        done = True
    except OSError as exc:
        raise HubError(f"cannot write {exc.filename}: {exc.strerror}") from None
    finally:  # temporary files first: a folder made for the plan is empty only without them
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        if not done:
            for path in reversed(written):
                path.unlink(missing_ok=True)
            for folder in reversed(made):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
    return list(plan)


def _place(temp: Path, target: Path) -> None:
    """Put ``temp`` at ``target``, never replacing a file that appeared there meanwhile."""
    try:
        os.link(temp, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
        if target.exists() or target.is_symlink():  # no hard links here: check, then rename
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        temp.replace(target)


def _staged(target: Path, text: str | bytes) -> Path:
    """A temporary file beside ``target`` holding ``text``."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-", suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(text.encode() if isinstance(text, str) else text)
    return Path(name)


def inside(root: Path, rel: str) -> Path:
    """``root / rel``, refused (exit 2) when it leads outside ``root`` once links are resolved."""
    target = root / rel
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(target))
    if ".." in Path(rel).parts or Path(rel).is_absolute() or not real.is_relative_to(real_root):
        raise HubError(
            f"refusing to write {rel}: it leads outside {root} (to {real})",
            hint="a linked folder in the repository leads elsewhere: replace it with a folder",
        )
    return target


def make_folder(path: Path, *, exist_ok: bool = True) -> None:
    """``mkdir -p``, with a clear error (exit 2) instead of a traceback."""
    try:
        path.mkdir(parents=True, exist_ok=exist_ok)
    except FileExistsError:
        what = "is not a folder" if exist_ok else "already exists"
        raise HubError(f"{path} {what}", hint="choose another place") from None
    except OSError as exc:
        raise HubError(f"cannot create {path}: {exc.strerror}") from None


def replace_file(path: Path, text: str, root: Path) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it), refused when
    ``path`` leads outside the repository at ``root``."""
    import tempfile

    inside(root, os.path.relpath(path, root))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise HubError(f"cannot write {path}: {exc.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
