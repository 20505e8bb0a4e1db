"""A review's items: an item is as bad as its worst reason, keyed by team/agent (or the team
for its budget), and a review counts its items with an error."""

from __future__ import annotations

from datetime import UTC, datetime

from hubrails.core.ledger.window import Window
from hubrails.core.review.items import ERROR, WARNING, Item, Reason, Review, Thresholds

AS_OF = datetime(2026, 6, 20, tzinfo=UTC)


def reason(severity: str) -> Reason:
    return Reason("code", severity, "why", ("evidence",), "do this")


def test_an_item_is_as_bad_as_its_worst_reason() -> None:
    assert Item("sre", "a", "a.yaml", (reason(WARNING), reason(ERROR))).severity == ERROR
    assert Item("sre", "a", "a.yaml", (reason(WARNING), reason(WARNING))).severity == WARNING
    assert Item("sre", "a", "a.yaml", ()).severity == WARNING  # nothing wrong is no error


def test_an_unknown_severity_is_no_error() -> None:
    assert Item("sre", "a", None, (reason("fatal"),)).severity == WARNING


def test_the_key_of_an_agent_and_of_a_team() -> None:
    assert Item("sre", "triage", "a.yaml", ()).key == "sre/triage"
    assert Item("sre", None, "registry/teams/sre.yaml", ()).key == "sre"
    assert Item("sre", "", None, ()).key == "sre"


def test_a_review_counts_the_items_with_an_error() -> None:
    items = (
        Item("a", "x", None, (reason(ERROR),)),
        Item("b", None, None, (reason(WARNING), reason(ERROR))),
        Item("c", "y", None, (reason(WARNING),)),
    )
    review = Review(Window(0, 1), AS_OF, 3, items)
    assert review.errors == 2
    assert Review(Window(0, 1), AS_OF, 0, ()).errors == 0
    assert review.thresholds == Thresholds()


def test_the_default_thresholds_are_the_documented_ones() -> None:
    th = Thresholds()
    assert (th.mad_k, th.min_ratio, th.baseline_days, th.recent_days) == (3.0, 1.5, 28, 7)
    assert (th.min_baseline_days, th.min_recent_runs, th.waiver_days, th.denials) == (7, 5, 14, 5)
