"""The simulated market: a realistic resting book, makers requoting, takers trading."""

from __future__ import annotations

from decimal import Decimal as D

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.exchange import Exchange
from jextui.sandbox.market import BACKFILL_TRADES, MAKER_ACCOUNT, MarketSimulator, typical_qty
from jextui.sandbox.symbols import DEFAULT_SYMBOLS

START = 1_700_000_123_456


def test_every_symbol_starts_with_a_two_sided_book_around_its_price() -> None:
    exchange = Exchange(seed=1, clock=FixedClock(START), simulate=False)
    for spec in exchange.spot_symbols:
        _, bids, asks = exchange.engine.depth(spec.symbol, 60)
        assert len(bids) >= 30 and len(asks) >= 30, spec.symbol
        best_bid, best_ask = bids[0][0], asks[0][0]
        assert best_bid < spec.initial_price < best_ask
        assert (best_ask - best_bid) / spec.initial_price < D("0.01")  # a tight spread
        for price, qty in bids + asks:
            assert price * qty >= spec.min_notional
            assert price == price.quantize(spec.price_exp) and qty == qty.quantize(spec.qty_exp)


def test_quiet_mode_keeps_the_book_still() -> None:
    clock = FixedClock(START)
    exchange = Exchange(seed=1, clock=clock, simulate=False)
    before = [exchange.engine.depth(s.symbol, 60) for s in exchange.spot_symbols]
    for _ in range(20):
        clock.advance(500)
        exchange.tick()
    assert [exchange.engine.depth(s.symbol, 60) for s in exchange.spot_symbols] == before
    assert exchange.market.recent_trades("BTCUSDT", 1)[0].id == BACKFILL_TRADES


def test_the_simulated_market_trades_and_stays_sane() -> None:
    clock = FixedClock(START)
    exchange = Exchange(seed=5, clock=clock)
    for _ in range(400):  # about three minutes of market
        clock.advance(500)
        exchange.tick()
        for spec in DEFAULT_SYMBOLS[:3]:
            bid, ask = exchange.engine.best_bid_ask(spec.symbol)
            assert bid is not None and ask is not None and bid[0] < ask[0]
    for spec in DEFAULT_SYMBOLS:
        trades = exchange.market.recent_trades(spec.symbol, 60)
        assert trades[-1].id > BACKFILL_TRADES + 20, spec.symbol  # live trades happened
        assert abs(trades[-1].price / spec.initial_price - 1) < D("0.05"), spec.symbol
        _, bids, asks = exchange.engine.depth(spec.symbol, 60)
        assert 30 <= len(bids) <= 60 and 30 <= len(asks) <= 60
        assert len(exchange.engine.open_orders(MAKER_ACCOUNT, spec.symbol)) <= 150
        (live,) = exchange.market.klines(spec.symbol, "1m", limit=1)
        assert live.trades > 0
        assert exchange.market.ticker_24hr(spec.symbol).last_price == trades[-1].price


def test_seed_books_leaves_an_existing_book_alone() -> None:
    exchange = Exchange(seed=1, clock=FixedClock(START), simulate=False)
    before = exchange.engine.depth("ETHUSDT", 60)
    simulator = MarketSimulator(exchange.engine, exchange.market, 1, exchange.clock)
    simulator.seed_books()
    assert exchange.engine.depth("ETHUSDT", 60) == before


def test_typical_trade_size_respects_the_filters() -> None:
    for spec in DEFAULT_SYMBOLS:
        qty = typical_qty(spec)
        assert qty >= spec.min_qty and qty == qty.quantize(spec.qty_exp)
        assert qty * spec.initial_price >= spec.min_notional * 10
