"""One order in full, read fresh from the exchange (get_order).

Opened with Enter on the open-orders pane: it shows the row's data at once,
marked as such, and replaces it with the exchange's answer when it comes.
Keys: ``r`` reads it again, ``c`` cancels it (when it is still open), ``p``
privacy, Esc / ``q`` close.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import Decimal
from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.api.client import JexClient
from jextui.api.models import Order
from jextui.trading.errors_text import describe_error
from jextui.ui.format import MASK, auto_decimals, format_datetime, format_percent, format_price, format_qty
from jextui.ui.keymap import bindings_for
from jextui.ui.screens.account.words import order_status_words
from jextui.ui.widgets.footer import KeyFooter

__all__ = ["OrderDetailHost", "OrderDetailScreen", "OPEN_STATUSES", "detail_lines"]

OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


class OrderDetailHost(Protocol):
    @property
    def private(self) -> bool: ...

    @property
    def client(self) -> JexClient | None: ...

    @property
    def time_zone(self) -> tzinfo | None: ...

    def toggle_privacy(self) -> None: ...

    def precision(self, symbol: str) -> tuple[int, int] | None: ...

    def cancel_order(self, order: Order) -> None: ...

    def amend_order(self, order: Order) -> None: ...


def detail_lines(
    order: Order, *, private: bool, decimals: tuple[int, int] | None, tz: tzinfo | None
) -> list[tuple[str, str]]:
    """(label, value) rows describing ``order``."""
    price_decimals, qty_decimals = decimals or (auto_decimals([order.price]), auto_decimals([order.orig_qty]))

    def qty(value: Decimal) -> str:
        return MASK if private else f"{format_qty(value, qty_decimals)}"

    filled_pct = order.executed_qty * 100 / order.orig_qty if order.orig_qty > 0 else Decimal(0)
    average = order.cummulative_quote_qty / order.executed_qty if order.executed_qty > 0 else None
    return [
        ("Order id", str(int(order.order_id))),
        ("Symbol", order.symbol),
        ("Side", order.side),
        ("Type", f"{order.type}, time in force {order.time_in_force}"),
        ("Status", f"{order.status} — {order_status_words(order.status)}"),
        ("Price", format_price(order.price, price_decimals)),
        ("Quantity", qty(order.orig_qty)),
        ("Filled", f"{qty(order.executed_qty)} ({format_percent(filled_pct, 1).lstrip('+')})"),
        ("Remaining", qty(order.orig_qty - order.executed_qty)),
        ("Average price", "—" if average is None else format_price(average, price_decimals)),
        ("Filled total", MASK if private else format_price(order.cummulative_quote_qty, price_decimals)),
        ("Placed", format_datetime(order.time, tz)),
        ("Last update", format_datetime(order.update_time, tz)),
    ]


class OrderDetailScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    OrderDetailScreen { align: center middle; background: $background 50%; }
    OrderDetailScreen > #order-detail {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $border;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    OrderDetailScreen #order-status { color: $foreground-muted; height: auto; }
    OrderDetailScreen #order-status.-error { color: $error; }
    OrderDetailScreen #order-fields { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("order_detail"))

    def __init__(self, host: OrderDetailHost, order: Order) -> None:
        super().__init__()
        self.host = host
        self.order = order
        self.fresh = False
        self.status_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="order-detail") as frame:
            frame.border_title = f"Order {int(self.order.order_id)} · {self.order.symbol}"
            yield Static("", id="order-status", markup=False)
            yield Static("", id="order-fields", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "private", self.set_private, init=False)  # the app's privacy mode
        self.redraw()
        self.action_reload()

    def set_status(self, text: str, error: bool = False) -> None:
        self.status_text = text
        status = self.query_one("#order-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        try:
            rows = detail_lines(
                self.order,
                private=self.host.private,
                decimals=self.host.precision(self.order.symbol),
                tz=self.host.time_zone,
            )
        except Exception:  # an odd value from the exchange must not take the screen down
            rows = [("Order id", str(self.order.order_id)), ("Detail", "the exchange's answer cannot be shown")]
        width = max(len(label) for label, _ in rows) + 2
        self.query_one("#order-fields", Static).update("\n".join(f"{label:<{width}}{value}" for label, value in rows))

    def set_private(self, private: bool) -> None:
        self.redraw()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_privacy(self) -> None:
        self.host.toggle_privacy()

    def action_reload(self) -> None:
        client = self.host.client
        if client is None:
            self.set_status("Not connected: showing the open-orders row as last seen.")
            return
        self.set_status("As last seen in open orders; reading it from the exchange…")
        self.run_worker(self._load(client), exclusive=True, group="order-detail", exit_on_error=False)

    async def _load(self, client: JexClient) -> None:
        try:
            self.order = await client.get_order(self.order.symbol, int(self.order.order_id))
        except Exception as error:  # said in words, the row stays
            self.set_status(
                f"Could not read it from the exchange: {describe_error(error)} Showing it as last seen; r tries again.",
                error=True,
            )
            return
        self.fresh = True
        self.set_status(
            "Read from the exchange just now." + (" c cancels it." if self.order.status in OPEN_STATUSES else "")
        )
        self.redraw()

    def action_cancel_order(self) -> None:
        if self.order.status not in OPEN_STATUSES:
            self.set_status(f"This order is {order_status_words(self.order.status)}: nothing to cancel.")
            return
        self.host.cancel_order(self.order)
        self.set_status("Cancel sent; the result is announced. r reads the order again.")

    def action_amend_order(self) -> None:
        if self.order.status not in OPEN_STATUSES:
            self.set_status(f"This order is {order_status_words(self.order.status)}: nothing to amend.")
            return
        self.dismiss(None)
        self.host.amend_order(self.order)
