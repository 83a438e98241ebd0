"""A fake clock and a fake JEX client for the feed worker's tests.

The clock is virtual: ``sleep`` first lets every ready task run (a wake-up
cancels it there) and only then moves time forward, so the worker's loop runs
as a discrete-event simulation and no test waits for real.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jextui.api.errors import ConnectionFailed
from jextui.api.models import (
    Account,
    Balance,
    BookTicker,
    Depth,
    DepthLevel,
    ExchangeInfo,
    HistoricalTrade,
    Kline,
    Order,
    OrderId,
    PriceTicker,
    RateLimit,
    Ticker24hr,
    Trade,
)

START_MS = 1_700_000_000_000
ALL_SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT")


def symbol_id(symbol: str) -> int:
    """A number that identifies ``symbol``'s data (depth lastUpdateId, kline trades ...)."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(symbol))


def price_of(symbol: str) -> Decimal:
    return Decimal(symbol_id(symbol)) / Decimal(100)


class FakeClock:
    def __init__(self, start_ms: int = START_MS) -> None:
        self.now = start_ms

    def now_ms(self) -> int:
        return self.now

    async def sleep(self, seconds: float) -> None:
        for _ in range(4):
            await asyncio.sleep(0)  # let ready tasks run; a wake-up cancels us here
        self.now += max(1, math.ceil(seconds * 1000))


class FakeRate:
    def __init__(self) -> None:
        self.used_weight_1m = 0
        self.weight_limit = 1200
        self.blocked_until_ms: int | None = None
        self.block_reason: str | None = None
        self.last_update_ms: int | None = None
        self.weight_from_server = True


class FakeServerClock:
    def __init__(self) -> None:
        self.offset_ms = 0
        self.synced = False
        self.rtt_ms: int | None = None


Responder = Callable[..., Any]


class FakeClient:
    """Answers like the exchange would, records every call and its time.

    ``fail[name]``: an error to raise (or a callable returning one / None).
    ``gate[key]``: calls wait for this event before answering; ``key`` is
    ``name``, ``name:symbol`` or ``name:symbol:interval``.  A key also in
    ``swallow_cancel`` answers even when cancelled (a late answer).
    ``external_weight``: weight another program adds to the server's count.
    """

    def __init__(self, clock: FakeClock, *, api_key: bool = False, signed: bool = False) -> None:
        self._clock = clock
        self.has_api_key = api_key or signed
        self.has_credentials = signed
        self.rate = FakeRate()
        self.clock = FakeServerClock()
        self.calls: list[tuple[int, str, tuple[Any, ...]]] = []
        self.fail: dict[str, BaseException | Callable[[tuple[Any, ...]], BaseException | None]] = {}
        self.down = False  # every call fails as if the exchange were unreachable
        self.gate: dict[str, asyncio.Event] = {}
        self.swallow_cancel: set[str] = set()
        self.external_weight = 0
        self._window: deque[tuple[int, int]] = deque()

    # --- bookkeeping ---------------------------------------------------------

    def called(self, name: str) -> list[tuple[int, tuple[Any, ...]]]:
        return [(t, args) for t, n, args in self.calls if n == name]

    async def _answer(self, name: str, weight: int, args: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        now = self._clock.now
        self.calls.append((now, name, args))
        self._count(now, weight)
        key = self._key(self.gate, name, args)
        if key is not None:
            try:
                await self.gate[key].wait()
            except asyncio.CancelledError:
                if key not in self.swallow_cancel:
                    raise
        else:
            await asyncio.sleep(0)
        if self.down:
            raise ConnectionFailed("connection refused", endpoint=name)
        failure = self.fail.get(name)
        if callable(failure) and not isinstance(failure, BaseException):
            failure = failure(args)
        if failure is not None:
            raise failure
        return make()

    @staticmethod
    def _key(table: dict[str, Any], name: str, args: tuple[Any, ...]) -> str | None:
        """``name:arg0:arg1``, ``name:arg0`` or ``name``, the most specific one in ``table``."""
        for key in (f"{name}:{':'.join(map(str, args[:2]))}", f"{name}:{args[0]}" if args else name, name):
            if key in table:
                return key
        return None

    def _count(self, now: int, weight: int) -> None:
        self._window.append((now, weight))
        while self._window and self._window[0][0] <= now - 60_000:
            self._window.popleft()
        self.rate.used_weight_1m = sum(w for _, w in self._window) + self.external_weight
        self.rate.last_update_ms = now

    # --- endpoints -----------------------------------------------------------

    async def sync_time(self) -> int:
        def make() -> int:
            self.clock.offset_ms, self.clock.synced = 42, True
            return 42

        return await self._answer("sync_time", 1, (), make)

    async def exchange_info(self) -> ExchangeInfo:
        return await self._answer("exchange_info", 1, (), lambda: make_exchange_info(self._clock.now))

    async def depth(self, symbol: str, limit: int | None = None) -> Depth:
        return await self._answer("depth", 1, (symbol, limit), lambda: make_depth(symbol))

    async def trades(self, symbol: str, limit: int | None = None) -> list[Trade]:
        return await self._answer("trades", 1, (symbol, limit), lambda: make_trades(symbol, self._clock.now))

    async def historical_trades(
        self, symbol: str, limit: int | None = None, from_id: int | None = None
    ) -> list[HistoricalTrade]:
        return await self._answer(
            "historical_trades", 5, (symbol, limit), lambda: make_historical(symbol, self._clock.now)
        )

    async def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[Kline]:
        return await self._answer("klines", 1, (symbol, interval, limit), lambda: make_klines(symbol, limit or 10))

    async def ticker_24hr(self, symbol: str | None = None) -> Any:
        weight = 40 if symbol is None else 1
        return await self._answer("ticker_24hr", weight, (symbol,), lambda: _one_or_all(symbol, make_ticker))

    async def ticker_price(self, symbol: str | None = None) -> Any:
        weight = 2 if symbol is None else 1
        make = lambda s: PriceTicker(symbol=s, price=price_of(s))  # noqa: E731
        return await self._answer("ticker_price", weight, (symbol,), lambda: _one_or_all(symbol, make))

    async def book_ticker(self, symbol: str | None = None) -> Any:
        weight = 2 if symbol is None else 1
        return await self._answer("book_ticker", weight, (symbol,), lambda: _one_or_all(symbol, make_book_ticker))

    async def account(self) -> Account:
        return await self._answer("account", 1, (), make_account)

    async def open_orders(self, symbol: str) -> list[Order]:
        return await self._answer("open_orders", 5, (symbol,), lambda: [make_order(symbol)])


def _one_or_all(symbol: str | None, make: Callable[[str], Any]) -> Any:
    return make(symbol) if symbol is not None else [make(s) for s in ALL_SYMBOLS]


# --- sample objects ------------------------------------------------------------


def make_depth(symbol: str) -> Depth:
    price = price_of(symbol)
    return Depth(
        last_update_id=symbol_id(symbol),
        bids=[DepthLevel(price - 1, Decimal("1.5"))],
        asks=[DepthLevel(price + 1, Decimal("2.5"))],
    )


def make_trades(symbol: str, now: int) -> list[Trade]:
    price = price_of(symbol)
    # oldest first, as the exchange sends them
    return [Trade(price=price + i, qty=Decimal("0.1"), time=now - 3000 + i * 1000) for i in range(3)]


def make_historical(symbol: str, now: int) -> list[HistoricalTrade]:
    price = price_of(symbol)
    return [
        HistoricalTrade(
            id=OrderId(100 + i), price=price + i, qty=Decimal("0.2"), time=now - 3000 + i * 1000, buyer_maker=i % 2 == 0
        )
        for i in range(3)
    ]


def make_klines(symbol: str, count: int) -> list[Kline]:
    base = price_of(symbol)
    return [
        Kline(
            open_time=i * 60_000,
            open=base,
            high=base + 2,
            low=base - 2,
            close=base + i,
            volume=Decimal("10"),
            close_time=i * 60_000 + 59_999,
            quote_volume=Decimal("100"),
            trades=symbol_id(symbol),
            taker_buy_base_volume=Decimal("5"),
            taker_buy_quote_volume=Decimal("50"),
        )
        for i in range(count)
    ]


def make_ticker(symbol: str) -> Ticker24hr:
    price = price_of(symbol)
    return Ticker24hr(
        symbol=symbol,
        price_change=Decimal("1"),
        price_change_percent=Decimal("2.5"),
        weighted_avg_price=price,
        last_price=price,
        bid_price=price - 1,
        bid_qty=Decimal("1"),
        ask_price=price + 1,
        ask_qty=Decimal("1"),
        open_price=price - 1,
        high_price=price + 3,
        low_price=price - 3,
        volume=Decimal("1000"),
        quote_volume=Decimal("99999"),
        open_time=0,
        close_time=1,
    )


def make_book_ticker(symbol: str) -> BookTicker:
    price = price_of(symbol)
    return BookTicker(
        symbol=symbol, bid_price=price - 1, bid_qty=Decimal("3"), ask_price=price + 1, ask_qty=Decimal("4")
    )


def make_account() -> Account:
    balance = Balance(
        asset="USDT", can_deposit=True, can_trade=True, can_withdraw=True, free=Decimal("1000"), locked=Decimal("0")
    )
    return Account(update_time=1, spot_balances=[balance])


def make_order(symbol: str) -> Order:
    return Order(
        symbol=symbol,
        order_id=OrderId(7),
        price=price_of(symbol),
        orig_qty=Decimal("1"),
        executed_qty=Decimal("0"),
        cummulative_quote_qty=Decimal("0"),
        status="NEW",
        time_in_force="GTC",
        type="LIMIT",
        side="BUY",
        time=1,
        update_time=1,
    )


def make_exchange_info(now: int) -> ExchangeInfo:
    return ExchangeInfo(
        timezone="UTC",
        server_time=now,
        rate_limits=[RateLimit(rate_limit_type="requestsWeight", interval="minute", limit=1200)],
    )
