"""Tables as text, drawn like rich's default table (a heavy head, light rows) without importing
rich: a titled grid of cells, the first column left-aligned and the others right-aligned, an
optional line under a row, and colour (a cell's SGR style, the bold title) only when asked.
Nothing is wrapped; a cell's control characters are shown as ``?``."""

from __future__ import annotations

from dataclasses import dataclass, field

from hubrails.render.text.terminal import Piece, cells, paint

Cell = str | tuple[str, str]  # text, or (text, SGR parameters)
BOLD = "1"


def _plain(text: str) -> str:
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)


@dataclass
class Table:
    """A titled table; add rows with :meth:`add_row`, draw it with :meth:`lines`."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[list[tuple[str, str]], bool]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """How many rows the table holds."""
        return len(self.rows)

    def add_row(self, *values: Cell, end_section: bool = False) -> None:
        """A row of cells (one per column); ``end_section`` draws a line under it."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} cells for {len(self.columns)} columns")
        row = [(_plain(v), "") if isinstance(v, str) else (_plain(v[0]), v[1]) for v in values]
        self.rows.append((row, end_section))

    def lines(self, *, colour: bool) -> list[str]:
        """The title line and the drawn table, one string per line."""
        widths = [cells(name) for name in self.columns]
        for row, _ in self.rows:
            widths = [max(w, cells(text)) for w, (text, _) in zip(widths, row, strict=True)]

        def rule(left: str, fill: str, middle: str, right: str) -> str:
            return left + middle.join(fill * (w + 2) for w in widths) + right

        def line(row: list[tuple[str, str]], bar: str) -> str:
            pieces: list[Piece] = [(bar, "")]
            for i, ((text, sgr), width) in enumerate(zip(row, widths, strict=True)):
                pad = (" " * (width - cells(text)), "")
                value = [(text, sgr), pad] if i == 0 else [pad, (text, sgr)]  # left, else right
                pieces += [(" ", ""), *value, (f" {bar}", "")]
            return paint(pieces) if colour else "".join(text for text, _ in pieces)

        drawn = [
            paint([(self.title, BOLD)]) if colour else self.title,
            rule("┏", "━", "┳", "┓"),
            line([(name, BOLD) for name in self.columns], "┃"),
            rule("┡", "━", "╇", "┩"),
        ]
        for i, (row, end_section) in enumerate(self.rows):
            drawn.append(line(row, "│"))
            if end_section and i < len(self.rows) - 1:
                drawn.append(rule("├", "─", "┼", "┤"))
        drawn.append(rule("└", "─", "┴", "┘"))
        return drawn
