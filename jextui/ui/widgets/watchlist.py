"""The watchlist pane: one row per watched symbol.

Columns: active marker, 1-9 shortcut number, symbol, last price, 24 h change
(up/down colour), 24 h volume (compact, base asset), sparkline of recent
closes.  A price change flashes the price cell for ``FLASH_SECONDS``.  The
cursor moves with up/down or j/k; Enter posts
:class:`~jextui.ui.messages.SymbolActivated`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import Ticker24hr
from jextui.ui.charts import sparkline
from jextui.ui.format import format_as_sent, format_compact, format_percent, format_price, percent_change
from jextui.ui.keymap import bindings_for
from jextui.ui.messages import SymbolActivated
from jextui.ui.widgets.pane import ListPane, fit, join_cells

__all__ = ["WatchlistView", "DEFAULT_PRICE_DECIMALS", "EMPTY_WATCHLIST"]

DEFAULT_PRICE_DECIMALS = 2
"""Kept for callers; a symbol whose precision is not known yet shows the server's own digits."""

_MISSING = "—"
Direction = Literal["up", "down"]


@dataclass(frozen=True)
class _Columns:
    marker: bool
    number: bool
    symbol: int
    price: int
    change: int
    volume: int
    spark: int


EMPTY_WATCHLIST = "The watchlist is empty: press a to add a symbol, or / to search every symbol."
"""What an empty watchlist says (the grid view says the same)."""


class WatchlistView(ListPane):
    """Every watched symbol with price, change, volume and a sparkline."""

    PANE_TITLE = "Watchlist"
    FLASH_SECONDS: float = 0.6  # an instance may flash for less (the tests do)
    SPARK_MAX_WIDTH: ClassVar[int] = 32

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("watchlist"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._symbols: list[str] = []
        self._tickers: dict[str, Ticker24hr] = {}
        self._prices: dict[str, Decimal] = {}
        self._closes: dict[str, list[Decimal]] = {}
        self._precisions: dict[str, int] = {}
        self._active: str | None = None
        self._flashes: dict[str, tuple[Direction, int]] = {}
        self._flash_serial = 0
        self._order_counts: dict[str, int] = {}
        self._alert_marks: frozenset[str] = frozenset()

    # --- data in ----------------------------------------------------------------

    def set_symbols(self, symbols: Sequence[str]) -> None:
        """The watched symbols in display order; the cursor stays on its symbol."""
        current = self.cursor_symbol
        self._symbols = list(dict.fromkeys(symbols))
        if current in self._symbols:
            self._cursor.index = self._symbols.index(current)
        self._cursor.clamp(len(self._symbols))
        self.data_changed()

    def set_order_counts(self, counts: Mapping[str, int]) -> None:
        """Open orders per symbol: a watched symbol with orders is marked ``◆2``."""
        counts = {symbol: count for symbol, count in counts.items() if count}
        if counts != self._order_counts:
            self._order_counts = counts
            self.refresh_lines()

    def order_mark(self, symbol: str) -> str:
        count = self._order_counts.get(symbol, 0)
        return f"◆{count}" if count else ""

    def set_alert_marks(self, symbols: frozenset[str] | set[str]) -> None:
        """Symbols with an alert that fired and has not re-armed: marked ``!`` (jextui.ui.alerts_watch)."""
        symbols = frozenset(symbols)
        if symbols != self._alert_marks:
            self._alert_marks = symbols
            self.refresh_lines()

    def symbol_marks(self, symbol: str) -> str:
        """The marks after a symbol: open orders (``◆2``) and a fired alert (``!``)."""
        return " ".join(mark for mark in (self.order_mark(symbol), "!" if symbol in self._alert_marks else "") if mark)

    def update_tickers(self, tickers: Mapping[str, Ticker24hr]) -> None:
        """24 h statistics; their last price counts as a price update."""
        for symbol, ticker in tickers.items():
            self._tickers[symbol] = ticker
            self._note_price(symbol, ticker.last_price)
        self.data_changed()

    def update_prices(self, prices: Mapping[str, Decimal]) -> None:
        """Latest prices (e.g. from the all-symbols price ticker)."""
        for symbol, price in prices.items():
            self._note_price(symbol, price)
        self.data_changed()

    def update_sparkline(self, symbol: str, closes: Sequence[Decimal]) -> None:
        """Recent closes of ``symbol``, oldest first."""
        self._closes[symbol] = list(closes)
        self.data_changed()

    def set_active(self, symbol: str | None) -> None:
        """Mark ``symbol`` as the active one (▸)."""
        if symbol != self._active:
            self._active = symbol
            self.refresh_lines()

    def set_precisions(self, precisions: Mapping[str, int]) -> None:
        """Price decimals per symbol."""
        self._precisions.update(precisions)
        self.refresh_lines()

    # --- state out ----------------------------------------------------------------

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    @property
    def active_symbol(self) -> str | None:
        return self._active

    @property
    def cursor_symbol(self) -> str | None:
        """The symbol under the cursor."""
        if not self._symbols:
            return None
        self._cursor.clamp(len(self._symbols))
        return self._symbols[self._cursor.index]

    def select_index(self, index: int) -> str | None:
        """Put the cursor on row ``index`` (0-based); the symbol there, or None."""
        if not 0 <= index < len(self._symbols):
            return None
        self._cursor.index = index
        self.refresh_lines()
        return self._symbols[index]

    def move_cursor_to(self, symbol: str) -> bool:
        """Put the cursor on ``symbol``; False when it is not watched."""
        if symbol not in self._symbols:
            return False
        return self.select_index(self._symbols.index(symbol)) is not None

    # --- actions ----------------------------------------------------------------

    def action_activate(self) -> None:
        symbol = self.cursor_symbol
        if symbol is not None:
            self.post_message(SymbolActivated(self, symbol))

    def _row_count(self) -> int:
        return len(self._symbols)

    # --- prices and flashes ----------------------------------------------------

    def _note_price(self, symbol: str, price: Decimal) -> None:
        previous = self._prices.get(symbol)
        self._prices[symbol] = price
        if previous is None or previous == price:
            return
        self._flash_serial += 1
        serial = self._flash_serial
        self._flashes[symbol] = ("up" if price > previous else "down", serial)
        if self.is_mounted:
            self.set_timer(self.FLASH_SECONDS, lambda: self._end_flash(symbol, serial))

    def _end_flash(self, symbol: str, serial: int) -> None:
        flash = self._flashes.get(symbol)
        if flash is not None and flash[1] == serial:
            del self._flashes[symbol]
            self.refresh_lines()

    def flash_of(self, symbol: str) -> Direction | None:
        """The direction the price of ``symbol`` is flashing, if it is."""
        flash = self._flashes.get(symbol)
        return None if flash is None else flash[0]

    def _change_percent(self, symbol: str) -> Decimal | None:
        ticker = self._tickers.get(symbol)
        if ticker is None:
            return None
        price = self._prices.get(symbol, ticker.last_price)
        if price == ticker.last_price:
            return ticker.price_change_percent
        return percent_change(ticker.open_price, price)

    # --- drawing ----------------------------------------------------------------

    def header_text(self) -> Text:
        count = len(self._symbols)
        caption = self._caption or f"{count} symbol{'s' if count != 1 else ''}"
        return Text(caption, style=self.style_of("pane--caption"), end="")

    def _price_text(self, symbol: str) -> str:
        price = self._prices.get(symbol)
        if price is None:
            return _MISSING
        decimals = self._precisions.get(symbol)
        return format_as_sent(price) if decimals is None else format_price(price, decimals)

    def _change_text(self, symbol: str) -> str:
        change = self._change_percent(symbol)
        return _MISSING if change is None else format_percent(change)

    def _volume_text(self, symbol: str) -> str:
        ticker = self._tickers.get(symbol)
        return _MISSING if ticker is None else format_compact(ticker.volume)

    def _layout(self, width: int) -> _Columns:
        """Columns by priority: symbol, price, change, marker, number, volume, trend."""
        symbol_width = min(12, max([6, *(len(symbol) for symbol in self._symbols)]))
        if self._order_counts or self._alert_marks:
            symbol_width += 1 + max(len(self.symbol_marks(symbol)) for symbol in self._symbols)
        price_width = max([4, *(len(self._price_text(symbol)) for symbol in self._symbols)])
        change_width = max([6, *(len(self._change_text(symbol)) for symbol in self._symbols)])
        used = symbol_width + 1 + price_width
        change = change_width if used + 1 + change_width <= width else 0
        used += 1 + change if change else 0
        marker = used + 2 <= width
        used += 2 if marker else 0
        number = marker and width >= 36
        used += 2 if number else 0
        volume = 6 if used + 7 <= width else 0
        used += 7 if volume else 0
        spark = min(self.SPARK_MAX_WIDTH, width - used - 1) if width - used - 1 >= 6 else 0
        return _Columns(marker, number, symbol_width, price_width, change, volume, spark)

    def render_body(self, width: int, height: int) -> list[Text]:
        if not self._symbols:
            return self._message_lines(EMPTY_WATCHLIST, "pane--placeholder", width)[:height]
        columns = self._layout(width)
        lines = [self._column_titles(columns)]
        rows = self._cursor.window(len(self._symbols), height - 1)
        lines.extend(self._row(index, columns, width) for index in rows)
        return lines

    def _column_titles(self, columns: _Columns) -> Text:
        style = self.style_of("pane--column")
        cells = [fit("", 1)] if columns.marker else []
        if columns.number:
            cells.append(fit("#", 1, style=style))
        cells.append(fit("Symbol", columns.symbol, style=style))
        cells.append(fit("Last", columns.price, "right", style=style))
        if columns.change:
            cells.append(fit("24h", columns.change, "right", style=style))
        if columns.volume:
            cells.append(fit("Vol", columns.volume, "right", style=style))
        if columns.spark:
            cells.append(fit("Trend", columns.spark, style=style))
        return join_cells(cells)

    def _row(self, index: int, columns: _Columns, width: int) -> Text:
        symbol = self._symbols[index]
        active = symbol == self._active
        cells = [fit("▸" if active else " ", 1, style=self.style_of("pane--active"))] if columns.marker else []
        if columns.number:
            number = str(index + 1) if index < 9 else ""
            cells.append(fit(number, 1, style=self.style_of("pane--muted")))
        symbol_style = self.style_of("pane--active") if active else ""
        mark = self.symbol_marks(symbol)
        if mark:
            name = Text(symbol, style=symbol_style, end="")
            name.append(" " + mark, style=self.style_of("pane--active"))
            cells.append(fit(name, columns.symbol))
        else:
            cells.append(fit(symbol, columns.symbol, style=symbol_style))
        cells.append(self._price_cell(symbol, columns.price))
        change = self._change_percent(symbol)
        if columns.change:
            cells.append(fit(self._change_text(symbol), columns.change, "right", style=self._direction_style(change)))
        if columns.volume:
            cells.append(fit(self._volume_text(symbol), columns.volume, "right"))
        if columns.spark:
            cells.append(self._spark_cell(symbol, columns.spark))
        row = fit(join_cells(cells), width)
        if index == self._cursor.index:
            row.stylize_before(self.cursor_background())
        return row

    def _price_cell(self, symbol: str, width: int) -> Text:
        cell = fit(self._price_text(symbol), width, "right")
        flash = self.flash_of(symbol)
        if flash is not None:
            cell.stylize(self.background_of(f"pane--flash-{flash}"))
        return cell

    def _spark_cell(self, symbol: str, width: int) -> Text:
        closes = self._closes.get(symbol, [])
        if not closes:
            return fit("", width)
        rising = closes[-1] >= closes[0]
        return fit(sparkline(closes, width, style=self.style_of("pane--up" if rising else "pane--down")), width)

    def _direction_style(self, change: Decimal | None) -> Style | str:
        if change is None or change.is_zero():
            return ""
        return self.style_of("pane--up" if change > 0 else "pane--down")
