"""Shell completion, fast: commands, kinds and asset names answered before typer is imported.

The shells call ``hub`` (or ``hubrails``) with ``_HUB_COMPLETE`` (``_HUBRAILS_COMPLETE``) set, as
typer's completion scripts do. The positions that name a kind or an asset are answered here from
the index cache (``.hub/cache/index.sqlite``, read-only; else the registry's file names); every
other position goes to typer's own completion. Installing writes the script for both names.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

PROGS = ("hub", "hubrails")
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
NEW_KINDS = ("skill", "tool", "prompt", "guardrail", "agent", "team", "waiver")
CATALOG_KINDS = (*NEW_KINDS, "pricing")
# layout's own table, copied: importing registry.layout costs ~35 ms (pathlib, dataclasses),
# a sixth of completion's budget; tests/cli/test_completion.py keeps the two equal.
_FOLDERS = {
    "teams": "Team",
    "tools": "Tool",
    "prompts": "Prompt",
    "guardrails": "Guardrail",
    "agents": "Agent",
    "skills": "Skill",
    "waivers": "Waiver",
}


def complete_var(prog: str) -> str:
    """The environment variable the completion scripts of ``prog`` set."""
    return f"_{prog.upper()}_COMPLETE"


def requested() -> tuple[str, str] | None:
    """(program, shell) when this process is a completion request, else ``None``."""
    for prog in PROGS:
        mode = os.environ.get(complete_var(prog), "")
        if mode.startswith("complete_"):
            return prog, mode.removeprefix("complete_")
    return None


def answer(shell: str) -> str | None:
    """The reply to a completion request, or ``None`` when typer must answer it."""
    words, incomplete = _words(shell)
    if incomplete.startswith("-") or any(w.startswith("-") for w in words):
        return None  # options, and positions that options shift: typer knows them
    values = candidates(words)
    if values is None:
        return None
    return _format(shell, [v for v in values if v.startswith(incomplete)])


def candidates(words: list[str]) -> list[str] | None:
    """What may follow ``words`` (the arguments after the program name), or ``None``."""
    match words:
        case []:
            return commands()
        case ["new"]:
            return list(NEW_KINDS)
        case ["catalog", "ls"]:
            return list(CATALOG_KINDS)
        case ["certify"] | ["policy"]:
            return names({"Agent"})
        case ["promote"] | ["export", "skill"]:
            return names({"Skill"})
        case ["catalog", "show" | "uses"]:
            return names(None, with_hub=True)
    return None


def commands() -> list[str]:
    """The top-level commands: the keys of ``cli/app.py``'s ``COMMANDS``, read without importing
    it (that would import typer, which alone takes longer than completion may)."""
    import ast

    with open(os.path.join(os.path.dirname(__file__), "app.py"), encoding="utf-8") as source:
        tree = ast.parse(source.read())
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "COMMANDS"
            and isinstance(node.value, ast.Dict)
        ):
            keys = [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
            return sorted(str(k) for k in keys)
    return []


def names(kinds: set[str] | None, *, with_hub: bool = False) -> list[str]:
    """The asset names of ``kinds`` (every kind: ``None``) in the registry around here, and
    ``with_hub``, in a spoke's hub (what the catalog shows; certify and promote act locally).

    (``os.path`` rather than ``pathlib``: importing pathlib alone costs a completion ~20 ms.)"""
    root = _root(os.getcwd())
    if root is None:
        return []
    found = _cached(root, kinds)
    if found is None:
        found = _scanned(root, kinds)
    hub = _hub_root(root) if with_hub else None
    if hub is not None:  # a spoke: the hub's assets too, from its index cache
        found |= _cached(hub, kinds) or set()
    return sorted(found)


def _hub_root(root: str) -> str | None:
    """Where a spoke's hub is read: the clone cache folder of ``hub.url`` (as
    ``core/registry/hub_source`` names it), or a plain folder as it is; read with a pattern,
    not a YAML parser, which would cost more than completion may."""
    import hashlib
    import re

    try:
        with open(os.path.join(root, "hub.yaml"), encoding="utf-8") as config:
            text = config.read()
    except OSError:
        return None
    block = re.search(r"(?m)^hub:(.*(?:\n[ \t]+.*)*)", text)
    found = block and re.search(r"url:\s*[\"']?([^\"',}\s#]+)", block.group(1))
    if not re.search(r"(?m)^role:\s*spoke\b", text) or not found:
        return None
    url = found.group(1).strip()
    if "://" not in url and not url.startswith("git@"):
        url = os.path.realpath(os.path.join(root, url))
        if os.path.isdir(url) and not os.path.exists(os.path.join(url, ".git")):
            return url
    base = os.environ.get("HUB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "hubrails",
    )
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return os.path.join(base, "hubs", key)


def _root(start: str) -> str | None:
    folder = start
    while True:
        if os.path.isfile(os.path.join(folder, "hub.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _cached(root: str, kinds: set[str] | None) -> set[str] | None:
    path = os.path.join(root, ".hub", "cache", "index.sqlite")
    if not os.path.isfile(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT kind, name FROM assets").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return {str(name) for kind, name in rows if kinds is None or kind in kinds}


def _scanned(root: str, kinds: set[str] | None) -> set[str]:
    """Names from file and folder names, as the layout rules have them match."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(os.path.join(root, "registry")):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        kind = _FOLDERS.get(os.path.basename(folder))
        if kind is None or (kinds is not None and kind not in kinds):
            continue
        if kind == "Skill":
            found.update(d for d in dirs if os.path.isfile(os.path.join(folder, d, "skill.yaml")))
            dirs[:] = []
        else:
            found.update(f.rsplit(".", 1)[0] for f in files if f.endswith((".yaml", ".yml")))
    return found


def _words(shell: str) -> tuple[list[str], str]:
    """The words after the program name, and the one being completed (typer's conventions)."""
    if shell == "bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        incomplete = words[cword] if cword < len(words) else ""
        return words[1:cword], incomplete
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        incomplete = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[:-1] if incomplete and words else words), incomplete
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _format(shell: str, values: Iterable[str]) -> str:
    values = list(values)
    if shell == "zsh":
        if not values:
            return "_files"
        quoted = "\n".join(f'"{v}"' for v in values)
        return f"_arguments '*: :(({quoted}))'"
    if shell == "fish":
        if os.environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
            sys.exit(0 if values else 1)
        return "\n".join(values)
    if shell in ("powershell", "pwsh"):
        return "\n".join(f"{v}::: " for v in values)
    return "\n".join(values)


def install(shell: str | None) -> list[tuple[str, Path]]:
    """Install completion for ``hub`` and ``hubrails`` in ``shell`` (detected when ``None``)."""
    from typer._completion_shared import _get_shell_name
    from typer._completion_shared import install as typer_install

    from hubrails.errors import HubError

    chosen = shell or _get_shell_name()
    if chosen not in SHELLS:
        raise HubError(
            f"cannot install completion for the shell {chosen or '(not detected)'}",
            hint="name it: hub --install-completion bash|zsh|fish|powershell|pwsh",
        )
    done = []
    for prog in PROGS:
        _, path = typer_install(shell=chosen, prog_name=prog, complete_var=complete_var(prog))
        done.append((chosen, path))
    return done


def script(shell: str | None, prog: str) -> str:
    """The completion script of ``prog`` for ``shell`` (detected when ``None``)."""
    from typer._completion_shared import _get_shell_name, get_completion_script

    from hubrails.errors import HubError

    chosen = shell or _get_shell_name()
    if chosen not in SHELLS:
        raise HubError(f"no completion script for the shell {chosen or '(not detected)'}")
    return get_completion_script(prog_name=prog, complete_var=complete_var(prog), shell=chosen)
