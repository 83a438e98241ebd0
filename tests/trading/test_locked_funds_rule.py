"""The locked-funds rule of docs/locked-funds.md, checked against the sandbox exchange.

After each step, the account's locked amounts (``GET /account``) must equal,
exactly and for every asset, what the rule computes from the open orders
alone (``openOrders`` of every symbol): BUY locks price × remaining quote,
SELL locks the remaining base.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jextui.api import JexClient
from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import Engine, EngineError
from jextui.sandbox.symbols import DEFAULT_SYMBOLS
from jextui.trading.account_orders import (
    AccountOrders,
    OpenOrder,
    SymbolAssets,
    locked_from_account,
    symbol_assets_from_info,
)


@pytest.fixture
async def clients(sandbox: Any) -> AsyncIterator[tuple[JexClient, JexClient]]:
    key, secret = sandbox.add_api_key("counterparty")
    async with (
        JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as me,
        JexClient(sandbox.base_url, key, secret) as other,
    ):
        yield me, other


async def _check_rule(client: JexClient) -> AccountOrders:
    """Every symbol's open orders against the account: explained exactly, nothing more, nothing less."""
    info = await client.exchange_info()
    book = AccountOrders(symbol_assets_from_info(info.spot_symbols))
    account = await client.account()
    book.set_locked(locked_from_account(account))
    for symbol in book.symbol_names:
        book.apply_snapshot(symbol, await client.open_orders(symbol), book.begin_snapshot())
    assert book.unexplained() == {}, book.unexplained_lines()
    return book


async def test_the_rule_holds_through_partial_fills_better_prices_fees_iocs_and_cancels(
    clients: tuple[JexClient, JexClient],
) -> None:
    me, other = clients
    fees = await me.trade_fee("ETHUSDT")
    assert fees[0].maker > 0 and fees[0].taker > 0  # fees are being charged throughout
    top = await me.book_ticker("ETHUSDT")
    assert top.ask_price - top.bid_price > D("0.50")  # room for the prices below inside the spread
    book = await _check_rule(me)
    assert book.can_say_no_orders  # a fresh account: nothing locked

    # a resting BUY inside the spread (the best bid), then partly filled as maker
    my_bid = top.bid_price + D("0.10")
    buy = await me.new_order("ETHUSDT", "BUY", D("0.30000"), my_bid)
    book = await _check_rule(me)
    assert book.expected_locked() == {"USDT": my_bid * D("0.3")}
    taken = await other.new_order("ETHUSDT", "SELL", D("0.12000"), my_bid, time_in_force="IOC", resp_type="RESULT")
    assert taken.executed_qty == D("0.12")
    book = await _check_rule(me)
    assert book.get(buy.order_id).executed_qty == D("0.12")  # type: ignore[union-attr]
    assert book.expected_locked() == {"USDT": my_bid * D("0.18")}

    # a resting SELL, partly filled as maker
    my_ask = top.ask_price - D("0.10")
    sell = await me.new_order("ETHUSDT", "SELL", D("0.25000"), my_ask)
    await other.new_order("ETHUSDT", "BUY", D("0.05000"), my_ask, time_in_force="IOC")
    book = await _check_rule(me)
    assert book.get(sell.order_id).executed_qty == D("0.05")  # type: ignore[union-attr]
    assert book.expected_locked()["ETH"] == D("0.2")

    # an incoming BUY filling at a better price than its limit, the rest resting at the limit
    their_ask = my_ask - D("0.20")
    await other.new_order("ETHUSDT", "SELL", D("0.04000"), their_ask)
    limit = my_ask - D("0.10")  # above their ask, below my own resting sell: only theirs is crossed
    better = await me.new_order("ETHUSDT", "BUY", D("0.10000"), limit, resp_type="RESULT")
    assert better.executed_qty == D("0.04") and better.cummulative_quote_qty == their_ask * D("0.04")
    book = await _check_rule(me)
    assert book.get(better.order_id).remaining_qty == D("0.06")  # type: ignore[union-attr]
    assert book.expected_locked()["USDT"] == my_bid * D("0.18") + limit * D("0.06")

    # an IOC that fills partly holds nothing afterwards
    await other.new_order("LTCBTC", "SELL", D("1.00"), D("0.001290"))
    ioc = await me.new_order("LTCBTC", "BUY", D("3.00"), D("0.001290"), time_in_force="IOC", resp_type="RESULT")
    assert ioc.status == "CANCELED" and D(0) < ioc.executed_qty < D(3)
    book = await _check_rule(me)
    assert "LTCBTC" not in book.counts()

    # a cancel gives back the whole remaining lock
    await me.cancel_order("ETHUSDT", buy.order_id)
    book = await _check_rule(me)
    assert book.expected_locked()["USDT"] == limit * D("0.06")
    await me.cancel_order("ETHUSDT", better.order_id)
    await me.cancel_order("ETHUSDT", sell.order_id)
    book = await _check_rule(me)
    assert book.can_say_no_orders


async def test_the_rule_holds_for_precisions_that_fill_all_eight_decimals(clients: tuple[JexClient, JexClient]) -> None:
    me, _ = clients
    await me.new_order("JEXBTC", "BUY", D(777), D("0.00001237"))  # 8 price decimals, whole quantity
    await me.new_order("LTCBTC", "BUY", D("1.37"), D("0.000731"))  # 6 + 2 decimals
    await me.new_order("BNBBTC", "SELL", D("0.07"), D("0.019999"))
    book = await _check_rule(me)
    assert book.expected_locked() == {"BTC": D("0.00961149") + D("0.00100147"), "BNB": D("0.07")}


# --- the engine directly: a randomized flow -----------------------------------------------------------

SPECS = {s.symbol: s for s in DEFAULT_SYMBOLS if s.symbol in ("ETHBTC", "JEXBTC", "ETHUSDT")}
ASSETS = {symbol: SymbolAssets(spec.base_asset, spec.quote_asset) for symbol, spec in SPECS.items()}
LOT = {"ETHBTC": D("0.01"), "JEXBTC": D(10), "ETHUSDT": D("0.003")}

step = st.one_of(
    st.tuples(
        st.just("place"),
        st.sampled_from(("me", "them")),
        st.sampled_from(sorted(SPECS)),
        st.sampled_from(("BUY", "SELL")),
        st.integers(-5, 5),
        st.integers(1, 300),
        st.sampled_from(("GTC", "GTC", "IOC", "FOK")),
    ),
    st.tuples(st.just("cancel"), st.integers(0, 1000)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(step, max_size=60), st.sampled_from([(D(0), D(0)), (D("0.001"), D("0.002")), (D("-0.0002"), D("0.0007"))])
)
def test_the_rule_holds_for_any_flow_of_orders(steps: list[tuple[Any, ...]], fees: tuple[D, D]) -> None:
    engine = Engine(SPECS.values(), FixedClock(1_700_000_000_000))
    deposits = {"BTC": D(5), "ETH": D(50), "JEX": D(300000), "USDT": D(60000)}
    engine.add_account("me", deposits, maker_fee=fees[0], taker_fee=fees[1])
    engine.add_account("them", deposits)
    for action in steps:
        if action[0] == "place":
            _, who, symbol, side, offset, lots, tif = action
            spec = SPECS[symbol]
            price = spec.initial_price + offset * spec.tick_size
            with contextlib.suppress(EngineError):
                engine.place_order(who, symbol, side, price, (LOT[symbol] * lots).quantize(spec.qty_exp), tif)
        else:
            mine = [o for symbol in SPECS for o in engine.open_orders("me", symbol)]
            if mine:
                victim = mine[action[1] % len(mine)]
                engine.cancel_order("me", victim.symbol, victim.order_id)
        book = AccountOrders(ASSETS)
        book.set_locked({asset: b.locked for asset, b in engine.balances("me").items()})
        for symbol in SPECS:
            orders = [
                OpenOrder(o.symbol, o.order_id, o.side, o.price, o.orig_qty, o.executed_qty, o.status)
                for o in engine.open_orders("me", symbol)
            ]
            book.apply_snapshot(symbol, orders, book.begin_snapshot())
        assert book.unexplained() == {}
