"""Build a promotion commit in a scratch area: check the preconditions, move the skill, hand
it to the platform team, validate the resulting hub registry, and commit (or only plan)."""

from __future__ import annotations

import posixpath
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hubrails import __version__
from hubrails.core import pullrequest, safeyaml, vcs
from hubrails.core.config import HubConfig, load_config
from hubrails.core.findings import Finding, Severity
from hubrails.core.manifest_edit import promoted_manifest
from hubrails.core.model import FileReport
from hubrails.core.promotion_facts import Reader, platform_team, tool_uses
from hubrails.core.promotion_model import (
    PROMOTED_BY,
    PROMOTED_BY_VALUE,
    AgentUse,
    Lineage,
    Options,
    Promotion,
    PromotionError,
    PullRequest,
)
from hubrails.core.promotion_validate import validate_tree

AgentFinder = Callable[[list[FileReport], Reader], list[AgentUse]]
_LINK_MODES = {"120000": "a symbolic link", "160000": "a git submodule"}


@dataclass(frozen=True, slots=True)
class Source:
    """The skill to promote, as committed in its repository."""

    team: str
    name: str
    folder: str
    entries: tuple[vcs.Entry, ...]
    commit: str
    repository: str
    read: Callable[[str], bytes]
    same_repository: bool


@dataclass(frozen=True, slots=True)
class Target:
    """The hub side: repository, base commit and its name, and where hub.yaml sits."""

    repo: vcs.Repository
    base: str
    base_name: str
    top: str
    branch: str
    remote_url: str | None
    cache_key: str
    seed_cache: Path | None = None


def build(source: Source, target: Target, options: Options, agents: AgentFinder) -> Promotion:
    """The promotion of ``source`` onto ``target``; committed unless ``options.dry_run``."""
    manifest_entry = _check_files(source)
    text = _decode(source, manifest_entry)
    data = _parse(source, manifest_entry, text)
    meta = data["metadata"]
    if meta.get("team") != source.team:
        raise PromotionError(
            "skill-team",
            f"{manifest_entry.path}: metadata.team is '{meta.get('team')}', "
            f"but the skill lives in team '{source.team}'",
            hint="a team promotes only its own skills",
        )
    with vcs.scratch(target.repo, target.base) as area:
        config = _hub_config(area, target)
        registry = posixpath.join(target.top, config.registry.strip("/"))
        teams = area.files(target.base, f"{registry}/teams")
        platform = platform_team(area.read_many(e.sha for e in teams).values())
        if platform is None:
            raise PromotionError(
                "no-platform-team",
                "the hub has no platform team to hand the skill to",
                hint="set spec.platform: true on the hub's platform team",
            )
        folder = f"{registry}/skills/{source.name}"
        existing = target.repo.files(target.base, folder)
        update = _check_collision(target, existing, source, folder, str(meta["version"]))
        lineage = Lineage(source.team, str(meta["version"]), source.commit, source.repository)
        new_manifest = promoted_manifest(
            text,
            owner=platform[0],
            lineage=lineage,
            old_path=manifest_entry.path,
            new_path=f"{folder}/skill.yaml",
        )
        changes = _changes(source, folder, existing, manifest_entry, new_manifest, area)
        area.stage(changes)
        tree_id = area.write_tree()
        reports, findings = validate_tree(
            area, tree_id, target.top, config, target.cache_key, target.seed_cache
        )

        def read(paths: Iterable[str]) -> dict[str, bytes | None]:
            names = {p: f"{tree_id}:{posixpath.join(target.top, p)}" for p in paths}
            blobs = area.read_many(names.values())
            return {p: blobs[n] for p, n in names.items()}

        _check_tools(data, reports, read)
        inside = config.registry.strip("/")  # report paths are relative to the hub's root
        _check_prompts(reports, f"{inside}/skills/{source.name}/skill.yaml", f"{inside}/spokes/")
        _check_findings(findings, f"{inside}/skills/{source.name}", source.folder)
        message = _message(source, folder, lineage, update)
        promotion = Promotion(
            skill=source.name,
            team=source.team,
            owner=platform[0],
            branch=target.branch,
            base=target.base,
            base_name=target.base_name,
            source_folder=source.folder,
            target_folder=folder,
            lineage=lineage,
            message=message,
            commit=None,
            update=update,
            files=tuple(sorted(p for p, e in changes.items() if e is not None)),
            removed=tuple(sorted(p for p, e in changes.items() if e is None)),
            tools=tuple(tool_uses(data, reports, read)),
            agents=tuple(agents(reports, read)),
            reviewers=platform[1],
            pull_request=PullRequest("", ""),
            dry_run=options.dry_run,
        )
        promotion = _with_pull_request(promotion, str(meta.get("description", "")), target)
        if options.dry_run:
            return replace(promotion, diff=area.diff(target.base, tree_id))
        commit = area.commit(tree_id, target.base, message, target.repo.identity())
        area.keep()
    return replace(promotion, commit=commit)


def _check_files(source: Source) -> vcs.Entry:
    manifest = None
    for entry in source.entries:
        kind = _LINK_MODES.get(entry.mode)
        if kind is not None or entry.path == source.folder:
            raise PromotionError(
                "skill-link",
                f"{entry.path} is {kind or 'not a folder'}: a promoted skill must be plain files",
                hint="copy the files the link leads to into the skill folder",
            )
        if entry.path == f"{source.folder}/skill.yaml":
            manifest = entry
    if manifest is None:
        raise PromotionError("skill-invalid", f"{source.folder}/skill.yaml is not committed")
    return manifest


def _decode(source: Source, entry: vcs.Entry) -> str:
    try:
        return safeyaml.decode(source.read(entry.sha))
    except safeyaml.LoadError as exc:
        raise _invalid(entry.path, exc) from None


def _parse(source: Source, entry: vcs.Entry, text: str) -> dict[str, Any]:
    try:
        data = safeyaml.parse(text).data
    except safeyaml.LoadError as exc:
        raise _invalid(entry.path, exc) from None
    meta = data.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), str):
        raise PromotionError(
            "skill-invalid", f"{entry.path}: metadata.version is missing", hint="run hub validate"
        )
    return data


def _invalid(path: str, exc: safeyaml.LoadError) -> PromotionError:
    return PromotionError(
        "skill-invalid",
        f"{path}:{exc.line}:{exc.column}: the skill does not validate: {exc.message}",
        hint=exc.hint or "run hub validate",
    )


def _hub_config(area: vcs.Scratch, target: Target) -> HubConfig:
    """The hub's hub.yaml at the base commit."""
    name = posixpath.join(target.top, "hub.yaml")
    data = area.read_many([f"{target.base}:{name}"])[f"{target.base}:{name}"]
    if data is None:
        raise PromotionError("hub-role", f"the hub has no {name} at {target.base_name}")
    (area.folder / "hub.yaml").write_bytes(data)
    config = load_config(area.folder)
    if config.role != "hub":
        raise PromotionError("hub-role", f"{name} of {target.base_name} is not a hub's")
    return config


def _check_collision(
    target: Target, existing: list[vcs.Entry], source: Source, folder: str, version: str
) -> bool:
    """Whether this is an update of an earlier promotion; refuse any other collision."""
    if not existing:
        return False
    manifest = next((e for e in existing if e.path.endswith("/skill.yaml")), None)
    hub: dict[str, object] = {}
    if manifest is not None:
        try:
            hub = safeyaml.parse(safeyaml.decode(target.repo.blob(manifest.sha))).data
        except safeyaml.LoadError:
            hub = {}
    meta = hub.get("metadata") if isinstance(hub.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    lineage = meta.get("promoted_from") if isinstance(meta.get("promoted_from"), dict) else {}
    assert isinstance(lineage, dict)
    if lineage.get("team") == source.team and _newer(version, str(meta.get("version"))):
        return True
    same = lineage.get("team") == source.team
    raise PromotionError(
        "name-collision",
        f"the hub library already has a skill '{source.name}' ({folder}/, version "
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


def _changes(
    source: Source,
    folder: str,
    existing: list[vcs.Entry],
    manifest: vcs.Entry,
    new_manifest: str,
    area: vcs.Scratch,
) -> dict[str, vcs.Entry | None]:
    """The index changes: path to entry, ``None`` to remove."""
    changes: dict[str, vcs.Entry | None] = {e.path: None for e in existing}
    if source.same_repository:
        changes.update({e.path: None for e in source.entries})
    for entry in source.entries:
        path = folder + entry.path[len(source.folder) :]
        if source.same_repository and entry is not manifest:
            sha = entry.sha
        else:
            data = new_manifest.encode() if entry is manifest else source.read(entry.sha)
            sha = area.write_blob(path, data)
        changes[path] = vcs.Entry(entry.mode, sha, path)
    return changes


def _check_tools(skill: dict[str, Any], reports: list[FileReport], read: Reader) -> None:
    bad = [t for t in tool_uses(skill, reports, read) if t.status != "vetted"]
    if bad:
        names = ", ".join(f"'{t.name}' ({t.status})" for t in bad)
        raise PromotionError(
            "tool-not-vetted",
            f"the skill needs tools that are not vetted in the hub catalog: {names}",
            hint="ask the platform team to vet them first, or drop them from spec.tools",
        )


def _check_prompts(reports: list[FileReport], manifest: str, spokes: str) -> None:
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


def _check_findings(findings: list[Finding], folder: str, source_folder: str) -> None:
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


def _message(source: Source, folder: str, lineage: Lineage, update: bool) -> str:
    what = "Update" if update else "Move"
    text = f"{what} {source.folder}/ to {folder}/ and hand ownership to the platform team."
    return (
        f"{pullrequest.title(source.team, source.name)}\n\n"
        f"{textwrap.fill(text, 72, break_long_words=False, break_on_hyphens=False)}\n\n"
        f"Source-Repository: {lineage.repository}\n"
        f"Source-Commit: {lineage.commit}\n"
        f"Source-Version: {lineage.version}\n"
        f"{PROMOTED_BY}: {PROMOTED_BY_VALUE} {__version__}\n"
    )


def _with_pull_request(promotion: Promotion, description: str, target: Target) -> Promotion:
    from dataclasses import replace

    body = pullrequest.body(
        skill=promotion.skill,
        description=description,
        lineage=promotion.lineage,
        owner=promotion.owner,
        source_folder=promotion.source_folder,
        target_folder=promotion.target_folder,
        update=promotion.update,
        tools=promotion.tools,
        agents=promotion.agents,
        reviewers=promotion.reviewers,
    )
    url = pullrequest.review_url(target.remote_url, target.base_name, target.branch)
    title = pullrequest.title(promotion.team, promotion.skill)
    return replace(promotion, pull_request=PullRequest(title, body, url))
