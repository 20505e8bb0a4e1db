"""Chart geometry for the dashboard's SVG templates: scales, stacks and sparklines as numbers
(the templates draw them; nothing here writes markup)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = 10  # series colours in the stylesheet (--c0 … --c9); the last is "other"


@dataclass(frozen=True, slots=True)
class Segment:
    """One rectangle of a bar chart, and what its tooltip says."""

    x: float
    y: float
    w: float
    h: float
    colour: int
    label: str


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value * (1 - 1e-12))


def stacked_columns(
    columns: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: float,
    height: float,
    fmt: str = "${:,.2f}",
) -> tuple[list[Segment], float]:
    """Columns of stacked values (one series a colour), scaled to ``width`` by ``height``;
    with the axis maximum."""
    totals = [sum(s[1][i] for s in series) for i in range(len(columns))]
    top = nice_max(max(totals, default=0.0))
    slot = width / max(1, len(columns))
    gap = min(2.0, slot * 0.2)
    segments = []
    for i, column in enumerate(columns):
        y = height
        for k, (name, values) in enumerate(series):
            h = values[i] / top * height
            if h <= 0:
                continue
            y -= h
            label = f"{column} · {name}: {fmt.format(values[i])}"
            segments.append(Segment(i * slot + gap / 2, y, slot - gap, h, k % PALETTE, label))
    return segments, top


def shares(values: Sequence[float], *, width: float) -> list[tuple[float, float]]:
    """(x, w) of each value as its share of ``width`` (a 100 % stacked bar)."""
    total = sum(values)
    found, x = [], 0.0
    for v in values:
        w = v / total * width if total else 0.0
        found.append((x, w))
        x += w
    return found


def sparkline(
    values: Sequence[float | None], *, width: float, height: float, top: float = 1.0
) -> str:
    """The ``points`` of an SVG polyline through ``values`` (gaps skipped), 0…``top`` upwards."""
    n = len(values)
    step = width / (n - 1) if n > 1 else 0.0
    return " ".join(
        f"{i * step:.1f},{height - min(v, top) / top * height:.1f}"
        for i, v in enumerate(values)
        if v is not None
    )


def scale(value: float, top: float, length: float) -> float:
    """``value`` as a length along an axis of ``top`` over ``length``."""
    return max(0.0, value) / top * length if top > 0 else 0.0
