"""Secret detection: precise patterns for well-known credential formats, and high-entropy values
in fields whose names say they hold a secret."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

# Formats as their issuers document them; each is specific enough to have few false positives.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("GitLab token", re.compile(r"\b(?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Stripe secret key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b")),
    ("Anthropic API key", re.compile(r"\bsk-ant-[a-z]+[0-9]*-[A-Za-z0-9_-]{32,}")),
    ("OpenAI API key", re.compile(r"\bsk-[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]{16,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    (
        "private key block",
        re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-"),
    ),
)
_SECRET_FIELD = re.compile(
    r"""(?ix)^[\ \t\-]*["']?
    (?P<key>[a-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|apikey|private[_-]?key
        |access[_-]?key|credentials?|auth)[a-z0-9_.-]*)
    ["']?[\ \t]*[:=][\ \t]*["']?(?P<value>[^\s"'#,]+)"""
)
_PLACEHOLDER = re.compile(
    r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\{\{.*\}\}|[A-Z][A-Z0-9_]*)$"
)
MIN_LENGTH = 16
MIN_ENTROPY = 3.5


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A likely secret: the line it is on and what kind it looks like (never the value)."""

    line: int
    kind: str


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _high_entropy(value: str) -> bool:
    return (
        len(value) >= MIN_LENGTH
        and "://" not in value
        and not _PLACEHOLDER.match(value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and entropy(value) >= MIN_ENTROPY
    )


# Each pattern runs only when its literal marker is in the text: a substring test is far cheaper
# than a regular expression, and most files hold none of them.
_MARKERS = ("AKIA|ASIA|ABIA|ACCA", "gh", "github_pat_", "gl", "xox", "_live_", "sk-ant-",
            "T3BlbkFJ", "AIza", "PRIVATE KEY|PuTTY")  # fmt: skip
_FIELDS = re.compile(_SECRET_FIELD.pattern, re.IGNORECASE | re.VERBOSE | re.MULTILINE)
_FIELD_WORDS = ("pass", "secret", "token", "key", "credential", "auth")


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@lru_cache(maxsize=8192)  # a skill's files are scanned once however many agents use it
def find_secrets(text: str) -> tuple[SecretHit, ...]:
    """Every likely secret in ``text``, one per line at most."""
    found: dict[int, str] = {}
    for (kind, pattern), markers in zip(PATTERNS, _MARKERS, strict=True):
        if any(marker in text for marker in markers.split("|")):
            for match in pattern.finditer(text):
                found.setdefault(_line(text, match.start()), kind)
    lower = text.lower()
    if any(word in lower for word in _FIELD_WORDS):
        for match in _FIELDS.finditer(text):
            if _high_entropy(match["value"]):
                found.setdefault(
                    _line(text, match.start()), f"high-entropy value in '{match['key']}'"
                )
    return tuple(SecretHit(line, kind) for line, kind in sorted(found.items()))
