#!/usr/bin/env python3
"""Group pull requests by conventional-commit type and print markdown.

Usage: group_changes.py PRS.json   (or JSON on stdin)
Input: a list of {"number": int, "title": str, "labels": [str | {"name": str}]}.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

TITLE = re.compile(r"^(?P<type>[a-z]+)(?:\((?P<scope>[^)]+)\))?(?P<bang>!)?:\s*(?P<text>.+)$")
SECTIONS = {
    "feat": "New",
    "perf": "Improved",
    "refactor": "Improved",
    "fix": "Fixed",
    "revert": "Fixed",
    "docs": "Documentation",
    "deprecate": "Deprecated",
}
HIDDEN = {"chore", "ci", "build", "test", "style"}
ORDER = ["Breaking", "New", "Improved", "Fixed", "Deprecated", "Documentation", "Other"]


def label_names(pr: dict) -> set[str]:
    """Return the PR's label names whether labels are strings or objects."""
    return {lab["name"] if isinstance(lab, dict) else lab for lab in pr.get("labels", [])}


def main() -> int:
    text = Path(sys.argv[1]).read_text(encoding="utf-8") if len(sys.argv) > 1 else sys.stdin.read()
    prs = json.loads(text)

    groups: dict[str, list[str]] = defaultdict(list)
    for pr in sorted(prs, key=lambda p: p["number"]):
        match = TITLE.match(pr["title"].strip())
        if not match:
            groups["Other"].append(f"{pr['title'].strip()} (#{pr['number']})")
            continue
        kind = match["type"]
        if kind in HIDDEN and "user-facing" not in label_names(pr):
            continue
        scope = f"**{match['scope']}**: " if match["scope"] else ""
        line = f"{scope}{match['text']} (#{pr['number']})"
        breaking = match["bang"] or "breaking-change" in label_names(pr)
        groups["Breaking" if breaking else SECTIONS.get(kind, "Other")].append(line)

    for section in ORDER:
        if groups.get(section):
            items = "".join(f"- {line}\n" for line in groups[section])
            sys.stdout.write(f"### {section}\n{items}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
