"""The ledger as text: reports and budgets as rich tables (colour only on a terminal), and the
ingest summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.report import Line, Report
from hubrails.render.json.ledger import iso_time

if TYPE_CHECKING:  # ingest imports the SQL store: a report need not
    from hubrails.core.ledger.ingest import IngestResult

LISTED = 20  # rows per section in text; JSON and CSV have them all
_STATUS = {"over": "bold red", "projected-over": "yellow", "ok": "green", "no-budget": "dim"}


def _usd(value: float | None) -> str:
    """Dollars and cents; an amount under a cent with the digits that show it ($0.0042)."""
    if value is None:
        return "—"
    if 0 < abs(value) < 0.01:
        return f"${value:.2g}" if abs(value) >= 0.0001 else f"${value:.1e}"
    return f"${value:,.2f}"


def _cost(line: Line) -> str:
    unpriced = line.totals.unpriced
    return _usd(line.totals.cost) + (f" (+{unpriced} unpriced)" if unpriced else "")


def _more(console: Console, shown: int, count: int) -> None:
    if count > shown:
        console.print(f"  … and {count - shown} more (see --format json)")


def _print(console: Console, table: Table, empty: str) -> None:
    """A section: its table, or its title and what an empty section means."""
    if table.row_count:
        console.print(table)
    else:
        console.print(f"[bold]{table.title}[/]: {empty}")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    return table


def budget_table(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> Table:
    """The budget status table."""
    table = _table("Budget status (month to date)", "team", "budget", "spent", "projected", "")
    for b in lines:
        note = b.status + (f", {b.unpriced} unpriced runs" if b.unpriced else "")
        table.add_row(
            b.team, _usd(b.budget), _usd(b.spent), _usd(b.projected),
            f"[{_STATUS[b.status]}]{note}[/]",
        )  # fmt: skip
    return table


def render_report(report: Report, out: TextIO) -> None:
    """Write every section of the report."""
    console = Console(file=out, highlight=False, soft_wrap=True, width=140)
    since, until = iso_time(report.window.since_ms), iso_time(report.window.until_ms)
    rate = _usd(report.review_hourly_usd)
    console.print(f"[bold]Ledger report[/] {since} → {until} (review at {rate}/h)")
    rows = _table(
        f"By {report.by}", report.by, "runs", "tokens in/out", "cost", "per resolved",
        "failure rate", "review min", "review cost",
    )  # fmt: skip
    for line in (*report.rows, report.total):
        t = line.totals
        rows.add_row(
            line.key, f"{t.runs:,}",
            f"{t.input_tokens + t.cache_read_tokens + t.cache_write_tokens:,}/{t.output_tokens:,}",
            _cost(line), _usd(line.cost_per_resolved), f"{t.failure_rate:.1%}",
            f"{t.review_minutes:,.0f}", _usd(line.review_cost),
            end_section=line is report.rows[-1] if report.rows else False,
        )  # fmt: skip
    console.print(rows)
    drivers = _table("Top cost drivers", "agent", "cost", "share", "runs")
    for line in report.top_drivers:
        drivers.add_row(line.key, _cost(line), f"{line.share:.1%}", f"{line.totals.runs:,}")
    _print(console, drivers, "no runs in the window")
    cheaper = _table(
        "Cheaper-tier candidates", "agent", "model", "success", "cost", "next tier",
        "saving / month",
    )  # fmt: skip
    for c in report.cheaper_tier[:LISTED]:
        cheaper.add_row(
            f"{c.team}/{c.agent}", f"{c.model} ({c.tier})", f"{c.success_rate:.0%}",
            _usd(c.cost), f"{c.cheaper_model} ({c.cheaper_tier})", _usd(c.monthly_saving),
        )  # fmt: skip
    _print(console, cheaper, "none (agents that fail quietly are never candidates)")
    _more(console, LISTED, len(report.cheaper_tier))
    review = _table("Review-time hotspots", "agent", "runs", "model cost", "review cost")
    for f in report.review_hotspots[:LISTED]:
        review.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", _usd(f.cost), _usd(f.review_cost))
    _print(console, review, "none (no agent's review costs more than its model)")
    _more(console, LISTED, len(report.review_hotspots))
    failing = _table("Quietly failing workloads", "agent", "runs", "failure rate", "why")
    for f in report.failing[:LISTED]:
        failing.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", f"{f.failure_rate:.0%}", f.reason)
    _print(console, failing, "none")
    _more(console, LISTED, len(report.failing))
    unknown = _table("Agents not in the registry", "agent", "runs", "cost")
    for f in report.unknown[:LISTED]:
        unknown.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", _usd(f.cost))
    if report.unknown:
        console.print(unknown)
        _more(console, LISTED, len(report.unknown))
    _print(console, budget_table(report.budgets), "no team has a budget")


def render_budget(lines: list[BudgetLine], out: TextIO) -> None:
    """Write the budget table and a verdict line."""
    console = Console(file=out, highlight=False, soft_wrap=True, width=140)
    console.print(budget_table(lines))
    alerts = [b.team for b in lines if b.alert]
    if alerts:
        console.print(f"[bold red]✗ over budget or projected over: {', '.join(alerts)}[/]")
    else:
        console.print("[green]✓ every team within budget[/]")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_ingest(result: IngestResult, out: TextIO, rejects: Path | None) -> None:
    """Write what an ingest stored, skipped and flagged."""
    if not result.committed:
        out.write(
            f"✗ nothing ingested: {_plural(result.rejected, 'invalid record')} "
            "(listed above; fix them or pass --skip-invalid)\n"
        )
        return
    out.write(
        f"{'✓' if not (result.rejected or result.conflict_count) else '!'} ingested "
        f"{_plural(result.inserted, 'new run')} from {_plural(result.files, 'input')}: "
        f"{result.duplicates} already stored, {_plural(result.conflict_count, 'conflict')}, "
        f"{result.rejected} invalid\n"
    )
    if rejects is not None and result.rejected:
        out.write(f"  invalid lines written to {rejects}\n")
    for c in result.conflicts:
        out.write(
            f"  conflict: {c.source}:{c.line}: run {c.run_key} is stored with different "
            "content; kept the stored record\n"
        )
    if result.conflict_count > len(result.conflicts):
        out.write(f"  … and {result.conflict_count - len(result.conflicts)} more conflicts\n")
    for title, counts in (
        ("unknown team", result.unknown_teams),
        ("unknown agent", result.unknown_agents),
        ("unpriced model", result.unpriced),
    ):
        for name, n in sorted(counts.items()):
            out.write(f"  {title}: {name} ({_plural(n, 'run')})\n")
