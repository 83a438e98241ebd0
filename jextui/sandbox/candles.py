"""Candles of the sandbox's market: one mutable candle, and blocks of backfilled candles in integers.

:class:`Candle` is a source candle or a running aggregate (trades and later
candles merge into it); :class:`CandleBlock` keeps regularly spaced
backfilled candles as integer columns and turns them into candles only when
read.  :mod:`jextui.sandbox.marketdata` builds klines and tickers from both.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from jextui.sandbox.symbols import SymbolSpec

__all__ = ["Candle", "CandleBlock", "scaler"]

ZERO = Decimal(0)


class Candle:
    """A mutable candle (a source candle, or a running aggregate)."""

    __slots__ = (
        "open_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "quote_volume",
        "trades",
        "taker_buy_base",
        "taker_buy_quote",
    )

    def __init__(
        self,
        open_time: int,
        open: Decimal,
        high: Decimal,
        low: Decimal,
        close: Decimal,
        volume: Decimal = ZERO,
        quote_volume: Decimal = ZERO,
        trades: int = 0,
        taker_buy_base: Decimal = ZERO,
        taker_buy_quote: Decimal = ZERO,
    ) -> None:
        self.open_time = open_time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.quote_volume = quote_volume
        self.trades = trades
        self.taker_buy_base = taker_buy_base
        self.taker_buy_quote = taker_buy_quote

    @classmethod
    def from_trade(cls, open_time: int, price: Decimal, qty: Decimal, buyer_maker: bool) -> Candle:
        quote = price * qty
        taker_buys = not buyer_maker
        return cls(
            open_time,
            price,
            price,
            price,
            price,
            qty,
            quote,
            1,
            qty if taker_buys else ZERO,
            quote if taker_buys else ZERO,
        )

    def add_trade(self, price: Decimal, qty: Decimal, buyer_maker: bool) -> None:
        quote = price * qty
        if price > self.high:
            self.high = price
        if price < self.low:
            self.low = price
        self.close = price
        self.volume += qty
        self.quote_volume += quote
        self.trades += 1
        if not buyer_maker:
            self.taker_buy_base += qty
            self.taker_buy_quote += quote

    def merge(self, later: Candle) -> None:
        """Extend this aggregate with a candle that comes after it in time."""
        if later.high > self.high:
            self.high = later.high
        if later.low < self.low:
            self.low = later.low
        self.close = later.close
        self.volume += later.volume
        self.quote_volume += later.quote_volume
        self.trades += later.trades
        self.taker_buy_base += later.taker_buy_base
        self.taker_buy_quote += later.taker_buy_quote

    def copy(self, open_time: int | None = None) -> Candle:
        return Candle(
            self.open_time if open_time is None else open_time,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            self.quote_volume,
            self.trades,
            self.taker_buy_base,
            self.taker_buy_quote,
        )

    def as_tuple(self) -> tuple[object, ...]:
        return (
            self.open_time,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            self.quote_volume,
            self.trades,
            self.taker_buy_base,
            self.taker_buy_quote,
        )

    def __repr__(self) -> str:
        return f"Candle{self.as_tuple()!r}"


class CandleBlock:
    """Regularly spaced backfilled candles kept as integer columns (exact fixed point).

    Prices are whole ticks and quantities whole lots (step sizes) of the
    symbol; a candle's quote volume is its volume times its close.  Candles
    become ``Decimal`` :class:`Candle` objects only when read, and ranges are
    aggregated in integers, so a long history costs little until used.
    """

    __slots__ = (
        "start_ms",
        "granularity_ms",
        "opens",
        "highs",
        "lows",
        "closes",
        "lots",
        "buy_lots",
        "trades",
        "_price",
        "_qty",
        "_quote",
    )

    def __init__(
        self,
        spec: SymbolSpec,
        start_ms: int,
        granularity_ms: int,
        opens: list[int],
        highs: list[int],
        lows: list[int],
        closes: list[int],
        lots: list[int],
        buy_lots: list[int],
        trades: list[int],
    ) -> None:
        self.start_ms = start_ms
        self.granularity_ms = granularity_ms
        self.opens, self.highs, self.lows, self.closes = opens, highs, lows, closes
        self.lots, self.buy_lots, self.trades = lots, buy_lots, trades
        self._price = scaler(spec.tick_size, spec.price_exp)
        self._qty = scaler(spec.step_size, spec.qty_exp)
        self._quote = scaler(spec.tick_size * spec.step_size, spec.price_exp * spec.qty_exp)

    def __len__(self) -> int:
        return len(self.opens)

    def index_range(self, begin: int, finish: int) -> tuple[int, int]:
        """Indexes of the candles opening in ``[begin, finish)``."""
        size, start, count = self.granularity_ms, self.start_ms, len(self.opens)
        lo = min(count, max(0, -((start - begin) // size)))
        hi = min(count, max(0, -((start - finish) // size)))
        return lo, hi

    def candle(self, index: int) -> Candle:
        price, qty, quote = self._price, self._qty, self._quote
        close = self.closes[index]
        return Candle(
            self.start_ms + index * self.granularity_ms,
            price(self.opens[index]),
            price(self.highs[index]),
            price(self.lows[index]),
            price(close),
            qty(self.lots[index]),
            quote(self.lots[index] * close),
            self.trades[index],
            qty(self.buy_lots[index]),
            quote(self.buy_lots[index] * close),
        )

    def aggregate(self, lo: int, hi: int, open_time: int) -> Candle | None:
        """Candles ``lo`` .. ``hi - 1`` merged into one (None when the range is empty)."""
        if lo >= hi:
            return None
        closes, lots, buy_lots = self.closes[lo:hi], self.lots[lo:hi], self.buy_lots[lo:hi]
        quote_lots = sum(map(int.__mul__, lots, closes))
        buy_quote_lots = sum(map(int.__mul__, buy_lots, closes))
        price, qty, quote = self._price, self._qty, self._quote
        return Candle(
            open_time,
            price(self.opens[lo]),
            price(max(self.highs[lo:hi])),
            price(min(self.lows[lo:hi])),
            price(closes[-1]),
            qty(sum(lots)),
            quote(quote_lots),
            sum(self.trades[lo:hi]),
            qty(sum(buy_lots)),
            quote(buy_quote_lots),
        )


def scaler(size: Decimal, exponent: Decimal) -> Callable[[int], Decimal]:
    """Whole units of ``size`` -> Decimal (fast when ``size`` is a power of ten)."""
    if size == exponent:
        places = exponent.as_tuple().exponent
        assert isinstance(places, int)
        return lambda units: Decimal(units).scaleb(places)
    return lambda units: (Decimal(units) * size).quantize(exponent)
