"""Market data from engine fills: trades, klines, avgPrice, the 24 h ticker."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.marketdata import DAY_MS, HOUR_MS, MINUTE_MS, MarketData, interval_start
from jextui.sandbox.symbols import SymbolSpec

# Monday 2023-11-13 00:00:00 UTC: aligned to every interval including the week
T0 = 1_699_833_600_000


def _spec() -> SymbolSpec:
    return SymbolSpec(
        symbol="TSTUSDT",
        base_asset="TST",
        quote_asset="USDT",
        base_precision=2,
        quote_precision=2,
        tick_size=D("0.01"),
        min_price=D("0.01"),
        max_price=D("100000"),
        step_size=D("0.01"),
        min_qty=D("0.01"),
        max_qty=D("10000"),
        min_notional=D("0.01"),
        initial_price=D("100"),
    )


class Market:
    """An engine with two traders and live-only market data (no backfill)."""

    def __init__(self) -> None:
        self.clock = FixedClock(T0)
        self.engine = Engine([_spec(), replace(_spec(), symbol="OTHUSDT", base_asset="OTH")], self.clock)
        for name in ("maker", "taker"):
            self.engine.add_account(
                name, {"USDT": D("1000000"), "TST": D("10000"), "OTH": D("10000")}, maker_fee=D(0), taker_fee=D(0)
            )
        self.data = MarketData(self.engine, self.clock)

    def trade(self, at_ms: int, price: str, qty: str, taker_side: str = "BUY", symbol: str = "TSTUSDT") -> None:
        self.clock.set(at_ms)
        maker_side = "SELL" if taker_side == "BUY" else "BUY"
        self.engine.place_order("maker", symbol, maker_side, D(price), D(qty))
        _, fills = self.engine.place_order("taker", symbol, taker_side, D(price), D(qty))
        assert len(fills) == 1


@pytest.fixture
def market() -> Market:
    return Market()


def test_recent_and_historical_trades(market: Market) -> None:
    for i in range(5):
        market.trade(T0 + i * 1000, str(100 + i), "1", "BUY" if i % 2 == 0 else "SELL")
    recent = market.data.recent_trades("TSTUSDT", 3)
    assert [(t.id, t.price, t.time) for t in recent] == [
        (3, D("102"), T0 + 2000),
        (4, D("103"), T0 + 3000),
        (5, D("104"), T0 + 4000),
    ]
    assert [t.buyer_maker for t in recent] == [False, True, False]
    assert [t.id for t in market.data.historical_trades("TSTUSDT", from_id=2, limit=2)] == [2, 3]
    assert [t.id for t in market.data.historical_trades("TSTUSDT", limit=2)] == [4, 5]
    assert market.data.historical_trades("TSTUSDT", from_id=99, limit=2) == []
    assert [t.id for t in market.data.live_trades("TSTUSDT", after_id=3)] == [4, 5]
    assert [c.open_time for c in market.data.live_candles("TSTUSDT", since_ms=T0)] == [T0]
    assert market.data.live_candles("TSTUSDT", since_ms=T0 + MINUTE_MS) == []
    assert market.data.recent_trades("OTHUSDT", 10) == []
    assert market.data.last_price("TSTUSDT") == D("104")
    assert market.data.last_price("OTHUSDT") == D("100")  # nothing traded yet: the listing price
    with pytest.raises(EngineError, match="Invalid symbol"):
        market.data.recent_trades("NOPE", 1)


def test_one_minute_klines_aggregate_the_trades(market: Market) -> None:
    market.trade(T0 + 1_000, "100", "1")
    market.trade(T0 + 20_000, "104", "2", "SELL")
    market.trade(T0 + 40_000, "98", "1")
    market.trade(T0 + 59_999, "101", "3")
    market.clock.set(T0 + 61_000)
    row = market.data.klines("TSTUSDT", "1m", start_time=T0, limit=1)[0]
    assert (row.open_time, row.close_time) == (T0, T0 + 59_999)
    assert (row.open, row.high, row.low, row.close) == (D("100"), D("104"), D("98"), D("101"))
    assert (row.volume, row.quote_volume, row.trades) == (D("7"), D("709"), 4)
    # taker buys: the first, third and fourth trades
    assert (row.taker_buy_base, row.taker_buy_quote) == (D("5"), D("501"))


def test_coarser_intervals_agree_with_the_minutes(market: Market) -> None:
    prices = [100, 103, 99, 105, 102, 101, 97, 104]
    for i, price in enumerate(prices):
        market.trade(T0 + i * 7 * MINUTE_MS + 5_000, str(price), str(i + 1))
    market.clock.set(T0 + 90 * MINUTE_MS)
    minutes = [r for r in market.data.klines("TSTUSDT", "1m", start_time=T0, limit=1000) if r.open_time < T0 + HOUR_MS]
    for interval, length in (("3m", 3), ("5m", 5), ("15m", 15), ("30m", 30), ("1h", 60)):
        rows = market.data.klines("TSTUSDT", interval, start_time=T0, end_time=T0 + HOUR_MS - 1)
        assert len(rows) == 60 // length, interval
        previous_close = None
        for row in rows:
            inside = [
                m for m in minutes if m.trades and row.open_time <= m.open_time < row.open_time + length * MINUTE_MS
            ]
            if not inside:  # nothing traded: a flat candle at the previous close
                assert row.open == row.high == row.low == row.close == previous_close
                assert row.volume == 0 and row.trades == 0
            else:
                assert row.volume == sum((m.volume for m in inside), D(0)), interval
                assert row.high == max(m.high for m in inside) and row.low == min(m.low for m in inside)
                assert row.open == inside[0].open and row.close == inside[-1].close
                assert row.trades == sum(m.trades for m in inside)
            previous_close = row.close
    for interval in ("2h", "4h", "6h", "12h", "1d", "3d", "1w"):
        (row,) = market.data.klines("TSTUSDT", interval)
        assert row.open_time == interval_start(
            T0, {"2h": 2, "4h": 4, "6h": 6, "12h": 12, "1d": 24, "3d": 72, "1w": 168}[interval] * HOUR_MS
        )
        assert (row.open, row.close, row.high, row.low) == (D("100"), D("104"), D("105"), D("97"))
        assert row.volume == D("36") and row.trades == 8


def test_weeks_open_on_monday() -> None:
    monday = T0
    assert interval_start(monday + 3 * DAY_MS + 5, 7 * DAY_MS) == monday
    assert interval_start(monday - 1, 7 * DAY_MS) == monday - 7 * DAY_MS


def test_quiet_minutes_repeat_the_previous_close(market: Market) -> None:
    market.trade(T0 + 10_000, "100", "1")
    market.trade(T0 + 10_500, "102", "1")
    market.trade(T0 + 3 * MINUTE_MS + 1, "99", "1")
    market.clock.set(T0 + 5 * MINUTE_MS + 30_000)
    rows = market.data.klines("TSTUSDT", "1m")
    assert [r.open_time for r in rows] == [T0 + i * MINUTE_MS for i in range(6)]
    assert [(r.open, r.close, r.volume) for r in rows] == [
        (D("100"), D("102"), D("2")),
        (D("102"), D("102"), D("0")),
        (D("102"), D("102"), D("0")),
        (D("99"), D("99"), D("1")),
        (D("99"), D("99"), D("0")),
        (D("99"), D("99"), D("0")),  # the current, still-open candle is included
    ]


def test_kline_selection_semantics(market: Market) -> None:
    for i in range(10):
        market.trade(T0 + i * MINUTE_MS, str(100 + i), "1")
    market.clock.set(T0 + 9 * MINUTE_MS + 1)
    opens = lambda rows: [(r.open_time - T0) // MINUTE_MS for r in rows]  # noqa: E731
    assert opens(market.data.klines("TSTUSDT", "1m")) == list(range(10))
    assert opens(market.data.klines("TSTUSDT", "1m", limit=3)) == [7, 8, 9]
    assert opens(market.data.klines("TSTUSDT", "1m", start_time=T0 + 2 * MINUTE_MS, limit=3)) == [2, 3, 4]
    assert opens(market.data.klines("TSTUSDT", "1m", start_time=T0 + 2 * MINUTE_MS + 1, limit=3)) == [3, 4, 5]
    assert opens(market.data.klines("TSTUSDT", "1m", end_time=T0 + 5 * MINUTE_MS, limit=3)) == [3, 4, 5]
    assert opens(market.data.klines("TSTUSDT", "1m", start_time=T0 + MINUTE_MS, end_time=T0 + 4 * MINUTE_MS)) == [
        1,
        2,
        3,
        4,
    ]
    assert market.data.klines("TSTUSDT", "1m", start_time=T0 + HOUR_MS) == []
    assert market.data.klines("TSTUSDT", "1m", start_time=T0 - DAY_MS, end_time=T0 - HOUR_MS) == []
    assert len(market.data.klines("TSTUSDT", "1m", limit=5000)) == 10  # capped at 1000, only 10 exist
    with pytest.raises(EngineError) as excinfo:
        market.data.klines("TSTUSDT", "2m")
    assert excinfo.value.code == -1120


def test_avg_price_is_the_five_minute_vwap(market: Market) -> None:
    market.trade(T0, "50", "10")  # more than five minutes before "now": ignored
    market.trade(T0 + 6 * MINUTE_MS, "100", "1")
    market.trade(T0 + 9 * MINUTE_MS, "110", "3")
    market.clock.set(T0 + 10 * MINUTE_MS + 5)
    assert market.data.avg_price("TSTUSDT") == D("107.50")
    market.clock.set(T0 + HOUR_MS)
    assert market.data.avg_price("TSTUSDT") == D("110")  # nothing recent: the last price


def test_ticker_24hr_is_a_rolling_window(market: Market) -> None:
    market.trade(T0, "80", "5")  # will fall out of the window
    market.trade(T0 + 2 * HOUR_MS, "100", "1")
    market.trade(T0 + 10 * HOUR_MS, "130", "2")
    market.trade(T0 + 20 * HOUR_MS, "90", "1")
    market.trade(T0 + 25 * HOUR_MS, "110", "1")
    bid, _ = market.engine.place_order("maker", "TSTUSDT", "BUY", D("108"), D("4"))
    ask, _ = market.engine.place_order("maker", "TSTUSDT", "SELL", D("112"), D("6"))
    now = T0 + 25 * HOUR_MS + 30_000
    market.clock.set(now)
    ticker = market.data.ticker_24hr("TSTUSDT")
    assert (ticker.open_price, ticker.last_price) == (D("100"), D("110"))
    assert (ticker.high_price, ticker.low_price) == (D("130"), D("90"))
    assert (ticker.price_change, ticker.price_change_percent) == (D("10"), D("10.000"))
    assert (ticker.volume, ticker.quote_volume) == (D("5"), D("560"))
    assert ticker.weighted_avg_price == D("112.00")
    assert (ticker.bid_price, ticker.bid_qty, ticker.ask_price, ticker.ask_qty) == (D("108"), D("4"), D("112"), D("6"))
    assert ticker.close_time == now and ticker.open_time == interval_start(now - DAY_MS, MINUTE_MS)
    # a minute later the same cached window plus a new trade
    for order in (bid, ask):
        market.engine.cancel_order("maker", "TSTUSDT", order.order_id)
    market.trade(now + MINUTE_MS, "120", "1")
    later = market.data.ticker_24hr("TSTUSDT")
    assert (later.last_price, later.volume, later.high_price) == (D("120"), D("6"), D("130"))


def test_ticker_without_trades(market: Market) -> None:
    ticker = market.data.ticker_24hr("OTHUSDT")
    assert ticker.last_price == ticker.open_price == D("100")
    assert ticker.volume == 0 and ticker.price_change == 0
    assert ticker.bid_price == 0 and ticker.ask_qty == 0
    assert [t.symbol for t in market.data.tickers_24hr()] == ["TSTUSDT", "OTHUSDT"]


def test_a_clock_that_steps_back_still_lands_trades_in_their_minute(market: Market) -> None:
    market.trade(T0 + 5 * MINUTE_MS, "100", "1")
    market.clock.set(T0 + 7 * MINUTE_MS)
    assert len(market.data.klines("TSTUSDT", "1h")) == 1  # caches what it can
    market.trade(T0 + 2 * MINUTE_MS, "90", "1")  # e.g. a clock skew fault moved time back
    market.clock.set(T0 + 7 * MINUTE_MS)
    rows = market.data.klines("TSTUSDT", "1m", start_time=T0)
    assert [(r.open_time - T0) // MINUTE_MS for r in rows if r.volume] == [2, 5]
    assert market.data.klines("TSTUSDT", "1h")[0].volume == D("2")
