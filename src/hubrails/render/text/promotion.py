"""``hub promote`` as text for people: what was done (or would be), then the pull request."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from hubrails.core.promote.outcome import Promotion


def render_promotion(promotion: Promotion, out: TextIO) -> None:
    """Write what was done (or, with ``--dry-run``, what would be done)."""
    p = promotion
    verb = "Would promote" if p.dry_run else "Promoted"
    lines = [
        f"{verb} {p.team}/{p.skill} to {p.target_folder}/ (owner: {p.owner})",
        f"  branch   {p.branch}  (from {p.base_name} at {p.base[:12]})",
    ]
    if p.commit:
        lines.append(f"  commit   {p.commit[:12]}  {p.message.splitlines()[0]}")
    if p.pushed is not None:
        lines.append(f"  pushed   to {p.pushed.remote}: {p.pushed.summary}")
        lines += [f"  remote:  {m}" for m in p.pushed.messages.splitlines() if m]
    elif not p.dry_run:
        lines.append("  pushed   no (local branch only)")
    lines += [f"  added    {f}" for f in p.files]
    lines += [f"  removed  {f}" for f in p.removed]
    lines += [f"  note     {n}" for n in p.notes]
    if p.dry_run:
        lines += ["", "Commit message:", "", *(f"    {m}" for m in p.message.splitlines())]
        lines += ["", "Diff:", "", p.diff.rstrip()]
    lines += ["", f"Pull request: {p.pull_request.title}"]
    if p.pull_request.url:
        lines.append(f"Open it at: {p.pull_request.url}")
    lines += ["", p.pull_request.body.rstrip()]
    out.write("\n".join(lines) + "\n")
