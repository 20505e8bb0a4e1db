"""``hub review --format json``: the window in milliseconds, the thresholds used, and each item
with its severity and reasons (docs/review.md); an empty queue is a document with no items."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from hubrails.core.ledger.window import Window
from hubrails.core.review.items import Item, Reason, Review, Thresholds
from hubrails.render.json.review import render_review, review_document

WINDOW = Window(1_780_000_000_000, 1_782_592_000_000)
AS_OF = datetime(2026, 6, 27, 8, 0, tzinfo=UTC)
SPIKE = Reason("cost-spike", "warning", "cost per run tripled", ("week 25: $3.10",), "look")
DENIED = Reason("guard-denials", "error", "7 denials", (), "ask the owner — über")


def rendered(review: Review) -> dict[str, Any]:
    out = io.StringIO()
    render_review(review, out)
    text = out.getvalue()
    assert text.startswith("{\n  ") and text.endswith("}\n")
    data: dict[str, Any] = json.loads(text)
    return data


def test_an_empty_review_has_its_window_thresholds_and_no_items() -> None:
    assert rendered(Review(WINDOW, AS_OF, 0, ())) == {
        "window": {"since_ms": 1_780_000_000_000, "until_ms": 1_782_592_000_000},
        "as_of": "2026-06-27T08:00:00+00:00",
        "agents": 0,
        "errors": 0,
        "thresholds": {
            "mad_k": 3.0,
            "min_ratio": 1.5,
            "baseline_days": 28,
            "recent_days": 7,
            "min_baseline_days": 7,
            "min_recent_runs": 5,
            "waiver_days": 14,
            "denials": 5,
        },
        "items": [],
    }


def test_an_item_has_the_worst_severity_of_its_reasons_and_every_reason() -> None:
    agent = Item("sre", "triage", "registry/spokes/sre/agents/triage.yaml", (SPIKE, DENIED),
                 "2026-06-26T10:00:00Z")  # fmt: skip
    document = review_document(Review(WINDOW, AS_OF, 4, (agent,)))
    assert document["errors"] == 1
    [item] = rendered(Review(WINDOW, AS_OF, 4, (agent,)))["items"]
    assert item == {
        "team": "sre",
        "agent": "triage",
        "path": "registry/spokes/sre/agents/triage.yaml",
        "severity": "error",
        "last_seen": "2026-06-26T10:00:00Z",
        "reasons": [
            {"code": "cost-spike", "severity": "warning", "message": "cost per run tripled",
             "evidence": ["week 25: $3.10"], "action": "look"},
            {"code": "guard-denials", "severity": "error", "message": "7 denials",
             "evidence": [], "action": "ask the owner — über"},
        ],
    }  # fmt: skip


def test_a_team_item_has_no_agent_or_path_and_errors_count_items_not_reasons() -> None:
    team = Item("ops", None, None, (SPIKE,))
    agent = Item("sre", "triage", None, (DENIED, DENIED))
    data = rendered(Review(WINDOW, AS_OF, 2, (team, agent), Thresholds(denials=9)))
    assert data["errors"] == 1 and data["agents"] == 2
    assert data["thresholds"]["denials"] == 9
    first = data["items"][0]
    assert (first["agent"], first["path"], first["last_seen"], first["severity"]) == (
        None, None, None, "warning",
    )  # fmt: skip


def test_text_is_written_without_escaping_non_ascii() -> None:
    out = io.StringIO()
    render_review(Review(WINDOW, AS_OF, 1, (Item("sre", "a", None, (DENIED,)),)), out)
    assert "über" in out.getvalue() and "\\u" not in out.getvalue()
