"""Review URLs and certification phrases of a promotion."""

from __future__ import annotations

import hashlib
import json

import pytest

from hubrails.core.promote.facts import certification
from hubrails.core.promote.pull_request import review_url

BRANCH = "promote/support/triage"


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        (
            "git@github.com:acme/hub.git",
            "https://github.com/acme/hub/compare/main...promote/support/triage?expand=1",
        ),
        (
            "https://github.com/acme/hub",
            "https://github.com/acme/hub/compare/main...promote/support/triage?expand=1",
        ),
        (
            "ssh://git@gitlab.example.com:2222/platform/ai/hub.git",
            "https://gitlab.example.com/platform/ai/hub/-/merge_requests/new?"
            "merge_request%5Bsource_branch%5D=promote%2Fsupport%2Ftriage&"
            "merge_request%5Btarget_branch%5D=main",
        ),
        ("/srv/git/hub.git", None),
        ("https://git.example.com/hub.git", None),
        (None, None),
    ],
)
def test_review_url(remote: str | None, expected: str | None) -> None:
    assert review_url(remote, "main", BRANCH) == expected


AGENT = b"kind: Agent\n"


def cert(
    verdict: str = "pass", agent: bytes = AGENT, expires: str = "2999-01-01T00:00:00Z"
) -> bytes:
    digest = hashlib.sha256(agent).hexdigest()
    return json.dumps(
        {
            "subject": [{"name": "a.yaml", "digest": {"sha256": digest}}],
            "predicate": {
                "verdict": verdict,
                "issued_at": "2026-11-20T10:00:00Z",
                "expires_at": expires,
            },
        }
    ).encode()


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (None, "not certified"),
        (cert(), "certified (2026-11-20)"),
        (cert("fail"), "certification failed"),
        (cert(agent=b"older"), "stale certificate (the agent changed since)"),
        (cert(expires="2026-01-01T00:00:00"), "certificate expired on 2026-01-01"),
        (b"{not json", "unreadable certificate"),
        (b"{}", "unreadable certificate"),
        (b"[" * 100_000, "unreadable certificate"),
        (cert(expires="2099-02-30T00:00:00Z"), "unreadable certificate"),
        (cert(expires="2099-01-01T00:00:00+99:99"), "unreadable certificate"),
    ],
)
def test_certification(certificate: bytes | None, expected: str) -> None:
    assert certification(certificate, AGENT) == expected
