"""``hub review`` as text: one block per item, its reasons, evidence and suggested action."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TextIO

from hubrails.core.review.items import Review
from hubrails.core.review.rules import Seen


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def render_review(review: Review, out: TextIO) -> None:
    """Write the review queue."""
    w = review.window
    lines = [f"hub review: {_day(w.since_ms)} to {_day(w.until_ms)}, {review.agents} agent(s)"]
    for item in review.items:
        seen = f" (last seen {item.last_seen})" if item.last_seen else ""
        where = f" {item.path}" if item.path else ""
        lines.append(f"\n{item.severity.upper()} {item.key}{where}{seen}")
        for r in item.reasons:
            lines.append(f"  {r.severity}: {r.code}: {r.message}")
            lines += [f"    evidence: {e}" for e in r.evidence]
            lines.append(f"    action: {r.action}")
    lines.append(
        f"\n{len(review.items)} item(s) need a person, {review.errors} with an error"
        if review.items
        else "\nnothing needs a person"
    )
    out.write("\n".join(lines) + "\n")


def render_agent_evidence(team: str, agent: str, seen: list[Seen], out: TextIO) -> None:
    """An agent's recent evidence (beside ``hub certify AGENT``'s checks)."""
    if not seen:
        out.write(f"\nevidence ({team}/{agent}): no tool use or denial in the ledger\n")
        return
    out.write(f"\nevidence ({team}/{agent}, from the ledger):\n")
    out.write("".join(f"  {s.line()}\n" for s in seen))
