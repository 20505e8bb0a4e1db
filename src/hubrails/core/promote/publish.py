"""Publishing a built promotion: the branch checked (may it move?), created by one atomic ref
update, and pushed with a lease; on any failure the ref is put back."""

from __future__ import annotations

from dataclasses import replace

from hubrails.core.promote.outcome import PROMOTED_BY, PROMOTED_BY_VALUE, Promotion, Pushed
from hubrails.core.vcs import repository as vcs
from hubrails.core.vcs.objects import ZERO
from hubrails.core.vcs.repository import branch_name_problem
from hubrails.errors import HubError, PromotionError, RefRaceError


def check_branch(
    repo: vcs.Repository, branch: str, remote: str | None, force: bool, *, local: bool
) -> tuple[str, str | None, str | None]:
    """The branch's ref and its current tips (local, remote); refuse when it may not move."""
    ref = f"refs/heads/{branch}"
    problem = branch_name_problem(branch)
    if problem is not None:
        raise HubError(f"'{branch}' is not a valid branch name: {problem}")
    if local and repo.checked_out(ref):
        raise PromotionError(
            "branch-checked-out",
            f"the branch {branch} is checked out; a promotion never moves a checked-out branch",
            hint="switch to another branch first",
        )
    here = repo.commit_of(ref) if local else None
    there = repo.remote_tip(remote, ref) if remote else None
    for tip, where in ((here, "here"), (there, f"on {remote}")):
        if tip is None:
            continue
        if not force:
            raise PromotionError(
                "branch-exists",
                f"the branch {branch} already exists {where}",
                hint="pass --force to replace an earlier promotion, or --branch NAME",
            )
        if repo.commit_of(tip) is None:
            repo.fetch(str(remote), ref, depth=1)
        made_by = repo.trailers(tip, PROMOTED_BY)
        if not any(v.split()[0] == PROMOTED_BY_VALUE for v in made_by if v.split()):
            raise PromotionError(
                "branch-not-ours",
                f"the branch {branch} ({where}) has commits that hub promote did not make; "
                "--force never overwrites them",
                hint="choose another name with --branch, or merge or delete that branch by hand",
            )
    return ref, here, there


def publish_local(
    repo: vcs.Repository,
    promotion: Promotion,
    ref: tuple[str, str | None, str | None],
    remote: str | None,
) -> Promotion:
    """Create the branch atomically, then push it; on any failure put the ref back."""
    name, here, _ = ref
    assert promotion.commit is not None
    try:
        repo.update_ref(name, promotion.commit, here or ZERO)
    except RefRaceError as exc:
        raise PromotionError("branch-race", exc.message, hint=exc.hint) from None
    try:
        if remote is None:
            return promotion
        return replace(promotion, pushed=push(repo, remote, promotion.commit, ref))
    except BaseException:
        if here is None:
            repo.delete_ref(name, promotion.commit)
        else:
            repo.update_ref(name, here, promotion.commit)
        raise


def push(
    repo: vcs.Repository, remote: str, commit: str, ref: tuple[str, str | None, str | None]
) -> Pushed:
    name, _, there = ref
    result = repo.push(remote, commit, name, there)
    if not result.ok:
        raise PromotionError(
            "push-rejected",
            f"the hub remote {remote} refused the branch: {result.summary}",
            hint="nothing was created; fix what the remote says, then promote again",
            details=[m for m in result.messages.splitlines() if m],
        )
    if result.up_to_date and there is None:  # an identical promotion made the same commit
        raise PromotionError(
            "branch-race",
            f"{name} was created on {remote} by another promotion while this one was built",
            hint="look at the branch; it already holds this promotion",
        )
    return Pushed(remote, result.summary, result.messages)
