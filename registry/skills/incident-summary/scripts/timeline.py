#!/usr/bin/env python3
"""Render PagerDuty log entries (JSON) as a compact markdown timeline in UTC.

Usage: timeline.py LOG_ENTRIES.json   (or JSON on stdin)

Accepts either a list of log entries or an object with a "log_entries" list,
as returned by the PagerDuty REST API and the pagerduty MCP server.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

# Entry types that are noise in a summary: one per notified person.
SKIP = {"notify_log_entry", "assign_log_entry"}
MARKS = {
    "trigger_log_entry": "TRIGGERED",
    "acknowledge_log_entry": "ACKNOWLEDGED",
    "resolve_log_entry": "RESOLVED",
    "escalate_log_entry": "ESCALATED",
}


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 timestamp and return it in UTC."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def main() -> int:
    text = Path(sys.argv[1]).read_text(encoding="utf-8") if len(sys.argv) > 1 else sys.stdin.read()
    data = json.loads(text)
    entries = data.get("log_entries", []) if isinstance(data, dict) else data

    rows = []
    for entry in entries:
        kind = entry.get("type", "")
        if kind in SKIP:
            continue
        when = parse_time(entry["created_at"])
        label = MARKS.get(kind, "")
        text = entry.get("summary") or entry.get("channel", {}).get("summary", "")
        rows.append((when, label, " ".join(text.split())))

    rows.sort(key=lambda row: row[0])
    seen = set()
    for when, label, text in rows:
        key = (when.replace(second=0), text)
        if key in seen:
            continue
        seen.add(key)
        prefix = f"**{label}** " if label else ""
        sys.stdout.write(f"- {when:%Y-%m-%d %H:%M} UTC {prefix}{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
