"""What the trading controller is built with: typed dependencies, not the App.

:class:`TradingDeps` carries the session (client, the single submitter,
journal, reconciler), the market store, the settings, the few console
services the controller uses (:class:`ConsoleServices`: screens, workers,
notifications) and the app's choices as callables (the active symbol, the
selected book level and open order, privacy).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from jextui.api.models import Order

if TYPE_CHECKING:
    from textual.screen import Screen

    from jextui.config import Settings
    from jextui.market_store import MarketStore
    from jextui.session import Session
    from jextui.ui.account_orders_watch import AccountOrdersWatch

__all__ = ["ConsoleServices", "TradingDeps", "NO_CREDENTIALS"]

NO_CREDENTIALS = (
    "no API key and secret are configured for this profile. Add them to the config file "
    "(jextui config path) or set JEX_API_KEY / JEX_API_SECRET; jextui --demo trades on a built-in sandbox."
)


class ConsoleServices(Protocol):
    """What the controller asks of the console: screens, background work, notifications."""

    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> object: ...

    def run_worker(self, work: Coroutine[Any, Any, Any], *, group: str, exit_on_error: bool) -> object: ...

    def set_interval(self, interval: float, callback: Callable[[], object], *, name: str | None = None) -> object: ...

    def call_after_refresh(self, callback: Callable[[], object]) -> bool: ...

    def notify(
        self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None
    ) -> None: ...

    def bell(self) -> None: ...


@dataclass(frozen=True)
class TradingDeps:
    """Everything the trading controller works with."""

    console: ConsoleServices
    session: Session
    store: MarketStore
    settings: Settings
    time_zone: tzinfo | None
    """The zone times are shown in (None: local time)."""
    active_symbol: Callable[[], str | None]
    selected_level_price: Callable[[], Decimal | None]
    """The order book's selected level's price while the book has focus, else None."""
    selected_order: Callable[[], Order | None]
    """The open-orders pane's selected order."""
    private: Callable[[], bool]
    set_private: Callable[[bool], None]
    on_screen_changed: Callable[[], None]
    """A ticket opened or closed: the feed is told what to poll (a ticket sizes
    against the balances and the book, polled while it is open)."""
    order_in_view: Callable[[], bool] = lambda: False
    """Whether the open-orders pane has the focus with its selected row on screen (``c`` cancels at once)."""
    listed_orders: Callable[[], Sequence[Order]] = lambda: ()
    """The orders the open-orders pane lists (the cancel question offers the newest)."""
    select_order_when_listed: Callable[[int], None] = lambda _order_id: None
    """An order placed here becomes the open-orders pane's selected row once it is listed."""
    account_orders: AccountOrdersWatch | None = None
    """Every open order on the account (``C`` asks which scope; cancels update it)."""
