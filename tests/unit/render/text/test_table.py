"""Tables as text: rich's default look (heavy head, light rows), widths by terminal cells, the
first column left and the others right, section lines, colour only when asked, and cells that
cannot break a line."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from hubrails.render.text.table import Table


def _sample() -> Table:
    table = Table("Spend", ("team", "runs"))
    table.add_row("sre", "1,204", end_section=True)
    table.add_row("日本", ("7", "1;31"))
    return table


def test_a_table_is_drawn_as_rich_draws_it() -> None:
    assert _sample().lines(colour=False) == [
        "Spend",
        "┏━━━━━━┳━━━━━━━┓",
        "┃ team ┃  runs ┃",
        "┡━━━━━━╇━━━━━━━┩",
        "│ sre  │ 1,204 │",
        "├──────┼───────┤",
        "│ 日本 │     7 │",
        "└──────┴───────┘",
    ]


def test_the_same_text_as_rich_for_a_report_like_table() -> None:
    """rich is still installed (typer uses it): the drawing matches it character for character."""
    from rich.console import Console
    from rich.table import Table as RichTable

    rows = [("team-00", "23,576", "$1,624.81"), ("a-much-longer-team-name", "7", "—")]
    ours = Table("By team", ("team", "runs", "cost"))
    theirs = RichTable(title="By team", title_justify="left", title_style="bold")
    for i, name in enumerate(("team", "runs", "cost")):
        theirs.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        ours.add_row(*row)
        theirs.add_row(*row)
    out = io.StringIO()
    Console(file=out, highlight=False, soft_wrap=True, width=140).print(theirs)
    assert "\n".join(ours.lines(colour=False)) + "\n" == out.getvalue()


def test_colour_paints_the_title_the_heads_and_styled_cells_only() -> None:
    lines = _sample().lines(colour=True)
    assert lines[0] == "\x1b[1mSpend\x1b[0m"
    assert "\x1b[1mteam\x1b[0m" in lines[2] and "\x1b[1mruns\x1b[0m" in lines[2]
    assert "\x1b[1;31m7\x1b[0m" in lines[6]
    assert "\x1b" not in lines[4]  # a plain row


def test_a_line_under_the_last_row_is_not_drawn_twice() -> None:
    table = Table("T", ("a",))
    table.add_row("x", end_section=True)
    assert table.lines(colour=False)[-2:] == ["│ x │", "└───┘"]


def test_control_characters_in_a_cell_cannot_break_the_table() -> None:
    table = Table("T", ("agent",))
    table.add_row("evil\nname\x1b[31m")
    drawn = table.lines(colour=False)
    assert drawn[4] == "│ evil?name?[31m │"
    assert len(drawn) == 6


def test_an_empty_table_has_its_heads_and_no_rows() -> None:
    table = Table("T", ("a", "bb"))
    assert table.row_count == 0
    assert table.lines(colour=False)[2] == "┃ a ┃ bb ┃"


def test_a_row_must_have_a_cell_per_column() -> None:
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        Table("T", ("a", "b")).add_row("x")


def test_the_ledger_text_renderer_does_not_import_rich() -> None:
    code = "import sys, hubrails.render.text.ledger; print('rich' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
