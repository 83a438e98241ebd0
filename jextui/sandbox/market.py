"""A living market: backfilled history and simulated traders.

:class:`HistoryBackfill` invents the past of every symbol, deterministically
from a seed: daily candles for about three years, hourly candles for 120
days, one-minute candles for the last two to three days and 500 trades over
the last half hour, all ending exactly at the price where the live market
starts.  Each part is generated only when first asked for, so start-up stays
fast with many symbols.

:class:`MarketSimulator` keeps a resting book on every symbol (a maker
account requoting around a random-walk fair price) and sends IOC orders from
a taker account now and then, so trades, klines and tickers move.

All prices of the random walks are integers (in thousandths of a tick) and
become exact ``Decimal`` prices on the symbol's tick grid.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import partial
from math import isqrt

from jextui.sandbox.clock import Clock
from jextui.sandbox.engine import BUY, IOC, SELL, Engine, EngineError
from jextui.sandbox.marketdata import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    Candle,
    CandleBlock,
    HistoryTier,
    MarketData,
    TradeRecord,
    interval_start,
    scaler,
)
from jextui.sandbox.symbols import ASSET_DECIMALS, SymbolSpec, stable_seed, unit

__all__ = [
    "BACKFILL_TRADES",
    "HistoryBackfill",
    "MarketSimulator",
    "MAKER_ACCOUNT",
    "TAKER_ACCOUNT",
    "typical_qty",
]

BACKFILL_TRADES = 500
TRADE_MINUTES = 30
MINUTE_TIER_DAYS = 2  # plus the part of today before the start
HOUR_TIER_DAYS = 120
DAY_TIER_DAYS = 1000

FINE = 1000  # random-walk units per tick
BPS = 10_000
AMOUNT_UNIT = unit(ASSET_DECIMALS)

MAKER_ACCOUNT = "sim-maker"
TAKER_ACCOUNT = "sim-taker"
SIM_BALANCE = Decimal(10) ** 12


def typical_qty(spec: SymbolSpec) -> Decimal:
    """A usual trade size: about 20 times the minimum notional, on the lot grid."""
    target = spec.min_notional * 20 / spec.initial_price
    qty = (target / spec.step_size).to_integral_value(ROUND_CEILING) * spec.step_size
    return max(qty, spec.min_qty).quantize(spec.qty_exp)


def _shock(rng: random.Random, scale: int) -> int:
    """A roughly normal integer with standard deviation about ``scale``."""
    return int((rng.random() + rng.random() + rng.random() - 1.5) * 2 * scale)


def _bridge(rng: random.Random, start: int, end: int, steps: int, vol_bps: int, reversion_per_mille: int) -> list[int]:
    """``steps + 1`` prices (fine units) walking randomly from ``start`` to exactly ``end``.

    A free walk (multiplicative shocks of about ``vol_bps`` a step, pulled
    towards the straight line by ``reversion_per_mille``) is tilted so it ends
    on ``end``.
    """
    rand = rng.random
    scale = 2 * vol_bps
    span = end - start
    path = [start]
    append = path.append
    price = start
    for k in range(1, steps + 1):
        line = start + span * k // steps
        shock = int((rand() + rand() + rand() - 1.5) * scale)
        price += price * shock // BPS + (line - price) * reversion_per_mille // 1000
        if price < FINE:
            price = FINE
        append(price)
    drift = end - price
    tilted = [p + drift * k // steps for k, p in enumerate(path)]
    return [p if p > FINE else FINE for p in tilted]


@dataclass(frozen=True)
class _Plan:
    """Where each tier starts and the (fine-unit) price at each boundary."""

    genesis: int
    trade_start: int
    minute_start: int
    hour_start: int
    day_start: int
    price_end: int
    price_trade_start: int
    minute_chunks: tuple[tuple[int, int], ...]  # (start_ms, fine price), one per day, ascending
    price_hour_start: int
    price_day_start: int

    @property
    def price_minute_start(self) -> int:
        return self.minute_chunks[0][1]


class HistoryBackfill:
    """Deterministic synthetic history for every symbol (a ``HistorySource``)."""

    def __init__(
        self,
        symbols: Iterable[SymbolSpec],
        seed: int,
        genesis_ms: int,
        start_prices: Mapping[str, Decimal] | None = None,
        *,
        first_trade_id: int = 1,
    ) -> None:
        self.seed = seed
        self.genesis_ms = genesis_ms
        self.first_trade_id = int(first_trade_id)
        self._specs = {spec.symbol: spec for spec in symbols}
        self._start_prices = dict(start_prices or {})
        self._plans: dict[str, _Plan] = {}
        self._trades: dict[str, list[TradeRecord]] = {}

    # --- HistorySource --------------------------------------------------------

    def last_price(self, symbol: str) -> Decimal:
        spec = self._specs[symbol]
        return self._price(spec, self._plan(symbol).price_end)

    def tiers(self, symbol: str) -> list[HistoryTier]:
        plan = self._plan(symbol)
        genesis_minute_end = interval_start(plan.genesis, MINUTE_MS) + MINUTE_MS
        tiers = [
            HistoryTier(DAY_MS, plan.day_start, plan.hour_start, lambda: self._day_candles(symbol)),
            HistoryTier(HOUR_MS, plan.hour_start, plan.minute_start, lambda: self._hour_candles(symbol)),
        ]
        bounds = [*plan.minute_chunks, (plan.trade_start, plan.price_trade_start)]
        for index in range(len(bounds) - 1):
            (start, price), (end, end_price) = bounds[index], bounds[index + 1]
            tiers.append(
                HistoryTier(
                    MINUTE_MS,
                    start,
                    end,
                    partial(self._minute_candles, symbol, start, end, price, end_price),
                )
            )
        tiers.append(HistoryTier(MINUTE_MS, plan.trade_start, genesis_minute_end, lambda: self._trade_candles(symbol)))
        return tiers

    def trades(self, symbol: str) -> list[TradeRecord]:
        trades = self._trades.get(symbol)
        if trades is None:
            trades = self._trades[symbol] = self._make_trades(symbol)
        return trades

    # --- planning -------------------------------------------------------------

    def _rng(self, symbol: str, part: str) -> random.Random:
        return random.Random(stable_seed("history", self.seed, symbol, part))

    def _plan(self, symbol: str) -> _Plan:
        plan = self._plans.get(symbol)
        if plan is not None:
            return plan
        spec = self._specs[symbol]
        genesis = self.genesis_ms
        trade_start = interval_start(genesis, MINUTE_MS) - (TRADE_MINUTES - 1) * MINUTE_MS
        minute_start = interval_start(genesis, DAY_MS) - MINUTE_TIER_DAYS * DAY_MS
        hour_start = minute_start - HOUR_TIER_DAYS * DAY_MS
        day_start = hour_start - DAY_TIER_DAYS * DAY_MS
        start_price = self._start_prices.get(symbol, spec.initial_price)
        anchor = self._fine(spec, start_price)
        rng = self._rng(symbol, "plan")
        vol = spec.volatility_bps

        def jump(price: int, minutes: int, long_run: bool) -> int:
            sigma = min(vol * isqrt(max(1, minutes)), 2500)
            moved = max(FINE, price + price * _shock(rng, sigma) // BPS)
            return (moved + anchor) // 2 if long_run else moved

        p_end = anchor
        p_trades = jump(p_end, TRADE_MINUTES, False)
        chunks: list[tuple[int, int]] = []
        later_time, later_price = trade_start, p_trades
        for chunk_start in reversed(range(minute_start, trade_start, DAY_MS)):
            later_price = jump(later_price, (later_time - chunk_start) // MINUTE_MS, False)
            later_time = chunk_start
            chunks.append((chunk_start, later_price))
        chunks.reverse()
        p_hours = jump(chunks[0][1], HOUR_TIER_DAYS * 1440, True)
        p_days = jump(p_hours, DAY_TIER_DAYS * 1440, True)
        plan = _Plan(
            genesis, trade_start, minute_start, hour_start, day_start, p_end, p_trades, tuple(chunks), p_hours, p_days
        )
        self._plans[symbol] = plan
        return plan

    # --- conversions ----------------------------------------------------------

    @staticmethod
    def _fine(spec: SymbolSpec, price: Decimal) -> int:
        return int((price / spec.tick_size * FINE).to_integral_value())

    @staticmethod
    def _price(spec: SymbolSpec, fine: int) -> Decimal:
        ticks = max(1, (fine + FINE // 2) // FINE)
        return (Decimal(ticks) * spec.tick_size).quantize(spec.price_exp)

    # --- generation -----------------------------------------------------------

    def _block(
        self,
        symbol: str,
        part: str,
        start_ms: int,
        granularity: int,
        path: list[int],
        vol_bps: int,
        trades_per_candle: int,
    ) -> CandleBlock:
        """Candles whose opens and closes follow ``path`` (fine units), with wicks and volumes."""
        spec = self._specs[symbol]
        rand = self._rng(symbol, part + "-candles").random
        lot = int(typical_qty(spec) / spec.step_size)
        half = FINE // 2
        ticks = [max(1, (p + half) // FINE) for p in path]
        highs: list[int] = []
        lows: list[int] = []
        lots: list[int] = []
        buy_lots: list[int] = []
        trades: list[int] = []
        for index in range(len(path) - 1):
            fine_open, fine_close = path[index], path[index + 1]
            rising = fine_close >= fine_open
            top, bottom = (fine_close, fine_open) if rising else (fine_open, fine_close)
            wick = top * vol_bps // BPS
            highs.append((top + int(rand() * wick) + half) // FINE)
            low = (bottom - int(rand() * wick) + half) // FINE
            lows.append(low if low > 1 else 1)
            count = int(trades_per_candle * (0.3 + rand() * 1.4)) or 1
            volume = int(count * lot * (0.5 + rand())) or 1
            lots.append(volume)
            buy_lots.append(int(volume * ((0.55 if rising else 0.35) + 0.1 * rand())))
            trades.append(count)
        return CandleBlock(spec, start_ms, granularity, ticks[:-1], highs, lows, ticks[1:], lots, buy_lots, trades)

    def _day_candles(self, symbol: str) -> CandleBlock:
        plan = self._plan(symbol)
        vol = self._specs[symbol].volatility_bps * 38  # ~ sqrt(1440) one-minute moves
        steps = (plan.hour_start - plan.day_start) // DAY_MS
        path = _bridge(self._rng(symbol, "days"), plan.price_day_start, plan.price_hour_start, steps, vol, 20)
        return self._block(symbol, "days", plan.day_start, DAY_MS, path, vol, 17 * 1440)

    def _hour_candles(self, symbol: str) -> CandleBlock:
        plan = self._plan(symbol)
        vol = self._specs[symbol].volatility_bps * 8  # ~ sqrt(60)
        steps = (plan.minute_start - plan.hour_start) // HOUR_MS
        path = _bridge(self._rng(symbol, "hours"), plan.price_hour_start, plan.price_minute_start, steps, vol, 5)
        return self._block(symbol, "hours", plan.hour_start, HOUR_MS, path, vol, 17 * 60)

    def _minute_candles(self, symbol: str, start: int, end: int, start_price: int, end_price: int) -> CandleBlock:
        """One day (or less) of one-minute candles, generated on its own."""
        vol = self._specs[symbol].volatility_bps
        part = f"minutes-{start}"
        path = _bridge(self._rng(symbol, part), start_price, end_price, (end - start) // MINUTE_MS, vol, 2)
        return self._block(symbol, part, start, MINUTE_MS, path, vol, 17)

    def _trade_candles(self, symbol: str) -> list[Candle]:
        """One-minute candles made of the backfilled trades (so both agree exactly)."""
        candles: list[Candle] = []
        for trade in self.trades(symbol):
            minute = interval_start(trade.time, MINUTE_MS)
            if candles and candles[-1].open_time == minute:
                candles[-1].add_trade(trade.price, trade.qty, trade.buyer_maker)
            else:
                candles.append(Candle.from_trade(minute, trade.price, trade.qty, trade.buyer_maker))
        return candles

    def _make_trades(self, symbol: str) -> list[TradeRecord]:
        spec = self._specs[symbol]
        plan = self._plan(symbol)
        rng = self._rng(symbol, "trades")
        rand = rng.random
        vol = max(1, spec.volatility_bps // 4)
        path = _bridge(rng, plan.price_trade_start, plan.price_end, BACKFILL_TRADES, vol, 10)
        span = plan.genesis - plan.trade_start
        times = sorted(plan.trade_start + int(rand() * span) for _ in range(BACKFILL_TRADES))
        lot = int(typical_qty(spec) / spec.step_size)
        min_lots = int(spec.min_qty / spec.step_size)
        price_of, qty_of = scaler(spec.tick_size, spec.price_exp), scaler(spec.step_size, spec.qty_exp)
        prices: dict[int, Decimal] = {}
        half = FINE // 2
        trades: list[TradeRecord] = []
        previous = max(1, (path[0] + half) // FINE)
        for index in range(BACKFILL_TRADES):
            ticks = max(1, (path[index + 1] + half) // FINE)
            price = prices.get(ticks)
            if price is None:
                price = prices[ticks] = price_of(ticks)
            lots = max(min_lots, 1, int(lot * (0.2 + rand() * 1.6)))
            buyer_maker = ticks < previous if ticks != previous else rand() < 0.5
            trades.append(TradeRecord(self.first_trade_id + index, price, qty_of(lots), times[index], buyer_maker))
            previous = ticks
        return trades


class _Quoting:
    """The simulator's view of one symbol."""

    __slots__ = ("spec", "fair", "anchor", "typical_units")

    def __init__(self, spec: SymbolSpec, fair: int) -> None:
        self.spec = spec
        self.fair = fair
        self.anchor = fair
        self.typical_units = max(1, int(typical_qty(spec) / spec.step_size))


class MarketSimulator:
    """Background makers and takers on every symbol; deterministic given the seed and clock."""

    BOOK_LEVELS = 40
    MAX_LEVELS = 60
    TAKER_PROBABILITY = 0.12  # ~14 takers a minute at two steps a second, like the backfill
    STEPS_PER_MINUTE = 120  # nominal: one step every ~500 ms
    # sqrt(STEPS_PER_MINUTE) in thousandths: a step's share of the one-minute volatility
    _STEP_VOLATILITY_DIVISOR = isqrt(STEPS_PER_MINUTE * 1_000_000)

    def __init__(self, engine: Engine, marketdata: MarketData, rng_seed: int, clock: Clock) -> None:
        self.engine = engine
        self.marketdata = marketdata
        self.clock = clock
        self.rng = random.Random(stable_seed("simulator", rng_seed))
        for account in (MAKER_ACCOUNT, TAKER_ACCOUNT):
            if not engine.has_account(account):
                assets = {asset for spec in engine.symbols.values() for asset in spec.assets}
                engine.add_account(
                    account,
                    {asset: SIM_BALANCE for asset in sorted(assets)},
                    maker_fee=Decimal(0),
                    taker_fee=Decimal(0),
                    keep_history=False,
                )
        self._symbols = {
            symbol: _Quoting(spec, HistoryBackfill._fine(spec, marketdata.last_price(symbol)))
            for symbol, spec in engine.symbols.items()
        }

    # --- prices ---------------------------------------------------------------

    def _price(self, quoting: _Quoting, fine: int, rounding: str) -> Decimal | None:
        spec = quoting.spec
        ticks = (Decimal(fine) / FINE).to_integral_value(rounding)
        price = (ticks * spec.tick_size).quantize(spec.price_exp)
        if price < spec.min_price or price > spec.max_price:
            return None
        return price

    def _qty(self, quoting: _Quoting, factor: float) -> Decimal:
        spec = quoting.spec
        units = max(1, int(quoting.typical_units * factor))
        return max(Decimal(units) * spec.step_size, spec.min_qty).quantize(spec.qty_exp)

    def _half_spread(self, quoting: _Quoting) -> int:
        return max(FINE, quoting.fair // BPS)  # about 1 bp, at least one tick

    def _gap(self, quoting: _Quoting) -> int:
        return max(FINE, quoting.fair * 2 // BPS)  # about 2 bp between levels

    # --- the book -------------------------------------------------------------

    def _place(self, symbol: str, side: str, price: Decimal | None, qty: Decimal, tif: str = "GTC") -> None:
        if price is None:
            return
        with contextlib.suppress(EngineError):  # a quote the filters refuse (extreme prices): skip it
            self.engine.place_order(MAKER_ACCOUNT if tif == "GTC" else TAKER_ACCOUNT, symbol, side, price, qty, tif)

    def _level_price(self, quoting: _Quoting, side: str, level: int) -> Decimal | None:
        offset = self._half_spread(quoting) + level * self._gap(quoting)
        if side == BUY:
            return self._price(quoting, quoting.fair - offset, ROUND_FLOOR)
        return self._price(quoting, quoting.fair + offset, ROUND_CEILING)

    def _first_empty_level(self, quoting: _Quoting, side: str, quoted: set[Decimal | None]) -> int:
        for level in range(self.MAX_LEVELS):
            if self._level_price(quoting, side, level) not in quoted:
                return level
        return self.MAX_LEVELS - 1

    def _quote_level(self, symbol: str, quoting: _Quoting, side: str, level: int, price: Decimal | None = None) -> None:
        size = self._qty(quoting, (0.5 + 2.5 * self.rng.random()) * (1 + level / 10))
        if price is None:
            price = self._level_price(quoting, side, level)
        self._place(symbol, side, price, size)

    def seed_books(self) -> None:
        """Give every symbol a resting book of ``BOOK_LEVELS`` levels a side (skipped if it has one)."""
        for symbol, quoting in self._symbols.items():
            if self.engine.open_orders(MAKER_ACCOUNT, symbol, limit=1):
                continue
            for level in range(self.BOOK_LEVELS):
                self._quote_level(symbol, quoting, BUY, level)
                self._quote_level(symbol, quoting, SELL, level)

    def step(self) -> None:
        """One tick of the simulated market on every symbol."""
        for symbol, quoting in self._symbols.items():
            self._move_fair(quoting)
            self._requote(symbol, quoting)
            if self.rng.random() < self.TAKER_PROBABILITY:
                self._take(symbol, quoting)

    def _move_fair(self, quoting: _Quoting) -> None:
        # one-minute volatility spread over STEPS_PER_MINUTE steps, in hundredths of a bp
        sigma = quoting.spec.volatility_bps * 100 * 1000 // self._STEP_VOLATILITY_DIVISOR
        shock = _shock(self.rng, sigma)
        fair = quoting.fair
        fair += fair * shock // (BPS * 100) + (quoting.anchor - fair) // 20000
        quoting.fair = max(FINE, fair)

    def _requote(self, symbol: str, quoting: _Quoting) -> None:
        engine, rng = self.engine, self.rng
        orders = engine.open_orders(MAKER_ACCOUNT, symbol, limit=500)
        half = self._half_spread(quoting)
        bid_limit = self._price(quoting, quoting.fair - half, ROUND_FLOOR)
        ask_limit = self._price(quoting, quoting.fair + half, ROUND_CEILING)
        bids = [o for o in orders if o.side == BUY]
        asks = [o for o in orders if o.side == SELL]
        # pull quotes the fair price has moved through
        for order in orders:
            stale = (order.side == BUY and bid_limit is not None and order.price > bid_limit) or (
                order.side == SELL and ask_limit is not None and order.price < ask_limit
            )
            if stale or (rng.random() < 0.02):
                engine.cancel_order(MAKER_ACCOUNT, symbol, order.order_id)
                (bids if order.side == BUY else asks).remove(order)
        # keep each side between BOOK_LEVELS and MAX_LEVELS orders, refreshing the top
        for side, side_orders in ((BUY, bids), (SELL, asks)):
            missing = self.BOOK_LEVELS - len(side_orders)
            new_levels = max(missing, 1 if rng.random() < 0.6 else 0)
            quoted: set[Decimal | None] = {o.price for o in side_orders}
            for index in range(new_levels):
                if index < missing:  # a thin side: fill the empty levels nearest the top
                    level = self._first_empty_level(quoting, side, quoted)
                else:  # churn: a new quote somewhere, mostly near the top
                    level = int(rng.random() ** 2 * self.BOOK_LEVELS)
                price = self._level_price(quoting, side, level)
                quoted.add(price)
                self._quote_level(symbol, quoting, side, level, price)
            extra = len(side_orders) + new_levels - self.MAX_LEVELS
            if extra > 0:
                far = sorted(side_orders, key=lambda o: o.price, reverse=(side == SELL))[:extra]
                for order in far:
                    engine.cancel_order(MAKER_ACCOUNT, symbol, order.order_id)

    def _take(self, symbol: str, quoting: _Quoting) -> None:
        bid, ask = self.engine.best_bid_ask(symbol)
        if bid is None or ask is None:
            return
        fair_price = Decimal(quoting.fair) / FINE * quoting.spec.tick_size
        mid = (bid[0] + ask[0]) / 2
        buy_chance = 0.65 if fair_price > mid else 0.35 if fair_price < mid else 0.5
        size = self._qty(quoting, 0.3 + 1.7 * self.rng.random())
        sweep = 1 + self._gap(quoting) * self.rng.randint(0, 2)
        if self.rng.random() < buy_chance:
            price = self._price(quoting, self._fine_of(quoting, ask[0]) + sweep, ROUND_CEILING)
            self._place(symbol, BUY, price, size, IOC)
        else:
            price = self._price(quoting, self._fine_of(quoting, bid[0]) - sweep, ROUND_FLOOR)
            self._place(symbol, SELL, price, size, IOC)

    @staticmethod
    def _fine_of(quoting: _Quoting, price: Decimal) -> int:
        return HistoryBackfill._fine(quoting.spec, price)
