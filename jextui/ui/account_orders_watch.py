"""Every open order on the account, kept on screen: discovery, marks, the pane's listing.

:class:`AccountOrdersWatch` owns the account-wide book
(:class:`~jextui.trading.account_orders.AccountOrders`) and its
:class:`~jextui.trading.order_discovery.OrderDiscovery`, and shows what they
know:

* **Start**: :meth:`AccountOrdersWatch.run` discovers within the start
  allowance (``docs/locked-funds.md`` says how locked funds point at the
  symbols worth asking), then keeps going in the background: while locked
  funds are unexplained it looks again at most once a
  :data:`LOOK_AGAIN_S` (each pass within the background allowance), and
  once everything is explained it reconciles the symbols holding orders
  when the account's locked amounts move (the feed's account refresh, at
  most once every :data:`MIN_REFRESH_GAP_S`) and every
  :data:`RECONCILE_S` otherwise.
* **Feed snapshots** of the active symbol add the orders they list; an
  order they no longer list makes that symbol be asked again (with a
  snapshot token, so nothing is closed on an older list).
* **Push** (the user data stream): :meth:`on_orders_pushed` takes every
  order event, on any symbol (:meth:`on_order_update` also takes a cancel's
  answer); the stream's balances come as account updates, whose locked
  amounts are taken as they are.  With :attr:`streaming` set, a change of
  the locked amounts no longer triggers a reconcile (the slow one every
  :data:`RECONCILE_S` stays).
* **Fills on any symbol**: every symbol's list goes to the fill watcher
  (``on_snapshot``) so an order that leaves a list is looked up and its
  fill announced once.
* **Marks**: the open-orders pane lists :meth:`listing`; the watchlist and
  the grid get the counts per symbol; the Balances pane gets the sentences
  about unexplained locked funds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from jextui.feed.events import AccountUpdate, ExchangeInfoUpdate, FeedEvent, OpenOrdersUpdate
from jextui.feed.stream_events import OrdersPushed, StreamStatusUpdate
from jextui.trading.account_orders import (
    UNLISTED_NOTE,
    AccountOrders,
    DiscoveryState,
    locked_from_account,
    symbol_assets_from_info,
)
from jextui.trading.order_discovery import DiscoveryReport, OrderDiscovery, journal_symbols
from jextui.ui.routing import Handler
from jextui.ui.widgets.open_orders import OrdersListing

if TYPE_CHECKING:
    from jextui.market_store import Changed
    from jextui.session import Session
    from jextui.ui.widgets.pane_set import PaneSet

__all__ = ["AccountOrdersWatch", "LOOK_AGAIN_S", "RECONCILE_S", "MIN_REFRESH_GAP_S"]

log = logging.getLogger("jextui.ui.account_orders")

START_ALLOWANCE = 120  # weight at start: an account read and 23 openOrders calls
BACKGROUND_ALLOWANCE = 60  # weight of one background pass
LOOK_AGAIN_S = 60.0  # a background pass at most this often while funds are unexplained
RECONCILE_S = 120.0  # the slow reconcile of the symbols holding orders
MIN_REFRESH_GAP_S = 10.0  # an account change triggers a reconcile at most this often
JOURNAL_SYMBOLS = 200  # journal entries read for the symbols worth asking first
SHORT_NOTE = "not listed by the exchange: shown as received"


class _RecordingClient:
    """The API client, keeping the last answer of each order listed (the pane shows the API's fields)."""

    def __init__(self, client: Any, raw: dict[int, Any], listed: Callable[[str, list[Any]], None]) -> None:
        self._client = client
        self._raw = raw
        self._listed = listed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def open_orders(self, symbol: str, **kwargs: Any) -> list[Any]:
        page: list[Any] = await self._client.open_orders(symbol, **kwargs)
        for order in page:
            self._raw[int(order.order_id)] = order
        self._listed(symbol, list(page))
        return page


class AccountOrdersWatch:
    """See the module docstring."""

    def __init__(
        self,
        *,
        session: Session,
        panes: PaneSet,
        watchlist: Callable[[], Sequence[str]],
        on_snapshot: Callable[[str, Sequence[Any]], None] | None = None,
        listed_symbols: Callable[[], Sequence[Any]] = tuple,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session
        self.panes = panes
        self._watchlist = watchlist
        self._listed_symbols = listed_symbols
        self.on_snapshot = on_snapshot
        self._monotonic = monotonic
        self.book = AccountOrders(watched_symbols=watchlist())
        self._raw: dict[int, Any] = {}
        self._discovery: OrderDiscovery | None = None
        self._wake = asyncio.Event()
        self._last_pass = float("-inf")
        self._resyncing: set[str] = set()
        self.streaming = False
        """True while the user data stream keeps the book current (set by the stream's wiring)."""
        self.reports: list[DiscoveryReport] = []
        """What each discovery pass did (the first is the start's)."""
        self.started = False
        """True once the start's discovery is over (or there was nothing to list)."""

    # ------------------------------------------------------------------ the routing table

    def feed_handlers(self) -> dict[type[FeedEvent], Handler]:
        return {
            ExchangeInfoUpdate: self.on_exchange_info,
            AccountUpdate: self.on_account,
            OpenOrdersUpdate: self.on_open_orders,
            OrdersPushed: self.on_orders_pushed,
            StreamStatusUpdate: self.on_stream_status,
        }

    def on_stream_status(self, event: StreamStatusUpdate, _changed: Changed) -> None:
        """While the account stream is live it reports every order: no re-checks on account changes."""
        self.streaming = "open_orders" in event.live

    def on_exchange_info(self, event: ExchangeInfoUpdate, _changed: Changed) -> None:
        self.book.set_symbols(symbol_assets_from_info(event.info.spot_symbols))
        self.render()

    def on_account(self, event: AccountUpdate, _changed: Changed) -> None:
        """An account (a REST refresh, or the stream's balances): the locked amounts to explain.

        With the account stream live, orders arrive by push and the new amounts are
        simply taken; without it, a change wakes discovery to look for the orders.
        """
        if not self.started:
            return
        try:
            locked = locked_from_account(event.account)
        except Exception:  # an account answer without spot balances: nothing to compare
            return
        if locked == self.book.locked:
            return
        if self.streaming:
            self.book.set_locked(locked)
            self.render()
        else:
            self._wake.set()

    def on_open_orders(self, event: OpenOrdersUpdate, _changed: Changed) -> None:
        """The feed's list of the active symbol: new orders join; a missing one makes the symbol be asked."""
        listed = {int(order.order_id) for order in event.orders}
        for order in event.orders:
            self._raw[int(order.order_id)] = order
            if self.book.get(int(order.order_id)) is None:
                self.book.apply_update(order)
        missing = [o for o in self.book.orders if o.symbol == event.symbol and o.order_id not in listed]
        if missing and self.streaming:  # the stream's list is the account's own: a missing order has closed
            for gone in missing:
                self.book.forget(gone.order_id)
        elif missing and self.started:
            self._resync(event.symbol)
        self.render()

    # ------------------------------------------------------------------ push hooks (user data stream)

    def on_order_update(self, order: Any) -> None:
        """One order's new state (a stream's execution report, a cancel's answer)."""
        if self._take(order):
            self.render()

    def on_orders_pushed(self, event: OrdersPushed, _changed: Changed) -> None:
        """The account stream's order events, on any symbol: each order's new state, one redraw."""
        taken = [self._take(order) for order in event.orders]  # every one applied, then one redraw
        if any(taken):
            self.render()

    def _take(self, order: Any) -> bool:
        """Apply one order's state to the book; False when it cannot be read."""
        try:
            self.book.apply_update(order)
        except Exception:
            log.warning("an order update could not be read", exc_info=True)
            return False
        if hasattr(order, "cummulative_quote_qty"):
            self._raw[int(order.order_id)] = order
        return True

    # ------------------------------------------------------------------ discovery

    def _discovery_for(self) -> OrderDiscovery | None:
        client = self.session.client
        if client is None or not client.has_credentials:
            return None
        if self._discovery is None:
            recording = _RecordingClient(client, self._raw, self._listed)
            self._discovery = OrderDiscovery(
                recording, self.book, weight_share=self.session.settings.weight_share, on_change=self.render
            )
        return self._discovery

    def _listed(self, symbol: str, _page: list[Any]) -> None:
        """A symbol's list arrived: hand it to the fill watcher once the book has merged it."""
        asyncio.get_running_loop().call_soon(self._to_fills, symbol)

    def _to_fills(self, symbol: str) -> None:
        if self.on_snapshot is None:
            return
        orders = [self._raw.get(o.order_id, o) for o in self.book.orders if o.symbol == symbol]
        try:
            self.on_snapshot(symbol, orders)
        except Exception:
            log.exception("fill tracking of %s failed", symbol)

    def _journal_symbols(self) -> list[str]:
        journal = self.session.journal
        if journal is None:
            return []
        try:
            return journal_symbols(journal.entries(limit=JOURNAL_SYMBOLS))
        except Exception:
            log.debug("journal symbols not read", exc_info=True)
            return []

    async def run(self) -> None:
        """Discover at start, then keep looking and reconciling (a worker; cancelled at exit)."""
        discovery = self._discovery_for()
        if discovery is None or self.session.worker is None:  # no account, or the feed kept off (tests)
            self.started = True
            return
        if not self.book.symbol_names and self._listed_symbols():  # exchangeInfo came before this watch
            self.book.set_symbols(symbol_assets_from_info(self._listed_symbols()))
        self.book.set_journal_symbols(self._journal_symbols())
        self.book.set_watched_symbols(self._watchlist())
        await self._pass(discovery.discover(START_ALLOWANCE))
        self.started = True
        while True:
            timeout = LOOK_AGAIN_S if not self.book.explained else RECONCILE_S
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            gap = MIN_REFRESH_GAP_S - (self._monotonic() - self._last_pass)
            if gap > 0:
                await asyncio.sleep(gap)
            self._wake.clear()
            self.book.set_watched_symbols(self._watchlist())
            await self._pass(discovery.refresh(BACKGROUND_ALLOWANCE))

    async def _pass(self, work: Any) -> None:
        self._last_pass = self._monotonic()
        try:
            report = await work
        except Exception:
            log.exception("order discovery failed")
            return
        self.reports.append(report)
        kept = {order.order_id for order in self.book.orders}
        for order_id in [order_id for order_id in self._raw if order_id not in kept]:
            del self._raw[order_id]
        log.info(
            "order discovery: %s, weight %d, %d lists, stopped by %s",
            report.state,
            report.weight,
            len(report.asked),
            report.stopped_by,
        )
        self.render()

    def refresh_now(self) -> None:
        """Reconcile at the next moment the budget allows (e.g. after a bulk cancel)."""
        self._wake.set()

    def _resync(self, symbol: str) -> None:
        if symbol in self._resyncing:
            return
        client = self.session.client
        if client is None or not client.has_credentials:
            return
        self._resyncing.add(symbol)

        async def ask() -> None:
            try:
                token = self.book.begin_snapshot()
                orders = await client.open_orders(symbol)
                for order in orders:
                    self._raw[int(order.order_id)] = order
                self.book.apply_snapshot(symbol, orders, token)
            except Exception as error:
                log.info("open orders of %s not asked again: %s", symbol, error)
            finally:
                self._resyncing.discard(symbol)
            self._to_fills(symbol)
            self.render()

        asyncio.get_running_loop().create_task(ask(), name=f"jextui-orders-{symbol}")

    # ------------------------------------------------------------------ what is shown

    def listing(self, active: str | None, only_active: bool) -> OrdersListing:
        book = self.book
        rows = [self._raw.get(o.order_id, o) for o in book.rows(active, only_active=only_active)]
        title = book.title(active, only_active=only_active)
        if title == "no open orders":  # the body says it; the header keeps the count
            title = f"0 open on {active}" if only_active and active else "0 open on the account"
        unwatched = book.unwatched_symbols_with_orders()
        if unwatched:
            names = ", ".join(unwatched[:3]) + (f" +{len(unwatched) - 3}" if len(unwatched) > 3 else "")
            title += f" · not watched: {names}"
        notes = {
            o.order_id: SHORT_NOTE if o.note == UNLISTED_NOTE else o.note
            for o in book.rows(active, only_active=only_active)
            if o.note
        }
        return OrdersListing(rows=rows, title=title, empty_text=self.empty_text(active, only_active), notes=notes)

    def empty_text(self, active: str | None, only_active: bool) -> str:
        book = self.book
        if book.state == DiscoveryState.NOT_STARTED:
            return "looking for open orders…"
        if not book.can_say_no_orders:
            lines = book.unexplained_lines()
            return "none found yet: " + (lines[0] if lines else "looking for open orders…")
        if only_active and active is not None and len(book):
            return f"no open orders on {active}"
        return "no open orders"

    def counts(self) -> dict[str, int]:
        return self.book.counts()

    def render(self) -> None:
        """Show what the book knows: the pane, the marks, the Balances pane's sentences."""
        client = self.session.client
        if client is None or not client.has_credentials:  # no account to list: the panes say why
            return
        panes = self.panes
        try:
            pane = panes.open_orders
            if not pane.account_wide:
                pane.set_source(self.listing)
            else:
                pane.refresh_from_source()
            counts = self.book.counts()
            panes.watchlist.set_order_counts(counts)
            panes.grid.set_order_counts(counts)
            panes.balances.set_unexplained(
                [line for line in self.book.unexplained_lines() if "not in any order" in line]
            )
        except Exception:  # the panes are not in place yet (first moments) or going away
            log.debug("account orders not shown", exc_info=True)
