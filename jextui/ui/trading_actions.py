"""Trading from the keyboard: the app's bridge to tickets, cancels and account screens.

CONTRACT (the app calls exactly these; the trading UI fills them in):

    controller = TradingController(app)
    await controller.startup()                 # once the session is up: reconcile journal leftovers, load trade fees
    controller.open_ticket("BUY" | "SELL")     # b / s
    controller.cancel_selected()               # c  (selected row of the open-orders pane)
    controller.cancel_all()                    # C  (after a confirmation)
    controller.show_selected_order()           # Enter on the open-orders pane
    controller.open_account_screen(name)       # name in ACCOUNT_SCREENS
    controller.toggle_privacy()                # hides every balance and amount until pressed again
    controller.on_feed_event(event)            # every feed event (fill detection, notifications)
    controller.has_open_ticket -> bool         # q asks before quitting when True
    controller.private -> bool

The app provides: ``app.session`` (jextui.ui.session.Session: client, submitter,
journal, reconciler, can_trade, refresh_now), ``app.store``
(jextui.ui.store.MarketStore), ``app.active_symbol``, ``app.settings``
(confirm_orders, bell, fat_finger_pct), ``app.selected_book_level()`` (the
order book's selected level when the book has focus, else None) and
``app.apply_privacy(private: bool)`` (panes mask their amounts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jextui.feed.events import FeedEvent

__all__ = ["ACCOUNT_SCREENS", "TradingController"]

# key -> (screen name, title) ; the app binds the keys and lists them in help/palette
ACCOUNT_SCREENS: dict[str, str] = {
    "history": "Order history",
    "market_trades": "Market trade history",
    "assets": "Asset details",
    "deposit_address": "Deposit address",
    "deposits": "Deposit history",
    "withdrawals": "Withdraw history",
    "fees": "Trade fees",
}


class TradingController:
    """Placeholder until the trading UI lands: every action says it is not available yet."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.private = False

    @property
    def has_open_ticket(self) -> bool:
        return False

    async def startup(self) -> None:
        return None

    def _not_yet(self) -> None:
        self.app.notify("Trading is not available in this build yet.", severity="warning")

    def open_ticket(self, side: str) -> None:
        self._not_yet()

    def cancel_selected(self) -> None:
        self._not_yet()

    def cancel_all(self) -> None:
        self._not_yet()

    def show_selected_order(self) -> None:
        self._not_yet()

    def open_account_screen(self, name: str) -> None:
        self._not_yet()

    def toggle_privacy(self) -> None:
        self.private = not self.private
        self.app.apply_privacy(self.private)

    def on_feed_event(self, event: FeedEvent) -> None:
        return None
