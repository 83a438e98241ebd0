"""The order book pane: asks above bids around a spread / mid line.

Each level shows price, quantity and cumulative quantity at the symbol's
precision, over a background bar proportional to the cumulative quantity
(``$sell`` for asks, ``$buy`` for bids; both sides on one scale).  The
user's own open orders are marked with ● and their remaining quantity.  The
pane shows as many levels as its height allows.

When focused, up/down (or k/j) move a cursor over the levels and post
:class:`~jextui.ui.messages.LevelSelected`; ``selected_level`` is what
the order ticket reads.  The cursor stays on its price while the book
updates (or moves to the nearest price on the same side if the level goes).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

import msgspec
from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import Depth, DepthLevel, Order
from jextui.ui.format import auto_decimals, format_fixed, format_price, format_qty
from jextui.ui.keymap import bindings_for
from jextui.ui.messages import BookSide, LevelSelected
from jextui.ui.widgets.pane import Pane, fit, join_cells

__all__ = ["OrderBookView", "BookLevel"]

_OWN_MARK = "●"
UNKNOWN_PRECISION_CAP = 18
"""Decimals shown at most before the symbol's precision is known (every digit a price is given with)."""


class BookLevel(msgspec.Struct, frozen=True):
    """A level of the book as the user sees it."""

    side: BookSide
    price: Decimal
    qty: Decimal


class _Row(msgspec.Struct, frozen=True):
    side: BookSide
    price: Decimal
    qty: Decimal
    total: Decimal


class _Widths(msgspec.Struct, frozen=True):
    price: int
    qty: int
    total: int
    mine: int


def _cumulative(side: BookSide, levels: Sequence[DepthLevel]) -> list[_Row]:
    rows: list[_Row] = []
    total = Decimal(0)
    for depth_level in levels:
        total += depth_level.qty
        rows.append(_Row(side, depth_level.price, depth_level.qty, total))
    return rows


class OrderBookView(Pane):
    """Depth of the active symbol with cumulative bars and a selectable level."""

    PANE_TITLE = "Order book"

    DEFAULT_CSS = """
    OrderBookView > .book--ask-bar { background: $sell 22%; }
    OrderBookView > .book--bid-bar { background: $buy 22%; }
    OrderBookView > .book--spread { color: $foreground-muted; }
    OrderBookView > .book--mid { color: $foreground; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"book--ask-bar", "book--bid-bar", "book--spread", "book--mid"}

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("book"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._depth: Depth | None = None
        self._price_decimals: int | None = None
        self._qty_decimals: int | None = None
        self._own: dict[tuple[BookSide, Decimal], Decimal] = {}
        self._selected: tuple[BookSide, Decimal] | None = None
        self._shown: list[_Row] = []  # rows on screen, top to bottom, for the cursor

    # --- data in ----------------------------------------------------------------

    def update_book(self, depth: Depth) -> None:
        """A new depth snapshot (bids best first, asks best first)."""
        self._depth = depth
        self._follow_selection()
        self.data_changed()

    def set_own_orders(self, orders: Sequence[Order]) -> None:
        """The user's open orders of this symbol; marked on their price levels."""
        own: dict[tuple[BookSide, Decimal], Decimal] = {}
        for order in orders:
            side: BookSide = "bid" if order.side == "BUY" else "ask"
            remaining = order.orig_qty - order.executed_qty
            if remaining > 0:
                key = (side, order.price)
                own[key] = own.get(key, Decimal(0)) + remaining
        if own != self._own:
            self._own = own
            self.refresh_lines()

    def set_precision(self, price_decimals: int, qty_decimals: int) -> None:
        """The symbol's price and quantity decimals."""
        if (price_decimals, qty_decimals) != (self._price_decimals, self._qty_decimals):
            self._price_decimals = price_decimals
            self._qty_decimals = qty_decimals
            self.refresh_all_lines()

    def clear(self) -> None:
        """Forget the book (e.g. when the active symbol changes)."""
        self._depth = None
        self._own = {}
        self._selected = None
        self._shown = []
        self._has_data = False
        self.refresh_lines()

    # --- state out ----------------------------------------------------------------

    @property
    def selected_level(self) -> BookLevel | None:
        """The level under the cursor, with its current quantity."""
        if self._selected is None:
            return None
        side, price = self._selected
        for row in self._side_rows(side):
            if row.price == price:
                return BookLevel(side, price, row.qty)
        return None

    def own_qty_at(self, side: BookSide, price: Decimal) -> Decimal | None:
        """The user's remaining quantity at a level, if any."""
        return self._own.get((side, price))

    # --- cursor -------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_select_level(self) -> None:
        self._post_selection()

    def action_clear_selection(self) -> None:
        if self._selected is not None:
            self._selected = None
            self.refresh_lines()

    def select(self, side: BookSide, price: Decimal) -> bool:
        """Put the cursor on a level; False when the book has no such level."""
        if not any(row.price == price for row in self._side_rows(side)):
            return False
        self._selected = (side, price)
        self.refresh_lines()
        self._post_selection()
        return True

    def _move(self, delta: int) -> None:
        self._ensure_built()  # so the rows on screen are known
        rows = self._shown
        if not rows:
            return
        keys = [(row.side, row.price) for row in rows]
        if self._selected in keys:
            index = keys.index(self._selected) + delta
        else:
            # First move: up lands on the best ask, down on the best bid.
            asks = [i for i, row in enumerate(rows) if row.side == "ask"]
            bids = [i for i, row in enumerate(rows) if row.side == "bid"]
            index = (asks[-1] if asks else 0) if delta < 0 else (bids[0] if bids else len(rows) - 1)
        index = min(max(0, index), len(rows) - 1)
        if keys[index] != self._selected:
            self._selected = keys[index]
            self.refresh_lines()
        self._post_selection()

    def _post_selection(self) -> None:
        level = self.selected_level
        if level is not None:
            self.post_message(LevelSelected(self, level.side, level.price, level.qty))

    def _side_rows(self, side: BookSide) -> list[_Row]:
        if self._depth is None:
            return []
        return _cumulative(side, self._depth.asks if side == "ask" else self._depth.bids)

    def _follow_selection(self) -> None:
        """Keep the cursor on its price, or the nearest price on its side."""
        if self._selected is None or self._depth is None:
            return
        side, price = self._selected
        levels = self._depth.asks if side == "ask" else self._depth.bids
        if not levels or any(level.price == price for level in levels):
            return
        nearest = min(levels, key=lambda level: abs(level.price - price))
        self._selected = (side, nearest.price)

    # --- drawing --------------------------------------------------------------------

    def _decimals(self) -> tuple[int, int]:
        depth = self._depth
        levels = [] if depth is None else [*depth.asks[:50], *depth.bids[:50]]
        price_decimals = self._price_decimals
        if price_decimals is None:
            price_decimals = auto_decimals([level.price for level in levels], cap=UNKNOWN_PRECISION_CAP)
        qty_decimals = self._qty_decimals
        if qty_decimals is None:
            qty_decimals = auto_decimals([level.qty for level in levels], cap=UNKNOWN_PRECISION_CAP)
        return price_decimals, qty_decimals

    def render_body(self, width: int, height: int) -> list[Text]:
        depth = self._depth
        if depth is None:
            self._shown = []
            return []
        price_decimals, qty_decimals = self._decimals()
        if height < 3:
            self._shown = []
            return [self._spread_line(width, price_decimals)][:height]
        level_rows = height - 2  # minus the column titles and the spread line
        ask_count = level_rows // 2
        bid_count = level_rows - ask_count
        asks = _cumulative("ask", depth.asks[:ask_count])
        bids = _cumulative("bid", depth.bids[:bid_count])
        self._shown = [*reversed(asks), *bids]
        widths = self._widths(width, asks + bids, price_decimals, qty_decimals)
        scale = max([Decimal(0), *(row.total for row in asks[-1:] + bids[-1:])])

        lines: list[Text] = [self._column_titles(widths, width)]
        lines.extend(Text("") for _ in range(ask_count - len(asks)))  # keep the best ask by the spread
        lines.extend(
            self._level_line(row, widths, width, scale, price_decimals, qty_decimals) for row in reversed(asks)
        )
        table_width = min(
            width, 2 + widths.price + 1 + widths.qty + sum(1 + w for w in (widths.total, widths.mine) if w)
        )
        lines.append(fit(self._spread_line(table_width, price_decimals), width))
        lines.extend(self._level_line(row, widths, width, scale, price_decimals, qty_decimals) for row in bids)
        return lines

    def _widths(self, width: int, rows: list[_Row], price_decimals: int, qty_decimals: int) -> _Widths:
        price = max([5, *(len(format_price(row.price, price_decimals)) for row in rows)])
        qty = max([3, *(len(format_qty(row.qty, qty_decimals)) for row in rows)])
        total = max([5, *(len(format_qty(row.total, qty_decimals)) for row in rows)])
        mine = max([4, *(len(self.mask(format_qty(qty_value, qty_decimals))) for qty_value in self._own.values())])
        used = 2 + price + 1 + qty
        total_width = total if used + 1 + total <= width else 0
        used += 1 + total_width if total_width else 0
        mine_width = mine if self._own and used + 1 + mine <= width else 0
        used += 1 + mine_width if mine_width else 0
        # Spread the room left over between the quantity columns.
        spare = max(0, width - used)
        columns = 1 + (1 if total_width else 0) + (1 if mine_width else 0)
        extra = min(spare // columns, 6)
        return _Widths(
            price,
            qty + extra,
            total_width + extra if total_width else 0,
            mine_width + extra if mine_width else 0,
        )

    def _column_titles(self, widths: _Widths, width: int) -> Text:
        style = self.style_of("pane--column")
        cells = [fit("", 1), fit("Price", widths.price, "right", style), fit("Qty", widths.qty, "right", style)]
        if widths.total:
            cells.append(fit("Total", widths.total, "right", style))
        if widths.mine:
            cells.append(fit("Mine", widths.mine, "right", style))
        return fit(join_cells(cells), width)

    def _level_line(
        self, row: _Row, widths: _Widths, width: int, scale: Decimal, price_decimals: int, qty_decimals: int
    ) -> Text:
        side_style = self.style_of("pane--sell" if row.side == "ask" else "pane--buy")
        own = self._own.get((row.side, row.price))
        cells = [
            fit(_OWN_MARK if own is not None else "", 1, style=side_style),
            fit(format_price(row.price, price_decimals), widths.price, "right", side_style),
            fit(format_qty(row.qty, qty_decimals), widths.qty, "right"),
        ]
        if widths.total:
            cells.append(fit(format_qty(row.total, qty_decimals), widths.total, "right", self.style_of("pane--muted")))
        if widths.mine:
            mine = "" if own is None else self.mask(format_qty(own, qty_decimals))
            cells.append(fit(mine, widths.mine, "right", side_style))
        line = fit(join_cells(cells), width)
        bar = _bar_cells(row.total, scale, width)
        if bar:
            line.stylize_before(self.background_of(f"book--{row.side}-bar"), width - bar, width)
        if self._selected == (row.side, row.price):
            line.stylize_before(self.cursor_background())
        return line

    def _spread_line(self, width: int, price_decimals: int) -> Text:
        depth = self._depth
        muted = self.style_of("book--spread")
        if depth is None or not depth.asks or not depth.bids:
            missing = "no asks" if depth is not None and not depth.asks else "no bids"
            return fit(Text(missing, style=muted), width, "center")
        best_ask, best_bid = depth.asks[0].price, depth.bids[0].price
        spread = best_ask - best_bid
        mid = (best_ask + best_bid) / 2
        mid_text = format_price(mid, price_decimals)  # at the price's own precision (half a tick rounds up)
        spread_text = format_price(spread, price_decimals)
        line = Text(no_wrap=True, end="")
        line.append(f"spread {spread_text}", muted)
        if not mid.is_zero() and width >= 40:
            ratio = spread * 100 / mid
            line.append(f" ({format_fixed(ratio, 3)}%)", muted)
        line.append("  mid ", muted)
        line.append(mid_text, self.style_of("book--mid"))
        if line.cell_len > width:
            line = Text(f"{spread_text} | {mid_text}", style=muted)
        return fit(line, width, "center")

    def header_text(self) -> Text:
        caption = self._caption
        if self._selected is not None and (level := self.selected_level) is not None:
            price_decimals, _ = self._decimals()
            caption = f"{caption} · {level.side} {format_price(level.price, price_decimals)}".lstrip(" ·")
        return Text(caption, style=self.style_of("pane--caption"), end="")


def _bar_cells(total: Decimal, scale: Decimal, width: int) -> int:
    """Cells of the depth bar: ``total / scale`` of the width, at least 1 if any."""
    if scale <= 0 or total <= 0:
        return 0
    cells = int((total * width / scale).to_integral_value(rounding=ROUND_HALF_UP))
    return min(width, max(1, cells))
