"""Text renderers write plain text to a stream that is not a terminal: whatever the calling
shell forces (``FORCE_COLOR``, rich's ``TTY_COMPATIBLE``), these tests see no colour."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
