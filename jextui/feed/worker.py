"""The background poller: asks the scheduler what is due, polls through the
client, and hands immutable events to a sink.

The Textual app runs :meth:`FeedWorker.run` as an asyncio task in its own
loop and turns each event into a message; the control methods
(``set_active_symbol`` ...) are called from the same loop at any time.

* Requests of one tick run concurrently (at most ``max_in_flight``, one slot
  kept for the book), so a slow request never delays the active book.
* Every failure becomes a :class:`~jextui.feed.events.FeedFailed` event and
  a backoff for that feed; nothing a request does can stop the worker.
* An answer for a symbol (or kline interval) that is no longer active is
  dropped, and the requests still running for it are cancelled when it
  changes: a pane never shows the previous symbol's data under the new name.
* During a 429/418 block nothing is sent until Retry-After has passed; the
  status events say so (``connection`` "rate-limited" or "banned").
* Feeds the WebSocket streams carry are not polled (:meth:`set_streamed`);
  their freshness is what the stream reports (:meth:`record_streamed`, the
  data's event time on this machine's clock), aged against the stream's
  cadence, so the panes' age and STALE mark stay honest.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Protocol, overload

from jextui.api.clock import local_time_ms
from jextui.api.errors import (
    ApiError,
    AuthError,
    BadRequest,
    DecodeError,
    InvalidArgument,
    IpBanned,
    JexError,
    MissingCredentials,
    RateLimited,
    TransportError,
)
from jextui.api.limits import DEFAULT_WEIGHT_LIMIT
from jextui.api.models import (
    KLINE_INTERVALS,
    Account,
    BookTicker,
    Depth,
    ExchangeInfo,
    HistoricalTrade,
    Kline,
    Order,
    PriceTicker,
    Ticker24hr,
    Trade,
)
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    ConnectionState,
    ExchangeInfoUpdate,
    FeedEvent,
    FeedFailed,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.health import FeedHealth, HealthTracker
from jextui.feed.scheduler import (
    ACTIVE_SYMBOL_KINDS,
    WATCHLIST_KINDS,
    BudgetPlan,
    FeedKind,
    FeedScheduler,
    Request,
)

__all__ = ["FeedWorker", "FeedClient", "DEPTH_LIMITS", "depth_limit_for"]

logger = logging.getLogger("jextui.feed")

#: The depth endpoint's allowed limits (the weight is 1 whatever the limit).
DEPTH_LIMITS: tuple[int, ...] = (5, 10, 20, 50, 60)
TRADES_LIMIT = 60  # enough to fill the tallest trades pane
KLINES_LIMIT = 200  # one candle per column of a wide pane
SPARKLINE_INTERVAL = "1h"
SPARKLINE_POINTS = 24  # the last 24 hours, like the 24 h change beside it
#: A server-time reading whose round trip took longer is read again at once
#: (at most CLOCK_REREADS times in a row): its offset may be off by half of it.
UNCERTAIN_CLOCK_RTT_MS = 500
CLOCK_REREADS = 3
STATUS_PERIOD_MS = 1000
#: How often a stream refreshes what a feed shows (its stale mark comes at 3
#: of these, or 3 desired periods if longer).  The account's streams push
#: on change only: while their stream is live they are as fresh as it is.
STREAM_PERIOD_MS: Mapping[FeedKind, int] = {
    FeedKind.BOOK: 1000,
    FeedKind.TRADES: 1000,
    FeedKind.KLINES: 1000,
    FeedKind.TICKERS: 1000,
    FeedKind.PRICES: 1000,
}
_LATENCY_SMOOTHING = 0.3
# Errors that retrying soon will not fix: retry slowly.
_PERMANENT_ERRORS = (AuthError, BadRequest, MissingCredentials, DecodeError, InvalidArgument)


def _is_permanent(error: JexError) -> bool:
    """Whether retrying soon will not help.  An answer that is not JSON at all
    (cut short, a proxy's error page) passes like a 5xx; one of the wrong shape stays."""
    if isinstance(error, DecodeError) and error.field is None:
        return False
    return isinstance(error, _PERMANENT_ERRORS)


def depth_limit_for(rows_per_side: int) -> int:
    """The smallest allowed depth limit that fills ``rows_per_side`` levels."""
    return next((limit for limit in DEPTH_LIMITS if limit >= rows_per_side), DEPTH_LIMITS[-1])


class _RateView(Protocol):
    @property
    def used_weight_1m(self) -> int: ...
    @property
    def weight_limit(self) -> int: ...
    @property
    def blocked_until_ms(self) -> int | None: ...
    @property
    def block_reason(self) -> str | None: ...
    @property
    def last_update_ms(self) -> int | None: ...
    @property
    def weight_from_server(self) -> bool: ...


class _ClockView(Protocol):
    @property
    def offset_ms(self) -> int: ...
    @property
    def synced(self) -> bool: ...


class FeedClient(Protocol):
    """What the worker needs of ``jextui.api.JexClient`` (tests pass fakes)."""

    @property
    def rate(self) -> _RateView: ...
    @property
    def clock(self) -> _ClockView: ...
    @property
    def has_api_key(self) -> bool: ...
    @property
    def has_credentials(self) -> bool: ...

    async def sync_time(self) -> int: ...
    async def exchange_info(self) -> ExchangeInfo: ...
    async def depth(self, symbol: str, limit: int | None = None) -> Depth: ...
    async def trades(self, symbol: str, limit: int | None = None) -> list[Trade]: ...
    async def historical_trades(
        self, symbol: str, limit: int | None = None, from_id: int | None = None
    ) -> list[HistoricalTrade]: ...
    async def klines(self, symbol: str, interval: str, *, limit: int | None = None) -> list[Kline]: ...
    @overload
    async def ticker_24hr(self, symbol: str) -> Ticker24hr: ...
    @overload
    async def ticker_24hr(self, symbol: None = None) -> list[Ticker24hr]: ...
    @overload
    async def ticker_price(self, symbol: str) -> PriceTicker: ...
    @overload
    async def ticker_price(self, symbol: None = None) -> list[PriceTicker]: ...
    @overload
    async def book_ticker(self, symbol: str) -> BookTicker: ...
    @overload
    async def book_ticker(self, symbol: None = None) -> list[BookTicker]: ...
    async def account(self) -> Account: ...
    async def open_orders(self, symbol: str) -> list[Order]: ...


Sink = Callable[[FeedEvent], None]
Sleep = Callable[[float], Awaitable[Any]]


class FeedWorker:
    """Polls the exchange within the weight budget and emits events to ``sink``.

    ``periods``: desired seconds per feed name (``FeedKind`` values), merged
    with the defaults (``ValueError`` naming the feed for a bad one).
    ``weight_share``: the share of the per-minute weight limit we may use.
    ``now_ms``: the wall clock, the same one the client uses (its rate state's
    ``blocked_until_ms`` is on it).  ``sleep``: how to wait (tests inject a
    fake clock's sleep so nothing waits for real).  ``max_in_flight``:
    concurrent requests at most (one slot is kept for the book).
    ``active_symbol``, ``watchlist``, ``kline_interval`` and ``book_rows``
    are starting values of what the control methods change.
    """

    def __init__(
        self,
        client: FeedClient,
        sink: Sink,
        *,
        periods: Mapping[str, float] | None = None,
        weight_share: float = 0.8,
        now_ms: Callable[[], int] = local_time_ms,
        sleep: Sleep = asyncio.sleep,
        max_in_flight: int = 4,
        active_symbol: str | None = None,
        watchlist: Sequence[str] = (),
        kline_interval: str = "1m",
        book_rows: int = 20,
    ) -> None:
        self._client = client
        self._sink = sink
        self._now = now_ms
        self._sleep = sleep
        self._scheduler = FeedScheduler(
            periods,
            weight_share=float(weight_share),
            weight_limit=int(client.rate.weight_limit or DEFAULT_WEIGHT_LIMIT),
            max_in_flight=max_in_flight,
        )
        self._scheduler.set_credentials(
            api_key=client.has_api_key,
            signed=client.has_credentials,
        )
        self._health = HealthTracker()
        self._tasks: dict[Request, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._running = False
        self._book_limit = depth_limit_for(book_rows)
        self._latency_ms: float | None = None
        self._last_answer_ms: int | None = None  # any HTTP answer, success or error
        self._last_transport_failure_ms: int | None = None
        self._last_transport_error: str | None = None
        self._historical_refused = False  # the exchange refused the key for historicalTrades
        self._next_status_ms = 0
        self._last_connection: ConnectionState | None = None
        self._stream_live: frozenset[FeedKind] = frozenset()
        self._clock_rereads = 0
        self.set_kline_interval(kline_interval)
        self.set_watchlist(watchlist)
        if active_symbol:
            self.set_active_symbol(active_symbol)

    # --- control (from the app's loop, any time) ---------------------------------

    def set_active_symbol(self, symbol: str) -> None:
        """Make ``symbol`` active: its book, trades, klines and open orders are fetched at once."""
        symbol = _checked_symbol(symbol)
        if symbol == self._scheduler.active_symbol:
            return
        self._scheduler.set_active_symbol(symbol)
        for kind in ACTIVE_SYMBOL_KINDS:
            self._health.forget(kind)
        self._cancel_orphans()
        self._wake.set()

    def clear_active_symbol(self) -> None:
        """No active symbol (the last one was dropped): the active symbol's feeds stop."""
        if self._scheduler.active_symbol is None:
            return
        self._scheduler.set_active_symbol(None)
        for kind in ACTIVE_SYMBOL_KINDS:
            self._health.forget(kind)
        self._cancel_orphans()
        self._wake.set()

    def set_watchlist(self, symbols: Iterable[str]) -> None:
        """Watch these symbols (prices, 24 h tickers, best bid/ask, sparklines)."""
        self._scheduler.set_watchlist([_checked_symbol(s) for s in symbols])
        self._wake.set()

    def set_visible(self, feed_kinds: Iterable[str]) -> None:
        """Poll only the pane feeds named here (e.g. the grid view hides the book)."""
        self._scheduler.set_visible(list(feed_kinds))
        self._wake.set()

    def set_kline_interval(self, interval: str) -> None:
        """Switch the active klines to ``interval`` (one of ``KLINE_INTERVALS``)."""
        if interval not in KLINE_INTERVALS:
            raise ValueError(f"unknown kline interval {interval!r}; use one of {', '.join(KLINE_INTERVALS)}")
        if interval == self._scheduler.kline_interval:
            return
        self._scheduler.set_kline_interval(interval)
        self._health.forget(FeedKind.KLINES)
        self._cancel_orphans()
        self._wake.set()

    def set_book_rows(self, rows_per_side: int) -> None:
        """Fetch enough depth levels to fill ``rows_per_side`` (the tallest book pane)."""
        self._book_limit = depth_limit_for(max(1, int(rows_per_side)))

    def set_streamed(self, feed_kinds: Iterable[str], *, live: Iterable[str] = ()) -> None:
        """Leave the feeds named here to the streams (``live``: those the streams
        serve right now); every other pane feed is polled.  A feed handed back
        is polled at once."""
        self._scheduler.set_streamed(list(feed_kinds))
        self._stream_live = frozenset(FeedKind(k) for k in live) & self._scheduler.streamed
        self._wake.set()

    def record_streamed(self, kind: str, symbol: str | None, at_ms: int) -> None:
        """A stream delivered ``kind``'s data, true as of ``at_ms`` (this machine's clock)."""
        feed = FeedKind(kind)
        if feed in ACTIVE_SYMBOL_KINDS and symbol != self._scheduler.active_symbol:
            return
        if feed not in self._scheduler.streamed:
            # Polling carries it: its own record counts.  The active book is
            # polled beside its diff stream: a push newer than the last poll's
            # answer moves the next poll, so the polls fall between the pushes.
            last_poll = self._health.last_success_ms(feed)
            if feed is FeedKind.BOOK and last_poll is not None and at_ms > last_poll:
                self._scheduler.pushed(feed, at_ms)
            return
        previous = self._health.last_success_ms(feed)
        if previous is None or at_ms > previous:
            self._health.record_success(feed, symbol, at_ms)

    def refresh_now(self, kind: str) -> None:
        """Poll ``kind`` at once (e.g. open orders and account right after an order)."""
        self._scheduler.refresh_now(kind)
        self._wake.set()

    def snapshot_health(self) -> dict[str, FeedHealth]:
        """Every feed's freshness now, by feed name."""
        return self._health_now(self._now(), self._scheduler.plan(self._now()))

    @property
    def plan(self) -> BudgetPlan:
        """The current polling plan (periods after stretching, weight per minute)."""
        return self._scheduler.plan(self._now())

    def stop(self) -> None:
        """Ask :meth:`run` to return (requests still running are cancelled).

        Called before :meth:`run` starts, that run returns at once.
        """
        self._stopping = True
        self._wake.set()

    # --- the loop -----------------------------------------------------------------

    async def run(self) -> None:
        """Poll until :meth:`stop` is called."""
        if self._running:
            raise RuntimeError("this feed worker is already running")
        self._running = True
        try:
            while not self._stopping:
                now = self._now()
                self._read_rate(now)
                for request in self._scheduler.due(now):
                    self._launch(request)
                self._maybe_emit_status(now)
                await self._wait(self._seconds_to_wait(now))
        finally:
            await self._cancel_all()
            self._running = self._stopping = False

    def _seconds_to_wait(self, now: int) -> float:
        wake = self._scheduler.next_wake_ms(now)
        until = self._next_status_ms if wake is None else min(wake, self._next_status_ms)
        return max(0.001, (until - now) / 1000)

    async def _wait(self, seconds: float) -> None:
        """Sleep ``seconds`` or until woken (a control call or a finished request)."""
        if not self._wake.is_set():
            sleeper = asyncio.ensure_future(self._sleep(seconds))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                waker.cancel()
        self._wake.clear()

    def _read_rate(self, now: int) -> None:
        rate = self._client.rate
        blocked = rate.blocked_until_ms
        # Only the server's own readings: the client's local count (answers
        # without the header) is no reading of the server's window.
        used: int | None
        if hasattr(rate, "server_weight_1m") and hasattr(rate, "server_weight_at_ms"):
            used, at = rate.server_weight_1m, rate.server_weight_at_ms
            sent = getattr(rate, "server_weight_sent_ms", None)
        else:  # a rate source that keeps no separate readings
            used = rate.used_weight_1m if rate.weight_from_server else None
            at, sent = rate.last_update_ms, None
        self._scheduler.observe_rate(
            used_weight_1m=used,
            at_ms=at,
            sent_ms=sent,
            weight_limit=rate.weight_limit,
            blocked_until_ms=blocked if blocked is not None and blocked > now else None,
            block_reason=rate.block_reason,
        )

    def _launch(self, request: Request) -> None:
        task = asyncio.create_task(self._poll(request), name=f"feed-{request.kind.value}")
        self._tasks[request] = task
        task.add_done_callback(lambda _task: self._tasks.pop(request, None))

    def _cancel_orphans(self) -> None:
        """Cancel requests the scheduler no longer waits for (old symbol or interval)."""
        current = set(self._scheduler.in_flight())
        for request, task in list(self._tasks.items()):
            if request not in current:
                task.cancel()

    async def _cancel_all(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    # --- one request ------------------------------------------------------------------

    async def _poll(self, request: Request) -> None:
        started = time.perf_counter()
        try:
            result = await self._fetch(request)
        except asyncio.CancelledError:
            self._scheduler.abandon(request)
            raise
        except JexError as error:
            self._on_failure(request, error)
        except Exception as error:  # a bug must degrade one pane, not stop the feed
            logger.exception("feed %s: unexpected error", request.kind.value)
            self._on_failure(request, JexError(f"unexpected error: {type(error).__name__}: {error}"))
        else:
            self._record_latency((time.perf_counter() - started) * 1000)
            self._on_success(request, result)
        finally:
            self._wake.set()

    async def _fetch(self, request: Request) -> Any:
        client, symbol, kind = self._client, request.symbol, request.kind
        if kind is FeedKind.BOOK:
            return await client.depth(_req(symbol), limit=self._book_limit)
        if kind is FeedKind.TRADES:
            if self._keyed_trades():
                try:
                    return await client.historical_trades(_req(symbol), limit=TRADES_LIMIT)
                except AuthError as error:  # a rejected key: the public trades (no side) from now on
                    logger.warning("historicalTrades refused (%s): the trades pane uses the public trades", error)
                    self._historical_refused = True
            return await client.trades(_req(symbol), limit=TRADES_LIMIT)
        if kind is FeedKind.KLINES:
            return await client.klines(_req(symbol), _req(request.interval), limit=KLINES_LIMIT)
        if kind is FeedKind.SPARKLINES:
            return await client.klines(_req(symbol), SPARKLINE_INTERVAL, limit=SPARKLINE_POINTS)
        if kind is FeedKind.OPEN_ORDERS:
            return await client.open_orders(_req(symbol))
        if kind is FeedKind.ACCOUNT:
            return await client.account()
        if kind is FeedKind.PRICES:
            return await client.ticker_price(symbol)
        if kind is FeedKind.TICKERS:
            return await client.ticker_24hr(symbol)
        if kind is FeedKind.BOOK_TICKERS:
            return await client.book_ticker(symbol)
        if kind is FeedKind.EXCHANGE_INFO:
            return await client.exchange_info()
        return await client.sync_time()

    def _on_success(self, request: Request, result: Any) -> None:
        now = self._now()
        self._last_answer_ms = now
        if not self._scheduler.finished(request, now, ok=True) or not self._relevant(request):
            logger.debug("feed %s: dropped a late answer for %s", request.kind.value, request.symbol)
            return
        try:
            event = self._event_for(request, result, now)
        except (AttributeError, TypeError, ValueError) as error:
            self._on_failure(request, JexError(f"unexpected answer: {error}"), finished=True)
            return
        self._health.record_success(request.kind, request.symbol, now)
        if event is not None:
            self._emit(event)
        if request.kind is FeedKind.SERVER_TIME:
            self._next_status_ms = now  # show the new clock offset at once
            self._check_clock_reading()

    def _check_clock_reading(self) -> None:
        """A clock reading whose round trip took long (a busy server, say at start) is
        wrong by up to half of it, and the stream data's age counts from it: read the
        clock again at once, up to :data:`CLOCK_REREADS` times in a row."""
        rtt = getattr(self._client.clock, "rtt_ms", None)
        if rtt is None or rtt <= UNCERTAIN_CLOCK_RTT_MS:
            self._clock_rereads = 0
        elif self._clock_rereads < CLOCK_REREADS:
            self._clock_rereads += 1
            self._scheduler.refresh_now(FeedKind.SERVER_TIME)

    def _on_failure(self, request: Request, error: JexError, *, finished: bool = False) -> None:
        now = self._now()
        if isinstance(error, (RateLimited, IpBanned)):
            reason = "418" if isinstance(error, IpBanned) else "429"
            self._scheduler.block_until(now + int(error.retry_after * 1000), reason)
        if isinstance(error, TransportError):
            self._last_transport_failure_ms = now
            self._last_transport_error = error.reason  # the host and what went wrong, in a few words
        elif isinstance(error, ApiError):
            self._last_answer_ms = now
        permanent = _is_permanent(error)
        current = finished or self._scheduler.finished(request, now, ok=False, permanent=permanent)
        if not current or not self._relevant(request):
            return
        logger.info("feed %s (%s) failed: %s", request.kind.value, request.symbol or "-", error)
        self._health.record_failure(request.kind, str(error), now)
        self._emit(FeedFailed(request.kind.value, request.symbol, error, received_ms=now))

    def _keyed_trades(self) -> bool:
        """Whether trades come from the keyed historicalTrades (it has the taker's side):
        not once the exchange has refused the key for it."""
        return self._scheduler.uses_historical_trades and not self._historical_refused

    def _relevant(self, request: Request) -> bool:
        """Whether an answer to ``request`` still belongs on screen."""
        scheduler = self._scheduler
        if request.kind in ACTIVE_SYMBOL_KINDS and request.symbol != scheduler.active_symbol:
            return False
        if request.kind is FeedKind.KLINES and request.interval != scheduler.kline_interval:
            return False
        if request.kind in WATCHLIST_KINDS and request.symbol is not None:
            return request.symbol in scheduler.watchlist
        return True

    # --- answers to events ------------------------------------------------------------

    def _event_for(self, request: Request, result: Any, now: int) -> FeedEvent | None:
        kind, symbol = request.kind, request.symbol
        if kind is FeedKind.BOOK:
            return BookUpdate(_req(symbol), result, received_ms=now)
        if kind is FeedKind.TRADES:
            trades = _newest_first(result)
            has_side = bool(trades) and all(isinstance(t, HistoricalTrade) for t in trades)
            if not trades:
                has_side = self._keyed_trades()
            return TradesUpdate(_req(symbol), trades, has_side, received_ms=now)
        if kind is FeedKind.KLINES:
            return KlinesUpdate(_req(symbol), _req(request.interval), tuple(result), received_ms=now)
        if kind is FeedKind.SPARKLINES:
            closes = tuple(k.close for k in result)
            return SparklineUpdate(_req(symbol), SPARKLINE_INTERVAL, closes, received_ms=now)
        if kind is FeedKind.OPEN_ORDERS:
            return OpenOrdersUpdate(_req(symbol), tuple(result), received_ms=now)
        if kind is FeedKind.ACCOUNT:
            return AccountUpdate(result, received_ms=now)
        if kind is FeedKind.EXCHANGE_INFO:
            return ExchangeInfoUpdate(result, received_ms=now)
        if kind in (FeedKind.PRICES, FeedKind.TICKERS, FeedKind.BOOK_TICKERS):
            return self._watchlist_event(kind, result, now)
        return None  # server time: shown in the next status update

    def _watchlist_event(self, kind: FeedKind, result: Any, now: int) -> FeedEvent | None:
        watched = set(self._scheduler.watchlist)
        items = result if isinstance(result, list) else [result]
        by_symbol = {item.symbol: item for item in items if item.symbol in watched}
        if kind is FeedKind.PRICES:
            prices: dict[str, Decimal] = {s: t.price for s, t in by_symbol.items() if isinstance(t, PriceTicker)}
            return PricesUpdate(MappingProxyType(prices), received_ms=now)
        if kind is FeedKind.TICKERS:
            tickers = {s: t for s, t in by_symbol.items() if isinstance(t, Ticker24hr)}
            return TickersUpdate(MappingProxyType(tickers), received_ms=now)
        books = {s: t for s, t in by_symbol.items() if isinstance(t, BookTicker)}
        return BookTickersUpdate(MappingProxyType(books), received_ms=now)

    def _emit(self, event: FeedEvent) -> None:
        try:
            self._sink(event)
        except Exception:  # the UI's problem must not stop the feed
            logger.exception("feed sink failed on %s", type(event).__name__)

    # --- status -------------------------------------------------------------------------

    def _record_latency(self, latency_ms: float) -> None:
        if self._latency_ms is None:
            self._latency_ms = latency_ms
        else:
            self._latency_ms += _LATENCY_SMOOTHING * (latency_ms - self._latency_ms)

    def _health_now(self, now: int, plan: BudgetPlan) -> dict[str, FeedHealth]:
        health: dict[str, FeedHealth] = {}
        for kind in FeedKind:
            feed = plan.feed(kind)
            desired = self._scheduler.desired_period_ms(kind)
            effective = int(feed.effective_period_s * 1000) if feed else desired
            reason = self._scheduler.inactive_reason(kind)
            if reason == "streamed":
                reason = None
                desired = effective = max(desired, STREAM_PERIOD_MS.get(kind, desired))
                if kind in self._stream_live and kind not in STREAM_PERIOD_MS:
                    self._health.record_success(kind, self._health_symbol(kind), now)
            health[kind.value] = self._health.snapshot(
                kind,
                now_ms=now,
                desired_period_ms=desired,
                effective_period_ms=effective,
                inactive_reason=reason,
            )
        return health

    def _health_symbol(self, kind: FeedKind) -> str | None:
        return self._scheduler.active_symbol if kind in ACTIVE_SYMBOL_KINDS else None

    def _maybe_emit_status(self, now: int) -> None:
        plan = self._scheduler.plan(now)
        health = self._health_now(now, plan)
        connection = self._connection(now, health)
        if now < self._next_status_ms and connection == self._last_connection:
            return
        self._last_connection = connection
        self._next_status_ms = now + STATUS_PERIOD_MS
        rate = self._client.rate
        from_server = rate.weight_from_server and rate.last_update_ms is not None
        self._emit(
            StatusUpdate(
                connection=connection,
                latency_ms=None if self._latency_ms is None else round(self._latency_ms),
                clock_offset_ms=self._client.clock.offset_ms if self._client.clock.synced else None,
                used_weight_1m=rate.used_weight_1m if from_server else None,
                weight_limit=plan.weight_limit,
                budget=plan.budget_1m,
                planned_weight_1m=round(plan.planned_weight_1m),
                blocked_until_ms=self._scheduler.blocked_until(now),
                message=self._message(connection, now, health, plan),
                health=MappingProxyType(health),
                received_ms=now,
            )
        )

    def _connection(self, now: int, health: Mapping[str, FeedHealth]) -> ConnectionState:
        if self._scheduler.blocked_until(now) is not None:
            return "banned" if self._scheduler.block_reason(now) == "418" else "rate-limited"
        failed_at = self._last_transport_failure_ms
        if failed_at is not None and (self._last_answer_ms is None or failed_at >= self._last_answer_ms):
            return "offline"
        if self._last_answer_ms is None:
            return "connecting"
        if any(h.state in ("stale", "failing") or (h.state == "waiting" and h.failing) for h in health.values()):
            return "degraded"
        return "online"

    def _message(
        self, connection: ConnectionState, now: int, health: Mapping[str, FeedHealth], plan: BudgetPlan
    ) -> str:
        blocked = self._scheduler.blocked_until(now)
        if blocked is not None:
            seconds = max(1, -(-(blocked - now) // 1000))
            if connection == "banned":
                return f"The exchange banned this IP (HTTP 418): nothing is sent for {seconds} s more."
            return f"Rate limited by the exchange (HTTP 429): nothing is sent for {seconds} s more."
        if connection == "offline":
            return self._last_transport_error or "No answer from the exchange"  # the host and why, in short
        if connection == "connecting":
            return "Connecting to the exchange…"
        squeezed = ""
        if any(feed.stretched for feed in plan.feeds):
            squeezed = (
                f"Other programs on this IP use about {plan.external_weight_1m} weight/min: "
                "refreshing less often to stay within the budget."
            )
        if connection == "degraded":
            degraded = _degraded_message(health)
            return f"{degraded}. {squeezed}" if degraded and squeezed else degraded or squeezed
        return squeezed


def _degraded_message(health: Mapping[str, FeedHealth]) -> str:
    for kind in FeedKind:  # most important first
        entry = health[kind.value]
        if entry.failing and entry.last_error:
            return f"{kind.value}: {entry.last_error}"
    stale = [kind.value for kind in FeedKind if health[kind.value].state == "stale"]
    return f"stale data: {', '.join(stale)}" if stale else ""


def _newest_first(trades: Sequence[Trade | HistoricalTrade]) -> tuple[Trade | HistoricalTrade, ...]:
    """Newest first: by time, then (historical trades) by id; ties keep the server's order reversed."""
    reversed_order = list(reversed(trades))
    return tuple(sorted(reversed_order, key=lambda t: (t.time, getattr(t, "id", 0)), reverse=True))


def _checked_symbol(symbol: str) -> str:
    if not isinstance(symbol, str) or not symbol.strip():
        raise ValueError(f"a symbol must be a non-empty string, got {symbol!r}")
    return symbol.strip().upper()


def _req(value: str | None) -> str:
    if value is None:
        raise ValueError("this request needs a symbol")
    return value
