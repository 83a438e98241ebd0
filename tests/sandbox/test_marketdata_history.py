"""Backfilled history: full charts at start, joined to the live market, deterministic."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.exchange import Exchange
from jextui.sandbox.market import BACKFILL_TRADES
from jextui.sandbox.marketdata import DAY_MS, HOUR_MS, INTERVAL_MS, MINUTE_MS, interval_start

START = 1_700_000_123_456  # not aligned to anything

# interval -> fewest candles a default (500) request must show at start
EXPECTED_AT_LEAST = {
    "1m": 500,
    "3m": 500,
    "5m": 500,
    "15m": 190,
    "30m": 95,
    "1h": 500,
    "2h": 500,
    "4h": 500,
    "6h": 480,
    "12h": 240,
    "1d": 500,
    "3d": 300,
    "1w": 150,
}


@pytest.fixture(scope="module")
def exchange() -> Exchange:
    return Exchange(seed=7, clock=FixedClock(START), simulate=False)


@pytest.mark.parametrize("interval", list(INTERVAL_MS))
def test_every_interval_has_history_at_start(exchange: Exchange, interval: str) -> None:
    length = INTERVAL_MS[interval]
    rows = exchange.market.klines("ETHUSDT", interval)
    assert len(rows) >= EXPECTED_AT_LEAST[interval]
    assert rows[-1].open_time == interval_start(START, length)  # the current candle is there
    assert rows[-1].close == D("3150.00")  # and ends where the live market starts
    for previous, row in itertools.pairwise(rows):
        assert row.open_time - previous.open_time == length
    for row in rows:
        assert row.close_time == row.open_time + length - 1
        assert row.low <= min(row.open, row.close) <= max(row.open, row.close) <= row.high
        assert row.low > 0 and row.volume > 0 and row.trades > 0
        assert 0 <= row.taker_buy_base <= row.volume
        assert row.open == row.open.quantize(D("0.01"))


def test_a_full_day_of_minutes(exchange: Exchange) -> None:
    day_ago = START - DAY_MS
    rows = exchange.market.klines("BTCUSDT", "1m", end_time=day_ago, limit=1000)
    assert len(rows) == 1000  # minutes reach well beyond 24 hours back
    rows = exchange.market.klines("BTCUSDT", "1m", start_time=day_ago, limit=1000)
    assert rows[0].open_time == interval_start(day_ago, MINUTE_MS) + MINUTE_MS  # first opening after it


def test_intervals_agree_across_the_history_tiers(exchange: Exchange) -> None:
    market = exchange.market
    # an hour inside the minute tier: its 1h candle is its sixty 1m candles
    hour = interval_start(START, HOUR_MS) - 5 * HOUR_MS
    minutes = market.klines("LTCBTC", "1m", start_time=hour, end_time=hour + HOUR_MS - 1)
    (hourly,) = market.klines("LTCBTC", "1h", start_time=hour, end_time=hour)
    assert len(minutes) == 60
    assert hourly.volume == sum((m.volume for m in minutes), D(0))
    assert hourly.quote_volume == sum((m.quote_volume for m in minutes), D(0))
    assert (hourly.open, hourly.close) == (minutes[0].open, minutes[-1].close)
    assert hourly.high == max(m.high for m in minutes) and hourly.low == min(m.low for m in minutes)
    # a week made of daily candles, hourly candles and minutes
    weeks = market.klines("LTCBTC", "1w", limit=30)
    days = market.klines("LTCBTC", "1d", start_time=weeks[0].open_time, limit=1000)
    for week in weeks[:-1]:
        inside = [d for d in days if week.open_time <= d.open_time < week.open_time + 7 * DAY_MS]
        assert len(inside) == 7
        assert week.volume == sum((d.volume for d in inside), D(0))
        assert week.trades == sum(d.trades for d in inside)
        assert (week.open, week.close) == (inside[0].open, inside[-1].close)


def test_backfilled_trades_fill_the_lists_and_end_at_the_start_price(exchange: Exchange) -> None:
    market = exchange.market
    recent = market.recent_trades("JEXBTC", 60)
    assert len(recent) == 60
    assert recent[-1].price == D("0.00001464") == market.last_price("JEXBTC")
    assert all(a.time <= b.time for a, b in itertools.pairwise(recent))
    assert all(t.time < START for t in recent)
    history = market.historical_trades("JEXBTC", limit=500)
    assert [t.id for t in history] == list(range(1, BACKFILL_TRADES + 1))
    assert [t.id for t in market.historical_trades("JEXBTC", from_id=100, limit=3)] == [100, 101, 102]
    # the candle of the current minute holds exactly the backfilled trades of that minute
    minute = interval_start(START, MINUTE_MS)
    in_minute = [t for t in history if t.time >= minute]
    current = market.klines("JEXBTC", "1m", limit=1)[0]
    assert current.volume == sum((t.qty for t in in_minute), D(0))
    assert current.trades == len(in_minute)


def test_live_trades_continue_the_backfill() -> None:
    clock = FixedClock(START)
    exchange = Exchange(seed=7, clock=clock, simulate=False)
    exchange.open_account("u")
    before = exchange.market.klines("BNBBTC", "1m", limit=1)[0]
    best_ask = exchange.engine.best_bid_ask("BNBBTC")[1]
    assert best_ask is not None
    clock.advance(1000)
    _, fills = exchange.engine.place_order("u", "BNBBTC", "BUY", best_ask[0], best_ask[1])
    assert fills[0].trade_id == BACKFILL_TRADES + 1
    after = exchange.market.klines("BNBBTC", "1m", limit=1)[0]
    assert after.open_time == before.open_time
    assert after.open == before.open and after.close == best_ask[0]
    assert after.volume == before.volume + best_ask[1] and after.trades == before.trades + 1
    assert exchange.market.recent_trades("BNBBTC", 2)[-1].price == best_ask[0]
    assert exchange.market.historical_trades("BNBBTC", from_id=BACKFILL_TRADES, limit=5)[1].id == 501


def test_start_state_is_the_same_for_the_same_seed_and_clock() -> None:
    def run(seed: int) -> tuple[object, ...]:
        clock = FixedClock(START)
        exchange = Exchange(seed=seed, clock=clock)
        for _ in range(40):
            clock.advance(250)
            exchange.tick()
        market = exchange.market
        return (
            exchange.engine.depth("ETHBTC", 60),
            market.klines("ETHBTC", "1m", limit=100),
            market.klines("ETHBTC", "1d", limit=100),
            market.recent_trades("ETHBTC", 60),
            market.historical_trades("BTCUSDT", limit=500),
            market.ticker_24hr("DASHUSDT"),
        )

    first = run(3)
    assert run(3) == first
    assert run(4) != first


def test_synthetic_symbols_have_history_too() -> None:
    exchange = Exchange(seed=1, clock=FixedClock(START), extra_symbols=3, simulate=False)
    assert [s.symbol for s in exchange.spot_symbols[-3:]] == ["SYM001USDT", "SYM002USDT", "SYM003USDT"]
    rows = exchange.market.klines("SYM002USDT", "1w")
    assert len(rows) >= 150
    assert rows[-1].close == exchange.spot_symbols[-2].initial_price
    assert len(exchange.engine.depth("SYM003USDT", 60)[1]) >= 30
