"""``hub review``'s text: the window as dates, one block per item (key, path, last seen), each
reason with its evidence and action, and the closing count; an agent's evidence beside
``hub certify AGENT``."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hubrails.core.ledger.window import DAY_MS, Window
from hubrails.core.review.items import Item, Reason, Review
from hubrails.core.review.rules import Seen
from hubrails.render.text.review import render_agent_evidence, render_review

SINCE = 20_605 * DAY_MS  # 2026-06-01
WINDOW = Window(SINCE, SINCE + 30 * DAY_MS - 1)
AS_OF = datetime(2026, 7, 1, tzinfo=UTC)
SPIKE = Reason(
    "cost-spike",
    "warning",
    "cost per run tripled",
    ("week 25: $3.10", "week 26: $9.40"),
    "look at the prompts",
)
DENIED = Reason("guard-denials", "error", "7 denials", (), "ask the owner")  # fmt: skip


def rendered(review: Review) -> str:
    out = io.StringIO()
    render_review(review, out)
    return out.getvalue()


def test_an_empty_queue_says_nothing_needs_a_person() -> None:
    assert rendered(Review(WINDOW, AS_OF, 3, ())) == (
        "hub review: 2026-06-01 to 2026-06-30, 3 agent(s)\n\nnothing needs a person\n"
    )


def test_each_item_is_a_block_with_its_reasons_evidence_and_actions() -> None:
    agent = Item("sre", "triage", "registry/spokes/sre/agents/triage.yaml", (SPIKE, DENIED),
                 "2026-06-29T10:00:00Z")  # fmt: skip
    team = Item("ops", None, None, (SPIKE,))
    assert rendered(Review(WINDOW, AS_OF, 2, (agent, team))) == (
        "hub review: 2026-06-01 to 2026-06-30, 2 agent(s)\n"
        "\n"
        "ERROR sre/triage registry/spokes/sre/agents/triage.yaml (last seen 2026-06-29T10:00:00Z)\n"
        "  warning: cost-spike: cost per run tripled\n"
        "    evidence: week 25: $3.10\n"
        "    evidence: week 26: $9.40\n"
        "    action: look at the prompts\n"
        "  error: guard-denials: 7 denials\n"
        "    action: ask the owner\n"
        "\n"
        "WARNING ops\n"
        "  warning: cost-spike: cost per run tripled\n"
        "    evidence: week 25: $3.10\n"
        "    evidence: week 26: $9.40\n"
        "    action: look at the prompts\n"
        "\n"
        "2 item(s) need a person, 1 with an error\n"
    )


def test_evidence_names_its_runs_or_says_there_is_none() -> None:
    seen = [
        Seen("tool", "Bash", 1, 2, SINCE + 3_600_000, "r1", "r1"),
        Seen("denied", "WebFetch", 3, 4, SINCE + 7_200_000, "r2", "r9"),
    ]
    out = io.StringIO()
    render_agent_evidence("sre", "triage", seen, out)
    assert out.getvalue() == (
        "\nevidence (sre/triage, from the ledger):\n"
        "  tool Bash: 2 call(s) in 1 run(s), last 2026-06-01T01:00:00Z (runs r1)\n"
        "  denied WebFetch: 4 call(s) in 3 run(s), last 2026-06-01T02:00:00Z (runs r2 … r9)\n"
    )
    out = io.StringIO()
    render_agent_evidence("sre", "triage", [], out)
    assert out.getvalue() == "\nevidence (sre/triage): no tool use or denial in the ledger\n"
