"""Report windows: dates, RFC 3339 times and spans back from now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubrails.core.ledger.window import DAY_MS, Window, month_to_date, parse_time, window
from hubrails.errors import HubError

NOW = datetime(2026, 6, 15, 12, 30, tzinfo=UTC)


def _ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp() * 1000)


def test_relative_spans_count_back_from_now() -> None:
    assert parse_time("3d", NOW, end=False, option="--since") == datetime(
        2026, 6, 12, 12, 30, tzinfo=UTC
    )
    assert parse_time("2w", NOW, end=False, option="--since") == datetime(
        2026, 6, 1, 12, 30, tzinfo=UTC
    )


def test_a_date_is_its_start_or_with_end_the_next_day() -> None:
    assert parse_time("2026-06-01", NOW, end=False, option="x") == datetime(2026, 6, 1, tzinfo=UTC)
    assert parse_time("2026-06-01", NOW, end=True, option="x") == datetime(2026, 6, 2, tzinfo=UTC)


def test_date_times_keep_their_zone_and_naive_ones_are_utc() -> None:
    zulu = parse_time("2026-06-01t10:00:00z", NOW, end=False, option="x")
    assert zulu == datetime(2026, 6, 1, 10, tzinfo=UTC)
    offset = parse_time("2026-06-01T10:00:00+02:00", NOW, end=False, option="x")
    assert offset == datetime(2026, 6, 1, 8, tzinfo=UTC)
    assert parse_time("2026-06-01T10:00:00", NOW, end=False, option="x").tzinfo == UTC


@pytest.mark.parametrize("bad", ["yesterday", "30", "3m", "2026-13-01", ""])
def test_anything_else_is_an_error_naming_the_option(bad: str) -> None:
    with pytest.raises(HubError, match=r"--until: .* is not a date") as caught:
        parse_time(bad, NOW, end=True, option="--until")
    assert caught.value.hint and "30d" in caught.value.hint


def test_the_default_window_is_30_days_up_to_now() -> None:
    span = window(None, None, NOW)
    assert span.until_ms == int(NOW.timestamp() * 1000)
    assert span.days == 30.0


def test_a_window_between_dates_includes_the_last_date() -> None:
    span = window("2026-06-01", "2026-06-02", NOW)
    assert span == Window(_ms(2026, 6, 1), _ms(2026, 6, 3))
    assert span.days == 2.0


def test_since_must_be_before_until() -> None:
    with pytest.raises(HubError, match="is not before --until"):
        window("2026-06-10", "2026-06-01", NOW)
    with pytest.raises(HubError, match="is not before"):
        window("2026-06-15T12:30:00Z", None, NOW)  # empty: since == until


def test_month_to_date() -> None:
    span, length = month_to_date(NOW)
    assert span == Window(_ms(2026, 6, 1), int(NOW.timestamp() * 1000))
    assert length == 30.0
    assert month_to_date(datetime(2028, 2, 3, tzinfo=UTC))[1] == 29.0  # a leap year
    assert (span.until_ms - span.since_ms) // DAY_MS == 14
