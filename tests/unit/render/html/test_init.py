"""The dashboard page: the template environment (autoescaped, strict about undefined names,
made once), the filters that format amounts, shares, times and counts, what the template is
given, and a whole page written from hand-built data with user data escaped."""

from __future__ import annotations

import datetime as dt
import io
import re

import jinja2
import pytest

from hubrails.core.certify.waivers import Waiver
from hubrails.core.dashboard.build import Dashboard
from hubrails.core.dashboard.governance import (
    AgentStatus,
    Governance,
    Promotion,
    ToolStatus,
    WaiverStatus,
)
from hubrails.core.dashboard.series import AgentTrend, Series
from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.query import Totals
from hubrails.core.ledger.report import Flagged, Line
from hubrails.render.html import context, environment, render_dashboard, view
from tests.unit.render.html.dashboards import SINCE, dashboard

EVIL = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def page(data: Dashboard) -> str:
    out = io.StringIO()
    render_dashboard(data, out)
    return out.getvalue()


def test_the_environment_is_made_once_escapes_and_refuses_undefined_names() -> None:
    env = environment()
    assert environment() is env
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.UndefinedError, match="'nope' is undefined"):
        env.from_string("{{ nope }}").render()


def test_compiled_templates_are_kept_per_hubrails_version() -> None:
    """Jinja keys its cache by a template's name and source only, while the compiled code also
    depends on the environment's options (autoescape, whitespace control): a new hubrails, whose
    options may differ, never reads what an older one compiled."""
    from hubrails import __version__

    cache = environment().bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    assert cache.pattern == f"__hubrails_{__version__}_%s.cache"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("usd", None, "—"),
        ("usd", 0.0, "$0.00"),
        ("usd", 1234.567, "$1,234.57"),
        ("pct", None, "—"),
        ("pct", 0.1234, "12.3%"),
        ("pct", 1.0, "100.0%"),
        ("num", 1234.0, "1,234"),
        ("num", 1234.56, "1,234.6"),
        ("num", 7, "7"),
        ("time", 0, "1970-01-01 00:00 UTC"),
        ("time", SINCE + 90 * 60_000, "2026-06-01 01:30 UTC"),
    ],
)
def test_the_filters_format_amounts_shares_counts_and_times(
    name: str, value: object, shown: str
) -> None:
    assert environment().filters[name](value) == shown


def test_the_template_is_given_the_data_and_the_charts_geometry() -> None:
    data = dashboard(budgets=(BudgetLine("sre", 10.0, 1.0, 2.0, 0, "ok"),))
    given = context(data)
    assert sorted(given) == sorted(["d", "r", "g", "v", "spend", "budgets", "mix", "review",
                                    "review_top", "savings", "risks", "matrix"])  # fmt: skip
    assert (given["d"], given["r"], given["g"], given["v"]) == (
        data, data.report, data.governance, view,
    )  # fmt: skip
    assert given["budgets"] == view.budgets(data)
    assert (given["review"], given["review_top"]) == view.review_pairs(data)
    assert (given["risks"], given["matrix"]) == view.tool_matrix(data)


def test_an_empty_dashboard_is_a_whole_page_without_anything_fetched() -> None:
    html = page(dashboard(title="acme-hub"))
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")
    assert "<title>acme-hub · hub dashboard</title>" in html
    assert "Ledger window 2026-06-01 00:00 UTC to 2026-06-04 00:00 UTC" in html
    assert "No git history here" in html and "No waivers." in html
    assert not re.search(r"<(link|img)\b|\bsrc=|https?://", html)


def busy() -> Dashboard:
    waiver = Waiver("w", "registry/waivers/w.yaml", 3, EVIL, "sre", "secrets", EVIL, "@ciso",
                    dt.date(2026, 7, 1), "0" * 64)  # fmt: skip
    governance = Governance(
        agents=(AgentStatus("sre", EVIL, "production", False, ("logging",), (), "stale", EVIL),),
        waivers=(WaiverStatus(waiver, expired=True),),
        tools=(ToolStatus(EVIL, None, "vetted", "high", 2),),
        promotions=(Promotion(EVIL, "a" * 40, dt.datetime(2026, 6, 2, 9, 5), "1.0.0", "sre"),),
        warnings=(),
    )
    totals = Totals(runs=10, cost=5.0, resolved=5, failed=5)
    trend = AgentTrend("sre", EVIL, totals, 2.0, (0.5, None))
    series = Series(("2026-06-01",), (EVIL,), {EVIL: (5.0,)}, (trend,))
    return dashboard(
        title=EVIL,
        team=EVIL,
        series=series,
        governance=governance,
        total=Line("total", totals, 2.0, 1.0),
        rows=(Line(EVIL, totals, 2.0, 1.0),),
        failing=(Flagged(EVIL, EVIL, 10, EVIL, cost=5.0, failure_rate=0.5),),
        budgets=(BudgetLine(EVIL, 4.0, 5.0, 9.0, 0, "over"),),
    )


def test_user_data_is_escaped_everywhere_it_is_shown() -> None:
    html = page(busy())
    assert EVIL not in html and "<script>alert" not in html
    assert html.count(ESCAPED) >= 10
    assert "· team &lt;script&gt;" in html


def test_a_busy_page_shows_its_numbers_and_governance() -> None:
    html = page(busy())
    assert "$5.00" in html and "50.0%" in html
    assert "<code>aaaaaaaaaaaa</code>" in html and "2026-06-02 09:05" in html
    assert "expired" in html
    assert '<b class="bad">1</b>' in html  # one team over budget
