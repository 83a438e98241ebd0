"""The immutable events the feed worker hands to its sink.

Every event has ``received_ms``: when the worker got the answer (epoch ms, the
worker's clock).  Market data events carry the symbol they are about, so a
pane never shows one symbol's data under another's name; the worker drops
answers for a symbol that is no longer active before they become events.

Watchlist events (:class:`TickersUpdate`, :class:`PricesUpdate`,
:class:`BookTickersUpdate`) may cover only some of the watched symbols (when
they are fetched one by one): merge them into what you have.
Mappings are read-only views; sequences are tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

import msgspec

from jextui.api.errors import JexError
from jextui.api.models import (
    Account,
    BookTicker,
    Depth,
    ExchangeInfo,
    HistoricalTrade,
    Kline,
    Order,
    Ticker24hr,
    Trade,
)
from jextui.feed.health import FeedHealth

__all__ = [
    "ConnectionState",
    "FeedEvent",
    "BookUpdate",
    "TradesUpdate",
    "KlinesUpdate",
    "TickersUpdate",
    "PricesUpdate",
    "BookTickersUpdate",
    "SparklineUpdate",
    "AccountUpdate",
    "OpenOrdersUpdate",
    "ExchangeInfoUpdate",
    "FeedFailed",
    "StatusUpdate",
]

ConnectionState = Literal["connecting", "online", "degraded", "offline", "rate-limited", "banned"]
"""* ``connecting``: nothing answered yet.
* ``online``: the latest requests succeed and every polled feed is fresh.
* ``degraded``: answers arrive, but some feed is failing or stale.
* ``offline``: the latest answer was a network failure (no HTTP answer).
* ``rate-limited``: a 429 told us to wait: nothing is sent until ``blocked_until_ms``.
* ``banned``: a 418 (IP ban): nothing is sent until ``blocked_until_ms``.
"""


class FeedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every event the worker emits."""

    received_ms: int


class BookUpdate(FeedEvent, frozen=True):
    """The active symbol's order book (bids best first, asks best first)."""

    symbol: str
    depth: Depth


class TradesUpdate(FeedEvent, frozen=True):
    """The active symbol's recent trades, newest first.

    ``has_side`` is True when they are ``HistoricalTrade`` (with
    ``buyer_maker``: the taker's side is known); False for plain ``Trade``
    (colour by tick direction instead).
    """

    symbol: str
    trades: tuple[Trade | HistoricalTrade, ...]
    has_side: bool


class KlinesUpdate(FeedEvent, frozen=True):
    """The active symbol's klines for ``interval``, oldest first."""

    symbol: str
    interval: str
    klines: tuple[Kline, ...]


class TickersUpdate(FeedEvent, frozen=True):
    """24 h statistics (last price, change %, volume) by symbol."""

    tickers: Mapping[str, Ticker24hr]


class PricesUpdate(FeedEvent, frozen=True):
    """Last prices by symbol (the fast watchlist feed)."""

    prices: Mapping[str, Decimal]


class BookTickersUpdate(FeedEvent, frozen=True):
    """Best bid/ask by symbol (grid tiles)."""

    book_tickers: Mapping[str, BookTicker]


class SparklineUpdate(FeedEvent, frozen=True):
    """Recent closes of a watched symbol, oldest first, one per ``interval``."""

    symbol: str
    interval: str
    closes: tuple[Decimal, ...]


class AccountUpdate(FeedEvent, frozen=True):
    """Balances (spot, contract, option)."""

    account: Account


class OpenOrdersUpdate(FeedEvent, frozen=True):
    """The user's open orders on the active symbol, oldest first."""

    symbol: str
    orders: tuple[Order, ...]


class ExchangeInfoUpdate(FeedEvent, frozen=True):
    """Symbols, precisions, filters and rate limits (at start, then hourly)."""

    info: ExchangeInfo


class FeedFailed(FeedEvent, frozen=True):
    """A poll failed; the pane for ``kind`` should show itself degraded.

    ``symbol`` is the symbol the request was about (None for the account,
    exchange info, server time and all-symbol requests).  The worker goes on
    and retries; ``error.hint`` tells the user what to do.
    """

    kind: str
    symbol: str | None
    error: JexError

    @property
    def message(self) -> str:
        return str(self.error)

    @property
    def hint(self) -> str:
        return self.error.hint


class StatusUpdate(FeedEvent, frozen=True):
    """The connection as a whole, for the status bar (about once a second).

    Weights are per minute.  ``used_weight_1m`` is what the server last
    reported (``X-MBX-USED-WEIGHT-1M``; None before any answer);
    ``budget`` is ``weight_share`` x ``weight_limit``; ``planned_weight_1m``
    is what the current plan uses.  ``blocked_until_ms`` is set while a
    429/418 stops all sending.  ``message`` is a sentence for the user
    (empty when all is well).  Latency is the moving average of our requests'
    round trips; clock offset is server minus local time.
    """

    connection: ConnectionState
    latency_ms: int | None
    clock_offset_ms: int | None
    used_weight_1m: int | None
    weight_limit: int
    budget: int
    planned_weight_1m: int
    blocked_until_ms: int | None
    message: str
    health: Mapping[str, FeedHealth]
