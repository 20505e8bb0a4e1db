"""Agent Skills folders in and out: ``hub import skill`` and ``hub export skill``.

An Agent Skills folder is ``SKILL.md`` (frontmatter plus instructions) with optional
``scripts/``, ``references/``, ``assets/`` and ``evals/evals.json``. In the registry the folder is
kept byte for byte, with the governance manifest ``skill.yaml`` beside it; the frontmatter rules
are the ones ``hub validate`` applies (:mod:`hubrails.core.validate.skill_md`).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubrails.core.registry import safefile, safeyaml
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.layout import SKILL_DOC, SKILL_MANIFEST, Location
from hubrails.core.validate.reports import FileReport
from hubrails.core.validate.skill_md import analyse_skill_doc, split_frontmatter
from hubrails.errors import HubError

EVALS = "evals/evals.json"
MAX_FILE_BYTES = 10 * 1024 * 1024
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


def check_skill_doc(text: str, where: str) -> dict[str, Any]:
    """The frontmatter of a ``SKILL.md``, or a :class:`HubError` naming every broken rule
    (warnings, such as a URL that looks like an exfiltration target, are left to validate)."""
    report = analyse_skill_doc(FileReport(where), text, Location("SkillDoc", ""), 1000)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if errors:
        raise _rules_error(errors, where)
    found = split_frontmatter(text)
    assert found is not None  # analyse_skill_doc reported a missing frontmatter
    return safeyaml.parse(found[0]).data


def _rules_error(findings: list[Finding], where: str) -> HubError:
    first = findings[0]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return HubError(
        f"{first.message}{more}",
        path=where,
        line=first.line,
        column=first.column,
        hint=first.hint or "see the Agent Skills rules in docs/manifests.md",
    )


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file of a skill folder by relative path; hidden files and folders are left out.
    A link leading outside the folder, anything but a regular file (a FIFO is never opened
    for a blocking read), a file over the limit and a folder that can't be listed are refused."""
    if not (folder / SKILL_DOC).is_file():
        raise HubError(f"{folder} holds no {SKILL_DOC}", hint="an Agent Skills folder has SKILL.md")
    files: dict[str, bytes] = {}
    for current, dirs, names in os.walk(folder, onerror=_unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(current, name)
            rel = path.relative_to(folder).as_posix()
            try:
                files[rel] = safefile.read_bytes(path, folder, MAX_FILE_BYTES)
            except safeyaml.LoadError as exc:
                message = (
                    "links outside the skill folder"
                    if exc.rule == "symlink-outside"
                    else (exc.message)
                )
                raise HubError(f"{rel}: {message}", path=str(path), hint=exc.hint) from None
            info = path.stat()
            if info.st_mode & (stat.S_ISUID | stat.S_ISGID):
                raise HubError(
                    f"{rel} is setuid or setgid: refused",
                    path=str(path),
                    hint=f"a skill's scripts run as the user: chmod ug-s {rel}",
                )
    return files


def _unlistable(error: OSError) -> None:
    raise HubError(f"cannot list the folder: {error.strerror}", path=str(error.filename))


def executables(folder: Path, files: dict[str, bytes]) -> frozenset[str]:
    """The files of ``files`` (relative to ``folder``) that are executable by their owner."""
    return frozenset(
        rel
        for rel in files
        if (folder / rel).is_file() and (folder / rel).stat().st_mode & stat.S_IXUSR
    )


def _text(files: dict[str, bytes], rel: str, where: Path) -> str:
    try:
        return safeyaml.decode(files[rel])
    except safeyaml.LoadError as exc:
        raise exc.to_error(str(where / rel)) from None


def skill_manifest(front: dict[str, Any], team: str, evals: list[Any], schema: str) -> str:
    """The ``skill.yaml`` of an imported skill: name and description as in ``SKILL.md``."""
    import yaml

    meta: dict[str, Any] = front.get("metadata") or {}
    version = meta.get("version") if isinstance(meta.get("version"), str) else None
    data: dict[str, Any] = {
        "apiVersion": "hubrails/v1",
        "kind": "Skill",
        "metadata": {
            "name": front["name"],
            "team": team,
            "version": version if version and _SEMVER.match(version) else "0.1.0",
            "description": front["description"],
            "lifecycle": "experimental",
            "annotations": {"imported-from": "agent-skills"},
        },
        "spec": {"tools": [], "prompts": [], **({"evals": evals} if evals else {})},
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return f"# yaml-language-server: $schema={schema}\n{body}"


def read_evals(files: dict[str, bytes], where: Path) -> list[Any]:
    """The cases of ``evals/evals.json`` (``{"evals": [...]}`` or a bare list), if present."""
    if EVALS not in files:
        return []
    try:
        data = json.loads(files[EVALS])
    except ValueError as exc:
        raise HubError(f"{EVALS} is not valid JSON: {exc}", path=str(where / EVALS)) from None
    cases = data.get("evals") if isinstance(data, dict) else data
    if not isinstance(cases, list):
        raise HubError(f"{EVALS} holds no list of evals", path=str(where / EVALS))
    return cases


@dataclass(frozen=True, slots=True)
class SkillFolder:
    """An Agent Skills folder, read and checked: its frontmatter, files and eval cases."""

    name: str
    front: dict[str, Any]
    files: dict[str, bytes]
    evals: list[Any]
    executable: frozenset[str] = frozenset()


def read_skill(folder: Path) -> SkillFolder:
    """Read an Agent Skills folder; a :class:`HubError` if it breaks the rules (among them:
    the folder's name is the skill's name)."""
    files = read_folder(folder)
    front = check_skill_doc(_text(files, SKILL_DOC, folder), str(folder / SKILL_DOC))
    named = folder.resolve().name
    if named != front["name"]:
        raise HubError(
            f"the folder is named '{named}' but its SKILL.md names the skill '{front['name']}'",
            path=str(folder / SKILL_DOC),
            hint="the Agent Skills rules require the folder name to equal 'name': rename the "
            "folder or fix the name",
        )
    return SkillFolder(
        front["name"], front, files, read_evals(files, folder), executables(folder, files)
    )


def import_plan(skill: SkillFolder, team: str, dest: str, schema: str) -> dict[str, str | bytes]:
    """``{path: content}`` of ``skill`` imported into the folder ``dest``: its files unchanged
    and a new ``skill.yaml``."""
    manifest = skill_manifest(skill.front, team, skill.evals, schema)
    _check_manifest(manifest, f"{dest}/{SKILL_MANIFEST}")
    plan: dict[str, str | bytes] = {f"{dest}/{rel}": data for rel, data in skill.files.items()}
    plan[f"{dest}/{SKILL_MANIFEST}"] = manifest
    return plan


def _check_manifest(text: str, where: str) -> None:
    from hubrails.core.registry.schemas import schema_findings

    problems = schema_findings("Skill", safeyaml.parse(text), where)
    if problems:
        raise _rules_error(problems, where)


def export_plan(skill_dir: Path, spec: dict[str, Any], name: str) -> dict[str, bytes]:
    """The files of an Agent Skills folder for the registry skill in ``skill_dir``: everything
    but ``skill.yaml``, plus ``evals/evals.json`` from ``spec.evals`` when the folder has none."""
    files = read_folder(skill_dir)
    files.pop(SKILL_MANIFEST, None)
    front = check_skill_doc(_text(files, SKILL_DOC, skill_dir), str(skill_dir / SKILL_DOC))
    if front["name"] != name:
        raise HubError(
            f"SKILL.md names '{front['name']}', but the skill is '{name}'",
            path=str(skill_dir / SKILL_DOC),
            hint="Agent Skills requires the folder name to equal the name: run 'hub validate'",
        )
    evals = spec.get("evals")
    if evals and EVALS not in files:
        document = {"skill_name": name, "evals": evals}
        files[EVALS] = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    return files
