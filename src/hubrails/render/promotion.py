"""Output of ``hub promote``: text for people, one JSON document for bots."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from hubrails.core.promote.outcome import Promotion
    from hubrails.errors import HubError


class PromotionFormat(StrEnum):
    """Output formats of ``hub promote``."""

    TEXT = "text"
    JSON = "json"


def render_promotion(promotion: Promotion, fmt: PromotionFormat, out: TextIO) -> None:
    """Write what was done (or, with ``--dry-run``, what would be done)."""
    if fmt is PromotionFormat.JSON:
        _json(promotion.to_dict(), out)
        return
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


def render_refusal(error: HubError, out: TextIO) -> None:
    """A refusal (exit 1) or a usage error (exit 2) as one JSON document; in text, both go to
    stderr through the CLI boundary."""
    from hubrails.errors import PromotionError

    if isinstance(error, PromotionError):
        _json(error.to_dict(), out)
        return
    location = error.location()
    message = f"{location}: {error.message}" if location else error.message
    _json(
        {
            "promoted": False,
            "reason": "usage",
            "message": message,
            "hint": error.hint,
            "details": [],
        },
        out,
    )


def _json(data: dict[str, Any], out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
