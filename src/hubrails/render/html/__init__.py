"""The dashboard as one self-contained HTML page: Jinja2 templates (autoescaped: team, agent
and tool names are user data) with inline CSS, SVG charts drawn from ``view``'s numbers, and a
little inline JavaScript for sorting tables (the page is complete without it)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hubrails import __version__
from hubrails.core.dashboard.build import Dashboard
from hubrails.render.html import view

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


def _usd(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _time(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@cache
def environment() -> Environment:
    """The template environment: autoescaped, strict about undefined names, the compiled
    templates kept between runs (compiling them costs more than rendering)."""
    from jinja2 import (
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        StrictUndefined,
        select_autoescape,
    )

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Jinja's own per-user folder in the temp dir. Its key is the template's name and
        # source, but the code compiled depends on the options below too: one set per version.
        bytecode_cache=FileSystemBytecodeCache(pattern=f"__hubrails_{__version__}_%s.cache"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(usd=_usd, pct=_pct, num=_num, time=_time)
    return env


def context(data: Dashboard) -> dict[str, Any]:
    """What the template is given: the data and the charts' geometry."""
    review, review_top = view.review_pairs(data)
    risks, matrix = view.tool_matrix(data)
    return {
        "d": data,
        "r": data.report,
        "g": data.governance,
        "v": view,
        "spend": view.spend(data),
        "budgets": view.budgets(data),
        "mix": view.outcome_mix(data),
        "review": review,
        "review_top": review_top,
        "savings": view.savings(data),
        "risks": risks,
        "matrix": matrix,
    }


def render_dashboard(data: Dashboard, out: TextIO) -> None:
    """Write the page of ``data``."""
    template = environment().get_template("page.html.j2")
    for chunk in template.generate(**context(data)):
        out.write(chunk)
