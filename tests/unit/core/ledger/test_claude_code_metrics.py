"""Claude Code's cost and token counters: one run per session window, never counted twice."""

from __future__ import annotations

from typing import Any

import pytest

from hubrails.core.ledger import claude_code_metrics
from hubrails.core.ledger.claude_code_metrics import Point
from tests.otlp_json import MODEL, metrics, point


def tokens(session: str, ts: int, scale: float = 1.0, start: int = 0) -> list[dict[str, Any]]:
    return [
        point(session, n * scale, ts, start, type=kind)
        for kind, n in (("input", 100), ("output", 40), ("cacheRead", 900), ("cacheCreation", 5))
    ]


def test_cumulative_counts_the_last_value() -> None:
    request = metrics(
        [point("s1", 0.01, 10), point("s1", 0.03, 70)], tokens("s1", 10) + tokens("s1", 70, 3)
    )
    [run] = claude_code_metrics.runs(claude_code_metrics.points(request))
    assert run["run_id"].startswith("claude-code:s1:metrics:")
    assert run["cost_usd"] == pytest.approx(0.03)
    assert (run["input_tokens"], run["output_tokens"]) == (300, 120)
    assert (run["cache_read_tokens"], run["cache_write_tokens"]) == (2700, 15)
    assert (run["model"], run["team"], run["agent"]) == (MODEL, "sre", "claude-code")


def test_delta_points_are_summed() -> None:
    request = metrics(
        [point("s1", 0.01, 10, 0), point("s1", 0.02, 70, 10)],
        tokens("s1", 10) + tokens("s1", 70, 1, 10),
        cumulative=False,
    )
    [run] = claude_code_metrics.runs(claude_code_metrics.points(request))
    assert run["cost_usd"] == pytest.approx(0.03)
    assert run["input_tokens"] == 200


def test_a_later_window_counts_only_what_the_cumulative_series_added() -> None:
    first = list(claude_code_metrics.points(metrics([point("s1", 0.01, 10)], tokens("s1", 10))))
    closed = [p._replace(baseline=1) for p in first]
    later = list(
        claude_code_metrics.points(metrics([point("s1", 0.05, 400)], tokens("s1", 400, 2)))
    )
    [run] = claude_code_metrics.runs([*closed, *later])
    assert run["cost_usd"] == pytest.approx(0.04)
    assert run["input_tokens"] == 100
    assert list(claude_code_metrics.runs(closed)) == []  # nothing new: no run


def test_other_metrics_and_points_without_a_session_are_ignored() -> None:
    request = metrics([point("", 1.0, 10)], [point("s1", 5, 10, type="reasoning")])
    assert list(claude_code_metrics.points(request)) == []
    assert Point._fields[0] == "point_key"
