"""The alerts screen: every alert, its state and when it last fired.

Rows: the config file's alerts (read-only here: the status line says so when
one is highlighted, and why), the alerts made in the console (``e`` changes
one in the alert dialog, ``d`` deletes it), and last the built-in alert on
fills of one's own orders (``alert_fills`` switches it).  ``n`` adds an
alert on the active symbol.  State is ``armed`` (waiting), ``fired`` (it
fired and waits to re-arm past its band), or ``left out`` (the exchange does
not list its symbol).  The list follows firings and changes while the screen
is up.

Privacy mode hides amounts, not prices, elsewhere (the order history keeps
its prices), so alert levels stay shown here; the screen has no amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from jextui.ui.alerts_watch import AlertRow, AlertsWatch
from jextui.ui.widgets.footer import KeyFooter

__all__ = ["AlertsScreen", "fired_text"]

_COLUMNS = ("Symbol", "Condition", "Level", "State", "Last fired", "Source")


def fired_text(time_ms: int | None, time_zone: tzinfo | None) -> str:
    if time_ms is None:
        return "never"
    return datetime.fromtimestamp(time_ms / 1000, tz=time_zone).strftime("%Y-%m-%d %H:%M:%S")


class AlertsScreen(ModalScreen[None]):
    """Every alert (see the module docstring)."""

    DEFAULT_CSS = """
    AlertsScreen { align: center middle; background: $background 60%; }
    AlertsScreen > #alerts-frame {
        width: 100%;
        height: 100%;
        border: round $border;
        border-title-color: $foreground;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    AlertsScreen #alerts-status { color: $foreground-muted; height: auto; }
    AlertsScreen #alerts-status.-error { color: $error; }
    AlertsScreen #alerts-table { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("n", "new", "New alert"),
        Binding("e", "edit", "Change"),
        Binding("d,delete", "delete", "Delete"),
    ]

    def __init__(
        self,
        watch: AlertsWatch,
        *,
        time_zone: tzinfo | None,
        new_alert: Callable[[], None],
        edit_alert: Callable[[AlertRow], None],
    ) -> None:
        super().__init__()
        self.watch_ = watch
        self._time_zone = time_zone
        self._new_alert = new_alert
        self._edit_alert = edit_alert
        self.rows: list[AlertRow] = []
        self.status_text = ""
        self._described: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="alerts-frame") as frame:
            frame.border_title = "Alerts"
            yield Static("", id="alerts-status", markup=False)
            table: DataTable[str] = DataTable(id="alerts-table", cursor_type="row", zebra_stripes=False)
            yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#alerts-table", DataTable)
        for title in _COLUMNS:
            table.add_column(title, key=title)
        self.watch_.on_change = self.redraw
        self.redraw()
        table.focus()

    def on_unmount(self) -> None:
        if self.watch_.on_change == self.redraw:
            self.watch_.on_change = None

    # --- drawing ----------------------------------------------------------------

    def redraw(self) -> None:
        table = self.query_one("#alerts-table", DataTable)
        selected = self.selected_row
        index = table.cursor_row
        self.rows = self.watch_.rows()
        table.clear()
        for row in self.rows:
            table.add_row(
                row.symbol,
                row.condition,
                row.level or "—",
                row.state,
                fired_text(row.last_fired_ms, self._time_zone),
                row.source,
                key=row.id,
            )
        ids = [row.id for row in self.rows]
        if selected is not None and selected.id in ids:
            table.move_cursor(row=ids.index(selected.id))
        elif ids:  # the selected row went: the one that took its place
            table.move_cursor(row=min(max(index, 0), len(ids) - 1))
        self._describe_selection()

    @property
    def selected_row(self) -> AlertRow | None:
        if not self.rows:
            return None
        table = self.query_one("#alerts-table", DataTable)
        index = table.cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status_text = text
        status = self.query_one("#alerts-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _describe_selection(self) -> None:
        row = self.selected_row
        self._described = row.id if row is not None else None
        console = sum(1 for row in self.rows if row.source == "console")
        config = sum(1 for row in self.rows if row.source == "config")
        summary = f"{config} from the config file, {console} made here"
        if row is not None and row.why_not:
            self.set_status(f"{summary}. {row.id if row.source == 'config' else 'Fill alerts'}: {row.why_not}.")
        else:
            self.set_status(f"{summary}. n: new alert on the active symbol, e: change, d: delete.")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = self.selected_row
        if (row.id if row is not None else None) != self._described:  # a message about this row stays
            self._describe_selection()

    # --- keys -------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self._new_alert()

    def action_edit(self) -> None:
        row = self.selected_row
        if row is None:
            return
        if not row.editable:
            self.set_status(f"{row.id if row.alert else 'Fill alerts'}: {row.why_not}; nothing changed.", error=True)
            return
        self._edit_alert(row)

    def action_delete(self) -> None:
        row = self.selected_row
        if row is None:
            return
        if not row.editable:
            self.set_status(f"{row.id if row.alert else 'Fill alerts'}: {row.why_not}; nothing deleted.", error=True)
            return
        problem = self.watch_.delete(row.id)
        self.redraw()
        if problem is not None:
            self.set_status(f"Not deleted: {problem}.", error=True)
        else:
            self.set_status(f"Deleted alert {row.id}: {row.symbol} {row.condition} {row.level}.")
