"""The budget-aware market-data feed: what to poll, when, and the events it yields.

Layers: ``ui -> feed -> api``; nothing here imports Textual.  The app creates
a :class:`FeedWorker` around its ``JexClient``, runs ``worker.run()`` as a
task and turns the events given to its sink into Textual messages.

    worker = FeedWorker(client, sink, active_symbol="BTCUSDT", watchlist=["BTCUSDT", "ETHUSDT"])
    task = asyncio.create_task(worker.run())
    worker.set_visible({"book", "trades", "klines", "prices", "tickers", "sparklines"})
    ...
    worker.stop(); await task

Feed names (``FeedKind`` values) for ``set_visible`` and ``refresh_now``, by pane:

====================  =====================================================
pane                  feeds
====================  =====================================================
watchlist             ``prices``, ``tickers``, ``sparklines``
grid view tiles       ``prices``, ``tickers``, ``book_tickers``, ``sparklines``
order book            ``book`` (and ``open_orders`` to mark the user's orders)
recent trades         ``trades``
klines                ``klines``
balances              ``account``
open orders           ``open_orders``
(always polled)       ``server_time``, ``exchange_info``
====================  =====================================================

All pane feeds are visible until ``set_visible`` says otherwise.  Every event
carries ``received_ms``; ``StatusUpdate`` (about once a second, and at once
when the connection state changes) carries each feed's :class:`FeedHealth`
(age, stale past 3 x its period, last error) for the status bar and panes.
"""

from __future__ import annotations

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
from jextui.feed.health import STALE_AFTER_PERIODS, FeedHealth, FeedState, HealthTracker
from jextui.feed.scheduler import (
    ACTIVE_SYMBOL_KINDS,
    BACKGROUND_KINDS,
    DEFAULT_PERIODS_S,
    PANE_KINDS,
    PRIORITY,
    WATCHLIST_KINDS,
    BudgetPlan,
    FeedKind,
    FeedPlan,
    FeedScheduler,
    Request,
    describe_plan,
    parse_periods,
)
from jextui.feed.worker import DEPTH_LIMITS, FeedClient, FeedWorker, depth_limit_for

__all__ = [
    "ACTIVE_SYMBOL_KINDS",
    "BACKGROUND_KINDS",
    "DEFAULT_PERIODS_S",
    "DEPTH_LIMITS",
    "PANE_KINDS",
    "PRIORITY",
    "STALE_AFTER_PERIODS",
    "WATCHLIST_KINDS",
    "AccountUpdate",
    "BookTickersUpdate",
    "BookUpdate",
    "BudgetPlan",
    "ConnectionState",
    "ExchangeInfoUpdate",
    "FeedClient",
    "FeedEvent",
    "FeedFailed",
    "FeedHealth",
    "FeedKind",
    "FeedPlan",
    "FeedScheduler",
    "FeedState",
    "FeedWorker",
    "HealthTracker",
    "KlinesUpdate",
    "OpenOrdersUpdate",
    "PricesUpdate",
    "Request",
    "SparklineUpdate",
    "StatusUpdate",
    "TickersUpdate",
    "TradesUpdate",
    "depth_limit_for",
    "describe_plan",
    "parse_periods",
]
