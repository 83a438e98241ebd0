"""The recent trades pane: newest first, time / price / quantity.

With historicalTrades (``has_side=True``) each trade is coloured by the
taker's side: ``buyerMaker`` true means the buyer was resting, so the taker
sold (``$sell``, ▼); otherwise the taker bought (``$buy``, ▲).  Plain
``/spot/trades`` carry no side, so trades are coloured by tick direction
against the previous trade (``$up`` ▲ / ``$down`` ▼; an unchanged price keeps
the previous direction).  The header says which colouring is in use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from rich.text import Text

from jextui.api.models import HistoricalTrade, Trade
from jextui.ui.format import auto_decimals, format_clock, format_price, format_qty
from jextui.ui.widgets.pane import Pane, fit, join_cells

__all__ = ["TradesView", "TradeRow", "classify_trades"]

Mark = Literal["buy", "sell", "up", "down"]

_ARROWS: dict[Mark | None, str] = {"buy": "▲", "up": "▲", "sell": "▼", "down": "▼", None: " "}
_STYLES: dict[Mark, str] = {"buy": "pane--buy", "sell": "pane--sell", "up": "pane--up", "down": "pane--down"}


@dataclass(frozen=True, slots=True)
class TradeRow:
    """A trade as shown: its time, price, quantity and how it is coloured."""

    time: int
    price: Decimal
    qty: Decimal
    mark: Mark | None


def classify_trades(trades: Sequence[Trade | HistoricalTrade], has_side: bool) -> list[TradeRow]:
    """Rows newest first from trades newest first (the feed's order, kept to the screen).

    ``has_side`` (the feed's word: every trade carries ``buyer_maker``):
    coloured by taker side; otherwise by tick direction, which is read from
    the oldest trade up.
    """
    if has_side:
        return [
            TradeRow(trade.time, trade.price, trade.qty, "sell" if trade.buyer_maker else "buy")  # type: ignore[union-attr]  # has_side: every trade carries buyer_maker
            for trade in trades
        ]
    rows: list[TradeRow | None] = [None] * len(trades)
    previous_price: Decimal | None = None
    direction: Mark | None = None
    for index in range(len(trades) - 1, -1, -1):  # oldest to newest, each row in its own place
        trade = trades[index]
        if previous_price is not None and trade.price != previous_price:
            direction = "up" if trade.price > previous_price else "down"
        previous_price = trade.price
        rows[index] = TradeRow(trade.time, trade.price, trade.qty, direction)
    return [row for row in rows if row is not None]


class TradesView(Pane):
    """Recent trades of the active symbol."""

    PANE_TITLE = "Trades"
    MAX_ROWS: ClassVar[int] = 200

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows: list[TradeRow] = []
        self._by_side = False
        self._price_decimals: int | None = None
        self._qty_decimals: int | None = None

    def update_trades(self, trades: Sequence[Trade | HistoricalTrade], has_side: bool) -> None:
        """Trades newest first (the feed's order); ``has_side``: they carry buyerMaker."""
        rows = classify_trades(trades, has_side)[: self.MAX_ROWS]
        by_side = has_side
        if rows != self._rows or by_side != self._by_side or not self.has_data:
            self._rows = rows
            self._by_side = by_side
            self.data_changed()

    def set_precision(self, price_decimals: int, qty_decimals: int) -> None:
        if (price_decimals, qty_decimals) != (self._price_decimals, self._qty_decimals):
            self._price_decimals = price_decimals
            self._qty_decimals = qty_decimals
            self.refresh_lines()

    def clear(self) -> None:
        """Forget the trades (e.g. when the active symbol changes)."""
        self._rows = []
        self._has_data = False
        self.refresh_lines()

    @property
    def rows(self) -> list[TradeRow]:
        return list(self._rows)

    @property
    def colours_by_side(self) -> bool:
        """True when the trades carry the taker side, False for tick direction."""
        return self._by_side

    def header_text(self) -> Text:
        mode = "taker side" if self._by_side else "tick direction"
        caption = f"{self._caption} · {mode}" if self._caption else mode
        return Text(caption, style=self.style_of("pane--caption"), end="")

    def render_body(self, width: int, height: int) -> list[Text]:
        if not self._rows:
            return [Text("no trades yet", style=self.style_of("pane--placeholder"))]
        shown = self._rows[: max(0, height - 1)]
        price_decimals = (
            self._price_decimals if self._price_decimals is not None else auto_decimals(r.price for r in shown)
        )
        qty_decimals = self._qty_decimals if self._qty_decimals is not None else auto_decimals(r.qty for r in shown)
        prices = [format_price(row.price, price_decimals) for row in shown]
        qtys = [format_qty(row.qty, qty_decimals) for row in shown]
        price_width = max([5, *(len(text) for text in prices)])
        qty_width = max([3, *(len(text) for text in qtys)])
        essential = price_width + 1 + qty_width
        show_time = essential + 9 <= width
        show_arrow = essential + (9 if show_time else 0) + 2 <= width
        # A little of the spare room between the columns, the rest on the right.
        spare = width - essential - (9 if show_time else 0) - (2 if show_arrow else 0)
        extra = min(max(0, spare) // 2, 4)
        price_width += extra
        qty_width += extra

        titles = self.style_of("pane--column")
        header = []
        if show_time:
            header.append(fit("Time", 8, style=titles))
        header += [fit("Price", price_width, "right", titles), fit("Qty", qty_width, "right", titles)]
        if show_arrow:
            header.append(fit("", 1))
        lines = [join_cells(header)]
        for row, price, qty in zip(shown, prices, qtys, strict=True):
            style = self.style_of(_STYLES[row.mark]) if row.mark else ""
            cells = []
            if show_time:
                cells.append(fit(format_clock(row.time, self.time_zone), 8, style=self.style_of("pane--muted")))
            cells += [fit(price, price_width, "right", style), fit(qty, qty_width, "right")]
            if show_arrow:
                cells.append(fit(_ARROWS[row.mark], 1, style=style))
            lines.append(join_cells(cells))
        return lines
