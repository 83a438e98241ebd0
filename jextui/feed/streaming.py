"""The stream-driven feed: the poller's events, from the WebSocket streams.

:class:`StreamingFeed` runs the stream client for the active symbol, the
watchlist and the account, and hands the sink the same typed events as
:class:`~jextui.feed.worker.FeedWorker` (``BookUpdate``, ``TradesUpdate``,
``KlinesUpdate``, ``TickersUpdate``, ``PricesUpdate``, ``OpenOrdersUpdate``,
``AccountUpdate``, ``FeedFailed``), plus :class:`StreamStatusUpdate` (which
feeds are live and which must be polled meanwhile) and :class:`FillsUpdate`.

REST is used for what streams cannot give: the book snapshot (after the
first diff, and again after every gap, stall or reconnect), the trades
backfill (``historicalTrades``, needs an API key), kline history, a first
set of tickers, and a slow reconcile of open orders and balances (at start,
after every reconnect of the account stream, then every ``reconcile_s``).

Connections: the active symbol's diff depth and trades share one; its klines
have their own (a new interval does not disturb the book); the watchlist's
tickers come from ``!spotTicker@arr``; the account from its listenKey.

``on_fresh(feed, symbol, at_ms)`` (optional) hears how current each
stream-fed feed is, separately from the events (a quiet book is current
without a repaint): ``at_ms`` is the exchange's event time ``E`` turned into
this machine's clock (``E`` minus the clock offset), or the frame's arrival
for the depth diffs, which carry no ``E``.  A diff frame also vouches for
the trades (they share its connection, in order).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Protocol

from jextui.api.clock import local_time_ms
from jextui.api.errors import AuthError, JexError
from jextui.api.models import Account, Depth, HistoricalTrade, Kline, Order, Ticker24hr
from jextui.api.streams import (
    ALL_TICKERS,
    Backoff,
    DiffDepthEvent,
    KlineEvent,
    MarketPayload,
    MarketStreams,
    StreamStatus,
    TickerEvent,
    TradeEvent,
    UserDataStream,
    UserEvent,
    diff_depth_stream,
    kline_stream,
    trade_stream,
)
from jextui.feed.events import (
    AccountUpdate,
    BookUpdate,
    FeedEvent,
    FeedFailed,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.local_book import LocalBook
from jextui.feed.scheduler import FeedKind
from jextui.feed.stream_convert import merge_kline, ticker_from_stream
from jextui.feed.stream_events import FillsUpdate, OrdersPushed, StreamsState, StreamStatusUpdate
from jextui.feed.trade_tape import TradeTape
from jextui.feed.user_sequencer import UserSequencer
from jextui.feed.worker import DEPTH_LIMITS, depth_limit_for

__all__ = ["StreamingFeed", "StreamingClient"]

logger = logging.getLogger("jextui.feed")

TRADES_LIMIT = 60
KLINES_LIMIT = 200
SNAPSHOT_LIMIT = DEPTH_LIMITS[-1]  # the deepest snapshot: diffs keep it whole for longer
_TICK_S = 0.25
_SNAPSHOT_RETRY_S = 0.2
_GAP_FETCHES = 3


class StreamingClient(Protocol):
    """What the streaming feed needs of ``jextui.api.JexClient``."""

    @property
    def has_api_key(self) -> bool: ...
    @property
    def has_credentials(self) -> bool: ...

    async def depth(self, symbol: str, limit: int | None = None) -> Depth: ...
    async def historical_trades(
        self, symbol: str, limit: int | None = None, from_id: int | None = None
    ) -> list[HistoricalTrade]: ...
    async def klines(self, symbol: str, interval: str, *, limit: int | None = None) -> list[Kline]: ...
    async def ticker_24hr(self, symbol: None = None) -> list[Ticker24hr]: ...
    async def account(self) -> Account: ...
    async def open_orders(self, symbol: str) -> list[Order]: ...
    async def start_user_stream(self) -> str: ...
    async def keepalive_user_stream(self, listen_key: str) -> None: ...


Sink = Callable[[FeedEvent], None]
Freshness = Callable[[str, "str | None", int], None]


class StreamingFeed:
    """Streams the active symbol, the watchlist and the account to ``sink``.

    ``stream_url``: the ws:// or wss:// stream address.  ``fallback_after_s``:
    how long a feed may go without its stream (reconnecting, resynchronising)
    before it is handed to polling.  ``stall_after_s``: silence after which a
    connection whose streams push every second is replaced.  ``hold_ms``: the
    account events' reorder window.  ``server_now_ms`` gives the exchange's
    time (for ordering REST snapshots against stream events).
    """

    def __init__(
        self,
        client: StreamingClient,
        sink: Sink,
        *,
        stream_url: str,
        active_symbol: str | None = None,
        watchlist: Sequence[str] = (),
        kline_interval: str = "1m",
        book_rows: int = 20,
        account: bool = True,
        now_ms: Callable[[], int] = local_time_ms,
        server_now_ms: Callable[[], int] | None = None,
        backoff: Backoff | None = None,
        stall_after_s: float = 3.0,
        fallback_after_s: float = 2.0,
        reconcile_s: float = 60.0,
        hold_ms: int = 100,
        on_fresh: Freshness | None = None,
        timer_ms: Callable[[], int] | None = None,
    ) -> None:
        self._client = client
        self._sink = sink
        self._on_fresh = on_fresh
        # Durations (the reorder window, the fallback delay) run on ``timer_ms``
        # (default: ``now_ms``); a monotonic one keeps them right when the wall
        # clock jumps, or is fixed (screenshots and tests).
        self._timer = timer_ms or now_ms
        self._now = now_ms
        if server_now_ms is None:
            clock = getattr(client, "clock", None)  # JexClient's: server minus local time
            if clock:

                def server_now() -> int:
                    return now_ms() + int(getattr(clock, "offset_ms", 0) or 0)

                server_now_ms = server_now
            else:
                server_now_ms = now_ms
        self._server_now = server_now_ms
        self.stream_url = stream_url
        self._book_limit = depth_limit_for(book_rows)
        self._interval = kline_interval
        self._fallback_after_ms = int(fallback_after_s * 1000)
        self._reconcile_s = reconcile_s
        self._active: str | None = None
        self._watch: tuple[str, ...] = ()
        self._book: LocalBook | None = None
        self._tape: TradeTape | None = None
        self._historical_refused = False  # the exchange refused the key for historicalTrades
        self._klines: tuple[Kline, ...] | None = None
        self._early_bar: KlineEvent | None = None
        self._tickers: dict[str, Ticker24hr] = {}
        self._sequencer = UserSequencer(hold_ms=hold_ms)
        self._rest_account: Account | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._last_status: tuple[StreamsState, frozenset[str], frozenset[str]] | None = None
        self._not_live_since: dict[str, int] = {}
        self._latest_error: JexError | None = None
        self._book_conn = MarketStreams(
            stream_url,
            self._on_market,
            self._on_market_status,
            stall_after_s=stall_after_s,
            backoff=backoff,
            now_ms=now_ms,
        )
        self._kline_conn = MarketStreams(
            stream_url,
            self._on_market,
            self._on_market_status,
            stall_after_s=stall_after_s,
            backoff=backoff,
            now_ms=now_ms,
        )
        self._ticker_conn = MarketStreams(
            stream_url, self._on_market, self._on_market_status, backoff=backoff, now_ms=now_ms
        )
        self._user: UserDataStream | None = None
        if account and client.has_credentials:
            self._user = UserDataStream(
                client, stream_url, self._on_user_event, self._on_user_status, backoff=backoff, now_ms=now_ms
            )
        self._user_connection = 0
        self._book_connection = 0
        self._kline_connection = 0
        self.set_watchlist(watchlist)
        if active_symbol:
            self.set_active_symbol(active_symbol)

    # --- control -------------------------------------------------------------------------

    @property
    def active_symbol(self) -> str | None:
        return self._active

    def set_active_symbol(self, symbol: str) -> None:
        symbol = symbol.upper()
        if symbol == self._active:
            return
        self._active = symbol
        self._book_connection = self._kline_connection = 0  # a new connection's ids start again
        self._book = LocalBook(symbol)
        self._tape = TradeTape(symbol, limit=TRADES_LIMIT)
        self._book_conn.set_streams([diff_depth_stream(symbol), trade_stream(symbol)])
        self._set_klines_stream()
        for name in ("snapshot", "backfill", "klines"):
            self._cancel(name)
        if self._running:
            self._spawn("klines", self._fetch_klines())
            if self._user is not None:
                self._spawn("reconcile", self._reconcile())
        self._wake.set()

    def set_kline_interval(self, interval: str) -> None:
        if interval == self._interval:
            return
        self._interval = interval
        self._kline_connection = 0
        self._set_klines_stream()
        self._cancel("klines")
        if self._running:
            self._spawn("klines", self._fetch_klines())

    def set_watchlist(self, symbols: Iterable[str]) -> None:
        self._watch = tuple(dict.fromkeys(s.upper() for s in symbols))
        self._ticker_conn.set_streams([ALL_TICKERS] if self._watch else [])
        if self._running and any(s not in self._tickers for s in self._watch):
            self._spawn("tickers", self._fetch_tickers())  # the stream only sends what changes

    def set_book_rows(self, rows_per_side: int) -> None:
        limit = depth_limit_for(max(1, int(rows_per_side)))
        if limit == self._book_limit:
            return
        self._book_limit = limit
        book = self._book
        if book is not None and not book.needs_snapshot and book.version is not None:
            self._emit(BookUpdate(book.symbol, book.depth(limit), received_ms=self._now()))  # a taller pane fills now

    def offer_snapshot(self, symbol: str, depth: Depth, received_ms: int) -> bool:
        """A depth snapshot polled meanwhile: the local book takes it over when it
        is newer (and shows the result); True when the book is this symbol's, so
        the caller does not show the snapshot itself (the book is never older)."""
        book = self._book
        if book is None or book.symbol != symbol.upper():
            return False
        before = book.version
        if book.apply_snapshot(depth, received_ms) and not book.needs_snapshot:
            if book.version != before or before is None:
                self._emit(BookUpdate(book.symbol, book.depth(self._book_limit), received_ms=received_ms))
            self._fresh(FeedKind.BOOK, book.symbol, received_ms)
        return True

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def _set_klines_stream(self) -> None:
        self._klines = None
        self._early_bar = None
        if self._active is not None:
            self._kline_conn.set_streams([kline_stream(self._active, self._interval)])

    # --- the loop --------------------------------------------------------------------------

    _running = False

    async def run(self) -> None:
        """Stream until :meth:`stop`; never raises (except cancellation)."""
        self._running = True
        runners = [asyncio.create_task(c.run()) for c in (self._book_conn, self._kline_conn, self._ticker_conn)]
        if self._user is not None:
            runners.append(asyncio.create_task(self._user.run()))
            self._spawn("reconcile", self._reconcile())
        if self._active is not None:
            self._spawn("klines", self._fetch_klines())
        if self._watch:
            self._spawn("tickers", self._fetch_tickers())
        next_reconcile = asyncio.get_running_loop().time() + self._reconcile_s
        try:
            while not self._stopping:
                self._release_user_events()
                self._emit_status()
                loop_time = asyncio.get_running_loop().time()
                if self._user is not None and loop_time >= next_reconcile:
                    next_reconcile = loop_time + self._reconcile_s
                    self._spawn("reconcile", self._reconcile())
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._wait_s())
        finally:
            for conn in (self._book_conn, self._kline_conn, self._ticker_conn):
                conn.stop()
            if self._user is not None:
                self._user.stop()
            for task in list(self._tasks.values()):
                task.cancel()
            await asyncio.gather(*runners, *self._tasks.values(), return_exceptions=True)
            self._tasks.clear()
            self._running = False

    def _wait_s(self) -> float:
        release = self._sequencer.next_release_ms()
        if release is None:
            return _TICK_S
        return max(0.0, min(_TICK_S, (release - self._timer()) / 1000))

    def _spawn(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` unless a task of that name is running (one of each at a time)."""
        running = self._tasks.get(name)
        if running is not None and not running.done():
            work.close()
            return
        task = asyncio.create_task(work, name=f"streaming:{name}")
        self._tasks[name] = task
        task.add_done_callback(lambda t: self._tasks.pop(name, None) if self._tasks.get(name) is t else None)

    def _cancel(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None:
            task.cancel()

    def _emit(self, event: FeedEvent) -> None:
        try:
            self._sink(event)
        except Exception:
            logger.exception("the feed's sink failed on %s", type(event).__name__)

    def _local_ms(self, event_time: int) -> int:
        """The exchange's event time on this machine's clock (``E`` minus the offset)."""
        return event_time - (self._server_now() - self._now())

    def _fresh(self, kind: FeedKind, symbol: str | None, at_ms: int) -> None:
        if self._on_fresh is None:
            return
        try:
            self._on_fresh(kind.value, symbol, at_ms)
        except Exception:
            logger.exception("the freshness listener failed on %s", kind.value)

    def _failed(self, kind: FeedKind, symbol: str | None, error: JexError) -> None:
        self._latest_error = error
        self._emit(FeedFailed(kind.value, symbol, error, received_ms=self._now()))

    # --- market events -----------------------------------------------------------------------

    def _on_market(self, stream: str, payload: MarketPayload, received_ms: int) -> None:
        if isinstance(payload, DiffDepthEvent):
            self._on_diff(payload, received_ms)
        elif isinstance(payload, KlineEvent):
            self._on_kline(payload, received_ms)
        elif isinstance(payload, list) and stream == ALL_TICKERS:
            self._on_tickers([t for t in payload if isinstance(t, TickerEvent)], received_ms)
        elif isinstance(payload, list):
            self._on_trades([t for t in payload if isinstance(t, TradeEvent)], received_ms)

    def _on_diff(self, diff: DiffDepthEvent, received_ms: int) -> None:
        book = self._book
        if book is None or diff.symbol != book.symbol:
            return
        before = book.version
        book.apply_diff(diff.version, diff.bids, diff.asks, received_ms)
        if book.needs_snapshot:
            self._spawn("snapshot", self._take_snapshot(book))
            self._wake.set()
            return
        if book.version != before:
            self._emit(BookUpdate(book.symbol, book.depth(self._book_limit), received_ms=received_ms))
        self._fresh(FeedKind.BOOK, book.symbol, received_ms)
        self._fresh(FeedKind.TRADES, book.symbol, received_ms)

    async def _take_snapshot(self, book: LocalBook) -> None:
        while book is self._book and book.needs_snapshot and not self._stopping:
            try:
                depth = await self._client.depth(book.symbol, SNAPSHOT_LIMIT)
            except JexError as exc:
                self._failed(FeedKind.BOOK, book.symbol, exc)
                await asyncio.sleep(1.0)
                continue
            if book is not self._book:
                return
            book.apply_snapshot(depth, self._now())
            if book.needs_snapshot:
                await asyncio.sleep(_SNAPSHOT_RETRY_S)
                continue
            self._emit(BookUpdate(book.symbol, book.depth(self._book_limit), received_ms=self._now()))
            self._fresh(FeedKind.BOOK, book.symbol, self._now())
            self._wake.set()

    def _on_trades(self, trades: list[TradeEvent], received_ms: int) -> None:
        tape = self._tape
        if tape is None:
            return
        mine = [t for t in trades if t.symbol == tape.symbol]
        if mine and tape.add_stream(mine, received_ms):
            self._emit_trades(tape, received_ms)
        if mine:
            self._fresh(FeedKind.TRADES, tape.symbol, self._local_ms(max(t.event_time for t in mine)))

    def _emit_trades(self, tape: TradeTape, received_ms: int) -> None:
        self._emit(TradesUpdate(tape.symbol, tape.newest_first(), True, received_ms=received_ms))

    async def _backfill(self, tape: TradeTape) -> None:
        if not self._client.has_api_key or self._historical_refused:
            # Recent trades without ids cannot be merged: the stream alone fills
            # the tape, which is complete from now on (empty until a trade).
            self._emit_trades(tape, self._now())
            return
        try:
            trades = await self._client.historical_trades(tape.symbol, TRADES_LIMIT)
        except AuthError as exc:
            # A refused key: the public stream alone fills the tape from now on,
            # and the trades pane is not called degraded for the key's sake.
            logger.warning("historicalTrades refused (%s): trades come from the stream alone", exc)
            self._historical_refused = True
            if tape is self._tape:
                self._emit_trades(tape, self._now())
            return
        except JexError as exc:
            self._failed(FeedKind.TRADES, tape.symbol, exc)
            return
        if tape is not self._tape:
            return
        tape.add_backfill(trades, self._now())
        for low, high in tape.gaps()[:_GAP_FETCHES]:  # trades missed while disconnected
            try:
                missed = await self._client.historical_trades(
                    tape.symbol, min(TRADES_LIMIT, high - low + 1), from_id=low
                )
            except JexError as exc:
                self._failed(FeedKind.TRADES, tape.symbol, exc)
                break
            if tape is not self._tape:
                return
            tape.add_backfill(missed, self._now())
        self._emit_trades(tape, self._now())

    def _on_kline(self, event: KlineEvent, received_ms: int) -> None:
        if event.symbol != self._active or event.bar.interval != self._interval:
            return
        if self._klines is None:
            self._early_bar = event
            return
        merged = merge_kline(self._klines, event.bar, limit=KLINES_LIMIT)
        if merged is not None:
            self._klines = merged
            self._emit(KlinesUpdate(event.symbol, self._interval, merged, received_ms=received_ms))
        self._fresh(FeedKind.KLINES, event.symbol, self._local_ms(event.event_time))

    async def _fetch_klines(self) -> None:
        symbol, interval = self._active, self._interval
        if symbol is None:
            return
        try:
            history = await self._client.klines(symbol, interval, limit=KLINES_LIMIT)
        except JexError as exc:
            self._failed(FeedKind.KLINES, symbol, exc)
            return
        if (symbol, interval) != (self._active, self._interval):
            return
        klines = tuple(history)
        early, self._early_bar = self._early_bar, None
        if early is not None:
            klines = merge_kline(klines, early.bar, limit=KLINES_LIMIT) or klines
        self._klines = klines
        self._emit(KlinesUpdate(symbol, interval, klines, received_ms=self._now()))

    def _on_tickers(self, events: list[TickerEvent], received_ms: int) -> None:
        watched = set(self._watch)
        changed: dict[str, Ticker24hr] = {}
        for event in events:
            if event.symbol in watched:
                changed[event.symbol] = self._tickers[event.symbol] = ticker_from_stream(
                    event, self._tickers.get(event.symbol)
                )
        if changed:
            self._emit_tickers(changed, received_ms)
        if events and self._watch:  # a push lists every change: symbols left out are unchanged
            at_ms = self._local_ms(max(e.event_time for e in events))
            self._fresh(FeedKind.TICKERS, None, at_ms)
            self._fresh(FeedKind.PRICES, None, at_ms)

    def _emit_tickers(self, tickers: dict[str, Ticker24hr], received_ms: int) -> None:
        self._emit(TickersUpdate(MappingProxyType(dict(tickers)), received_ms=received_ms))
        prices: dict[str, Decimal] = {s: t.last_price for s, t in tickers.items()}
        self._emit(PricesUpdate(MappingProxyType(prices), received_ms=received_ms))

    async def _fetch_tickers(self) -> None:
        try:
            tickers = await self._client.ticker_24hr()
        except JexError as exc:
            self._failed(FeedKind.TICKERS, None, exc)
            return
        watched = set(self._watch)
        fresh = {
            t.symbol: t
            for t in tickers
            if t.symbol in watched
            and (t.symbol not in self._tickers or t.close_time >= self._tickers[t.symbol].close_time)
        }
        self._tickers.update(fresh)
        if fresh:
            self._emit_tickers(fresh, self._now())

    def _on_market_status(self, streams: tuple[str, ...], status: StreamStatus) -> None:
        if status.error is not None:
            self._latest_error = status.error
        live = status.state == "live"
        book_reopened = live and status.connection_id != self._book_connection
        if book_reopened and self._active is not None and diff_depth_stream(self._active) in streams:
            self._book_connection = status.connection_id
            if self._book is not None:
                self._book.invalidate()  # resynchronise from a new snapshot after the first diff
            if self._tape is not None:
                self._tape.reset()
                self._spawn("backfill", self._backfill(self._tape))
        klines_reopened = live and status.connection_id != self._kline_connection
        if klines_reopened and self._active is not None and kline_stream(self._active, self._interval) in streams:
            first = self._kline_connection == 0
            self._kline_connection = status.connection_id
            if not first and self._running:
                self._spawn("klines", self._fetch_klines())  # candles closed while it was away
        if ALL_TICKERS in streams and status.state == "live" and status.connection_id > 1:
            self._spawn("tickers", self._fetch_tickers())
        self._wake.set()

    # --- the account -------------------------------------------------------------------------

    def _on_user_event(self, event: UserEvent, received_ms: int) -> None:
        self._sequencer.push(event, self._timer())
        self._wake.set()

    def _on_user_status(self, status: StreamStatus) -> None:
        if status.error is not None:
            self._latest_error = status.error
        if status.state == "live" and status.connection_id != self._user_connection:
            first = self._user_connection == 0
            self._user_connection = status.connection_id
            if not first:
                self._spawn("reconcile", self._reconcile())  # events were lost while it was away
        self._wake.set()

    def _release_user_events(self) -> None:
        released = self._sequencer.release(self._timer())
        if not released:
            return
        now = self._now()
        if self._active is not None and self._active in released.order_symbols:
            self._emit_orders(now)
        if released.orders:
            self._emit(OrdersPushed(tuple(released.orders.values()), received_ms=now))
        if released.balances_changed:
            self._emit_account(now)
        if released.notices:
            self._emit(FillsUpdate(tuple(released.notices), received_ms=now))

    def _emit_orders(self, now: int) -> None:
        if self._active is not None:
            self._emit(OpenOrdersUpdate(self._active, self._sequencer.open_orders(self._active), received_ms=now))

    def _emit_account(self, now: int) -> None:
        rest = self._rest_account
        update_time = max((self._sequencer.balance_time(b.asset) or 0 for b in self._sequencer.balances()), default=0)
        account = Account(
            update_time=update_time,
            spot_balances=list(self._sequencer.balances()),
            contract_balances=list(rest.contract_balances) if rest else [],
            option_balances=list(rest.option_balances) if rest else [],
        )
        self._emit(AccountUpdate(account, received_ms=now))

    async def _reconcile(self) -> None:
        symbol = self._active
        as_of = self._server_now()
        try:
            account = await self._client.account()
        except JexError as exc:
            self._failed(FeedKind.ACCOUNT, None, exc)
        else:
            self._rest_account = account
            self._sequencer.reconcile_balances(account.spot_balances, as_of)
            self._emit_account(self._now())
        if symbol is None:
            return
        try:
            orders = await self._client.open_orders(symbol)
        except JexError as exc:
            self._failed(FeedKind.OPEN_ORDERS, symbol, exc)
            return
        self._sequencer.reconcile_orders(symbol, orders, as_of)
        if symbol == self._active:
            self._emit_orders(self._now())

    # --- status ------------------------------------------------------------------------------

    def _feed_states(self) -> dict[FeedKind, str]:
        """Each stream-fed feed's state: live, waiting (reconnecting or resyncing) or down."""
        states: dict[FeedKind, str] = {}

        def of(conn: MarketStreams, stream: str) -> str:
            status = conn.status_of(stream)
            if status is None:
                return "waiting"
            return {"live": "live", "down": "down"}.get(status.state, "waiting")

        if self._active is not None:
            book_state = of(self._book_conn, diff_depth_stream(self._active))
            states[FeedKind.TRADES] = book_state
            if book_state == "live" and (self._book is None or self._book.needs_snapshot):
                book_state = "waiting"
            states[FeedKind.BOOK] = book_state
            states[FeedKind.KLINES] = of(self._kline_conn, kline_stream(self._active, self._interval))
            if states[FeedKind.KLINES] == "live" and self._klines is None:
                states[FeedKind.KLINES] = "waiting"
        if self._watch:
            tickers = of(self._ticker_conn, ALL_TICKERS)
            states[FeedKind.TICKERS] = states[FeedKind.PRICES] = tickers
        if self._user is not None:
            user = {"live": "live", "down": "down"}.get(self._user.status.state, "waiting")
            states[FeedKind.OPEN_ORDERS] = states[FeedKind.ACCOUNT] = user
        return states

    def stream_status(self) -> StreamStatusUpdate:
        """The streams' state now (also emitted whenever it changes)."""
        now = self._timer()
        live: set[str] = set()
        fallback: set[str] = set()
        waiting = False
        for kind, feed_state in self._feed_states().items():
            if feed_state == "live":
                live.add(kind.value)
                self._not_live_since.pop(kind.value, None)
                continue
            since = self._not_live_since.setdefault(kind.value, now)
            if feed_state == "down" or now - since >= self._fallback_after_ms:
                fallback.add(kind.value)
            else:
                waiting = True
        state: StreamsState = "polling" if fallback else "reconnecting" if waiting else "live"
        if state == "live":
            self._latest_error = None
        message = {
            "live": "streams: live",
            "reconnecting": "streams: reconnecting",
            "polling": f"streams: polling {', '.join(sorted(fallback))}",
        }[state]
        return StreamStatusUpdate(
            state,
            frozenset(live),
            frozenset(fallback),
            message,
            self._latest_error if state != "live" else None,
            received_ms=self._now(),
        )

    def _emit_status(self) -> None:
        status = self.stream_status()
        key = (status.state, status.live, status.fallback)
        if key != self._last_status:
            self._last_status = key
            self._emit(status)
