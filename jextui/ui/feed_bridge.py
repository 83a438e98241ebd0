"""From feed events to what is on screen: store, panes, status bar, stale marks.

:meth:`FeedBridge.attach` writes the market store's and the panes' rows of
the routing table (:mod:`jextui.ui.routing`): every feed event is
remembered in the :class:`~jextui.market_store.MarketStore` and given to the
panes it belongs to.  Events about a symbol or kline interval that is no
longer shown are dropped, so a pane never shows one symbol's data under
another's name.

Once a second the app calls :meth:`FeedBridge.mark_freshness` with every
feed's health: each pane gets its data's age and is marked stale when the
data is older than 3 x its feed's effective period; a feed that cannot be
polled (no credentials) makes its pane say why instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jextui.api.models import ExchangeInfo
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    ExchangeInfoUpdate,
    FeedFailed,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.health import FeedHealth
from jextui.market_store import NOTHING, Changed, MarketStore
from jextui.ui.format import symbol_precisions
from jextui.ui.routing import FeedRouter
from jextui.ui.widgets.pane_set import PaneSet

__all__ = [
    "FeedBridge",
    "PaneFreshness",
    "PANE_FEEDS",
    "GRID_FEEDS",
    "STATUS_AGE_LABELS",
    "pane_freshness",
    "unavailable_text",
]

log = logging.getLogger("jextui.ui")

#: The feeds each pane shows; the first one's age is the pane's age.
PANE_FEEDS: Mapping[str, tuple[str, ...]] = {
    "watchlist": ("prices", "tickers", "sparklines"),
    "book": ("book", "open_orders"),
    "trades": ("trades",),
    "klines": ("klines",),
    "open_orders": ("open_orders",),
    "balances": ("account",),
}
GRID_FEEDS: tuple[str, ...] = ("prices", "tickers", "book_tickers", "sparklines")
#: Status bar labels of the pane ages, in display order.
STATUS_AGE_LABELS: Mapping[str, str] = {"book": "book", "trades": "trades", "watchlist": "watch"}
#: Feeds that only mark something extra on a pane: their trouble does not stale the pane.
_SECONDARY = frozenset({("book", "open_orders"), ("watchlist", "sparklines")})


@dataclass(frozen=True, slots=True)
class PaneFreshness:
    """What a pane's header shows about its data."""

    age_ms: int | None
    stale: bool
    degraded: str | None
    unavailable: str | None


def unavailable_text(kind: str, reason: str, has_api_key: bool) -> str:
    """Why a pane is empty, in words (e.g. no credentials)."""
    if "no API key" in reason:
        what = "balances" if kind == "account" else "open orders"
        if has_api_key:
            return f"no API secret: {what} need signed requests (set api_secret or JEX_API_SECRET)"
        return f"no API key: {what} need an API key and secret (jextui config init, or JEX_API_KEY / JEX_API_SECRET)"
    return reason


def _short(error: str | None, limit: int = 32) -> str | None:
    if not error:
        return None
    error = " ".join(error.split())
    return error if len(error) <= limit else error[: limit - 1].rstrip() + "…"


def pane_freshness(
    pane: str, health: Mapping[str, FeedHealth], now_ms: int, *, has_api_key: bool, feeds: tuple[str, ...] | None = None
) -> PaneFreshness | None:
    """A pane's freshness from its feeds' health at ``now_ms`` (None: nothing known yet)."""
    kinds = feeds if feeds is not None else PANE_FEEDS[pane]
    primary = health.get(kinds[0])
    if primary is None:
        return None
    if primary.state == "disabled":
        reason = unavailable_text(primary.kind, primary.reason or "not available", has_api_key)
        return PaneFreshness(None, False, None, reason)
    stale = False
    degraded: str | None = None
    for kind in kinds:
        entry = health.get(kind)
        if entry is None or entry.state == "disabled":
            continue
        if (pane, kind) in _SECONDARY and kind != kinds[0]:
            continue
        stale = stale or entry.is_stale(now_ms)
        if entry.state == "hidden":  # off screen: its age still counts (shown at once when revealed), not its errors
            continue
        if degraded is None and entry.failing:
            degraded = _short(entry.last_error)
    return PaneFreshness(primary.age_ms(now_ms), stale, degraded, None)


class FeedBridge:
    """The panes' rows of the routing table: each feed event type to the panes that show it."""

    def __init__(
        self,
        store: MarketStore,
        panes: PaneSet,
        *,
        active_symbol: Callable[[], str | None],
        kline_interval: Callable[[], str],
    ) -> None:
        self.store = store
        self.panes = panes
        self._active_symbol = active_symbol
        self._kline_interval = kline_interval
        self.last_status: StatusUpdate | None = None
        self.health: Mapping[str, FeedHealth] = {}
        """Every feed's health as last pushed with a status (or read at once, see status_view)."""
        self.book_shown = asyncio.Event()
        """Set once the active symbol's order book has been given to its pane."""
        self.trouble = asyncio.Event()
        """Set once the feed reports trouble: a failed book poll, or a connection
        that is not simply connecting or online (e.g. rate-limited)."""

    def attach(self, router: FeedRouter) -> None:
        """Write the store's and the panes' rows of the routing table."""
        store = self.store
        router.remember(BookUpdate, store.remember_book)
        router.remember(TradesUpdate, store.remember_trades)
        router.remember(KlinesUpdate, lambda _event: NOTHING)  # shown, not kept
        router.remember(OpenOrdersUpdate, store.remember_open_orders)
        router.remember(PricesUpdate, store.remember_prices)
        router.remember(TickersUpdate, store.remember_tickers)
        router.remember(BookTickersUpdate, store.remember_book_tickers)
        router.remember(SparklineUpdate, store.remember_sparkline)
        router.remember(AccountUpdate, store.remember_account)
        router.remember(ExchangeInfoUpdate, store.remember_exchange_info)
        router.remember(StatusUpdate, store.remember_status)
        router.subscribe(BookUpdate, self.show_book)
        router.subscribe(TradesUpdate, self.show_trades)
        router.subscribe(KlinesUpdate, self.show_klines)
        router.subscribe(OpenOrdersUpdate, self.show_open_orders)
        router.subscribe(PricesUpdate, self.show_prices)
        router.subscribe(TickersUpdate, self.show_tickers)
        router.subscribe(BookTickersUpdate, self.show_book_tickers)
        router.subscribe(SparklineUpdate, self.show_sparkline)
        router.subscribe(AccountUpdate, self.show_account)
        router.subscribe(ExchangeInfoUpdate, self.show_exchange_info)
        router.subscribe(StatusUpdate, self.note_status)
        router.subscribe(FeedFailed, self.note_failure)

    # --- the handlers -----------------------------------------------------------

    def show_book(self, event: BookUpdate, _changed: Changed) -> None:
        if event.symbol == self._active_symbol():
            self.panes.book.update_book(event.depth)
            self.book_shown.set()

    def show_trades(self, event: TradesUpdate, _changed: Changed) -> None:
        if event.symbol == self._active_symbol():  # newest first, as the pane lists them
            self.panes.trades.update_trades(event.trades, event.has_side)

    def show_klines(self, event: KlinesUpdate, _changed: Changed) -> None:
        if event.symbol == self._active_symbol() and event.interval == self._kline_interval():
            self.panes.klines.update_klines(event.interval, event.klines)

    def show_open_orders(self, event: OpenOrdersUpdate, _changed: Changed) -> None:
        if event.symbol == self._active_symbol():
            self.panes.open_orders.update_orders(event.orders)
            self.panes.book.set_own_orders(event.orders)

    def show_prices(self, event: PricesUpdate, _changed: Changed) -> None:
        self.panes.watchlist.update_prices(event.prices)
        self.panes.grid.update_prices(event.prices)

    def show_tickers(self, event: TickersUpdate, _changed: Changed) -> None:
        self.panes.watchlist.update_tickers(event.tickers)
        self.panes.grid.update_tickers(event.tickers)

    def show_book_tickers(self, event: BookTickersUpdate, _changed: Changed) -> None:
        self.panes.grid.update_book_tickers(event.book_tickers)

    def show_sparkline(self, event: SparklineUpdate, _changed: Changed) -> None:
        self.panes.watchlist.update_sparkline(event.symbol, event.closes)
        self.panes.grid.update_sparkline(event.symbol, event.closes)

    def show_account(self, event: AccountUpdate, _changed: Changed) -> None:
        self.panes.balances.update_account(event.account)

    def show_exchange_info(self, event: ExchangeInfoUpdate, _changed: Changed) -> None:
        self.apply_precisions(event.info)

    def note_status(self, event: StatusUpdate, _changed: Changed) -> None:
        self.last_status = event
        self.health = event.health
        if event.connection not in ("connecting", "online"):
            self.trouble.set()

    def note_failure(self, event: FeedFailed, _changed: Changed) -> None:
        log.debug("feed %s failed: %s", event.kind, event.message)
        if event.kind == "book":
            self.trouble.set()

    # --- precisions -------------------------------------------------------------

    def apply_precisions(self, info: ExchangeInfo | None = None) -> None:
        """Give every pane the decimals of the symbols it shows."""
        info = info or self.store.exchange_info
        if info is None:
            return
        precisions = {symbol.symbol: symbol_precisions(symbol) for symbol in info.spot_symbols}
        panes = self.panes
        panes.watchlist.set_precisions({symbol: p for symbol, (p, _) in precisions.items()})
        panes.open_orders.set_precisions(precisions)
        for tile in panes.grid.tiles:
            if tile.symbol in precisions:
                tile.set_precision(precisions[tile.symbol][0])
        self.apply_active_precision(precisions)

    def apply_active_precision(self, precisions: Mapping[str, tuple[int, int]] | None = None) -> None:
        active = self._active_symbol()
        if precisions is None:
            info = self.store.symbol_info(active) if active else None
            precisions = {active: symbol_precisions(info)} if info is not None and active else {}
        if active is None or active not in precisions:
            return
        price, qty = precisions[active]
        self.panes.book.set_precision(price, qty)
        self.panes.trades.set_precision(price, qty)
        self.panes.klines.set_precision(price)

    # --- freshness ---------------------------------------------------------------

    def mark_freshness(
        self, health: Mapping[str, FeedHealth], now_ms: int, *, has_api_key: bool
    ) -> dict[str, PaneFreshness]:
        """Age, stale mark and unavailability of every pane (and the grid's tiles)."""
        marks: dict[str, PaneFreshness] = {}
        for name in PANE_FEEDS:
            freshness = pane_freshness(name, health, now_ms, has_api_key=has_api_key)
            if freshness is None:
                continue
            marks[name] = freshness
            pane = self.panes.by_name(name)
            if freshness.unavailable is not None:
                pane.set_unavailable(freshness.unavailable)
                pane.set_freshness(None, False, None)
                continue
            if pane.unavailable_reason is not None and not pane.has_data:
                pane.set_unavailable(None)
            pane.set_freshness(freshness.age_ms, freshness.stale, freshness.degraded)
        grid = pane_freshness("grid", health, now_ms, has_api_key=has_api_key, feeds=GRID_FEEDS)
        if grid is not None:
            marks["grid"] = grid
            self.panes.grid.set_freshness(grid.age_ms, grid.stale, grid.degraded)
        return marks
