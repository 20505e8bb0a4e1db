"""Secret detection on its own."""

from __future__ import annotations

import pytest

from hubrails.core.certify.secrets import find_secrets
from hubrails.resources import data_dir


@pytest.mark.parametrize(
    "line",
    [
        "api_key: ${API_KEY}",
        "token: <your token here>",
        "env:\n  - GITHUB_PERSONAL_ACCESS_TOKEN",
        "password: hunter2",  # short: not worth a finding
        "token_url: https://auth.example.com/oauth2/token/v1/abcdefgh123",
        "description: Rotate the access key every 90 days.",
    ],
)
def test_no_false_positive(line: str) -> None:
    assert find_secrets(line) == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("x: xoxb-123456789012-abcdefABCDEF", "Slack token"),
        ("x: sk_live_" + "a1" * 12, "Stripe secret key"),
        ("x: AIza" + "b" * 35, "Google API key"),
        ("x: glpat-" + "c" * 20, "GitLab token"),
        ("client_secret: 'q8Zr2LmX0pVt7sWk3nYb'", "high-entropy value in 'client_secret'"),
    ],
)
def test_known_formats(text: str, kind: str) -> None:
    assert [h.kind for h in find_secrets("a: 1\n" + text)] == [kind]
    assert find_secrets("a: 1\n" + text)[0].line == 2


def test_the_example_registry_has_no_secrets() -> None:
    for path in (data_dir() / "registry").rglob("*"):
        if path.is_file():
            assert find_secrets(path.read_text(encoding="utf-8")) == (), path
