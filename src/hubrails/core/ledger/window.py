"""Report windows: ``--since``/``--until`` as dates, RFC 3339 times or ``30d`` back."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hubrails.errors import HubError

DAY_MS = 86_400_000
_RELATIVE = re.compile(r"^(\d+)([dw])$")


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval ``[since_ms, until_ms)`` of run times."""

    since_ms: int
    until_ms: int

    @property
    def days(self) -> float:
        """The length in days."""
        return (self.until_ms - self.since_ms) / DAY_MS


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def parse_time(text: str, now: datetime, *, end: bool, option: str) -> datetime:
    """A point in time: ``30d``/``4w`` before ``now``, a date (its start; with ``end``, the
    start of the next day, so the date is included) or an RFC 3339 date-time."""
    relative = _RELATIVE.match(text)
    if relative:
        amount = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        return now - timedelta(days=amount)
    try:
        if len(text) == 10:
            day = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            return day + timedelta(days=1) if end else day
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise HubError(
            f"{option}: {text!r} is not a date, a date-time or a span like 30d",
            hint="e.g. 2026-06-01, 2026-06-01T12:00:00Z, 30d or 4w",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def window(since: str | None, until: str | None, now: datetime) -> Window:
    """The report window; by default the 30 days up to ``now``."""
    end = parse_time(until, now, end=True, option="--until") if until else now
    start = parse_time(since, now, end=False, option="--since") if since else end - timedelta(30)
    if start >= end:
        raise HubError(f"--since ({start.isoformat()}) is not before --until ({end.isoformat()})")
    return Window(_ms(start), _ms(end))


def month_to_date(now: datetime) -> tuple[Window, float]:
    """The current month up to ``now``, and the month's length in days."""
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    length = calendar.monthrange(now.year, now.month)[1]
    return Window(_ms(start), _ms(now)), float(length)
