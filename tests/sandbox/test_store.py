"""The optional state file: a restarted sandbox continues where it stopped."""

from __future__ import annotations

from dataclasses import astuple
from decimal import Decimal as D
from pathlib import Path

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import EngineOrder
from jextui.sandbox.exchange import AUTOSAVE_MS, Exchange
from jextui.sandbox.market import MAKER_ACCOUNT, typical_qty
from jextui.sandbox.store import StoreError

START = 1_700_000_123_456


def _orders(exchange: Exchange, account: str, symbol: str, *, open_only: bool) -> list[tuple[object, ...]]:
    select = exchange.engine.open_orders if open_only else exchange.engine.history_orders
    return [astuple(o) for o in select(account, symbol)]


def _trade_on(exchange: Exchange, account: str) -> tuple[EngineOrder, EngineOrder]:
    engine = exchange.engine
    best_ask = engine.best_bid_ask("ETHUSDT")[1]
    assert best_ask is not None
    engine.place_order(account, "ETHUSDT", "BUY", best_ask[0], best_ask[1] + D("0.5"))  # partly rests
    best_bid = engine.best_bid_ask("BTCUSDT")[0]
    assert best_bid is not None
    resting, _ = engine.place_order(account, "BTCUSDT", "BUY", best_bid[0] + D("0.01"), D("0.01"))
    doomed, _ = engine.place_order(account, "BTCUSDT", "SELL", D("70000.00"), D("0.02"))
    engine.cancel_order(account, "BTCUSDT", doomed.order_id)
    return resting, doomed


def test_state_round_trip(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    clock = FixedClock(START)
    first = Exchange(seed=4, clock=clock, state_path=path)
    first.open_account("demo")
    for _ in range(10):
        clock.advance(500)
        first.tick()
    clock.advance(1000)
    resting, doomed = _trade_on(first, "demo")
    balances = first.engine.balances("demo")
    open_eth = _orders(first, "demo", "ETHUSDT", open_only=True)
    history_btc = _orders(first, "demo", "BTCUSDT", open_only=False)
    trades = first.market.recent_trades("ETHUSDT", 60)
    klines = first.market.klines("ETHUSDT", "1m", limit=50)
    next_order_id = first.engine.next_order_id
    next_trade_id = first.engine.next_trade_id("BTCUSDT")
    first.close()

    clock.advance(60_000)
    second = Exchange(seed=999, clock=clock, state_path=path)  # the file's seed wins
    assert second.seed == 4 and second.genesis_ms == START
    second.open_account("demo")  # already there: left alone
    assert second.engine.balances("demo") == balances
    assert open_eth and _orders(second, "demo", "ETHUSDT", open_only=True) == open_eth
    assert _orders(second, "demo", "BTCUSDT", open_only=False) == history_btc
    assert second.engine.get_order("demo", "BTCUSDT", doomed.order_id).status == "CANCELED"
    assert second.market.recent_trades("ETHUSDT", 60) == trades
    assert second.market.klines("ETHUSDT", "1m", end_time=klines[-1].open_time, limit=50) == klines
    # the open orders are back on the book: they trade
    for maker_order in second.engine.open_orders(MAKER_ACCOUNT, "BTCUSDT"):
        second.engine.cancel_order(MAKER_ACCOUNT, "BTCUSDT", maker_order.order_id)
    assert second.engine.depth("BTCUSDT", 60)[1] == [(resting.price, D("0.010000"))]
    assert next_order_id <= second.engine.next_order_id
    order, _ = second.engine.place_order("demo", "DASHUSDT", "BUY", D("1.00"), D("10"))
    assert order.order_id >= next_order_id
    second.open_account("seller")
    _, fills = second.engine.place_order("seller", "BTCUSDT", "SELL", resting.price, D("0.01"), "IOC")
    assert [(f.maker_order_id, f.trade_id) for f in fills] == [(resting.order_id, next_trade_id)]
    assert second.engine.get_order("demo", "BTCUSDT", resting.order_id).status == "FILLED"
    second.close()

    third = Exchange(clock=clock, state_path=path)
    assert third.engine.get_order("demo", "BTCUSDT", resting.order_id).status == "FILLED"
    assert third.engine.balances("seller") == second.engine.balances("seller")
    third.close()


def test_ticks_save_every_few_seconds(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    clock = FixedClock(START)
    exchange = Exchange(seed=4, clock=clock, simulate=False, state_path=path)
    exchange.open_account("demo")
    order, _ = exchange.engine.place_order("demo", "LTCBTC", "BUY", D("0.001000"), D("1"))
    clock.advance(AUTOSAVE_MS)
    exchange.tick()  # no close(): as if the process were killed now
    reopened = Exchange(clock=clock, state_path=path)
    assert reopened.engine.get_order("demo", "LTCBTC", order.order_id).is_open
    reopened.close()
    exchange.close()


def test_fewer_symbols_after_a_restart_releases_their_funds(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    clock = FixedClock(START)
    exchange = Exchange(seed=4, clock=clock, simulate=False, state_path=path, extra_symbols=2)
    exchange.open_account("demo")
    spec = exchange.spot_symbols[-1]
    price = (spec.initial_price / 2).quantize(spec.price_exp)
    exchange.engine.place_order("demo", spec.symbol, "BUY", price, typical_qty(spec))
    assert exchange.engine.balances("demo")["USDT"].locked > 0
    exchange.close()
    smaller = Exchange(clock=clock, state_path=path, simulate=False)
    assert spec.symbol not in smaller.engine.symbols
    assert smaller.engine.balances("demo")["USDT"].locked == 0
    assert smaller.engine.balances("demo")["USDT"].free == D("250000")
    smaller.close()


def test_a_file_that_is_not_a_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a sandbox state file"):
        Exchange(clock=FixedClock(START), state_path=str(path))


def test_without_a_path_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exchange = Exchange(clock=FixedClock(START), simulate=False)
    exchange.save()
    exchange.close()
    assert list(tmp_path.iterdir()) == []
