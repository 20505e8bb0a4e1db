"""Build a promotion commit in a scratch area: check the preconditions, move the skill, hand
it to the platform team, validate the resulting hub registry, and commit (or only plan)."""

from __future__ import annotations

import posixpath
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from hubrails import __version__
from hubrails.core.promote import preconditions as checks
from hubrails.core.promote import pull_request as pullrequest
from hubrails.core.promote.facts import Reader, platform_team, tool_uses
from hubrails.core.promote.handover import promoted_manifest
from hubrails.core.promote.outcome import (
    PROMOTED_BY,
    PROMOTED_BY_VALUE,
    AgentUse,
    Lineage,
    Options,
    Promotion,
    PullRequest,
)
from hubrails.core.promote.validate_tree import validate_tree
from hubrails.core.registry.config import HubConfig, load_config
from hubrails.core.validate.reports import FileReport
from hubrails.core.vcs import repository as vcs
from hubrails.core.vcs.objects import Entry
from hubrails.core.vcs.scratch_index import Scratch, scratch
from hubrails.errors import PromotionError

AgentFinder = Callable[[list[FileReport], Reader], list[AgentUse]]


@dataclass(frozen=True, slots=True)
class Source:
    """The skill to promote, as committed in its repository."""

    team: str
    name: str
    folder: str
    entries: tuple[Entry, ...]
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
    manifest_entry = checks.skill_manifest(source.folder, source.entries)
    text, data = checks.load_manifest(
        manifest_entry.path, source.read(manifest_entry.sha), source.team
    )
    meta = data["metadata"]
    with scratch(target.repo, target.base) as area:
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
        update = checks.is_update(
            existing, target.repo.blob, source.team, folder, str(meta["version"])
        )
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

        checks.tools_vetted(data, reports, read)
        inside = config.registry.strip("/")  # report paths are relative to the hub's root
        checks.prompts_in_hub(
            reports, f"{inside}/skills/{source.name}/skill.yaml", f"{inside}/spokes/"
        )
        checks.no_errors(findings, f"{inside}/skills/{source.name}", source.folder)
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


def _hub_config(area: Scratch, target: Target) -> HubConfig:
    """The hub's hub.yaml at the base commit."""
    name = posixpath.join(target.top, "hub.yaml")
    data = area.read_many([f"{target.base}:{name}"])[f"{target.base}:{name}"]
    if data is None:
        raise PromotionError("hub-role", f"the hub has no {name} at {target.base_name}")
    (area.folder / "hub.yaml").write_bytes(data)
    config = load_config(area.folder, remember=False, on_disk=False)
    if config.role != "hub":
        raise PromotionError("hub-role", f"{name} of {target.base_name} is not a hub's")
    return config


def _changes(
    source: Source,
    folder: str,
    existing: list[Entry],
    manifest: Entry,
    new_manifest: str,
    area: Scratch,
) -> dict[str, Entry | None]:
    """The index changes: path to entry, ``None`` to remove."""
    changes: dict[str, Entry | None] = {e.path: None for e in existing}
    if source.same_repository:
        changes.update({e.path: None for e in source.entries})
    for entry in source.entries:
        path = folder + entry.path[len(source.folder) :]
        if source.same_repository and entry is not manifest:
            sha = entry.sha
        else:
            data = new_manifest.encode() if entry is manifest else source.read(entry.sha)
            sha = area.write_blob(path, data)
        changes[path] = Entry(entry.mode, sha, path)
    return changes


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
        hub_repository=target.remote_url or "",
    )
    url = pullrequest.review_url(target.remote_url, target.base_name, target.branch)
    title = pullrequest.title(promotion.team, promotion.skill)
    return replace(promotion, pull_request=PullRequest(title, body, url))
