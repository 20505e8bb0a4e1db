"""``hub review`` as JSON (docs/review.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TextIO

from hubrails.core.review.items import Review


def review_document(review: Review) -> dict[str, object]:
    """The JSON document of a review."""
    return {
        "window": {"since_ms": review.window.since_ms, "until_ms": review.window.until_ms},
        "as_of": review.as_of.isoformat(),
        "agents": review.agents,
        "errors": review.errors,
        "thresholds": asdict(review.thresholds),
        "items": [
            {
                "team": i.team,
                "agent": i.agent,
                "path": i.path,
                "severity": i.severity,
                "last_seen": i.last_seen,
                "reasons": [asdict(r) for r in i.reasons],
            }
            for i in review.items
        ],
    }


def render_review(review: Review, out: TextIO) -> None:
    """Write the review as one JSON document."""
    out.write(json.dumps(review_document(review), indent=2, ensure_ascii=False) + "\n")
