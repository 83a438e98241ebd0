"""A plain, width-aware table for the account screens.

Columns have a priority: when the screen is narrow the least important
columns are left out (never squeezed into illegible wraps), so a table reads
the same at 80 columns as at 250, only with fewer details.  Each cell carries
a style *role* (``buy``, ``sell``, ``good``, ``bad``, ``muted``, ``warn``)
that the widget maps to the theme's colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from jextui.ui.widgets.pane import fit, join_cells

__all__ = ["Column", "Cell", "choose_columns", "TableView"]

Justify = Literal["left", "right"]
Role = Literal["", "buy", "sell", "good", "bad", "muted", "warn"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its title, alignment and how much it matters (0 = kept last)."""

    title: str
    justify: Justify = "left"
    priority: int = 0
    max_width: int | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    role: Role = ""


def _widest(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[int]:
    return [max([len(column.title), *(len(row[index].text) for row in rows)]) for index, column in enumerate(columns)]


def choose_columns(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> list[tuple[int, int]]:
    """``(column index, width)`` of the columns that fit in ``width``, in display order.

    A column with a ``max_width`` is chosen at that width; the room the chosen columns
    leave then widens the ones cut short (most important first), up to their widest
    cell, so that long addresses and ids are cut only when the screen is full.
    """
    widest = _widest(columns, rows)
    widths = [min(w, column.max_width) if column.max_width else w for w, column in zip(widest, columns, strict=True)]
    by_importance = sorted(range(len(columns)), key=lambda index: (columns[index].priority, index))
    kept: list[int] = []
    used = 0
    for index in by_importance:
        extra = widths[index] + (1 if kept else 0)
        if used + extra <= width:
            kept.append(index)
            used += extra
    for index in kept:  # by importance
        grow = min(widest[index] - widths[index], width - used)
        if grow > 0:
            widths[index] += grow
            used += grow
    return [(index, widths[index]) for index in sorted(kept)]


class TableView(Widget):
    """Header plus the rows from ``offset`` that fit; the screen pages by moving ``offset``."""

    DEFAULT_CSS = """
    TableView { height: 1fr; }
    TableView > .table--header { color: $foreground-muted; text-style: bold; }
    TableView > .table--buy { color: $buy; }
    TableView > .table--sell { color: $sell; }
    TableView > .table--good { color: $success; }
    TableView > .table--bad { color: $error; }
    TableView > .table--warn { color: $warning; }
    TableView > .table--muted { color: $foreground-muted; }
    TableView > .table--cursor { text-style: reverse; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "table--header",
        "table--buy",
        "table--sell",
        "table--good",
        "table--bad",
        "table--warn",
        "table--muted",
        "table--cursor",
    }

    class Resized(Message):
        """The table's size changed: the number of rows per page did too."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns: list[Column] = []
        self._rows: list[list[Cell]] = []
        self._offset = 0
        self._selected: int | None = None

    def set_table(
        self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], offset: int, selected: int | None = None
    ) -> None:
        """The rows from ``offset`` are shown; ``selected`` (a row index) is drawn reversed."""
        self._columns = list(columns)
        self._rows = [list(row) for row in rows]
        self._offset = max(0, offset)
        self._selected = selected
        self.refresh()

    @property
    def selected(self) -> int | None:
        """The row drawn as selected, if any."""
        return self._selected

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    @property
    def visible_rows(self) -> int:
        """Rows that fit under the header (at least one)."""
        return max(1, self.size.height - 1)

    def _style(self, role: str) -> Style:
        if not role:
            return Style()
        return self.get_component_rich_style(f"table--{role}", partial=True)

    def render(self) -> Text:
        width = self.size.width
        if not self._columns or width <= 0:
            return Text("")
        shown = self._rows[self._offset : self._offset + self.visible_rows]
        chosen = choose_columns(self._columns, shown, width)
        header_style = self._style("header")
        lines = [
            join_cells(
                fit(self._columns[index].title, size, self._columns[index].justify, header_style)
                for index, size in chosen
            )
        ]
        for number, row in enumerate(shown, start=self._offset):
            cells = (
                fit(row[index].text, size, self._columns[index].justify, self._style(row[index].role))
                for index, size in chosen
            )
            line = join_cells(cells)
            if number == self._selected:
                line.stylize(self._style("cursor"))
            lines.append(line)
        return Text("\n").join(lines)
