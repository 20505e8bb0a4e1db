"""Human output of ``hub catalog``: aligned plain-text columns (fast on 10,000 rows, friendly
to ``grep`` and ``less``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from hubrails.core.catalog.query import Dependent, Hit
from hubrails.core.catalog.show import AssetView
from hubrails.core.catalog.snapshot import Entry

DESCRIPTION_WIDTH = 60


def _clip(text: str | None, width: int = DESCRIPTION_WIDTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(map(len, column)) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + "  {}"
    out.write("\n".join(line.format(*row).rstrip() for row in (headers, *rows)) + "\n")


def _state(entry: Entry) -> str:
    a = entry.asset
    parts = [a.status] if a.status else []
    if a.lifecycle != "production" or not parts:
        parts.append(a.lifecycle)
    if entry.errors:
        parts.append(f"{entry.errors} error{'s' if entry.errors != 1 else ''}")
    return ",".join(parts)


def _row(entry: Entry) -> list[str]:
    a = entry.asset
    return [a.kind.lower(), a.name, a.version or "-", a.team or "-", _state(entry)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def render_list(entries: Sequence[Entry], out: TextIO) -> None:
    """``ls``: one row per asset, then a count."""
    if not entries:
        out.write("no assets match\n")
        return
    rows = [[*_row(e), _clip(e.asset.description)] for e in entries]
    _table(["KIND", "NAME", "VERSION", "TEAM", "STATE", "DESCRIPTION"], rows, out)
    out.write(f"\n{_plural(len(entries), 'asset')}\n")


def render_search(query: str, hits: Sequence[Hit], out: TextIO) -> None:
    """``search``: the hits, best first."""
    if not hits:
        out.write(f"nothing matches '{query}'\n")
        return
    rows = [[str(h.score), *_row(h.entry), _clip(h.entry.asset.description)] for h in hits]
    _table(["SCORE", "KIND", "NAME", "VERSION", "TEAM", "STATE", "DESCRIPTION"], rows, out)


def _label(entry: Entry) -> str:
    return f"{entry.asset.kind.lower()}/{entry.asset.name}"


def render_impact(target: Entry, dependents: Sequence[Dependent], out: TextIO) -> None:
    """``uses``: what depends on the target, nearest first, then a summary by kind."""
    if not dependents:
        out.write(f"nothing depends on {_label(target)}\n")
        return
    rows = [
        [
            str(d.depth),
            d.entry.asset.kind.lower(),
            d.entry.asset.name,
            d.entry.asset.team or "-",
            d.version or "-",
            " → ".join(d.via) or "direct",
            d.entry.path,
        ]
        for d in dependents
    ]
    _table(["DEPTH", "KIND", "NAME", "TEAM", "RANGE", "VIA", "PATH"], rows, out)
    kinds = Counter(d.entry.asset.kind.lower() for d in dependents)
    summary = ", ".join(_plural(n, k) for k, n in sorted(kinds.items()))
    direct = sum(1 for d in dependents if d.depth == 1)
    out.write(
        f"\n{_plural(len(dependents), 'dependent')} of {_label(target)} ({summary}); "
        f"{direct} direct\n"
    )


def render_show(view: AssetView, out: TextIO) -> None:
    """``show``: the asset's identity, its spec, its references and its users."""
    import yaml

    e, a = view.entry, view.entry.asset
    out.write(" ".join(part for part in (a.kind, a.name, a.version) if part) + "\n")
    out.write(f"  path:      {e.path}\n")
    for label, value in (("team", a.team), ("state", _state(e))):
        if value:
            out.write(f"  {label + ':':<10} {value}\n")
    if a.labels:
        out.write("  labels:    " + ", ".join(f"{k}={v}" for k, v in a.labels) + "\n")
    if a.description:
        out.write(f"\n  {' '.join(a.description.split())}\n")
    spec = view.manifest.get("spec")
    if spec:
        out.write("\nSpec\n")
        text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=96)
        out.writelines(f"  {line}\n" for line in text.splitlines())
    if view.references:
        out.write("\nReferences\n")
        rows = []
        for r in view.references:
            target = f"{r.target.asset.version or ''} {r.target.path}".strip() if r.target else "-"
            state = "; ".join(r.problems) if r.problems else "ok"
            rows.append([r.ref.kind.lower(), r.ref.name, r.ref.version or "-", target, state])
        _table(["KIND", "NAME", "RANGE", "RESOLVES TO", "STATE"], rows, out)
    out.write(f"\nUsed by ({len(view.used_by)} direct, {view.dependents} in all)\n")
    if view.used_by:
        rows = [
            [u.entry.asset.kind.lower(), u.entry.asset.name, u.version or "-", u.entry.path]
            for u in view.used_by
        ]
        _table(["KIND", "NAME", "RANGE", "PATH"], rows, out)
    else:
        out.write("  nothing\n")
