"""Tool poisoning in MCP action descriptions: invisible characters and model-aimed orders."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hubrails.core.registry.document import Document
from hubrails.core.registry.findings import Finding, Severity

_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E}
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_ORDERS = re.compile(
    r"ignore (all )?(the )?(previous|prior|above) instructions|do not tell the user"
    r"|don't tell the user|<important>",
    re.IGNORECASE,
)


def invisible(text: str) -> list[tuple[int, str]]:
    """(offset, description) of every invisible or direction-changing character of ``text``."""
    found = []
    for offset, char in enumerate(text):
        code = ord(char)
        if 0xE0000 <= code <= 0xE007F:
            kind = "a Unicode tag character"
        elif code in _ZERO_WIDTH:
            kind = "a zero-width character"
        elif code in _BIDI:
            kind = "a bidirectional control"
        else:
            continue
        found.append((offset, f"{kind} U+{code:04X} ({unicodedata.name(char, 'unnamed')})"))
    return found


def action_findings(path: str, doc: Document, actions: Any) -> list[Finding]:
    """The poisoning findings of a Tool's ``spec.actions`` descriptions."""
    findings: list[Finding] = []
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        text = action.get("description") if isinstance(action, dict) else None
        if not isinstance(text, str):
            continue
        line, column = doc.mark(("spec", "actions", i, "description"))
        name = action.get("name")
        for _, what in invisible(text)[:5]:
            findings.append(
                Finding(
                    "mcp-invisible-text",
                    Severity.ERROR,
                    path,
                    line,
                    column,
                    f"the description of action '{name}' hides {what}",
                    "a model reads what a reviewer cannot see; remove it",
                )
            )
        for match in _ORDERS.finditer(text):
            findings.append(
                Finding(
                    "mcp-model-instruction",
                    Severity.WARNING,
                    path,
                    line,
                    column,
                    f"the description of action '{name}' gives the model an order: "
                    f"{match.group(0)!r}",
                    "descriptions say what a tool does, not what the model must do",
                )
            )
    return findings
