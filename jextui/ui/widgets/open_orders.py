"""The open orders pane: a selectable table of the user's open orders.

Newest first: time, symbol (when wide), side (``$buy`` / ``$sell``), price,
quantity, filled %, status and order id; narrow panes drop the id, status,
symbol and time in that order.  The cursor (up/down, j/k) stays on the same
order id across updates; a change of the highlighted order posts
:class:`~jextui.ui.messages.OrderHighlighted` and Enter posts
:class:`~jextui.ui.messages.OrderActivated`.  Cancelling is the
app's job: it reads :attr:`OpenOrdersView.selected_order`.  Privacy mode
hides quantities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import Order
from jextui.ui.format import auto_decimals, format_clock, format_fixed, format_price, format_qty
from jextui.ui.messages import OrderActivated, OrderHighlighted
from jextui.ui.keymap import bindings_for
from jextui.ui.widgets.pane import ListCursor, ListPane, fit, join_cells

__all__ = ["OpenOrdersView", "status_label", "filled_percent"]

_STATUS_LABELS = {
    "NEW": "new",
    "PARTIALLY_FILLED": "partial",
    "FILLED": "filled",
    "CANCELED": "canceled",
    "PENDING_CANCEL": "canceling",
    "CANCLEFILLED": "canceled",
    "REJECTED": "rejected",
    "EXPIRED": "expired",
    "FAIL": "failed",
}


def status_label(status: str) -> str:
    """A short word for an order status (unknown ones shown as sent)."""
    return _STATUS_LABELS.get(status, status.lower())


def filled_percent(order: Order) -> Decimal:
    """Executed quantity as a percentage of the original quantity."""
    if order.orig_qty <= 0:
        return Decimal(0)
    return order.executed_qty * 100 / order.orig_qty


@dataclass(frozen=True)
class _Columns:
    time: bool
    symbol: int
    price: int
    qty: int
    filled: bool
    status: bool
    order_id: int


class OpenOrdersView(ListPane):
    """The user's open orders, one selectable row each."""

    PANE_TITLE = "Open orders"

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("open_orders"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._orders: list[Order] = []
        self._selected_id: int | None = None
        self._precisions: dict[str, tuple[int, int]] = {}
        self._select_when_listed: int | None = None  # an order placed here, selected once it is listed

    # --- data in ----------------------------------------------------------------

    def update_orders(self, orders: Sequence[Order]) -> None:
        """The open orders (any order); shown newest first."""
        ordered = sorted(orders, key=lambda order: (order.time, int(order.order_id)), reverse=True)
        if ordered == self._orders and self.has_data:
            return
        previous_index = self._cursor.index
        self._orders = ordered
        ids = [int(order.order_id) for order in ordered]
        if self._select_when_listed in ids:
            self._selected_id, self._select_when_listed = self._select_when_listed, None
        if self._selected_id in ids:
            self._cursor.index = ids.index(self._selected_id)
        else:
            self._cursor.index = previous_index  # the neighbour takes the gone order's place
        self._cursor.clamp(len(ordered))
        self.data_changed()
        self._announce_if_changed()

    def clear(self) -> None:
        """Forget the orders (e.g. when the active symbol changes)."""
        self._orders = []
        self._cursor = ListCursor()
        self._has_data = False
        self.refresh_lines()
        self._announce_if_changed()

    def set_precisions(self, precisions: Mapping[str, tuple[int, int]]) -> None:
        """(price decimals, quantity decimals) per symbol."""
        self._precisions.update(precisions)
        self.refresh_lines()

    # --- state out ----------------------------------------------------------------

    @property
    def orders(self) -> list[Order]:
        return list(self._orders)

    @property
    def selected_order(self) -> Order | None:
        """The order under the cursor."""
        if not self._orders:
            return None
        self._cursor.clamp(len(self._orders))
        return self._orders[self._cursor.index]

    @property
    def selected_row_in_view(self) -> bool:
        """Whether this pane has the focus and its selected row is drawn on screen."""
        if self.selected_order is None or not self.has_focus or not self.is_on_screen:
            return False
        body_rows = self.content_region.height - (2 if self.SHOW_HEADER else 1)  # header, column titles
        return body_rows >= 1

    def select_when_listed(self, order_id: int) -> None:
        """Select ``order_id`` now if listed, else as soon as an update lists it."""
        if not self.select_order(order_id):
            self._select_when_listed = order_id

    def select_order(self, order_id: int) -> bool:
        """Put the cursor on an order; False when it is not listed."""
        ids = [int(order.order_id) for order in self._orders]
        if order_id not in ids:
            return False
        self._cursor.index = ids.index(order_id)
        self.refresh_lines()
        self._announce_if_changed()
        return True

    # --- actions ----------------------------------------------------------------

    def action_activate(self) -> None:
        order = self.selected_order
        if order is not None:
            self.post_message(OrderActivated(self, order))

    def _row_count(self) -> int:
        return len(self._orders)

    def _cursor_moved(self) -> None:
        self._announce_if_changed()

    def _announce_if_changed(self) -> None:
        order = self.selected_order
        order_id = None if order is None else int(order.order_id)
        if order_id != self._selected_id:
            self._selected_id = order_id
            self.post_message(OrderHighlighted(self, order))

    # --- drawing --------------------------------------------------------------------

    def header_text(self) -> Text:
        count = len(self._orders)
        caption = f"{count} open" if not self._caption else f"{self._caption} · {count} open"
        return Text(caption, style=self.style_of("pane--caption"), end="")

    def _decimals(self, order: Order) -> tuple[int, int]:
        known = self._precisions.get(order.symbol)
        if known is not None:
            return known
        return auto_decimals([order.price]), auto_decimals([order.orig_qty])

    def _cells(self, order: Order) -> tuple[str, str, str]:
        price_decimals, qty_decimals = self._decimals(order)
        return (
            format_price(order.price, price_decimals),
            self.mask(format_qty(order.orig_qty, qty_decimals)),
            f"{format_fixed(filled_percent(order), 1)}%",
        )

    def _layout(self, width: int, texts: list[tuple[str, str, str]]) -> _Columns:
        price = max([5, *(len(text[0]) for text in texts)])
        qty = max([3, *(len(text[1]) for text in texts)])
        used = 4 + 1 + price + 1 + qty  # side, price, qty
        filled = used + 7 <= width
        used += 7 if filled else 0
        time = used + 9 <= width
        used += 9 if time else 0
        status = used + 10 <= width
        used += 10 if status else 0
        id_width = max([2, *(len(str(int(order.order_id))) for order in self._orders)])
        order_id = id_width if used + 1 + id_width <= width else 0
        used += 1 + order_id if order_id else 0
        symbol_width = max([6, *(len(order.symbol) for order in self._orders)])
        symbol = symbol_width if used + 1 + symbol_width <= width else 0
        return _Columns(time, symbol, price, qty, filled, status, order_id)

    def render_body(self, width: int, height: int) -> list[Text]:
        if not self._orders:
            return [Text("no open orders", style=self.style_of("pane--placeholder"))]
        texts = [self._cells(order) for order in self._orders]
        columns = self._layout(width, texts)
        lines = [self._column_titles(columns, width)]
        for index in self._cursor.window(len(self._orders), height - 1):
            lines.append(self._row(index, texts[index], columns, width))
        return lines

    def _column_titles(self, columns: _Columns, width: int) -> Text:
        style = self.style_of("pane--column")
        cells = []
        if columns.time:
            cells.append(fit("Time", 8, style=style))
        if columns.symbol:
            cells.append(fit("Symbol", columns.symbol, style=style))
        cells += [
            fit("Side", 4, style=style),
            fit("Price", columns.price, "right", style),
            fit("Qty", columns.qty, "right", style),
        ]
        if columns.filled:
            cells.append(fit("Filled", 6, "right", style))
        if columns.status:
            cells.append(fit("Status", 9, style=style))
        if columns.order_id:
            cells.append(fit("Id", columns.order_id, "right", style))
        return fit(join_cells(cells), width)

    def _row(self, index: int, texts: tuple[str, str, str], columns: _Columns, width: int) -> Text:
        order = self._orders[index]
        price, qty, filled = texts
        side_style = self.style_of("pane--buy" if order.side == "BUY" else "pane--sell")
        muted = self.style_of("pane--muted")
        cells = []
        if columns.time:
            cells.append(fit(format_clock(order.time, self.time_zone), 8, style=muted))
        if columns.symbol:
            cells.append(fit(order.symbol, columns.symbol))
        cells += [
            fit(order.side, 4, style=side_style),
            fit(price, columns.price, "right"),
            fit(qty, columns.qty, "right"),
        ]
        if columns.filled:
            cells.append(fit(filled, 6, "right", muted))
        if columns.status:
            cells.append(fit(status_label(order.status), 9))
        if columns.order_id:
            cells.append(fit(str(int(order.order_id)), columns.order_id, "right", muted))
        row = fit(join_cells(cells), width)
        if index == self._cursor.index:
            row.stylize_before(self.cursor_background())
        return row
