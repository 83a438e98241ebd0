"""The feeds the console polls and how they are planned.

``FeedKind`` names each feed; beside it sit the default periods, the
priorities (which feed is slowed first when the weight budget is tight), the
endpoint each feed reads, the ``Request`` the scheduler hands the worker, and
the ``BudgetPlan`` it computes (``describe_plan`` prints it).  The scheduler
itself (``jextui.feed.scheduler``) decides when each request goes out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum

import msgspec


class FeedKind(StrEnum):
    """The feeds the worker polls; the value is the name used in config and events."""

    BOOK = "book"
    TRADES = "trades"
    KLINES = "klines"
    OPEN_ORDERS = "open_orders"
    ACCOUNT = "account"
    PRICES = "prices"
    BOOK_TICKERS = "book_tickers"
    TICKERS = "tickers"
    SPARKLINES = "sparklines"
    SERVER_TIME = "server_time"
    EXCHANGE_INFO = "exchange_info"


#: Feeds that fill a pane: polled only while listed in ``set_visible``.
PANE_KINDS: frozenset[FeedKind] = frozenset(
    {
        FeedKind.BOOK,
        FeedKind.TRADES,
        FeedKind.KLINES,
        FeedKind.OPEN_ORDERS,
        FeedKind.ACCOUNT,
        FeedKind.PRICES,
        FeedKind.BOOK_TICKERS,
        FeedKind.TICKERS,
        FeedKind.SPARKLINES,
    }
)
#: Housekeeping feeds: always polled, whatever is on screen.
BACKGROUND_KINDS: frozenset[FeedKind] = frozenset({FeedKind.SERVER_TIME, FeedKind.EXCHANGE_INFO})
#: Feeds about the active symbol: restarted at once when it changes.
ACTIVE_SYMBOL_KINDS: frozenset[FeedKind] = frozenset(
    {FeedKind.BOOK, FeedKind.TRADES, FeedKind.KLINES, FeedKind.OPEN_ORDERS}
)
#: Feeds about every watched symbol.
WATCHLIST_KINDS: frozenset[FeedKind] = frozenset(
    {FeedKind.PRICES, FeedKind.BOOK_TICKERS, FeedKind.TICKERS, FeedKind.SPARKLINES}
)
SIGNED_KINDS = frozenset({FeedKind.OPEN_ORDERS, FeedKind.ACCOUNT})

DEFAULT_PERIODS_S: Mapping[FeedKind, float] = {
    FeedKind.BOOK: 0.4,
    FeedKind.TRADES: 1.0,
    FeedKind.KLINES: 5.0,
    FeedKind.OPEN_ORDERS: 5.0,
    FeedKind.ACCOUNT: 5.0,
    FeedKind.PRICES: 1.0,
    FeedKind.BOOK_TICKERS: 2.0,
    FeedKind.TICKERS: 10.0,
    FeedKind.SPARKLINES: 60.0,
    FeedKind.SERVER_TIME: 60.0,
    FeedKind.EXCHANGE_INFO: 3600.0,
}

#: The active book's poll period while its diff stream runs (unless the
#: user set one): the polls fall between the diffs (see
#: ``FeedScheduler.pushed``), about three a second beside the diff, so a
#: change is on screen within about a quarter of a second, for about 180
#: weight a minute (``benchmarks/bench_streams.py`` measured it).
STREAMED_BOOK_PERIOD_S = 0.26

#: Lower number = more important: stretched last, started first.
PRIORITY: Mapping[FeedKind, int] = {
    FeedKind.BOOK: 0,
    FeedKind.TRADES: 1,
    FeedKind.KLINES: 2,
    FeedKind.OPEN_ORDERS: 3,
    FeedKind.ACCOUNT: 3,
    FeedKind.SERVER_TIME: 3,
    FeedKind.EXCHANGE_INFO: 3,
    FeedKind.PRICES: 4,
    FeedKind.BOOK_TICKERS: 4,
    FeedKind.TICKERS: 4,
    FeedKind.SPARKLINES: 5,
}

MIN_PERIOD_S = 0.1
MAX_PERIOD_S = 86_400.0
#: However tight the budget, a feed is still polled at least this often.
MAX_STRETCHED_PERIOD_S = 120.0


def endpoint_of(kind: FeedKind, historical_trades: bool) -> str:
    if kind is FeedKind.TRADES:
        return "/api/v1/spot/historicalTrades" if historical_trades else "/api/v1/spot/trades"
    return _ENDPOINTS[kind]


_ENDPOINTS: Mapping[FeedKind, str] = {
    FeedKind.BOOK: "/api/v1/spot/depth",
    FeedKind.KLINES: "/api/v1/spot/klines",
    FeedKind.OPEN_ORDERS: "/api/v1/spot/openOrders",
    FeedKind.ACCOUNT: "/api/v1/account",
    FeedKind.PRICES: "/api/v1/spot/ticker/price",
    FeedKind.BOOK_TICKERS: "/api/v1/spot/ticker/bookTicker",
    FeedKind.TICKERS: "/api/v1/spot/ticker/24hr",
    FeedKind.SPARKLINES: "/api/v1/spot/klines",
    FeedKind.SERVER_TIME: "/api/v1/time",
    FeedKind.EXCHANGE_INFO: "/api/v1/exchangeInfo",
}
# Watchlist feeds that have an all-symbol form (klines has none).
HAS_ALL_SYMBOL_FORM = frozenset({FeedKind.PRICES, FeedKind.BOOK_TICKERS, FeedKind.TICKERS})


def parse_periods(periods: Mapping[str, float] | None) -> dict[FeedKind, float]:
    """Default periods overridden by ``periods`` (seconds per feed name).

    Raises ``ValueError`` with a message naming the feed for an unknown name
    or a period that is not a number between 0.1 s and one day.
    """
    merged = dict(DEFAULT_PERIODS_S)
    for name, value in (periods or {}).items():
        kind = feed_kind(name)
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"refresh period for {kind.value!r} must be a number of seconds, got {value!r}") from None
        if not (MIN_PERIOD_S <= seconds <= MAX_PERIOD_S) or math.isnan(seconds):
            raise ValueError(
                f"refresh period for {kind.value!r} must be between {MIN_PERIOD_S} s "
                f"and {MAX_PERIOD_S:.0f} s, got {value!r}"
            )
        merged[kind] = seconds
    return merged


def feed_kind(name: str | FeedKind) -> FeedKind:
    try:
        return FeedKind(name)
    except ValueError:
        known = ", ".join(k.value for k in FeedKind)
        raise ValueError(f"unknown feed {name!r}; known feeds: {known}") from None


# --- value objects ----------------------------------------------------------


class Request(msgspec.Struct, frozen=True):
    """One request the worker should send now.

    ``symbol`` is None for the account, server time, exchange info and the
    all-symbol form of a watchlist feed (``all_symbols`` True).  ``interval``
    is the kline interval for :attr:`FeedKind.KLINES`.  ``seq`` tells two
    requests of the same feed apart.
    """

    kind: FeedKind
    symbol: str | None
    weight: int
    endpoint: str
    all_symbols: bool = False
    interval: str | None = None
    seq: int = 0


class FeedPlan(msgspec.Struct, frozen=True):
    """How one feed is planned right now."""

    kind: FeedKind
    priority: int
    desired_period_s: float
    effective_period_s: float  # after stretching for the budget
    requests_per_cycle: int  # requests to refresh everything the feed covers once
    weight_per_cycle: int
    all_symbols: bool
    endpoint: str

    @property
    def weight_per_minute(self) -> float:
        return self.weight_per_cycle * 60.0 / self.effective_period_s

    @property
    def stretched(self) -> bool:
        return self.effective_period_s > self.desired_period_s * 1.0001


class BudgetPlan(msgspec.Struct, frozen=True):
    """The whole plan: active feeds (highest priority first) and the budget."""

    feeds: tuple[FeedPlan, ...]
    weight_limit: int
    weight_share: float
    external_weight_1m: int  # weight other programs on this IP use per minute (estimate)

    @property
    def budget_1m(self) -> int:
        """Weight per minute we allow everything (ours + others') to use."""
        return int(self.weight_limit * self.weight_share)

    @property
    def planned_weight_1m(self) -> float:
        return sum(f.weight_per_minute for f in self.feeds)

    def feed(self, kind: str) -> FeedPlan | None:
        wanted = feed_kind(kind)
        return next((f for f in self.feeds if f.kind is wanted), None)


# --- the budget -------------------------------------------------------------


def stretch_to_budget(feeds: list[FeedPlan], available_1m: float) -> list[FeedPlan]:
    """Stretch periods, lowest priority first, until the feeds fit ``available_1m``."""
    total = sum(f.weight_per_minute for f in feeds)
    result = {f.kind: f for f in feeds}
    for plan in sorted(feeds, key=lambda f: (-f.priority, -KIND_ORDER[f.kind])):
        excess = total - available_1m
        if excess <= 0:
            break
        slowest = max(MAX_STRETCHED_PERIOD_S, plan.desired_period_s)
        floor_rate = plan.weight_per_cycle * 60.0 / slowest
        cut = min(excess, plan.weight_per_minute - floor_rate)
        if cut <= 0:
            continue
        new_rate = plan.weight_per_minute - cut
        period = plan.weight_per_cycle * 60.0 / new_rate
        result[plan.kind] = msgspec.structs.replace(plan, effective_period_s=period)
        total -= cut
    return [result[f.kind] for f in feeds]


KIND_ORDER: Mapping[FeedKind, int] = {kind: index for index, kind in enumerate(FeedKind)}


def describe_plan(plan: BudgetPlan) -> str:
    """A text table of ``plan`` (feed, period, requests, weight per minute)."""
    lines = [
        f"{'feed':<14} {'period':>7} {'requests/poll':<16} {'weight/poll':>11} {'weight/min':>11} {'freshness':>10}"
    ]
    for feed in plan.feeds:
        requests = (
            "1 all-symbol"
            if feed.all_symbols
            else (f"{feed.requests_per_cycle} per symbol" if feed.kind in WATCHLIST_KINDS else "1")
        )
        lines.append(
            f"{feed.kind.value:<14} {_seconds(feed.effective_period_s):>7} {requests:<16} "
            f"{feed.weight_per_cycle:>11} {feed.weight_per_minute:>11.1f} "
            f"{_seconds(feed.effective_period_s):>10}"
        )
    lines.append(f"{'total':<14} {'':>7} {'':<16} {'':>11} {plan.planned_weight_1m:>11.1f}  (budget {plan.budget_1m})")
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 1000 else f"{value:.1f} s"
