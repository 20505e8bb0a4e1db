"""Options and helpers the ``hub ledger`` commands share."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hubrails.core.registry.config import HubConfig
    from hubrails.store.reader import Queries
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


def open_for_reading(root: Path | None, db: str | None) -> tuple[HubConfig, Queries]:
    """The registry's configuration and its ledger to read from: a ledger at this schema
    without SQLAlchemy (``quick_reader``), else the store opened (created or migrated) as for
    writing."""
    from hubrails.core.ledger.registry_facts import ledger_url
    from hubrails.core.registry.config import load_config, locate
    from hubrails.store.reader import quick_reader

    config = load_config(locate(root))
    url = ledger_url(config, db)
    reader = quick_reader(url)
    if reader is not None:
        return config, reader
    from hubrails.store.sql import open_store

    return config, open_store(url)


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date or time (default: now); budgets use its month.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(help="Start: a date, a date-time or a span back like 30d (default: 30d)."),
]
UntilOption = Annotated[
    str | None, typer.Option(help="End (included when a date; default: --as-of).")
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
