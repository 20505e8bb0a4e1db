"""Tool poisoning in MCP action descriptions and SKILL.md files: invisible characters,
orders aimed at the model, exfiltration-looking URLs and paths, and (as ``Mention`` facts
for the cross-file rule in ``shadowing``) the names of other tools' actions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hubrails.core.registry.document import Document
from hubrails.core.registry.findings import Finding, Severity
from hubrails.core.registry.layout import action_name
from hubrails.core.validate.reports import Ref

_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E}
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_HIDDEN = re.compile(  # one character of either set, or a tag character
    "[" + "".join(map(chr, sorted(_ZERO_WIDTH | _BIDI))) + "\U000e0000-\U000e007f]"
)
_ORDERS = re.compile(
    r"ignore (all )?(the )?(previous|prior|above) instructions|do not tell the user"
    r"|don't tell the user|<important>",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s<>\"'`)\]]+", re.IGNORECASE)
_COLLECTORS = re.compile(
    r"(^|\.)(ngrok(-free)?\.(io|app|dev)|requestbin\.(com|net)|pipedream\.net|webhook\.site"
    r"|burpcollaborator\.net|oast\.(fun|me|live|pro|site|online)|interact\.sh|pastebin\.com"
    r"|transfer\.sh|beeceptor\.com|hookbin\.com|trycloudflare\.com|requestcatcher\.com)$"
)
_PATHS = re.compile(
    r"(?:(?:~|\$HOME)/)?(?:\.ssh/|\.aws/credentials|\.netrc\b|\.git-credentials|\.kube/config"
    r"|\.docker/config\.json|\.npmrc\b|\.pypirc\b|\.config/gcloud|\.cursor/)"
    r"|~/\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|/etc/(?:passwd|shadow)\b|(?<![\w.])\.env\b"
    r"|\bmcp\.json\b|claude_desktop_config\.json",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(
    r"(?<![\w-])(?:[A-Za-z][A-Za-z0-9]*(?:[_-]+[A-Za-z0-9]+)+|[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)"
    r"(?![\w-])"
)
# Lower-case text that every match of _ORDERS and _PATHS contains: an ASCII text without any of
# it has no match, found by a few substring scans instead of a regex tried at every offset (not
# for other text: case-insensitive matching pairs some non-ASCII letters with ASCII ones).
_ORDER_WORDS = ("ignore", "tell the user", "<important>")
_PATH_WORDS = (
    ".ssh", ".aws/", ".netrc", ".git-cred", ".kube/", ".docker/", ".npmrc", ".pypirc",
    ".config/", ".cursor/", "id_", "/etc/", ".env", "mcp.json", "claude_desktop",
)  # fmt: skip
MAX_MENTIONS = 20  # identifiers kept per description


def _may_match(lowered: str | None, words: tuple[str, ...]) -> bool:
    """False only when a regex whose every match contains one of ``words`` (case aside)
    cannot match a text; ``lowered`` is that text in lower case when it is ASCII, else
    ``None`` (then the regex must be tried)."""
    return lowered is None or any(word in lowered for word in words)


def _lowered(text: str) -> str | None:
    return text.lower() if text.isascii() else None


def invisible(text: str) -> list[tuple[int, str]]:
    """(offset, description) of every invisible or direction-changing character of ``text``."""
    found: list[tuple[int, str]] = []
    if text.isascii():
        return found
    for match in _HIDDEN.finditer(text):
        offset, char = match.start(), match.group(0)
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


def exfiltration(text: str, lowered: str | None = None) -> list[tuple[int, str]]:
    """(offset, description) of every URL or path of ``text`` that looks like somewhere a
    poisoned tool sends what it steals: collectors, bare IP addresses, filled-in query
    values, credential files (``lowered``: the text in lower case, if ASCII and at hand)."""
    from urllib.parse import urlsplit

    found: list[tuple[int, str]] = []
    if lowered is None:
        lowered = _lowered(text)
    for match in _URL.finditer(text) if "://" in text else ():
        url = match.group(0)
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        why = ""
        if _COLLECTORS.search(host):
            why = "a request collector or tunnel"
        elif host and _is_ip(host):
            why = "a bare IP address"
        elif re.search(r"[?&][^=\s]*=(\{|\$\{|<)", url):
            why = "a query value for the model to fill in"
        if why:
            found.append((match.start(), f"the URL {url!r} ({why})"))
    for match in _PATHS.finditer(text) if _may_match(lowered, _PATH_WORDS) else ():
        found.append((match.start(), f"the credential path {match.group(0)!r}"))
    return sorted(found)


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_loopback


def mentions(text: str) -> list[str]:
    """The identifiers of ``text`` that may name a tool or an action (``send_email``,
    ``sendEmail``, ``mcp__mail__send``), as action names, each once."""
    names: list[str] = []
    for match in _IDENTIFIER.finditer(text):
        token = match.group(0)
        for part in [token, *token.split("__")] if "__" in token else [token]:
            for name in (part.lower(), action_name(part)):
                if name not in names:
                    names.append(name)
    return names[:MAX_MENTIONS]


def mention_refs(doc: Document, actions: Any) -> list[Ref]:
    """``Mention`` facts: the identifiers each action's description names, for the cross-file
    rule ``mcp-cross-tool-shadowing`` (which knows the registry's other tools)."""
    refs: list[Ref] = []
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        text = action.get("description") if isinstance(action, dict) else None
        if not isinstance(text, str) or not isinstance(action.get("name"), str):
            continue
        line, column = doc.mark(("spec", "actions", i, "description"))
        where = f"spec.actions[{i}].description"
        refs += [
            Ref("Mention", n, where, line, column, None, (action["name"],)) for n in mentions(text)
        ]
    return refs


def _checks(text: str) -> list[tuple[str, Severity, int, str, str]]:
    """(rule suffix, severity, offset, what, hint) of every poisoning sign in ``text``."""
    lowered = _lowered(text)
    orders = _ORDERS.finditer(text) if _may_match(lowered, _ORDER_WORDS) else ()
    found = [
        ("invisible-text", Severity.ERROR, at, f"hides {what}", "a model reads what a reviewer "
         "cannot see; remove it")
        for at, what in invisible(text)[:5]
    ]  # fmt: skip
    found += [
        ("model-instruction", Severity.WARNING, m.start(), f"gives the model an order: "
         f"{m.group(0)!r}", "say what the tool or skill does, not what the model must do")
        for m in orders
    ]  # fmt: skip
    found += [
        ("exfiltration-target", Severity.WARNING, at, f"points at {what}", "a tool or skill "
         "that sends data somewhere unexpected is how a poisoned one steals it")
        for at, what in exfiltration(text, lowered)
    ]  # fmt: skip
    return found


def action_findings(path: str, doc: Document, actions: Any) -> list[Finding]:
    """The poisoning findings of a Tool's ``spec.actions`` descriptions."""
    findings: list[Finding] = []
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        text = action.get("description") if isinstance(action, dict) else None
        if not isinstance(text, str):
            continue
        line, column = doc.mark(("spec", "actions", i, "description"))
        about = f"the description of action '{action.get('name')}'"
        findings += [
            Finding(f"mcp-{rule}", severity, path, line, column, f"{about} {what}", hint)
            for rule, severity, _, what, hint in _checks(text)
        ]
    return findings


def skill_doc_findings(path: str, text: str) -> list[Finding]:
    """The poisoning findings of a whole SKILL.md (frontmatter and body), each at its line and
    column."""
    findings: list[Finding] = []
    for rule, severity, offset, what, hint in _checks(text):
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        findings.append(
            Finding(f"skill-md-{rule}", severity, path, line, column, f"SKILL.md {what}", hint)
        )
    return findings
