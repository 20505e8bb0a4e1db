"""The preconditions of a promotion; each failure is a :class:`PromotionError` (exit 1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hubrails.core.promote.facts import Reader, tool_uses
from hubrails.core.registry import safeyaml
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.validate.reports import FileReport
from hubrails.core.vcs.objects import Entry
from hubrails.errors import PromotionError

_LINK_MODES = {"120000": "a symbolic link", "160000": "a git submodule"}


def skill_manifest(folder: str, entries: Sequence[Entry]) -> Entry:
    """The skill's ``skill.yaml``; refuse links, submodules and a folder that is not one."""
    manifest = None
    for entry in entries:
        kind = _LINK_MODES.get(entry.mode)
        if kind is not None or entry.path == folder:
            raise PromotionError(
                "skill-link",
                f"{entry.path} is {kind or 'not a folder'}: a promoted skill must be plain files",
                hint="copy the files the link leads to into the skill folder",
            )
        if entry.path == f"{folder}/skill.yaml":
            manifest = entry
    if manifest is None:
        raise PromotionError("skill-invalid", f"{folder}/skill.yaml is not committed")
    return manifest


def load_manifest(path: str, data: bytes, team: str) -> tuple[str, dict[str, Any]]:
    """The manifest's text and data; refuse one that does not load or is another team's."""
    try:
        text = safeyaml.decode(data)
        manifest = safeyaml.parse(text).data
    except safeyaml.LoadError as exc:
        raise PromotionError(
            "skill-invalid",
            f"{path}:{exc.line}:{exc.column}: the skill does not validate: {exc.message}",
            hint=exc.hint or "run hub validate",
        ) from None
    meta = manifest.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), str):
        raise PromotionError(
            "skill-invalid", f"{path}: metadata.version is missing", hint="run hub validate"
        )
    if meta.get("team") != team:
        raise PromotionError(
            "skill-team",
            f"{path}: metadata.team is '{meta.get('team')}', but the skill lives in team '{team}'",
            hint="a team promotes only its own skills",
        )
    return text, manifest


def is_update(
    existing: Sequence[Entry], blob: Callable[[str], bytes], team: str, folder: str, version: str
) -> bool:
    """Whether the hub's skill in ``folder`` (``existing``) is an earlier promotion from
    ``team`` with a lower version; any other collision is refused."""
    if not existing:
        return False
    manifest = next((e for e in existing if e.path == f"{folder}/skill.yaml"), None)
    meta: dict[str, Any] = {}
    if manifest is not None:
        try:
            found = safeyaml.parse(safeyaml.decode(blob(manifest.sha))).data.get("metadata")
            meta = found if isinstance(found, dict) else {}
        except safeyaml.LoadError:
            meta = {}
    lineage = meta.get("promoted_from")
    same = isinstance(lineage, dict) and lineage.get("team") == team
    if same and _newer(version, str(meta.get("version"))):
        return True
    raise PromotionError(
        "name-collision",
        f"the hub library already has a skill '{folder.rsplit('/', 1)[-1]}' ({folder}/, version "
        f"{meta.get('version')})"
        + (" and this version is not higher" if same else ", promoted from elsewhere or hub-made"),
        hint="bump metadata.version to update it"
        if same
        else "rename the skill, or reuse the hub's",
    )


def _newer(mine: str, theirs: str) -> bool:
    from semantic_version import Version

    try:
        return bool(Version(mine) > Version(theirs))
    except ValueError:
        return False


def tools_vetted(skill: dict[str, Any], reports: list[FileReport], read: Reader) -> None:
    """Every tool the skill needs is in the hub catalog and vetted."""
    bad = [t for t in tool_uses(skill, reports, read) if t.status != "vetted"]
    if bad:
        names = ", ".join(f"'{t.name}' ({t.status})" for t in bad)
        raise PromotionError(
            "tool-not-vetted",
            f"the skill needs tools that are not vetted in the hub catalog: {names}",
            hint="ask the platform team to vet them first, or drop them from spec.tools",
        )


def prompts_in_hub(reports: list[FileReport], manifest: str, spokes: str) -> None:
    """A hub skill may use only hub prompts, never a spoke's."""
    homes: dict[str, list[str]] = {}
    for r in reports:
        if r.asset is not None and r.asset.kind == "Prompt":
            homes.setdefault(r.asset.name, []).append(r.path)
    skill = next((r for r in reports if r.path == manifest), None)
    for ref in skill.refs if skill is not None else []:
        paths = homes.get(ref.name, [])
        if ref.kind == "Prompt" and paths and all(p.startswith(spokes) for p in paths):
            raise PromotionError(
                "prompt-not-in-hub",
                f"the skill uses the prompt '{ref.name}', which is a spoke's ({paths[0]})",
                hint="promote or move the prompt into the hub library first",
            )


def no_errors(findings: list[Finding], folder: str, source_folder: str) -> None:
    """The new hub registry validates; an error in the skill's own files is the skill's."""
    errors = sorted({f for f in findings if f.severity is Severity.ERROR}, key=Finding.sort_key)
    if not errors:
        return
    details = [f"{f.path}:{f.line}:{f.column}: {f.rule}: {f.message}" for f in errors]
    mine = [f for f in errors if f.path.startswith(folder + "/")]
    if mine:
        raise PromotionError(
            "skill-invalid",
            f"the skill does not validate in the hub: {details[errors.index(mine[0])]}",
            hint=f"fix {source_folder}/ (run hub validate), commit, and promote again",
            details=details,
        )
    raise PromotionError(
        "hub-invalid",
        f"the hub registry would not validate on the promotion branch: {details[0]}",
        hint="fix the hub first; every finding is listed with --format json",
        details=details,
    )
