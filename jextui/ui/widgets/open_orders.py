"""The open orders pane: a selectable table of the user's open orders.

Newest first: time, symbol (when wide), side (``$buy`` / ``$sell``), price,
quantity, filled %, status and order id; narrow panes drop the id, status,
symbol and time in that order.  Until the trader picks a row (a cursor key,
or an order placed here), the cursor stays on the top row, whatever order the
listings arrive in; once picked, it stays on the same order id across
updates; a change of the highlighted order posts
:class:`~jextui.ui.messages.OrderHighlighted` and Enter posts
:class:`~jextui.ui.messages.OrderActivated`.  Cancelling is the
app's job: it reads :attr:`OpenOrdersView.selected_order`.  Privacy mode
hides quantities.

Account-wide: given a source (:meth:`OpenOrdersView.set_source`), the pane
shows what the source lists, in the source's order (every open order on the
account, the active symbol's first), with the symbol in each row and the
source's title in the header; :meth:`OpenOrdersView.toggle_scope` narrows it
to the active symbol and back.  An order with a note (a symbol the exchange
does not list) shows its fields as received and the note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import msgspec
from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import Order
from jextui.ui.format import auto_decimals, format_clock, format_fixed, format_price, format_qty
from jextui.ui.keymap import bindings_for
from jextui.ui.messages import OrderActivated, OrderHighlighted
from jextui.ui.widgets.pane import ListCursor, ListPane, fit, join_cells

__all__ = ["OpenOrdersView", "OrdersListing", "status_label", "filled_percent"]

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


class OrdersListing(msgspec.Struct, frozen=True):
    """What an account-wide source gives the pane for one view."""

    rows: Sequence[Any]
    """The orders, in display order (API orders or anything with their fields and an optional ``note``)."""
    title: str
    """The header, e.g. ``3 open · 1 on BTCUSDT``."""
    empty_text: str = "no open orders"
    """Shown when ``rows`` is empty (never "no open orders" while locked funds are unexplained)."""
    notes: Mapping[int, str] = msgspec.field(default_factory=dict)
    """Order id -> a note shown in its row (e.g. a symbol the exchange does not list)."""


ListingSource = Callable[[str | None, bool], OrdersListing]
"""(active symbol, only the active symbol's orders) -> what to show."""


class _Columns(msgspec.Struct, frozen=True):
    time: bool
    symbol: int
    price: int
    qty: int
    filled: bool
    status: bool
    order_id: int
    note: int = 0


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
        self._picked = False  # the trader chose the row (until then the cursor stays on the top row)
        self._source: ListingSource | None = None
        self._listing: OrdersListing | None = None
        self._only_active = False

    # --- account-wide source --------------------------------------------------------

    def set_source(self, source: ListingSource | None) -> None:
        """Show what ``source`` lists from now on (None: back to :meth:`update_orders`)."""
        self._source = source
        self.refresh_from_source()

    @property
    def account_wide(self) -> bool:
        return self._source is not None

    @property
    def only_active(self) -> bool:
        """True while the pane is narrowed to the active symbol."""
        return self._only_active

    @property
    def listing(self) -> OrdersListing | None:
        return self._listing

    def toggle_scope(self) -> bool:
        """Every open order on the account ⇄ the active symbol's only; the new ``only_active``."""
        self._only_active = not self._only_active
        self.refresh_from_source()
        return self._only_active

    def refresh_from_source(self) -> None:
        """Ask the source again (its data changed, or the active symbol did)."""
        if self._source is None:
            return
        listing = self._source(self.shown_symbol, self._only_active)
        changed = listing != self._listing
        self._listing = listing
        self._set_orders(list(listing.rows), force=changed)

    def watch_shown_symbol(self, old: str | None, new: str | None) -> None:
        if self._source is None:
            super().watch_shown_symbol(old, new)
            return
        self.set_caption(new or "")
        self.refresh_from_source()

    # --- data in ----------------------------------------------------------------

    def update_orders(self, orders: Sequence[Order]) -> None:
        """The open orders (any order); shown newest first.  Ignored once a source is set."""
        if self._source is not None:
            return
        ordered = sorted(orders, key=lambda order: (order.time, int(order.order_id)), reverse=True)
        self._set_orders(ordered)

    def _set_orders(self, ordered: list[Any], *, force: bool = False) -> None:
        if ordered == self._orders and self.has_data and not force:
            return
        previous_index = self._cursor.index
        self._orders = ordered
        ids = [int(order.order_id) for order in ordered]
        if self._select_when_listed in ids:
            self._selected_id, self._select_when_listed = self._select_when_listed, None
            self._picked = True
        if not self._picked:
            self._cursor.index = 0  # the first listing to arrive does not choose the row
        elif self._selected_id in ids:
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
        self._picked = False
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
        self._picked = True
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
        self._picked = True
        self._announce_if_changed()

    def _announce_if_changed(self) -> None:
        order = self.selected_order
        order_id = None if order is None else int(order.order_id)
        if order_id != self._selected_id:
            self._selected_id = order_id
            self.post_message(OrderHighlighted(self, order))

    # --- drawing --------------------------------------------------------------------

    def header_text(self) -> Text:
        if self._listing is not None:
            return Text(self._listing.title, style=self.style_of("pane--caption"), end="")
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
        notes = self._listing.notes if self._listing is not None else {}
        note = width - used - 1 - symbol - 1 if notes and width - used - 1 - symbol - 1 >= 8 else 0
        return _Columns(time, symbol, price, qty, filled, status, order_id, note)

    def _account_layout(self, width: int, texts: list[tuple[str, str, str]]) -> _Columns:
        """Account-wide: the symbol comes right after side, price and quantity."""
        symbol = max([6, *(len(order.symbol) for order in self._orders)])
        base = self._layout(max(0, width - symbol - 1), texts)
        return _Columns(base.time, symbol, base.price, base.qty, base.filled, base.status, base.order_id, base.note)

    def render_body(self, width: int, height: int) -> list[Text]:
        if not self._orders:
            empty = "no open orders" if self._listing is None else self._listing.empty_text
            return [Text(empty, style=self.style_of("pane--placeholder"))]
        texts = [self._cells(order) for order in self._orders]
        columns = self._layout(width, texts) if self._listing is None else self._account_layout(width, texts)
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
        if columns.note:
            cells.append(fit("Note", columns.note, style=style))
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
        if columns.note:
            note = self._listing.notes.get(int(order.order_id), "") if self._listing is not None else ""
            cells.append(fit(note, columns.note, style=self.style_of("pane--degraded")))
        row = fit(join_cells(cells), width)
        if index == self._cursor.index:
            row.stylize_before(self.cursor_background())
        return row
