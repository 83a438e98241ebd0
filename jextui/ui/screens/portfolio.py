"""The portfolio screen: every asset's balance, value, share, average cost and P&L.

A full-size modal over the main screen (its keys paused, its own in the
footer).  At the top the total in the valuation asset and its 24 h change;
then one row per asset (:mod:`jextui.ui.widgets.portfolio_table`); under it
the notes: which histories the costs come from, where the history does not
reach back ("cost unknown before ..."), assets without a price.  It shows
what :class:`jextui.ui.portfolio_watch.PortfolioWatch` holds and follows it
live (the prices of pairs nobody watches are read every period while the
screen is on top; when they are late the status line says STALE and why, and
the values that use them are dimmed); ``r`` reads the history again, ``p`` is privacy mode (everything
hidden), ``↑``/``↓`` scroll, Esc or ``q`` closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.format import format_age
from jextui.ui.portfolio_watch import PortfolioWatch
from jextui.ui.screens.account.base import ACCOUNT_SCREEN_CSS
from jextui.ui.widgets.footer import KeyFooter
from jextui.ui.widgets.portfolio_table import (
    asset_decimals,
    cost_unknown_note,
    screen_cells,
    screen_columns,
    summary_text,
)
from jextui.ui.widgets.table import Cell, TableView, choose_columns

__all__ = ["PortfolioScreen", "SCREEN_TITLE"]

SCREEN_TITLE = "Portfolio"
AVERAGE_COLUMN = 5  # screen_columns(): "Avg cost"
PRICED_COLUMNS = frozenset({3, 4, 7})  # screen_columns(): value, share and unrealised follow the price


def dimmed(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """A row whose price is late: the cells that follow the price are dimmed."""
    return tuple(Cell(cell.text, "muted") if index in PRICED_COLUMNS else cell for index, cell in enumerate(row))


class PortfolioScreen(ModalScreen[None]):
    """See the module docstring."""

    # the account screens' frame and status line, plus the summary and the notes
    DEFAULT_CSS = (
        ACCOUNT_SCREEN_CSS.replace("AccountScreen", "PortfolioScreen").replace("#account", "#portfolio")
        + """
    PortfolioScreen #portfolio-summary { text-style: bold; height: auto; }
    PortfolioScreen #portfolio-notes { color: $foreground-muted; height: auto; max-height: 6; }
    PortfolioScreen #portfolio-status.-stale { color: $stale; text-style: bold; }
    """
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "reload", "Reload"),
        Binding("p", "privacy", "Privacy"),
        Binding("down,j", "scroll(1)", "Down", show=False),
        Binding("up,k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(
        self, watch: PortfolioWatch, *, private: Callable[[], bool], toggle_privacy: Callable[[], None]
    ) -> None:
        super().__init__()
        self.source = watch
        self._private = private
        self._toggle_privacy = toggle_privacy
        self._offset = 0
        self._stop: Callable[[], None] | None = None
        self._prices_said = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="portfolio-frame") as frame:
            frame.border_title = f"{SCREEN_TITLE} in {self.source.valuation}"
            yield Static("", id="portfolio-status", markup=False)
            yield Static("", id="portfolio-summary", markup=False)
            yield TableView(id="portfolio-table")
            yield Static("", id="portfolio-notes", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "private", lambda _private: self.redraw(), init=False)
        self._stop = self.source.listen(self.redraw)
        self.source.use("screen", lambda: self.is_current)
        self.redraw()
        self.set_interval(1.0, self._mark_prices)  # STALE comes with age, not only with a round

    def _mark_prices(self) -> None:
        if self.prices_text() != self._prices_said:
            self.redraw()

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop()
        self.source.release("screen")

    # --- actions -----------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.source.load()

    def action_privacy(self) -> None:
        self._toggle_privacy()

    def action_scroll(self, delta: int) -> None:
        portfolio = self.source.portfolio
        rows = len(portfolio.lines) if portfolio is not None else 0
        table = self.query_one("#portfolio-table", TableView)
        self._offset = min(max(0, self._offset + delta), max(0, rows - table.visible_rows))
        self.redraw()

    # --- drawing -----------------------------------------------------------------------

    @property
    def status_text(self) -> str:
        return str(self.query_one("#portfolio-status", Static).content)

    def prices_text(self) -> str:
        """``STALE 42s: ...`` while the prices the portfolio reads itself are late, else ``""``."""
        freshness = self.source.prices_freshness()
        if not freshness.stale:
            return ""
        age = "" if freshness.age_ms is None else f" {format_age(freshness.age_ms)}"
        why = f" ({freshness.reason})" if freshness.reason else ""
        assets = ", ".join(sorted(self.source.assets_priced_here()))
        return (
            f"STALE{age}: the prices of {', '.join(freshness.symbols)} could not be read again{why}; "
            f"the values of {assets} use the last ones read."
        )

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        watch = self.source
        private = self._private()
        status = self.query_one("#portfolio-status", Static)
        summary = self.query_one("#portfolio-summary", Static)
        notes = self.query_one("#portfolio-notes", Static)
        table = self.query_one("#portfolio-table", TableView)
        portfolio = watch.portfolio
        if watch.state != "ready" or portfolio is None:
            text = watch.message or "Waiting for the balances…"
            status.update(text)
            status.set_class(watch.state == "failed", "-error")
            if portfolio is None:
                summary.update("")
                notes.update("")
                table.set_table(screen_columns(watch.valuation), [], 0)
                return
        else:
            status.update(watch.message or "Values follow the balances and prices as they arrive (r reloads costs).")
            status.set_class(False, "-error")
        self._prices_said = self.prices_text()
        if self._prices_said:
            status.update(self._prices_said)
        status.set_class(bool(self._prices_said), "-stale")
        late = self.source.assets_priced_here() if self._prices_said else set()
        decimals = asset_decimals(watch.store.symbols.values())
        summary.update(summary_text(portfolio, private))
        columns = screen_columns(portfolio.valuation_asset)
        rows = [screen_cells(line, decimals, private) for line in portfolio.lines]
        if AVERAGE_COLUMN not in {index for index, _ in choose_columns(columns, rows, table.size.width)}:
            rows = [screen_cells(line, decimals, private, short_notes=True) for line in portfolio.lines]
        rows = [dimmed(row) if line.asset in late else row for line, row in zip(portfolio.lines, rows, strict=True)]
        table.set_table(columns, rows, self._offset)
        lines = [cost_unknown_note(portfolio)]
        if portfolio.unpriced:
            lines.append(f"No price in {portfolio.valuation_asset} for {', '.join(portfolio.unpriced)}.")
        lines += [f"{note[0].upper()}{note[1:]}." for note in portfolio.notes]
        notes.update("\n".join(line for line in lines if line))

    def on_table_view_resized(self, _message: TableView.Resized) -> None:
        self.redraw()
