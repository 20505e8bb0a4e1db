"""``hub promote`` as one JSON document for bots: the promotion, or why there is none."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from hubrails.errors import PromotionError

if TYPE_CHECKING:
    from hubrails.core.promote.outcome import Promotion
    from hubrails.errors import HubError


def render_promotion(promotion: Promotion, out: TextIO) -> None:
    """Write what was done (or, with ``--dry-run``, what would be done)."""
    _json(promotion.to_dict(), out)


def render_refusal(error: HubError, out: TextIO) -> None:
    """A refusal (exit 1) or a usage error (exit 2) as one JSON document; in text, both go to
    stderr through the CLI boundary."""
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
