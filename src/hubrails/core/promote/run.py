"""``hub promote SKILL``: a branch in the hub repository that moves a spoke skill into the
shared library.

The commit is built in a scratch area (a temporary index and quarantined objects, see
``vcs.scratch_index.Scratch``) and published by one atomic ref update with the expected old
value (``publish``), so the user's working tree, index, HEAD, stash and other branches never
change, and of two concurrent promotions of the same skill exactly one wins.
"""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import replace
from pathlib import Path

from hubrails.core.promote import publish
from hubrails.core.promote.build import Source, Target, build
from hubrails.core.promote.facts import Reader, agent_uses
from hubrails.core.promote.outcome import (
    AgentUse,
    Options,
    Promotion,
)
from hubrails.core.registry.config import HubConfig
from hubrails.core.validate import index_cache as cache
from hubrails.core.validate.reports import FileReport
from hubrails.core.vcs import repository as vcs
from hubrails.core.vcs.hub_clone import fetch_hub
from hubrails.core.vcs.objects import Entry
from hubrails.errors import HubError, PromotionError, RemoteError


def promote(config: HubConfig, options: Options) -> Promotion:
    """Promote ``options.skill`` from the repository of ``config`` into its hub."""
    try:
        if config.role == "hub":
            return _in_hub(config, options)
        return _from_spoke(config, options)
    except RemoteError as exc:
        raise PromotionError("remote-unreachable", exc.message, hint=exc.hint) from None


def _split(skill: str) -> tuple[str | None, str]:
    team, _, name = skill.rpartition("/")
    return team or None, name


def _branch(options: Options, team: str, name: str) -> str:
    return options.branch or f"promote/{team}/{name}"


def _in_hub(config: HubConfig, options: Options) -> Promotion:
    """Monorepo mode: the skill lives under ``registry/spokes/TEAM/skills/``."""
    with vcs.Repository.open(config.root) as repo:
        base, current = _head(repo)
        work = repo.work_dir
        top = config.root.resolve().relative_to(work.resolve()).as_posix() if work else ""
        top = "" if top == "." else top
        team, name = _split(options.skill)
        spokes = posixpath.join(top, config.registry.strip("/"), "spokes")
        listing = repo.run("ls-tree", "-r", "-t", "--name-only", "--full-tree", base, "--", spokes)
        folders = [
            path
            for path in listing.splitlines()
            if (parts := path[len(spokes) + 1 :].split("/"))
            and len(parts) == 3
            and parts[1:] == ["skills", name]
            and team in (None, parts[0])
        ]
        if not folders:
            agent_files = [p for p in listing.splitlines() if p.endswith(f"/agents/{name}.yaml")]
            if agent_files:
                raise HubError(
                    f"'{name}' is an agent ({agent_files[0]}); hub promote promotes skills",
                    hint="agents stay with their team: certify it with "
                    f"'hub certify {name}', and promote the skills it uses",
                )
            raise HubError(
                f"no spoke skill '{options.skill}' is committed under {spokes}/TEAM/skills/",
                hint="commit the skill first; hub promote promotes what is committed",
            )
        if len(folders) > 1:
            teams = ", ".join(f.split("/")[-3] for f in folders)
            raise HubError(
                f"teams {teams} each have a skill '{name}'", hint="name it as TEAM/SKILL"
            )
        folder = folders[0]
        team = folder.split("/")[-3]
        remote = repo.push_remote(current)
        push = options.push if options.push is not None else remote is not None
        if push and remote is None:
            raise HubError("the hub repository has no remote to push to", hint="use --no-push")
        branch = _branch(options, team, name)
        ref = publish.check_branch(
            repo, branch, remote if push else None, options.force, local=True
        )
        remote_url = repo.remote_url(remote) if remote else None
        source = Source(
            team=team,
            name=name,
            folder=folder,
            entries=_named_in_utf8(repo.files(base, folder)),
            commit=base,
            repository=remote_url or str(work or config.root),
            read=repo.blob,
            same_repository=True,
        )
        target = Target(
            repo=repo,
            base=base,
            base_name=current or "main",
            top=top,
            branch=branch,
            remote_url=remote_url,
            cache_key=str(Path(repo.objects_dir).resolve()),
            seed_cache=cache.index_path(config),
        )

        def agents(reports: list[FileReport], read: Reader) -> list[AgentUse]:
            users = read(
                r.path
                for r in reports
                if r.asset is not None
                and r.asset.kind == "Agent"
                and any(x.kind == "Skill" and x.name == name for x in r.refs)
            )
            return agent_uses(
                name,
                [(p, data) for p, data in users.items() if data is not None],
                lambda paths: _at(repo, base, list(paths), top),
            )

        promotion = _noted(build(source, target, options, agents), repo, folder)
        if options.dry_run or promotion.commit is None:
            return promotion
        return publish.publish_local(repo, promotion, ref, remote if push else None)


def _from_spoke(config: HubConfig, options: Options) -> Promotion:
    """Spoke mode: copy the spoke's ``registry/skills/SKILL/`` into a fresh copy of the hub."""
    if not config.hub_url or not config.team:
        raise HubError("hub.yaml of a spoke must name its team and hub.url")
    if options.push is False and not options.dry_run:
        raise HubError(
            "--no-push: a spoke's promotion branch lives only in the hub repository",
            hint="use --dry-run to see the promotion without pushing it",
        )
    team, name = _split(options.skill)
    if team not in (None, config.team):
        raise HubError(f"this spoke belongs to team '{config.team}', not '{team}'")
    url = _hub_url(config)
    with (
        vcs.Repository.open(config.root) as spoke,
        tempfile.TemporaryDirectory(prefix="hub-promote-clone-") as scratch,
    ):
        base_commit, current = _head(spoke)
        work = spoke.work_dir
        top = config.root.resolve().relative_to(work.resolve()).as_posix() if work else ""
        registry = posixpath.join("" if top == "." else top, config.registry.strip("/"))
        folder = f"{registry}/skills/{name}"
        entries = _named_in_utf8(spoke.files(base_commit, folder))
        if not entries:
            agent = f"{registry}/agents/{name}.yaml"
            if spoke.files(base_commit, agent) or (config.root / agent).exists():
                raise HubError(
                    f"'{name}' is an agent ({agent}); hub promote promotes skills",
                    hint="agents stay in their team's repository: certify it with "
                    f"'hub certify {name}', and promote the skills it uses",
                )
            raise HubError(
                f"no skill '{name}' is committed under {folder}/",
                hint="commit the skill first; hub promote promotes what is committed",
            )
        hub, base = fetch_hub(url, config.hub_ref, Path(scratch) / "hub.git")
        with hub:
            branch = _branch(options, config.team, name)
            ref = publish.check_branch(hub, branch, url, options.force, local=False)
            remote = spoke.push_remote(current)
            source = Source(
                team=config.team,
                name=name,
                folder=folder,
                entries=entries,
                commit=base_commit,
                repository=(spoke.remote_url(remote) if remote else None) or str(work),
                read=spoke.blob,
                same_repository=False,
            )
            target = Target(
                repo=hub,
                base=base,
                base_name=config.hub_ref,
                top="",
                branch=branch,
                remote_url=url,
                cache_key=url,
            )

            def agents(reports: list[FileReport], read: Reader) -> list[AgentUse]:
                files = spoke.files(base_commit, f"{registry}/agents")
                return agent_uses(
                    name,
                    [(e.path, spoke.blob(e.sha)) for e in files if e.path.endswith(".yaml")],
                    lambda paths: _at(spoke, base_commit, list(paths)),
                )

            promotion = _noted(build(source, target, options, agents), spoke, folder)
            if promotion.commit is not None or options.dry_run:
                step = (
                    f"next: once the pull request is merged, delete {folder}/ from this "
                    "repository (hub validate reports duplicate-name until then); agents keep "
                    "referencing the skill by name"
                )
                promotion = replace(promotion, notes=(*promotion.notes, step))
            if options.dry_run or promotion.commit is None:
                return promotion
            return replace(promotion, pushed=publish.push(hub, url, promotion.commit, ref))


def _hub_url(config: HubConfig) -> str:
    """hub.url as git must be given it: a local path (relative to the spoke's root, even when
    missing: git would resolve it from the scratch copy of the hub) made absolute."""
    assert config.hub_url is not None
    url = config.hub_url
    local = (config.root / url).resolve()
    if "://" in url or (":" in url and not local.exists()):  # a URL, or scp-like user@host:path
        return url
    return str(local)


def _head(repo: vcs.Repository) -> tuple[str, str | None]:
    commit, branch = repo.head()
    if commit is None:
        raise HubError("the repository has no commit yet", hint="commit the registry first")
    return commit, branch


def _at(
    repo: vcs.Repository, commit: str, paths: list[str], top: str = ""
) -> dict[str, bytes | None]:
    """Files of ``commit`` by path below ``top`` (one git process for all of them)."""
    names = {p: f"{commit}:{posixpath.join(top, p)}" for p in paths}
    blobs = repo.read_many(names.values())
    return {p: blobs[name] for p, name in names.items()}


def _noted(promotion: Promotion, repo: vcs.Repository, folder: str) -> Promotion:
    status = repo.run("status", "--porcelain", "--untracked-files=all", "--", folder)
    if not status.strip():
        return promotion
    note = f"uncommitted changes in {folder}/ are not part of the promotion"
    return replace(promotion, notes=(*promotion.notes, note))


def _named_in_utf8(entries: list[Entry]) -> tuple[Entry, ...]:
    """The skill's files, refused (exit 2) when a name is not UTF-8: the hub could not show,
    validate or certify it."""
    from hubrails.core.registry import names

    bad = [names.escaped(e.path) for e in entries if not names.clean(e.path)]
    if bad:
        raise HubError(
            f"the skill holds {len(bad)} file name{'s' if len(bad) > 1 else ''} that are not "
            f"UTF-8: {', '.join(bad)}",
            hint="rename them (git mv) to UTF-8 names and commit",
        )
    return tuple(entries)
