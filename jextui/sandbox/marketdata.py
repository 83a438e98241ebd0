"""Market data derived from the engine: trades, klines, averages, 24 h tickers.

:class:`MarketData` listens to the engine's fills and keeps, per symbol, the
recent trades and one-minute candles of the live market.  Older history
comes from an optional :class:`HistorySource` (the backfill in
``market.py``): tiers of candles of decreasing granularity going back in
time (days, then hours, then minutes) plus a list of backfilled trades, all
generated lazily on first use (the candles: :mod:`jextui.sandbox.candles`).

Klines of every interval are aggregated from those sources: a bucket of an
interval gathers every source candle inside it, so the intervals agree with
each other.  An interval can use a tier only if the tier's candles are not
coarser than the interval (so one-minute klines reach back as far as the
minute tier does, daily klines as far as the daily tier).  Buckets without
any trade repeat the previous close with zero volume, like the exchange.

Recent trades: the backfilled ones, then the live ones; the last
``LIVE_TRADES_KEPT`` (1000) live trades are kept, so ``historical_trades``
reaches back over those (and over the backfill until the live list is full).

Semantics of :meth:`MarketData.klines` (the exchange's): ascending by open
time; with neither start nor end, the most recent ``limit`` buckets ending
with the current, still-open one; with ``start_time`` the first ``limit``
buckets opening at or after it; with ``end_time`` only, the last ``limit``
buckets opening at or before it; with both, the first ``limit`` in range.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

from jextui.sandbox.candles import Candle, CandleBlock, scaler
from jextui.sandbox.clock import Clock
from jextui.sandbox.engine import Engine, EngineError, Fill, invalid_symbol
from jextui.sandbox.symbols import ASSET_DECIMALS, SymbolSpec, unit

__all__ = [
    "MINUTE_MS",
    "HOUR_MS",
    "DAY_MS",
    "WEEK_MS",
    "INTERVAL_MS",
    "TradeRecord",
    "KlineRow",
    "Ticker24",
    "Candle",
    "CandleBlock",
    "HistoryTier",
    "HistorySource",
    "MarketData",
    "interval_start",
    "scaler",
]

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
WEEK_OFFSET_MS = 4 * DAY_MS  # weekly candles open on Monday 00:00 UTC; 1970-01-01 was a Thursday

INTERVAL_MS: dict[str, int] = {
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": HOUR_MS,
    "2h": 2 * HOUR_MS,
    "4h": 4 * HOUR_MS,
    "6h": 6 * HOUR_MS,
    "12h": 12 * HOUR_MS,
    "1d": DAY_MS,
    "3d": 3 * DAY_MS,
    "1w": WEEK_MS,
}

KLINES_MAX_LIMIT = 1000
LIVE_TRADES_KEPT = 1000
AVG_PRICE_MINUTES = 5
ZERO = Decimal(0)
AMOUNT_UNIT = unit(ASSET_DECIMALS)
PERCENT_UNIT = Decimal("0.001")


def interval_start(time_ms: int, interval_ms: int) -> int:
    """Open time of the bucket of ``interval_ms`` containing ``time_ms``."""
    if interval_ms == WEEK_MS:
        return time_ms - (time_ms - WEEK_OFFSET_MS) % WEEK_MS
    return time_ms - time_ms % interval_ms


@dataclass(frozen=True, slots=True)
class TradeRecord:
    id: int
    price: Decimal
    qty: Decimal
    time: int
    buyer_maker: bool


@dataclass(frozen=True, slots=True)
class KlineRow:
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time: int
    quote_volume: Decimal
    trades: int
    taker_buy_base: Decimal
    taker_buy_quote: Decimal


@dataclass(frozen=True, slots=True)
class Ticker24:
    symbol: str
    price_change: Decimal
    price_change_percent: Decimal
    weighted_avg_price: Decimal
    last_price: Decimal
    bid_price: Decimal
    bid_qty: Decimal
    ask_price: Decimal
    ask_qty: Decimal
    open_price: Decimal
    high_price: Decimal
    low_price: Decimal
    volume: Decimal
    quote_volume: Decimal
    open_time: int
    close_time: int


@dataclass(frozen=True)
class HistoryTier:
    """Backfilled candles of one granularity covering ``[start_ms, end_ms)``.

    ``load`` builds the candles on first use: a :class:`CandleBlock`, or a
    list of :class:`Candle` (ascending, each aligned to the granularity).
    """

    granularity_ms: int
    start_ms: int
    end_ms: int
    load: Callable[[], CandleBlock | list[Candle]]


class HistorySource(Protocol):
    """Where backfilled history comes from (see ``market.HistoryBackfill``)."""

    def tiers(self, symbol: str) -> list[HistoryTier]:
        """Tiers in time order (oldest first), ending where the live market starts."""
        ...

    def trades(self, symbol: str) -> list[TradeRecord]:
        """Backfilled trades, ascending; ids 1..n."""
        ...

    def last_price(self, symbol: str) -> Decimal:
        """Where the live market starts (the last backfilled trade's price)."""
        ...


class _Source:
    """Time-ordered candles of one granularity: a lazy backfilled tier or the live list."""

    __slots__ = ("granularity", "start", "end", "_load", "_block", "_candles", "_opens")

    def __init__(
        self,
        granularity: int,
        start: int,
        end: int | None,
        load: Callable[[], CandleBlock | list[Candle]] | None = None,
    ) -> None:
        self.granularity = granularity
        self.start = start
        self.end = end  # None: open-ended (the live tier)
        self._load = load
        self._block: CandleBlock | None = None
        self._candles: list[Candle] = []
        self._opens: list[int] = []

    def _ensure(self) -> None:
        if self._load is not None:
            loaded = self._load()
            self._load = None
            if isinstance(loaded, CandleBlock):
                self._block = loaded
            else:
                self._candles = loaded
                self._opens = [c.open_time for c in loaded]

    @property
    def candles(self) -> list[Candle]:
        """The list of a list-backed source (the live tier)."""
        self._ensure()
        return self._candles

    @property
    def opens(self) -> list[int]:
        self._ensure()
        return self._opens

    def overlaps(self, begin: int, finish: int) -> bool:
        return self.start < finish and (self.end is None or begin < self.end)

    def between(self, begin: int, finish: int) -> list[Candle]:
        self._ensure()
        block = self._block
        if block is not None:
            lo, hi = block.index_range(begin, finish)
            return [block.candle(i) for i in range(lo, hi)]
        opens = self._opens
        lo = bisect.bisect_left(opens, begin)
        hi = bisect.bisect_left(opens, finish, lo)
        return self._candles[lo:hi]

    def aggregate(self, begin: int, finish: int) -> Candle | None:
        """Every candle opening in ``[begin, finish)`` merged, with open time ``begin``."""
        self._ensure()
        block = self._block
        if block is not None:
            lo, hi = block.index_range(begin, finish)
            return block.aggregate(lo, hi, begin)
        total: Candle | None = None
        for candle in self.between(begin, finish):
            if total is None:
                total = candle.copy(begin)
            else:
                total.merge(candle)
        return total

    def last_before(self, time_ms: int) -> Candle | None:
        self._ensure()
        block = self._block
        if block is not None:
            index = block.index_range(self.start, time_ms)[1]
            return block.candle(index - 1) if index else None
        index = bisect.bisect_left(self._opens, time_ms)
        return self._candles[index - 1] if index else None


class _SymbolData:
    __slots__ = (
        "spec",
        "sources",
        "live",
        "live_trades",
        "history",
        "last_price",
        "agg_cache",
        "ticker_cache",
    )

    def __init__(self, spec: SymbolSpec, genesis_ms: int, history: HistorySource | None) -> None:
        self.spec = spec
        self.history = history
        self.sources: list[_Source] = []
        if history is not None:
            for tier in history.tiers(spec.symbol):
                self.sources.append(_Source(tier.granularity_ms, tier.start_ms, tier.end_ms, tier.load))
            self.last_price: Decimal | None = history.last_price(spec.symbol)
        else:
            self.last_price = None
        self.live = _Source(MINUTE_MS, interval_start(genesis_ms, MINUTE_MS), None)
        self.sources.append(self.live)
        self.live_trades: deque[TradeRecord] = deque(maxlen=LIVE_TRADES_KEPT)
        self.agg_cache: dict[tuple[int, int], Candle | None] = {}
        self.ticker_cache: tuple[int, Candle | None] | None = None


class MarketData:
    """Trades, klines, average price and tickers for every symbol of an engine."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        history: HistorySource | None = None,
        genesis_ms: int | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.genesis_ms = clock.now_ms() if genesis_ms is None else genesis_ms
        self._data: dict[str, _SymbolData] = {
            symbol: _SymbolData(spec, self.genesis_ms, history) for symbol, spec in engine.symbols.items()
        }
        engine.add_fill_listener(self.on_fill)

    # --- feeding --------------------------------------------------------------

    def on_fill(self, fill: Fill) -> None:
        """Record a trade of the engine (the engine calls this for every fill)."""
        data = self._data[fill.symbol]
        data.live_trades.append(TradeRecord(fill.trade_id, fill.price, fill.qty, fill.time, fill.buyer_maker))
        data.last_price = fill.price
        self._add_to_live_candle(data, fill.time, fill.price, fill.qty, fill.buyer_maker)

    def _add_to_live_candle(
        self, data: _SymbolData, time_ms: int, price: Decimal, qty: Decimal, buyer_maker: bool
    ) -> None:
        minute = interval_start(time_ms, MINUTE_MS)
        live = data.live
        candles, opens = live.candles, live.opens
        if opens and opens[-1] == minute:
            candles[-1].add_trade(price, qty, buyer_maker)
            return
        if not opens or opens[-1] < minute:
            candles.append(Candle.from_trade(minute, price, qty, buyer_maker))
            opens.append(minute)
            return
        # a trade in an earlier minute (the clock went back): patch history, drop caches
        index = bisect.bisect_left(opens, minute)
        if index < len(opens) and opens[index] == minute:
            candles[index].add_trade(price, qty, buyer_maker)
        else:
            candles.insert(index, Candle.from_trade(minute, price, qty, buyer_maker))
            opens.insert(index, minute)
        data.agg_cache.clear()
        data.ticker_cache = None

    def restore_live(self, symbol: str, candles: Iterable[Candle], trades: Iterable[TradeRecord]) -> None:
        """Put back saved live candles (ascending) and recent trades (ascending)."""
        data = self._symbol(symbol)
        for candle in candles:
            data.live.candles.append(candle)
            data.live.opens.append(candle.open_time)
            data.last_price = candle.close
        for trade in trades:
            data.live_trades.append(trade)
            data.last_price = trade.price
        data.agg_cache.clear()
        data.ticker_cache = None

    def live_candles(self, symbol: str, since_ms: int | None = None) -> list[Candle]:
        """The live market's one-minute candles (opening at or after ``since_ms``), for persistence."""
        live = self._symbol(symbol).live
        if since_ms is None:
            return list(live.candles)
        return live.candles[bisect.bisect_left(live.opens, since_ms) :]

    def live_trades(self, symbol: str, after_id: int | None = None) -> list[TradeRecord]:
        """The live trades kept in memory (those with an id above ``after_id``), for persistence."""
        trades = self._symbol(symbol).live_trades
        if after_id is None:
            return list(trades)
        fresh: list[TradeRecord] = []
        for trade in reversed(trades):
            if trade.id <= after_id:
                break
            fresh.append(trade)
        fresh.reverse()
        return fresh

    def _symbol(self, symbol: str) -> _SymbolData:
        data = self._data.get(symbol)
        if data is None:
            raise invalid_symbol()
        return data

    # --- trades ---------------------------------------------------------------

    def _backfilled_trades(self, data: _SymbolData) -> Sequence[TradeRecord]:
        if data.history is None:
            return ()
        return data.history.trades(data.spec.symbol)

    def recent_trades(self, symbol: str, limit: int = 500) -> list[TradeRecord]:
        """The ``limit`` most recent trades, oldest first."""
        data = self._symbol(symbol)
        if limit <= 0:
            return []
        live = list(data.live_trades)[-limit:]
        missing = limit - len(live)
        if missing <= 0 or len(data.live_trades) == LIVE_TRADES_KEPT:
            return live
        backfill = self._backfilled_trades(data)
        return list(backfill[-missing:]) + live

    def historical_trades(self, symbol: str, *, from_id: int | None = None, limit: int = 500) -> list[TradeRecord]:
        """Trades with ``id >= from_id`` (the first ``limit``), or the most recent ``limit``; oldest first."""
        data = self._symbol(symbol)
        if limit <= 0:
            return []
        if from_id is None:
            return self.recent_trades(symbol, limit)
        live = data.live_trades
        trades: list[TradeRecord] = []
        oldest_live = live[0].id if live else None
        if oldest_live is None or from_id < oldest_live:
            for trade in self._backfilled_trades(data):
                if trade.id >= from_id:
                    trades.append(trade)
                    if len(trades) >= limit:
                        return trades
        for trade in live:
            if trade.id >= from_id:
                trades.append(trade)
                if len(trades) >= limit:
                    break
        return trades

    def last_price(self, symbol: str) -> Decimal:
        """Price of the last trade (the backfill's last price before any live trade)."""
        data = self._symbol(symbol)
        if data.last_price is not None:
            return data.last_price
        return data.spec.initial_price

    # --- candles --------------------------------------------------------------

    def _aggregate(self, data: _SymbolData, begin: int, length: int, now_minute: int) -> Candle | None:
        """Every source candle in ``[begin, begin + length)`` merged into one (None if empty).

        Long buckets are built from cached day or hour sub-buckets so the
        current week does not re-read thousands of minute candles.
        """
        finish = begin + length
        cacheable = length >= HOUR_MS and finish <= now_minute
        if cacheable:
            key = (begin, length)
            if key in data.agg_cache:
                return data.agg_cache[key]
        overlapping = [s for s in data.sources if s.overlaps(begin, finish)]
        coarsest = max((s.granularity for s in overlapping), default=0)
        if length > DAY_MS and coarsest <= DAY_MS and begin % DAY_MS == 0 and length % DAY_MS == 0:
            step = DAY_MS
        elif length > HOUR_MS and coarsest <= HOUR_MS and begin % HOUR_MS == 0:
            step = HOUR_MS
        else:
            step = 0
        total: Candle | None = None
        if step:
            for sub in range(begin, finish, step):
                part = self._aggregate(data, sub, step, now_minute)
                if part is not None:
                    if total is None:
                        total = part.copy(begin)
                    else:
                        total.merge(part)
        else:
            for source in overlapping:
                part = source.aggregate(begin, finish)
                if part is not None:
                    if total is None:
                        total = part
                    else:
                        total.merge(part)
        if cacheable:
            data.agg_cache[(begin, length)] = total
        return total

    def _close_before(self, data: _SymbolData, time_ms: int) -> Decimal | None:
        for source in reversed(data.sources):
            if source.start >= time_ms:
                continue
            candle = source.last_before(time_ms)
            if candle is not None:
                return candle.close
        return None

    def _earliest(self, data: _SymbolData, interval_ms: int) -> int:
        """Open time of the first bucket ``interval_ms`` klines can show."""
        earliest = data.live.start
        for source in reversed(data.sources[:-1]):
            if source.granularity > interval_ms:
                break
            earliest = source.start
        return interval_start(earliest, interval_ms)

    def klines(
        self,
        symbol: str,
        interval: str,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[KlineRow]:
        """Candles of ``interval`` (one of :data:`INTERVAL_MS`), ascending by open time."""
        data = self._symbol(symbol)
        interval_ms = INTERVAL_MS.get(interval)
        if interval_ms is None:
            raise EngineError(-1120, "Invalid interval.")
        limit = max(1, min(int(limit), KLINES_MAX_LIMIT))
        now = self.clock.now_ms()
        first_bucket = self._earliest(data, interval_ms)
        last_bucket = interval_start(now, interval_ms)
        span = (limit - 1) * interval_ms
        if start_time is not None:
            first = max(first_bucket, _align_up(start_time, interval_ms))
            last = min(last_bucket, first + span)
            if end_time is not None:
                last = min(last, interval_start(end_time, interval_ms))
        else:
            if end_time is not None:
                last_bucket = min(last_bucket, interval_start(end_time, interval_ms))
            last = last_bucket
            first = max(first_bucket, last - span)
        if first > last:
            return []
        now_minute = interval_start(now, MINUTE_MS)
        previous_close = self._close_before(data, first)
        rows: list[KlineRow] = []
        for bucket in _buckets(first, last, interval_ms):
            candle = self._aggregate(data, bucket, interval_ms, now_minute)
            if candle is None:
                if previous_close is None:
                    continue
                candle = Candle(bucket, previous_close, previous_close, previous_close, previous_close)
            previous_close = candle.close
            rows.append(_row(candle, interval_ms))
        return rows

    # --- averages and tickers ---------------------------------------------------

    def avg_price(self, symbol: str) -> Decimal:
        """Volume-weighted average price of the last 5 minutes (last price if nothing traded)."""
        data = self._symbol(symbol)
        now = self.clock.now_ms()
        current = interval_start(now, MINUTE_MS)
        begin = current - (AVG_PRICE_MINUTES - 1) * MINUTE_MS
        total = self._aggregate(data, begin, current + MINUTE_MS - begin, current)
        if total is None or not total.volume:
            return self.last_price(symbol)
        return (total.quote_volume / total.volume).quantize(data.spec.price_exp, ROUND_HALF_EVEN)

    def _window_24h(self, data: _SymbolData, now: int) -> Candle | None:
        current = interval_start(now, MINUTE_MS)
        begin = interval_start(now - DAY_MS, MINUTE_MS)
        cached = data.ticker_cache
        if cached is not None and cached[0] == current:
            completed = cached[1]
        else:
            completed = None
            for hour in _buckets(begin, current - 1, HOUR_MS, align=True):
                lo, hi = max(hour, begin), min(hour + HOUR_MS, current)
                part = self._aggregate(data, lo, hi - lo, current)
                if part is not None:
                    if completed is None:
                        completed = part.copy(begin)
                    else:
                        completed.merge(part)
            data.ticker_cache = (current, completed)
        live_part = self._aggregate(data, current, MINUTE_MS, current)
        if completed is None:
            return live_part.copy(begin) if live_part is not None else None
        total = completed.copy()
        if live_part is not None:
            total.merge(live_part)
        return total

    def ticker_24hr(self, symbol: str) -> Ticker24:
        """Rolling 24-hour statistics (minute resolution) with the book's best bid and ask."""
        data = self._symbol(symbol)
        spec = data.spec
        now = self.clock.now_ms()
        last = self.last_price(symbol)
        window = self._window_24h(data, now)
        bid, ask = self.engine.best_bid_ask(symbol)
        if window is None:
            open_price = high = low = last
            volume = quote_volume = ZERO
            open_time = now - DAY_MS
        else:
            open_price, high, low = window.open, window.high, window.low
            volume, quote_volume = window.volume, window.quote_volume
            open_time = window.open_time
        change = last - open_price
        percent = (change * 100 / open_price).quantize(PERCENT_UNIT, ROUND_HALF_EVEN) if open_price else ZERO
        weighted = (quote_volume / volume).quantize(spec.price_exp, ROUND_HALF_EVEN) if volume else last
        return Ticker24(
            symbol=symbol,
            price_change=change,
            price_change_percent=percent,
            weighted_avg_price=weighted,
            last_price=last,
            bid_price=bid[0] if bid else ZERO,
            bid_qty=bid[1] if bid else ZERO,
            ask_price=ask[0] if ask else ZERO,
            ask_qty=ask[1] if ask else ZERO,
            open_price=open_price,
            high_price=high,
            low_price=low,
            volume=volume,
            quote_volume=quote_volume.quantize(AMOUNT_UNIT),
            open_time=open_time,
            close_time=now,
        )

    def symbols(self) -> list[str]:
        return list(self._data)

    def tickers_24hr(self) -> list[Ticker24]:
        """The 24 h ticker of every symbol (in listing order)."""
        return [self.ticker_24hr(symbol) for symbol in self._data]


def _align_up(time_ms: int, interval_ms: int) -> int:
    start = interval_start(time_ms, interval_ms)
    return start if start == time_ms else start + interval_ms


def _buckets(first: int, last: int, interval_ms: int, *, align: bool = False) -> Iterable[int]:
    """Bucket open times from ``first`` to ``last`` inclusive."""
    bucket = interval_start(first, interval_ms) if align else first
    while bucket <= last:
        yield bucket
        bucket += interval_ms


def _row(candle: Candle, interval_ms: int) -> KlineRow:
    return KlineRow(
        open_time=candle.open_time,
        open=candle.open,
        high=candle.high,
        low=candle.low,
        close=candle.close,
        volume=candle.volume,
        close_time=candle.open_time + interval_ms - 1,
        quote_volume=candle.quote_volume.quantize(AMOUNT_UNIT),
        trades=candle.trades,
        taker_buy_base=candle.taker_buy_base,
        taker_buy_quote=candle.taker_buy_quote.quantize(AMOUNT_UNIT),
    )
