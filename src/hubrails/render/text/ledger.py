"""The ledger as text: reports and budgets as tables (colour only on a terminal, drawn without
rich: importing and printing through it was a third of ``hub ledger report``), and the ingest
summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hubrails.core.ledger.budget import BudgetLine
from hubrails.core.ledger.report import Line, Report
from hubrails.render.json.ledger import iso_time
from hubrails.render.text.table import BOLD, Table
from hubrails.render.text.terminal import Piece, colour_enabled, paint

if TYPE_CHECKING:  # ingest imports the SQL store: a report need not
    from hubrails.core.ledger.ingest import IngestResult

LISTED = 20  # rows per section in text; JSON and CSV have them all
_STATUS = {"over": "1;31", "projected-over": "33", "ok": "32", "no-budget": "2"}  # SGR colours


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


class _Lines:
    """The lines of a text output to ``out``, coloured when it allows."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.colour = out, colour_enabled(out)
        self.lines: list[str] = []

    def say(self, *pieces: Piece) -> None:
        self.lines.append(paint(list(pieces)) if self.colour else "".join(t for t, _ in pieces))

    def table(self, table: Table, empty: str | None = None) -> None:
        """A section: its table, or (``empty`` given) its title and what an empty one means."""
        if table.row_count or empty is None:
            self.lines += table.lines(colour=self.colour)
        else:
            self.say((table.title, BOLD), (f": {empty}", ""))

    def more(self, shown: int, count: int) -> None:
        if count > shown:
            self.say((f"  … and {count - shown} more (see --format json)", ""))

    def write(self) -> None:
        self.out.write("".join(f"{line}\n" for line in self.lines))


def _table(title: str, *columns: str) -> Table:
    return Table(title, columns)


def budget_table(lines: tuple[BudgetLine, ...] | list[BudgetLine]) -> Table:
    """The budget status table."""
    table = _table("Budget status (month to date)", "team", "budget", "spent", "projected", "")
    for b in lines:
        note = b.status + (f", {b.unpriced} unpriced runs" if b.unpriced else "")
        table.add_row(
            b.team, _usd(b.budget), _usd(b.spent), _usd(b.projected),
            (note, _STATUS[b.status]),
        )  # fmt: skip
    return table


def render_report(report: Report, out: TextIO) -> None:
    """Write every section of the report."""
    text = _Lines(out)
    since, until = iso_time(report.window.since_ms), iso_time(report.window.until_ms)
    rate = _usd(report.review_hourly_usd)
    text.say(("Ledger report", BOLD), (f" {since} → {until} (review at {rate}/h)", ""))
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
    text.table(rows)
    drivers = _table("Top cost drivers", "agent", "cost", "share", "runs")
    for line in report.top_drivers:
        drivers.add_row(line.key, _cost(line), f"{line.share:.1%}", f"{line.totals.runs:,}")
    text.table(drivers, "no runs in the window")
    cheaper = _table(
        "Cheaper-tier candidates", "agent", "model", "success", "cost", "next tier",
        "saving / month",
    )  # fmt: skip
    for c in report.cheaper_tier[:LISTED]:
        cheaper.add_row(
            f"{c.team}/{c.agent}", f"{c.model} ({c.tier})", f"{c.success_rate:.0%}",
            _usd(c.cost), f"{c.cheaper_model} ({c.cheaper_tier})", _usd(c.monthly_saving),
        )  # fmt: skip
    text.table(cheaper, "none (agents that fail quietly are never candidates)")
    text.more(LISTED, len(report.cheaper_tier))
    review = _table("Review-time hotspots", "agent", "runs", "model cost", "review cost")
    for f in report.review_hotspots[:LISTED]:
        review.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", _usd(f.cost), _usd(f.review_cost))
    text.table(review, "none (no agent's review costs more than its model)")
    text.more(LISTED, len(report.review_hotspots))
    failing = _table("Quietly failing workloads", "agent", "runs", "failure rate", "why")
    for f in report.failing[:LISTED]:
        failing.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", f"{f.failure_rate:.0%}", f.reason)
    text.table(failing, "none")
    text.more(LISTED, len(report.failing))
    unknown = _table("Agents not in the registry", "agent", "runs", "cost")
    for f in report.unknown[:LISTED]:
        unknown.add_row(f"{f.team}/{f.agent}", f"{f.runs:,}", _usd(f.cost))
    if report.unknown:
        text.table(unknown)
        text.more(LISTED, len(report.unknown))
    text.table(budget_table(report.budgets), "no team has a budget")
    text.write()


def render_budget(lines: list[BudgetLine], out: TextIO) -> None:
    """Write the budget table and a verdict line."""
    text = _Lines(out)
    text.table(budget_table(lines))
    alerts = [b.team for b in lines if b.alert]
    if alerts:
        text.say((f"✗ over budget or projected over: {', '.join(alerts)}", "1;31"))
    else:
        text.say(("✓ every team within budget", "32"))
    text.write()


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
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        for name, n in ranked[:LISTED]:
            out.write(f"  {title}: {name} ({_plural(n, 'run')})\n")
        if len(ranked) > LISTED:
            rest = ranked[LISTED:]
            out.write(
                f"  … and {len(rest)} more {title}s ({_plural(sum(n for _, n in rest), 'run')};"
                " --format json lists them all)\n"
            )
