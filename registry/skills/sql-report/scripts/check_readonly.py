#!/usr/bin/env python3
"""Check that a SQL text is a single read-only statement before it is run.

Usage: check_readonly.py [FILE]   (reads stdin without FILE)
Prints "ok" and exits 0, or prints the problems and exits 1.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FORBIDDEN = re.compile(
    r"\b(insert|update|delete|merge|truncate|drop|alter|create|grant|revoke|copy|vacuum"
    r"|reindex|call|lock|refresh)\b",
    re.I,
)
AGGREGATES = re.compile(r"\b(count|sum|avg|min|max|percentile_cont|group\s+by)\b", re.I)


def strip_literals(sql: str) -> str:
    """Remove comments and quoted literals so keywords inside them are ignored."""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return re.sub(r'"(?:[^"]|"")*"', '""', sql)


def problems(sql: str) -> list[str]:
    """Return a list of reasons the SQL is not acceptable (empty when fine)."""
    found: list[str] = []
    code = strip_literals(sql).strip().rstrip(";").strip()
    if not code:
        return ["empty query"]
    if ";" in code:
        found.append("more than one statement")
    first = code.split(None, 1)[0].lower()
    if first not in {"select", "with"}:
        found.append(f"starts with {first.upper()}, expected SELECT or WITH")
    for word in sorted({m.lower() for m in FORBIDDEN.findall(code)}):
        found.append(f"contains forbidden keyword {word.upper()}")
    if re.search(r"\bfor\s+(update|share)\b", code, re.I):
        found.append("takes row locks (FOR UPDATE/SHARE)")
    if not AGGREGATES.search(code) and not re.search(r"\blimit\s+\d+", code, re.I):
        found.append("non-aggregate query without LIMIT")
    return found


def main() -> int:
    text = Path(sys.argv[1]).read_text(encoding="utf-8") if len(sys.argv) > 1 else sys.stdin.read()
    issues = problems(text)
    if issues:
        for issue in issues:
            sys.stdout.write(f"error: {issue}\n")
        return 1
    sys.stdout.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
