"""Human output of ``hub certify`` and ``hub policy``: rich tables and lines, colour only on a
terminal (rich decides; ``NO_COLOR`` is honoured)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hubrails.core.certify.certificate import VerifyProblem
    from hubrails.core.certify.policy import EffectivePolicy
    from hubrails.core.certify.results import AgentResult, Certification

_STATUS_STYLE = {
    "pass": "green",
    "fail": "bold red",
    "warn": "yellow",
    "skip": "dim",
    "waived": "cyan",
}


def _agent_table(console: Console, result: AgentResult) -> None:
    from rich.table import Table

    table = Table(title=f"{result.team}/{result.name}  ({result.path})", title_justify="left")
    for column in ("status", "check", "reason"):
        table.add_column(column, overflow="fold")
    for check in result.checks:
        reason = check.reason or ""
        if check.waiver is not None:
            w = check.waiver
            reason += f"\nwaived by {w.granted_by} until {w.expires} ({w.path}): {w.reason}"
        elif check.status.value in ("fail", "warn"):
            reason += f"\nremediation: {check.remediation}"
        table.add_row(
            Text(check.status.value, style=_STATUS_STYLE[check.status.value]),
            Text(check.id),
            Text(reason),
        )
    console.print(table)


def _verdict(result: AgentResult) -> Text:
    counts: dict[str, int] = {}
    for check in result.checks:
        counts[check.status.value] = counts.get(check.status.value, 0) + 1
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if result.passed:
        return Text(f"✓ {result.team}/{result.name}: certified ({tally})", style="green")
    return Text(f"✗ {result.team}/{result.name}: not certified ({tally})", style="bold red")


def render_certification(
    run: Certification, problems: list[VerifyProblem] | None, out: TextIO
) -> None:
    """One agent: a table and a verdict. Several: a line per agent that fails and per check
    that does not pass (built as one text: a table each would take longer than certifying)."""
    console = Console(file=out, highlight=False, soft_wrap=True)
    many = len(run.results) > 1
    if not many:
        for result in run.results:
            _agent_table(console, result)
            console.print(_verdict(result))
    else:
        listing = Text()
        for result in (r for r in run.results if not r.passed):
            listing.append_text(_verdict(result))
            listing.append("\n")
            for check in result.checks:
                if check.status.value in ("fail", "warn", "waived") and problems is None:
                    listing.append(f"  {check.status.value:<6}", _STATUS_STYLE[check.status.value])
                    listing.append(f" {check.id}: {check.reason}\n")
        if listing:
            console.print(listing, end="")
    if problems is not None:
        for p in problems:
            console.print(Text(f"✗ {p.path}: {p.kind}: {p.message}", style="bold red"))
        ok = len(run.results) - len({p.agent for p in problems})
        line = f"{len(problems)} certificate problem(s); {ok} of {len(run.results)} agents hold"
        console.print(Text(("✗ " if problems else "✓ ") + line, style=_verdict_style(problems)))
    elif many:
        failed = sum(1 for r in run.results if not r.passed)
        text = f"{len(run.results) - failed} of {len(run.results)} agents certified"
        console.print(Text(("✗ " if failed else "✓ ") + text, style=_verdict_style(failed)))
    elif not run.results:
        console.print(Text("no agents to certify", style="dim"))


def _verdict_style(bad: object) -> str:
    return "bold red" if bad else "green"


def render_policy(
    path: str,
    policy: EffectivePolicy,
    required: EffectivePolicy,
    out: TextIO,
    defaults: Mapping[str, Any] | None = None,
) -> None:
    """The effective policy, a line per field: value, enforcement and where it comes from;
    then the built-in ``defaults`` certify applies to the fields no level sets."""
    console = Console(file=out, highlight=False, soft_wrap=True)
    console.print(Text(f"effective policy of {path}", style="bold underline"))
    defaults = defaults or {}
    width = max((len(name) for name in [*policy.values, *defaults]), default=0)
    for name, value in sorted(policy.values.items()):
        shown = value.value
        if isinstance(shown, list):
            shown = "[" + ", ".join(map(str, shown)) + "]"
        elif isinstance(shown, bool):
            shown = str(shown).lower()
        line = Text(f"  {name:<{width}}  ")
        line.append(str(shown), style="bold")
        line.append("  (required)" if name in required.values else "  (advisory)", style="dim")
        console.print(line)
        for s in value.sources:
            console.print(Text(f"  {'':<{width}}    from {s.path}:{s.line} ({s.level})", "dim"))
    for name, default in sorted(defaults.items()):
        shown = "[" + ", ".join(map(str, default)) + "]" if isinstance(default, list) else default
        line = Text(f"  {name:<{width}}  ")
        line.append(str(shown), style="bold")
        line.append("  (required)", style="dim")
        console.print(line)
        where = "built-in default: no guardrail sets it (docs/checks.md)"
        console.print(Text(f"  {'':<{width}}    from {where}", "dim"))
    for loose in policy.loosenings:
        console.print(Text(f"✗ loosening: {loose.message()}", style="bold red"))
    if not policy.loosenings:
        console.print(Text("✓ no team or agent value loosens the policy", style="green"))
