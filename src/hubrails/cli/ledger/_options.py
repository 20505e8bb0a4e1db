"""Options and helpers the ``hub ledger`` commands share."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hubrails.core.registry.config import HubConfig
    from hubrails.store.sql import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="HUB_LEDGER_URL",
        help="Ledger database URL (sqlite:///PATH or postgresql://…); default: ledger.url in "
        "hub.yaml, else .hub/ledger.db.",
        show_default=False,
    ),
]


class SummaryFormat(StrEnum):
    """Output formats of the ingest summary."""

    TEXT = "text"
    JSON = "json"


def open_ledger(root: Path | None, db: str | None) -> tuple[HubConfig, Store]:
    """The registry's configuration and its ledger, schema created on first use."""
    from hubrails.core.ledger.registry_facts import ledger_url
    from hubrails.core.registry.config import load_config, locate
    from hubrails.store.sql import open_store

    config = load_config(locate(root))
    return config, open_store(ledger_url(config, db))


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date or time (default: now); budgets use its month.",
        show_default=False,
    ),
]
TeamOption = Annotated[
    str | None, typer.Option("--team", help="Only this team.", show_default=False)
]


def as_of(text: str | None) -> datetime:
    """The moment ``--as-of`` names (default: now)."""
    from datetime import UTC

    from hubrails.core.ledger.window import parse_time

    now = datetime.now(UTC)
    return parse_time(text, now, end=True, option="--as-of") if text else now
