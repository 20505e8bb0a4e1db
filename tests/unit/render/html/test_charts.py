"""The dashboard's chart geometry: round axes, stacks, shares and sparklines."""

from __future__ import annotations

import pytest

from hubrails.render.html.charts import nice_max, scale, shares, sparkline, stacked_columns


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (-3, 1), (0.7, 1), (1, 1), (1.01, 2), (3, 5), (7, 10), (19.99, 20), (0.031, 0.05)],
)
def test_nice_max(value: float, top: float) -> None:
    assert nice_max(value) == pytest.approx(top)


def test_stacked_columns_stack_upwards_and_skip_zeros() -> None:
    segments, top = stacked_columns(
        ["d1", "d2"], [("a", [1.0, 0.0]), ("b", [3.0, 2.0])], width=100, height=50
    )
    assert top == 5
    assert [(s.label, s.colour) for s in segments] == [
        ("d1 · a: $1.00", 0),
        ("d1 · b: $3.00", 1),
        ("d2 · b: $2.00", 1),
    ]
    a, b, c = segments
    assert (a.y, a.h) == (40, 10) and (b.y, b.h) == (10, 30)  # b sits on a
    assert c.x == pytest.approx(51) and c.w == pytest.approx(48)


def test_shares_and_scale() -> None:
    assert shares([1, 3], width=100) == [(0, 25), (25, 75)]
    assert shares([0, 0], width=100) == [(0, 0), (0, 0)]
    assert scale(5, 10, 200) == 100 and scale(-1, 10, 200) == 0 and scale(1, 0, 200) == 0


def test_sparkline_skips_weeks_without_runs() -> None:
    assert sparkline([0.0, None, 1.0, 0.5], width=30, height=10) == "0.0,10.0 20.0,0.0 30.0,5.0"
    assert sparkline([2.0], width=30, height=10) == "0.0,0.0"  # capped at the top
