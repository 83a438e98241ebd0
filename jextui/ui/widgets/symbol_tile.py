"""A compact tile for the grid view: one symbol in 26 x 6 cells.

Inside the border: symbol and 24 h change, last price (flashing on change),
a sparkline of recent closes, best bid (``$buy``) and best ask (``$sell``).
Stale data dims the tile, turns its border ``$stale`` and puts "STALE 14s" in
the border.  Enter posts :class:`~jextui.ui.messages.SymbolActivated`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import BookTicker, Ticker24hr
from jextui.ui.charts import sparkline
from jextui.ui.format import format_age, format_as_sent, format_percent, format_price, percent_change
from jextui.ui.keymap import spec_by_id
from jextui.ui.messages import SymbolActivated
from jextui.ui.widgets.pane import Pane, fit, join_cells

__all__ = ["SymbolTile", "TILE_WIDTH", "TILE_HEIGHT"]

TILE_WIDTH = 26
TILE_HEIGHT = 6
_MISSING = "—"


class SymbolTile(Pane):
    """One watched symbol at a glance."""

    SHOW_HEADER = False
    FLASH_SECONDS: float = 0.6  # an instance may flash for less (the tests do)

    DEFAULT_CSS = f"""
    SymbolTile {{
        width: {TILE_WIDTH};
        height: {TILE_HEIGHT};
    }}
    SymbolTile.-active {{
        border: round $accent;
    }}
    SymbolTile.-stale {{
        border: round $stale;
    }}
    SymbolTile:focus {{
        border: heavy $border;
    }}
    SymbolTile.-active:focus {{
        border: heavy $accent;
    }}
    SymbolTile > .tile--price {{ text-style: bold; }}
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"tile--price"}

    BINDINGS: ClassVar[list[BindingType]] = [spec_by_id("grid.activate").binding()]  # as the grid's Enter

    def __init__(self, symbol: str, *, price_decimals: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.symbol = symbol
        self._price_decimals = price_decimals
        self._ticker: Ticker24hr | None = None
        self._price: Decimal | None = None
        self._book: BookTicker | None = None
        self._closes: list[Decimal] = []
        self._flash: Literal["up", "down"] | None = None
        self._flash_serial = 0
        self._last_subtitle_paint = float("-inf")
        self._has_data = True  # the symbol itself is shown from the start
        self._order_count = 0
        self._alert_mark = False
        self.border_title = symbol

    # --- data in ----------------------------------------------------------------

    def set_order_count(self, count: int) -> None:
        """Open orders on this symbol: marked in the border (``◆2``) when there are any."""
        if count != self._order_count:
            self._order_count = count
            self._title_marks()

    def set_alert_mark(self, marked: bool) -> None:
        """An alert on this symbol fired and has not re-armed: ``!`` in the border."""
        if marked != self._alert_mark:
            self._alert_mark = marked
            self._title_marks()

    @property
    def alert_mark(self) -> bool:
        return self._alert_mark

    def _title_marks(self) -> None:
        count = self._order_count
        orders = f" ◆{count}" if count else ""
        self.border_title = f"{self.symbol}{orders}{' !' if self._alert_mark else ''}"

    @property
    def order_count(self) -> int:
        return self._order_count

    def update_ticker(self, ticker: Ticker24hr) -> None:
        self._ticker = ticker
        self._note_price(ticker.last_price)
        self.refresh_lines()

    def update_price(self, price: Decimal) -> None:
        self._note_price(price)
        self.refresh_lines()

    def update_book_ticker(self, book: BookTicker) -> None:
        if book != self._book:
            self._book = book
            self.refresh_lines()

    def update_sparkline(self, closes: Sequence[Decimal]) -> None:
        self._closes = list(closes)
        self.refresh_lines()

    def set_precision(self, price_decimals: int) -> None:
        if price_decimals != self._price_decimals:
            self._price_decimals = price_decimals
            self.refresh_lines()

    def _price_text(self, price: Decimal) -> str:
        """At the symbol's precision once known; until then the server's own digits."""
        decimals = self._price_decimals
        return format_as_sent(price) if decimals is None else format_price(price, decimals)

    def set_active(self, active: bool) -> None:
        """Mark the tile of the active symbol."""
        self.set_class(active, "-active")

    def set_freshness(self, age_ms: int | None, stale: bool, degraded_reason: str | None = None) -> None:
        super().set_freshness(age_ms, stale, degraded_reason)
        subtitle = None
        if stale:
            subtitle = f"STALE {format_age(age_ms)}" if age_ms is not None else "STALE"
        current = self.border_subtitle
        if subtitle == current:
            return
        now = time.monotonic()
        turned = (subtitle is None) != (current is None)
        if turned or now - self._last_subtitle_paint >= self.AGE_REPAINT_INTERVAL_S:
            self._last_subtitle_paint = now
            self.border_subtitle = subtitle

    # --- state out ----------------------------------------------------------------

    @property
    def price(self) -> Decimal | None:
        return self._price

    @property
    def flash(self) -> Literal["up", "down"] | None:
        return self._flash

    def action_activate(self) -> None:
        self.post_message(SymbolActivated(self, self.symbol))

    # --- flashes ----------------------------------------------------------------

    def _note_price(self, price: Decimal) -> None:
        previous = self._price
        self._price = price
        if previous is None or previous == price:
            return
        self._flash = "up" if price > previous else "down"
        self._flash_serial += 1
        serial = self._flash_serial
        if self.is_mounted:
            self.set_timer(self.FLASH_SECONDS, lambda: self._end_flash(serial))

    def _end_flash(self, serial: int) -> None:
        if serial == self._flash_serial and self._flash is not None:
            self._flash = None
            self.refresh_lines()

    # --- drawing --------------------------------------------------------------------

    def _change(self) -> Decimal | None:
        ticker = self._ticker
        if ticker is None:
            return None
        if self._price is None or self._price == ticker.last_price:
            return ticker.price_change_percent
        return percent_change(ticker.open_price, self._price)

    def render_body(self, width: int, height: int) -> list[Text]:
        change = self._change()
        change_text = _MISSING if change is None else format_percent(change)
        change_style = (
            "" if change is None or change.is_zero() else self.style_of("pane--up" if change > 0 else "pane--down")
        )
        change_cell = Text(change_text, style=change_style)
        symbol_cell = fit(self.symbol, max(0, width - change_cell.cell_len - 1), style=self.style_of("pane--caption"))
        lines = [join_cells([symbol_cell, change_cell])]

        price = _MISSING if self._price is None else self._price_text(self._price)
        price_cell = fit(price, width, style=self.style_of("tile--price"))
        if self._flash is not None:
            price_cell.stylize_before(self.background_of(f"pane--flash-{self._flash}"), 0, len(price))
        lines.append(price_cell)

        if self._closes:
            rising = self._closes[-1] >= self._closes[0]
            lines.append(sparkline(self._closes, width, style=self.style_of("pane--up" if rising else "pane--down")))
        else:
            lines.append(Text(""))
        lines.append(self._bid_ask_line(width))
        return lines

    def _bid_ask_line(self, width: int) -> Text:
        book = self._book
        if book is None:
            return Text("")
        bid = self._price_text(book.bid_price)
        ask = self._price_text(book.ask_price)
        if len(bid) + len(ask) + 5 <= width:  # "b 1.00  a 1.01": labels with room
            bid_text, ask_text = f"b {bid}", f"a {ask}"
        elif len(bid) + len(ask) + 3 <= width:  # long prices keep their labels, closer
            bid_text, ask_text = f"b{bid}", f"a{ask}"
        else:
            bid_text, ask_text = bid, ask
        left = Text(bid_text, style=self.style_of("pane--buy"))
        right = Text(ask_text, style=self.style_of("pane--sell"))
        gap = max(1, width - left.cell_len - right.cell_len)
        return fit(join_cells([left, right], " " * gap), width)
