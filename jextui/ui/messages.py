"""Every message the console's parts send one another, in one place.

* :class:`FeedArrived`: a feed event (whatever its source: the poller, a
  stream) on its way to the app's routing table
  (:mod:`jextui.ui.routing`).  A newer snapshot that covers everything an
  older one still waiting in the queue covers replaces it
  (:meth:`FeedArrived.can_replace`), so a console that lags behind the
  feed skips what it would overwrite at once anyway.
* Selection: what the user picked in a pane (:class:`SymbolActivated`,
  :class:`LevelSelected`, :class:`OrderHighlighted`,
  :class:`OrderActivated`).  They are module-level classes so one handler
  serves every pane that posts them; ``control`` is the pane that posted it.
* :class:`OrderProgress`: how an order sent from a ticket is getting on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from jextui.api.models import Order
from jextui.feed.events import BookTickersUpdate, BookUpdate, FeedEvent, PricesUpdate, TickersUpdate

if TYPE_CHECKING:
    from textual.widget import Widget

    from jextui.trading.submit import SubmitOutcome
    from jextui.trading.ticket import OrderRequest

__all__ = [
    "BookSide",
    "FeedArrived",
    "SymbolActivated",
    "LevelSelected",
    "OrderHighlighted",
    "OrderActivated",
    "OrderProgress",
    "ProgressStage",
]

ProgressStage = Literal["refused", "sending", "checking", "done", "replaced"]
"""* ``refused``: not sent (trading is off; ``text`` says why);
* ``sending``: on its way;
* ``checking``: the answer was lost, the exchange is asked what became of it;
* ``done``: ``outcome`` is known (as far as it can be);
* ``replaced``: an amend (cancel, then place) ended; ``text`` says how, ``level`` is ok or warn."""

BookSide = Literal["ask", "bid"]
"""Which side of the order book a level is on."""


class FeedArrived(Message):
    """A feed event, delivered through the app's message queue."""

    def __init__(self, event: FeedEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """Whether ``message`` (queued right behind this one) makes this one pointless.

        Only snapshots that are remembered whole and shown as they are: a
        newer order book of the same symbol, and newer prices, tickers or
        book tickers for at least the same symbols (they may cover only
        some of the watched symbols).  Everything else is delivered.
        """
        if not isinstance(message, FeedArrived):
            return False
        older, newer = self.event, message.event
        if type(older) is not type(newer):
            return False
        if isinstance(older, BookUpdate) and isinstance(newer, BookUpdate):
            return older.symbol == newer.symbol
        if isinstance(older, PricesUpdate) and isinstance(newer, PricesUpdate):
            return newer.prices.keys() >= older.prices.keys()
        if isinstance(older, TickersUpdate) and isinstance(newer, TickersUpdate):
            return newer.tickers.keys() >= older.tickers.keys()
        if isinstance(older, BookTickersUpdate) and isinstance(newer, BookTickersUpdate):
            return newer.book_tickers.keys() >= older.book_tickers.keys()
        return False

    def __repr__(self) -> str:
        return f"FeedArrived({type(self.event).__name__})"


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


class OrderProgress(Message):
    """How an order sent from a ticket is getting on (posted to that ticket)."""

    def __init__(
        self,
        stage: ProgressStage,
        *,
        dry_run: bool = False,
        text: str = "",
        outcome: SubmitOutcome | None = None,
        request: OrderRequest | None = None,
        level: str = "",
    ) -> None:
        super().__init__()
        self.stage: ProgressStage = stage
        self.level = level  # "replaced": ok or warn
        self.dry_run = dry_run
        self.text = text
        self.outcome = outcome
        self.request = request

    def __repr__(self) -> str:
        return f"OrderProgress({self.stage!r})"
