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

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from math import isqrt

from jextui.sandbox.clock import Clock
from jextui.sandbox.engine import BUY, IOC, SELL, Engine, EngineError
from jextui.sandbox.marketdata import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    Candle,
    HistoryTier,
    MarketData,
    TradeRecord,
    interval_start,
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


def _bridge(
    rng: random.Random, start: int, end: int, steps: int, vol_bps: int, reversion_per_mille: int
) -> list[int]:
    """``steps + 1`` prices (fine units) walking randomly from ``start`` to exactly ``end``."""
    path = [start]
    price = start
    for k in range(1, steps + 1):
        line = start + (end - start) * k // steps
        price += price * _shock(rng, vol_bps) // BPS + (line - price) * reversion_per_mille // 1000
        price = max(price, FINE)
        path.append(price)
    drift = end - path[-1]
    return [max(FINE, p + drift * k // steps) for k, p in enumerate(path)]


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
    price_minute_start: int
    price_hour_start: int
    price_day_start: int


class HistoryBackfill:
    """Deterministic synthetic history for every symbol (a ``HistorySource``)."""

    def __init__(
        self,
        symbols: Iterable[SymbolSpec],
        seed: int,
        genesis_ms: int,
        start_prices: Mapping[str, Decimal] | None = None,
    ) -> None:
        self.seed = seed
        self.genesis_ms = genesis_ms
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
        return [
            HistoryTier(DAY_MS, plan.day_start, plan.hour_start, lambda: self._day_candles(symbol)),
            HistoryTier(HOUR_MS, plan.hour_start, plan.minute_start, lambda: self._hour_candles(symbol)),
            HistoryTier(MINUTE_MS, plan.minute_start, genesis_minute_end,
                        lambda: self._minute_candles(symbol)),
        ]

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
        p_minutes = jump(p_trades, (trade_start - minute_start) // MINUTE_MS, False)
        p_hours = jump(p_minutes, HOUR_TIER_DAYS * 1440, True)
        p_days = jump(p_hours, DAY_TIER_DAYS * 1440, True)
        plan = _Plan(genesis, trade_start, minute_start, hour_start, day_start,
                     p_end, p_trades, p_minutes, p_hours, p_days)
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

    def _candles(
        self,
        symbol: str,
        part: str,
        start_ms: int,
        granularity: int,
        path: list[int],
        vol_bps: int,
        trades_per_candle: int,
    ) -> list[Candle]:
        spec = self._specs[symbol]
        rng = self._rng(symbol, part + "-candles")
        step_units = int(typical_qty(spec) / spec.step_size)
        price_of = self._price
        candles: list[Candle] = []
        for index in range(len(path) - 1):
            fine_open, fine_close = path[index], path[index + 1]
            wick = max(fine_open, fine_close) * vol_bps // BPS
            fine_high = max(fine_open, fine_close) + int(rng.random() * wick)
            fine_low = max(FINE, min(fine_open, fine_close) - int(rng.random() * wick))
            open_, close = price_of(spec, fine_open), price_of(spec, fine_close)
            high, low = price_of(spec, fine_high), price_of(spec, fine_low)
            trades = max(1, int(trades_per_candle * (0.3 + rng.random() * 1.4)))
            units = max(1, int(trades * step_units * (0.5 + rng.random())))
            buy_share = 0.55 + 0.1 * rng.random() if close >= open_ else 0.35 + 0.1 * rng.random()
            buy_units = int(units * buy_share)
            volume = Decimal(units) * spec.step_size
            buy_volume = Decimal(buy_units) * spec.step_size
            typical = (open_ + high + low + close) / 4
            candles.append(
                Candle(
                    start_ms + index * granularity, open_, high, low, close, volume,
                    (volume * typical).quantize(AMOUNT_UNIT), trades,
                    buy_volume, (buy_volume * typical).quantize(AMOUNT_UNIT),
                )
            )
        return candles

    def _day_candles(self, symbol: str) -> list[Candle]:
        plan = self._plan(symbol)
        vol = self._specs[symbol].volatility_bps * 38  # ~ sqrt(1440) one-minute moves
        steps = (plan.hour_start - plan.day_start) // DAY_MS
        path = _bridge(self._rng(symbol, "days"), plan.price_day_start, plan.price_hour_start,
                       steps, vol, 20)
        return self._candles(symbol, "days", plan.day_start, DAY_MS, path, vol, 17 * 1440)

    def _hour_candles(self, symbol: str) -> list[Candle]:
        plan = self._plan(symbol)
        vol = self._specs[symbol].volatility_bps * 8  # ~ sqrt(60)
        steps = (plan.minute_start - plan.hour_start) // HOUR_MS
        path = _bridge(self._rng(symbol, "hours"), plan.price_hour_start, plan.price_minute_start,
                       steps, vol, 5)
        return self._candles(symbol, "hours", plan.hour_start, HOUR_MS, path, vol, 17 * 60)

    def _minute_candles(self, symbol: str) -> list[Candle]:
        plan = self._plan(symbol)
        vol = self._specs[symbol].volatility_bps
        steps = (plan.trade_start - plan.minute_start) // MINUTE_MS
        path = _bridge(self._rng(symbol, "minutes"), plan.price_minute_start,
                       plan.price_trade_start, steps, vol, 2)
        candles = self._candles(symbol, "minutes", plan.minute_start, MINUTE_MS, path, vol, 17)
        candles.extend(self._trade_candles(symbol))
        return candles

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
        vol = max(1, spec.volatility_bps // 4)
        path = _bridge(rng, plan.price_trade_start, plan.price_end, BACKFILL_TRADES, vol, 10)
        times = sorted(rng.randrange(plan.trade_start, plan.genesis) for _ in range(BACKFILL_TRADES))
        step_units = int(typical_qty(spec) / spec.step_size)
        trades: list[TradeRecord] = []
        previous = self._price(spec, path[0])
        for index in range(BACKFILL_TRADES):
            price = self._price(spec, path[index + 1])
            units = max(1, int(step_units * (0.2 + rng.random() * 1.6)))
            qty = max(Decimal(units) * spec.step_size, spec.min_qty).quantize(spec.qty_exp)
            buyer_maker = price < previous if price != previous else rng.random() < 0.5
            trades.append(TradeRecord(index + 1, price, qty, times[index], buyer_maker))
            previous = price
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
    TAKER_PROBABILITY = 0.35
    STEPS_PER_MINUTE = 120  # nominal: one step every ~500 ms

    def __init__(self, engine: Engine, marketdata: MarketData, rng_seed: int, clock: Clock) -> None:
        self.engine = engine
        self.marketdata = marketdata
        self.clock = clock
        self.rng = random.Random(stable_seed("simulator", rng_seed))
        for account in (MAKER_ACCOUNT, TAKER_ACCOUNT):
            if not engine.has_account(account):
                assets = {asset for spec in engine.symbols.values() for asset in spec.assets}
                engine.add_account(
                    account, {asset: SIM_BALANCE for asset in sorted(assets)},
                    maker_fee=Decimal(0), taker_fee=Decimal(0), keep_history=False,
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

    def _place(self, symbol: str, side: str, price: Decimal | None, qty: Decimal,
               tif: str = "GTC") -> None:
        if price is None:
            return
        try:
            self.engine.place_order(
                MAKER_ACCOUNT if tif == "GTC" else TAKER_ACCOUNT, symbol, side, price, qty, tif
            )
        except EngineError:
            pass  # a quote the filters refuse (extreme prices): skip it

    def _quote_level(self, symbol: str, quoting: _Quoting, side: str, level: int) -> None:
        offset = self._half_spread(quoting) + level * self._gap(quoting)
        size = self._qty(quoting, (0.5 + 2.5 * self.rng.random()) * (1 + level / 10))
        if side == BUY:
            price = self._price(quoting, quoting.fair - offset, ROUND_FLOOR)
        else:
            price = self._price(quoting, quoting.fair + offset, ROUND_CEILING)
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
        # one-minute volatility spread over STEPS_PER_MINUTE steps (~ / 11), in hundredths of a bp
        sigma = quoting.spec.volatility_bps * 100 * 1000 // 10954
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
            for _ in range(new_levels):
                level = int(rng.random() ** 2 * self.BOOK_LEVELS)
                self._quote_level(symbol, quoting, side, level)
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
