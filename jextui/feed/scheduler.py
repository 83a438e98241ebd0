"""What to poll and when, within the exchange's request-weight budget.

Pure planning: no I/O, no asyncio, no clock of its own (every method that
needs the time takes ``now_ms``).  :class:`~jextui.feed.worker.FeedWorker`
asks :meth:`FeedScheduler.due` which requests to send, tells it when each one
finished, and feeds it the rate state the client read from the server's
headers.

Rules
-----
* Every feed has a desired period and a weight per request (the client's
  table, ``jextui.api.limits.weight_of``: depth 1 whatever the limit, trades 1, historicalTrades 5, klines 1,
  openOrders 5, account 1, ticker/price and bookTicker 1 per symbol or 2 for
  all, ticker/24hr 1 per symbol or 40 for all).
* Watchlist feeds use whichever is cheaper: one all-symbol request or one
  request per watched symbol.  Per-symbol feeds rotate: each poll fetches the
  symbol whose data is oldest, ``period / N`` apart, so every symbol is
  refreshed once per period and the weight is spread evenly over the minute.
* Planned weight plus the weight other programs on the same IP use (what the
  server's ``X-MBX-USED-WEIGHT-1M`` shows beyond our own requests) is kept
  under ``weight_share`` of the per-minute limit: when it would not fit,
  periods are stretched, lowest priority first (sparklines, then the
  watchlist, then account/open orders, klines, trades, and the active book
  last).  A request is also held back while the server's used weight (decayed
  since it was read, plus what we sent since) leaves no room for it; while
  that holds everything back, one light request a second (within the limit's
  headroom above the budget) reads the real count again, so a window that
  restarted is noticed at once.  Others' use is estimated from the current
  window only: a new window (a lower count) starts the estimate afresh.
* Panes not on screen are not polled (:meth:`FeedScheduler.set_visible`),
  nor feeds the WebSocket streams carry (:meth:`FeedScheduler.set_streamed`);
  a feed handed back to polling is polled at once.
* During a 429/418 block nothing at all is sent until Retry-After has passed.
  Then the server time goes alone first: what the server said before the
  block is forgotten, and that one answer's used-weight header tells whether
  the window has room (a burst into a full window would collect strikes).
* A failed request backs off exponentially (from the feed's desired period,
  never sooner than its planned cadence).  Passing faults (no connection,
  5xx, an answer cut short) end together: the first successful answer has
  every feed that is backing off after them polled at once, and while nothing
  answers, the server time (weight 1) probes the exchange as often as the
  fastest pane wants data, so every pane is fresh again within two of its
  periods after the exchange recovers.
* The active symbol's book, trades, klines and open orders come first, and
  one request slot is kept free for the book so a slow request never delays it.

Default plan
------------
Weight per minute with an API key and secret configured and every pane
visible (the most expensive case), as :func:`describe_plan` prints it (a test
checks that these tables are what the code computes).  Budget: 80 % of 1200.
Freshness is how old a pane's data gets at most (its period, plus one round
trip); a pane is marked stale past 3 x its effective period.

Active symbol + 1 watched symbol (632 weight/min, 53 % of the limit)::

    feed            period requests/poll    weight/poll  weight/min  freshness
    book             0.4 s 1                          1       150.0      0.4 s
    trades           1.0 s 1                          5       300.0      1.0 s
    klines           5.0 s 1                          1        12.0      5.0 s
    open_orders      5.0 s 1                          5        60.0      5.0 s
    account          5.0 s 1                          1        12.0      5.0 s
    server_time     60.0 s 1                          1         1.0     60.0 s
    exchange_info   3600 s 1                          1         0.0     3600 s
    prices           1.0 s 1 per symbol               1        60.0      1.0 s
    book_tickers     2.0 s 1 per symbol               1        30.0      2.0 s
    tickers         10.0 s 1 per symbol               1         6.0     10.0 s
    sparklines      60.0 s 1 per symbol               1         1.0     60.0 s
    total                                                     632.0  (budget 960)

Active symbol + 20 watched symbols (855 weight/min, 71 % of the limit)::

    feed            period requests/poll    weight/poll  weight/min  freshness
    book             0.4 s 1                          1       150.0      0.4 s
    trades           1.0 s 1                          5       300.0      1.0 s
    klines           5.0 s 1                          1        12.0      5.0 s
    open_orders      5.0 s 1                          5        60.0      5.0 s
    account          5.0 s 1                          1        12.0      5.0 s
    server_time     60.0 s 1                          1         1.0     60.0 s
    exchange_info   3600 s 1                          1         0.0     3600 s
    prices           1.0 s 1 all-symbol               2       120.0      1.0 s
    book_tickers     2.0 s 1 all-symbol               2        60.0      2.0 s
    tickers         10.0 s 20 per symbol             20       120.0     10.0 s
    sparklines      60.0 s 20 per symbol             20        20.0     60.0 s
    total                                                     855.0  (budget 960)

Without a key, trades use ``/spot/trades`` (weight 1: 60/min) and account and
open orders are not polled: 320 (1 symbol) and 543 (20 symbols) weight/min.
The watchlist uses the all-symbol ticker/price and bookTicker from 2 symbols
on (2 < 1 x N), and per-symbol ticker/24hr below 40 symbols (N < 40).  The
book at 0.4 s keeps its age under 0.4 s plus one round trip, within issue 7's
goal (p95 <= 600 ms); the best refresh the budget would allow the book alone
is 960 / 60 = 16 per second.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from jextui.api.limits import weight_of
from jextui.feed.feed_plan import (
    ACTIVE_SYMBOL_KINDS,
    BACKGROUND_KINDS,
    DEFAULT_PERIODS_S,
    HAS_ALL_SYMBOL_FORM,
    KIND_ORDER,
    MAX_STRETCHED_PERIOD_S,
    MIN_PERIOD_S,
    PANE_KINDS,
    PRIORITY,
    SIGNED_KINDS,
    WATCHLIST_KINDS,
    BudgetPlan,
    FeedKind,
    FeedPlan,
    Request,
    describe_plan,
    endpoint_of,
    feed_kind,
    parse_periods,
    stretch_to_budget,
)
from jextui.feed.server_weight import ServerWeightView

__all__ = [
    "FeedKind",
    "PANE_KINDS",
    "BACKGROUND_KINDS",
    "ACTIVE_SYMBOL_KINDS",
    "WATCHLIST_KINDS",
    "DEFAULT_PERIODS_S",
    "PRIORITY",
    "MIN_PERIOD_S",
    "MAX_STRETCHED_PERIOD_S",
    "Request",
    "FeedPlan",
    "BudgetPlan",
    "FeedScheduler",
    "describe_plan",
    "parse_periods",
]


#: Failures back off exponentially up to this (network trouble, 5xx ...).
MAX_RETRY_BACKOFF_MS = 10_000
#: Errors that will not go away by themselves (bad key, bad symbol) retry slowly.
PERMANENT_RETRY_MS = 60_000
#: Share of the budget the plan fills when others use the IP too (the rest
#: absorbs their bursts, so requests are rarely held back).
PLAN_HEADROOM = 0.95
#: While the server's used weight leaves no room, look again this soon.
GUARD_RECHECK_MS = 500
#: While the budget guard holds everything back, one request (inside the
#: limit's headroom) reads the server's count again at most this often.
GUARD_PROBE_MS = 1_000

DEFAULT_WEIGHT_LIMIT = 1200

# --- weights --------------------------------------------------------------

WeightOf = Callable[[str, "str | None"], int]
"""``(endpoint path, symbol or None for all symbols) -> request weight``."""


# --- per-feed timing ---------------------------------------------------------


@dataclass
class _FeedTiming:
    last_start_ms: int | None = None
    retry_at_ms: int | None = None
    failures: int = 0
    forced: bool = False
    in_flight: Request | None = None
    fetched_ms: dict[str, int] = field(default_factory=dict)  # per-symbol feeds
    passing_fault: bool = False  # backing off after a fault that goes away by itself


# --- the scheduler ------------------------------------------------------------


class FeedScheduler:
    """Decides which requests to send and when (see the module docstring)."""

    def __init__(
        self,
        periods: Mapping[str, float] | None = None,
        *,
        weight_share: float = 0.8,
        weight_limit: int = DEFAULT_WEIGHT_LIMIT,
        max_in_flight: int = 4,
        weight_of: WeightOf = weight_of,
    ) -> None:
        share = float(weight_share)
        if not 0.0 < share <= 1.0:
            raise ValueError(f"weight_share must be above 0 and at most 1, got {weight_share!r}")
        if max_in_flight < 2:
            raise ValueError("max_in_flight must be at least 2 (one slot is kept for the book)")
        self._periods = parse_periods(periods)
        self._weight_share = share
        self._weight_limit = weight_limit
        self._max_in_flight = max_in_flight
        self._weight_of = weight_of
        self._timing = {kind: _FeedTiming() for kind in FeedKind}
        self._server = ServerWeightView()
        self._active_symbol: str | None = None
        self._watchlist: tuple[str, ...] = ()
        self._visible: frozenset[FeedKind] = PANE_KINDS
        self._streamed: frozenset[FeedKind] = frozenset()
        self._api_key = False
        self._signed = False
        self._kline_interval = "1m"
        self._blocked_until_ms: int | None = None
        self._block_reason: str | None = None
        self._seq = 0
        self._outage = False  # the latest answer was a passing fault: probe until one succeeds
        self._probe_after_block = False  # a 429/418 block just ended: one request first, to read the count

    # --- context --------------------------------------------------------------

    @property
    def active_symbol(self) -> str | None:
        return self._active_symbol

    @property
    def watchlist(self) -> tuple[str, ...]:
        return self._watchlist

    @property
    def visible(self) -> frozenset[FeedKind]:
        return self._visible

    @property
    def kline_interval(self) -> str:
        return self._kline_interval

    @property
    def uses_historical_trades(self) -> bool:
        return self._api_key

    @property
    def weight_share(self) -> float:
        return self._weight_share

    @property
    def weight_limit(self) -> int:
        return self._weight_limit

    def set_active_symbol(self, symbol: str | None) -> None:
        """Switch the active symbol: its feeds restart at once, old answers are orphaned."""
        if symbol == self._active_symbol:
            return
        self._active_symbol = symbol
        for kind in ACTIVE_SYMBOL_KINDS:
            self._restart(kind)

    def set_watchlist(self, symbols: Sequence[str]) -> None:
        """Watch these symbols (order kept, duplicates dropped); new ones are fetched first."""
        unique = tuple(dict.fromkeys(symbols))
        if unique == self._watchlist:
            return
        added = set(unique) - set(self._watchlist)
        self._watchlist = unique
        for kind in WATCHLIST_KINDS:
            timing = self._timing[kind]
            timing.fetched_ms = {s: t for s, t in timing.fetched_ms.items() if s in unique}
            if added and kind is not FeedKind.SPARKLINES:
                timing.forced = True

    def set_visible(self, kinds: Iterable[str]) -> None:
        """Poll only these pane feeds; feeds that come back on screen are fetched at once."""
        wanted = frozenset(feed_kind(k) for k in kinds) & PANE_KINDS
        for kind in wanted - self._visible:
            self._timing[kind].forced = True
        self._visible = wanted

    @property
    def streamed(self) -> frozenset[FeedKind]:
        return self._streamed

    def set_streamed(self, kinds: Iterable[str]) -> None:
        """Do not poll these pane feeds (the streams carry them); feeds handed back are polled at once."""
        wanted = frozenset(feed_kind(k) for k in kinds) & PANE_KINDS
        for kind in self._streamed - wanted:
            self._timing[kind].forced = True
        self._streamed = wanted

    def pushed(self, kind: str, at_ms: int) -> None:
        """A stream brought ``kind`` up to date at ``at_ms``: its next poll counts from then.

        For a feed polled beside its stream (the active book beside its
        once-a-second diffs): a poll just after a push would show nothing
        new, so the polls fill the gaps between the pushes instead of
        falling anywhere.  Nothing changes while a poll is in flight or
        before the first one.
        """
        timing = self._timing[feed_kind(kind)]
        if timing.in_flight is None and timing.last_start_ms is not None and at_ms > timing.last_start_ms:
            timing.last_start_ms = at_ms

    def set_credentials(self, *, api_key: bool, signed: bool) -> None:
        """``api_key``: historicalTrades is available; ``signed``: account and open orders."""
        if api_key != self._api_key:
            self._restart(FeedKind.TRADES)
        self._api_key, self._signed = api_key, signed

    def set_kline_interval(self, interval: str) -> None:
        if interval != self._kline_interval:
            self._kline_interval = interval
            self._restart(FeedKind.KLINES)

    def set_weight_limit(self, limit: int) -> None:
        if limit > 0:
            self._weight_limit = limit

    def refresh_now(self, kind: str) -> None:
        """Poll ``kind`` as soon as the budget and any block allow."""
        timing = self._timing[feed_kind(kind)]
        timing.forced = True
        timing.retry_at_ms = None

    def _restart(self, kind: FeedKind) -> None:
        timing = self._timing[kind]
        timing.in_flight = None
        timing.last_start_ms = None
        timing.retry_at_ms = None
        timing.failures = 0
        timing.forced = True

    # --- what the server says -----------------------------------------------

    def observe_rate(
        self,
        *,
        used_weight_1m: int | None,
        at_ms: int | None,
        weight_limit: int | None = None,
        blocked_until_ms: int | None = None,
        block_reason: str | None = None,
        sent_ms: int | None = None,
    ) -> None:
        """Take in the client's rate state (read from the last response's headers).

        ``used_weight_1m`` must be the server's own figure (never a count the
        client kept for answers without the header), received at ``at_ms``
        for a request sent at ``sent_ms`` (None: taken as ``at_ms``).
        """
        if weight_limit:
            self.set_weight_limit(weight_limit)
        if used_weight_1m is not None and at_ms is not None:
            self._server.observe(used_weight_1m, at_ms, sent_ms)
        if blocked_until_ms is not None:
            self.block_until(blocked_until_ms, block_reason)

    def block_until(self, until_ms: int, reason: str | None = None) -> None:
        """Send nothing before ``until_ms`` (a 429/418 with Retry-After)."""
        if self._blocked_until_ms is None or until_ms > self._blocked_until_ms:
            self._blocked_until_ms = until_ms
            self._block_reason = reason

    def blocked_until(self, now_ms: int) -> int | None:
        """End of the current block, or None when sending is allowed."""
        if self._blocked_until_ms is not None and now_ms >= self._blocked_until_ms:
            self._server.forget_readings(self._blocked_until_ms)
            self._probe_after_block = True
            self._blocked_until_ms = None
            self._block_reason = None
        return self._blocked_until_ms

    def block_reason(self, now_ms: int) -> str | None:
        return self._block_reason if self.blocked_until(now_ms) is not None else None

    # --- the plan ---------------------------------------------------------------

    def is_active(self, kind: FeedKind) -> bool:
        """Whether ``kind`` is polled at all in the current context."""
        return self.inactive_reason(kind) is None

    def inactive_reason(self, kind: FeedKind) -> str | None:
        """Why ``kind`` is not polled (None when it is)."""
        if kind in BACKGROUND_KINDS:
            return None
        if kind not in self._visible:
            return "hidden"
        if kind in SIGNED_KINDS and not self._signed:
            return "no API key and secret configured"
        if kind in ACTIVE_SYMBOL_KINDS and self._active_symbol is None:
            return "no active symbol"
        if kind in WATCHLIST_KINDS and not self._watchlist:
            return "the watchlist is empty"
        if kind in self._streamed:
            return "streamed"
        return None

    def plan(self, now_ms: int = 0) -> BudgetPlan:
        """The current plan: desired periods stretched to fit the budget."""
        feeds = [self._desired_plan(kind) for kind in self._kinds_by_priority() if self.is_active(kind)]
        external = self._server.external_1m(now_ms)
        budget = self._weight_limit * self._weight_share
        if external:
            # Leave headroom so the guard in due() need not hold requests back.
            budget *= PLAN_HEADROOM
        stretched = stretch_to_budget(feeds, max(0.0, budget - external))
        return BudgetPlan(
            feeds=tuple(stretched),
            weight_limit=self._weight_limit,
            weight_share=self._weight_share,
            external_weight_1m=external,
        )

    def effective_period_ms(self, kind: str, now_ms: int = 0) -> int:
        """The period ``kind`` is polled at now (its desired one when not active)."""
        plan = self.plan(now_ms).feed(kind)
        seconds = plan.effective_period_s if plan else self._periods[feed_kind(kind)]
        return int(seconds * 1000)

    def desired_period_ms(self, kind: str) -> int:
        return int(self._periods[feed_kind(kind)] * 1000)

    def _desired_plan(self, kind: FeedKind) -> FeedPlan:
        endpoint = endpoint_of(kind, self._api_key)
        requests, weight, all_symbols = self._cycle_cost(kind, endpoint)
        return FeedPlan(
            kind=kind,
            priority=PRIORITY[kind],
            desired_period_s=self._periods[kind],
            effective_period_s=self._periods[kind],
            requests_per_cycle=requests,
            weight_per_cycle=weight,
            all_symbols=all_symbols,
            endpoint=endpoint,
        )

    def _cycle_cost(self, kind: FeedKind, endpoint: str) -> tuple[int, int, bool]:
        """(requests, weight, all-symbol form?) to refresh ``kind`` once."""
        if kind not in WATCHLIST_KINDS:
            symbol = self._active_symbol if kind in ACTIVE_SYMBOL_KINDS else None
            return 1, self._weight_of(endpoint, symbol), False
        count = len(self._watchlist)
        per_symbol = count * self._weight_of(endpoint, self._watchlist[0]) if count else 0
        if kind in HAS_ALL_SYMBOL_FORM:
            all_weight = self._weight_of(endpoint, None)
            if all_weight <= per_symbol:
                return 1, all_weight, True
        return count, per_symbol, False

    def _kinds_by_priority(self) -> list[FeedKind]:
        return sorted(FeedKind, key=lambda k: (PRIORITY[k], KIND_ORDER[k]))

    # --- timing -----------------------------------------------------------------

    def due(self, now_ms: int) -> list[Request]:
        """Requests to send now, most important first; each is marked in flight."""
        if self.blocked_until(now_ms) is not None:
            return []
        plan = self.plan(now_ms)
        if self._probe_after_block:
            return self._probe(plan, now_ms)
        budget = plan.budget_1m
        used = self._server.used_now(now_ms)
        started: list[Request] = []
        for feed in plan.feeds:
            if not self._slot_free(feed.kind):
                continue
            if self._next_start_ms(feed, now_ms) > now_ms:
                continue
            request = self._make_request(feed, now_ms)
            if used + request.weight > budget:
                continue  # no room in the server's window right now
            self._start(request, now_ms)
            used += request.weight
            started.append(request)
        if not started:
            started = self._refresh_reading(plan, now_ms, used)
        return started

    def _refresh_reading(self, plan: BudgetPlan, now_ms: int, used: float) -> list[Request]:
        """While feeds are late only because of the budget, read the server's count again.

        The guard's count is an estimate (a reading decayed as if the window
        slid) and others' use is estimated from readings too: when they hold
        back a feed past its *desired* period and no answer came for
        :data:`GUARD_PROBE_MS`, the most important such feed goes alone,
        inside the headroom between the budget and the limit.  Its answer
        shows whether the window restarted or the others stopped.
        """
        server = self._server
        if self.in_flight() or (server.used_at_ms is not None and now_ms - server.used_at_ms < GUARD_PROBE_MS):
            return []
        for feed in plan.feeds:
            timing = self._timing[feed.kind]
            if feed.kind in BACKGROUND_KINDS or not self._slot_free(feed.kind):
                continue
            if timing.retry_at_ms is not None and timing.retry_at_ms > now_ms:
                continue
            desired_ms = feed.desired_period_s * 1000 / max(1, feed.requests_per_cycle)
            if timing.last_start_ms is not None and now_ms - timing.last_start_ms < desired_ms:
                continue
            request = self._make_request(feed, now_ms)
            if used + request.weight > self._weight_limit:
                return []
            self._start(request, now_ms)
            return [request]
        return []

    def _probe(self, plan: BudgetPlan, now_ms: int) -> list[Request]:
        """After a block: the server time alone (weight 1), so its answer tells the server's count.

        Sending every feed at once into a window that may still be full would
        collect a strike per request, and strikes turn a 429 into a ban.
        """
        if self.in_flight():
            return []
        feed = plan.feed(FeedKind.SERVER_TIME)
        if feed is None:
            self._probe_after_block = False
            return []
        request = self._make_request(feed, now_ms)
        self._start(request, now_ms)
        return [request]

    def next_wake_ms(self, now_ms: int) -> int | None:
        """When :meth:`due` may next return something (None: nothing planned)."""
        blocked = self.blocked_until(now_ms)
        if blocked is not None:
            return blocked
        if self._probe_after_block:
            return now_ms + GUARD_RECHECK_MS if self.in_flight() else now_ms
        plan = self.plan(now_ms)
        times = [self._next_start_ms(feed, now_ms) for feed in plan.feeds if self._timing[feed.kind].in_flight is None]
        # A time not in the future belongs to a feed the last due() held back
        # (budget guard or no free slot): look at it again a little later (a
        # finished request wakes the worker sooner anyway).
        times = [t if t > now_ms else now_ms + GUARD_RECHECK_MS for t in times]
        if any(feed.stretched for feed in plan.feeds):
            times.append(now_ms + GUARD_RECHECK_MS)  # a late feed may read the count again (_refresh_reading)
        return min(times, default=None)

    def in_flight(self) -> list[Request]:
        return [t.in_flight for t in self._timing.values() if t.in_flight is not None]

    def _slot_free(self, kind: FeedKind) -> bool:
        if self._timing[kind].in_flight is not None:
            return False
        if kind is FeedKind.BOOK:
            return True  # its slot is always kept free for it
        # Every other feed shares the remaining slots: a slow request never delays the book.
        others = sum(1 for k, t in self._timing.items() if t.in_flight is not None and k is not FeedKind.BOOK)
        return others < self._max_in_flight - 1

    def _next_start_ms(self, feed: FeedPlan, now_ms: int) -> int:
        timing = self._timing[feed.kind]
        if feed.kind is FeedKind.SERVER_TIME and self._outage and timing.last_start_ms is not None:
            return timing.last_start_ms + self._probe_interval_ms()
        cadence = self._cadence_ms(feed, timing, now_ms)
        if timing.retry_at_ms is not None and timing.retry_at_ms > now_ms:
            return max(timing.retry_at_ms, cadence)
        return cadence

    def _cadence_ms(self, feed: FeedPlan, timing: _FeedTiming, now_ms: int) -> int:
        """When the plan wants ``feed`` polled next, failures aside."""
        if timing.forced or timing.last_start_ms is None:
            return now_ms
        if feed.kind in WATCHLIST_KINDS and not feed.all_symbols and self._unfetched(feed.kind):
            return now_ms  # a newly watched symbol: fill its row at once
        interval_ms = feed.effective_period_s * 1000 / max(1, feed.requests_per_cycle)
        return timing.last_start_ms + math.ceil(interval_ms)

    def _probe_interval_ms(self) -> int:
        """While nothing answers: the shortest desired period of the panes polled."""
        periods = [self._periods[kind] for kind in PANE_KINDS if self.is_active(kind)]
        return math.ceil(1000 * max(MIN_PERIOD_S, min(periods, default=self._periods[FeedKind.BOOK])))

    def _make_request(self, feed: FeedPlan, now_ms: int) -> Request:
        self._seq += 1
        symbol: str | None = None
        if feed.kind in ACTIVE_SYMBOL_KINDS:
            symbol = self._active_symbol
        elif feed.kind in WATCHLIST_KINDS and not feed.all_symbols:
            symbol = self._stalest_symbol(feed.kind)
        weight = feed.weight_per_cycle if feed.all_symbols else self._weight_of(feed.endpoint, symbol)
        return Request(
            kind=feed.kind,
            symbol=symbol,
            weight=weight,
            endpoint=feed.endpoint,
            all_symbols=feed.all_symbols,
            interval=self._kline_interval if feed.kind is FeedKind.KLINES else None,
            seq=self._seq,
        )

    def _unfetched(self, kind: FeedKind) -> bool:
        fetched = self._timing[kind].fetched_ms
        return any(symbol not in fetched for symbol in self._watchlist)

    def _stalest_symbol(self, kind: FeedKind) -> str:
        fetched = self._timing[kind].fetched_ms
        # Never fetched first (in watchlist order), then the oldest.
        return min(self._watchlist, key=lambda s: fetched.get(s, -1))

    def _start(self, request: Request, now_ms: int) -> None:
        timing = self._timing[request.kind]
        timing.in_flight = request
        timing.last_start_ms = now_ms
        timing.forced = False
        if request.symbol is not None and request.kind in WATCHLIST_KINDS:
            timing.fetched_ms[request.symbol] = now_ms
        self._server.record_send(now_ms, request.weight)

    def finished(
        self,
        request: Request,
        now_ms: int,
        *,
        ok: bool,
        permanent: bool = False,
    ) -> bool:
        """Record the outcome of ``request``.

        Returns False when the request was orphaned meanwhile (the active
        symbol, the kline interval or the credentials changed): its answer
        must be dropped.  A failure backs off exponentially (up to 10 s), or
        60 s when ``permanent`` (an error that retrying soon will not fix).
        A success ends the back-off of every feed that failed more than once
        in a row for a passing fault: the exchange answers again, so they are
        polled at once (after a single failure a feed is retried at its cadence).
        """
        timing = self._timing[request.kind]
        if timing.in_flight != request:
            return False
        timing.in_flight = None
        if request.kind is FeedKind.SERVER_TIME:
            self._probe_after_block = False  # answered: a 429 starts a new block (and a new probe after it)
        if ok:
            self._outage = False
            timing.failures, timing.retry_at_ms, timing.passing_fault = 0, None, False
            for other in self._timing.values():
                if other.passing_fault and other.failures > 1:  # backing off: the exchange is back, poll it now
                    other.failures, other.retry_at_ms, other.passing_fault = 0, None, False
                    other.forced = other.in_flight is None
            return True
        timing.failures += 1
        timing.passing_fault = not permanent
        self._outage = self._outage or not permanent
        if permanent and request.kind in WATCHLIST_KINDS and request.symbol is not None:
            # One bad watched symbol must not hold up the others: only that
            # symbol waits, the rotation goes on.
            timing.fetched_ms[request.symbol] = now_ms + PERMANENT_RETRY_MS
            return True
        if permanent:
            backoff = PERMANENT_RETRY_MS
        else:
            # From the desired period: a period stretched for the budget now is
            # followed anyway (the retry never comes before the planned cadence),
            # and one that relaxes meanwhile is not waited out.
            period_ms = self.desired_period_ms(request.kind)
            backoff = max(period_ms, min(MAX_RETRY_BACKOFF_MS, period_ms * 2 ** (timing.failures - 1)))
        timing.retry_at_ms = now_ms + int(backoff)
        return True

    def abandon(self, request: Request) -> None:
        """``request`` was cancelled before it finished: poll its feed again soon."""
        timing = self._timing[request.kind]
        if timing.in_flight == request:
            timing.in_flight = None
            timing.forced = True

    def failures(self, kind: str) -> int:
        return self._timing[feed_kind(kind)].failures
