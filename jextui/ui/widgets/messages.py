"""Messages the panes post to tell the app what the user picked.

They are module-level classes so one handler serves every pane that posts
them (``on_symbol_activated``, ``on_level_selected``, ...); ``control`` is the
pane that posted the message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from jextui.api.models import Order

if TYPE_CHECKING:
    from textual.widget import Widget

__all__ = ["BookSide", "SymbolActivated", "LevelSelected", "OrderHighlighted", "OrderActivated"]

BookSide = Literal["ask", "bid"]
"""Which side of the order book a level is on."""


class _PaneMessage(Message):
    def __init__(self, pane: Widget) -> None:
        super().__init__()
        self.pane = pane

    @property
    def control(self) -> Widget:
        return self.pane


class SymbolActivated(_PaneMessage):
    """Enter on a watchlist row or a grid tile: make ``symbol`` the active one."""

    def __init__(self, pane: Widget, symbol: str) -> None:
        super().__init__(pane)
        self.symbol = symbol

    def __repr__(self) -> str:
        return f"SymbolActivated({self.symbol!r})"


class LevelSelected(_PaneMessage):
    """The order book's cursor landed on a level (the ticket may use its price)."""

    def __init__(self, pane: Widget, side: BookSide, price: Decimal, qty: Decimal) -> None:
        super().__init__(pane)
        self.side: BookSide = side
        self.price = price
        self.qty = qty

    def __repr__(self) -> str:
        return f"LevelSelected({self.side!r}, {self.price}, {self.qty})"


class OrderHighlighted(_PaneMessage):
    """The open-orders cursor is on ``order`` (``None``: the list became empty)."""

    def __init__(self, pane: Widget, order: Order | None) -> None:
        super().__init__(pane)
        self.order = order

    def __repr__(self) -> str:
        order_id = None if self.order is None else int(self.order.order_id)
        return f"OrderHighlighted(order_id={order_id})"


class OrderActivated(_PaneMessage):
    """Enter on an open order (the app shows its detail)."""

    def __init__(self, pane: Widget, order: Order) -> None:
        super().__init__(pane)
        self.order = order

    def __repr__(self) -> str:
        return f"OrderActivated(order_id={int(self.order.order_id)})"
