"""Matching engine: time in force, priority, fees, locks, statuses, limits, errors."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import (
    CANCELED,
    FILLED,
    NEW,
    PARTIALLY_FILLED,
    Engine,
    EngineError,
    Fill,
)
from jextui.sandbox.symbols import DEFAULT_SYMBOLS, SymbolSpec

T0 = 1_700_000_000_000


def spec(**changes: object) -> SymbolSpec:
    base = SymbolSpec(
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
        min_notional=D("1"),
        initial_price=D("100"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def engine(clock: FixedClock) -> Engine:
    eng = Engine([spec(), *DEFAULT_SYMBOLS], clock)
    for name in ("alice", "bob", "carol"):
        eng.add_account(
            name,
            {"USDT": D("10000"), "TST": D("100"), "BTC": D("1"), "JEX": D("1000000")},
            maker_fee=D("0.001"),
            taker_fee=D("0.002"),
        )
    return eng


def bal(engine: Engine, account: str, asset: str) -> tuple[D, D]:
    b = engine.balances(account)[asset]
    return b.free, b.locked


def code_of(excinfo: pytest.ExceptionInfo[EngineError]) -> tuple[int, str]:
    return excinfo.value.code, excinfo.value.msg


# --- resting and locking -------------------------------------------------------------


def test_gtc_order_rests_and_locks_exactly_what_it_needs(engine: Engine) -> None:
    buy, fills = engine.place_order("alice", "TSTUSDT", "BUY", D("99.5"), D("2"))
    _sell, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("3"))
    assert fills == []
    assert (buy.status, buy.executed_qty, buy.is_open) == (NEW, 0, True)
    assert bal(engine, "alice", "USDT") == (D("9801"), D("199"))
    assert bal(engine, "alice", "TST") == (D("97"), D("3"))
    update_id, bids, asks = engine.depth("TSTUSDT", 5)
    assert bids == [(D("99.50"), D("2.00"))]
    assert asks == [(D("101.00"), D("3.00"))]
    assert engine.best_bid_ask("TSTUSDT") == ((D("99.5"), D("2")), (D("101"), D("3")))
    assert update_id == 3


def test_prices_and_quantities_are_quantised_to_the_symbol(engine: Engine) -> None:
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("99.5"), D("2"))
    assert str(order.price) == "99.50" and str(order.orig_qty) == "2.00"


def test_cancel_releases_the_lock_and_closes_the_order(engine: Engine, clock: FixedClock) -> None:
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("50"), D("4"))
    clock.advance(1500)
    canceled = engine.cancel_order("alice", "TSTUSDT", order.order_id)
    assert canceled.status == CANCELED and not canceled.is_open
    assert canceled.update_time == T0 + 1500 and canceled.time == T0
    assert bal(engine, "alice", "USDT") == (D("10000"), D("0"))
    assert engine.depth("TSTUSDT", 5)[1] == []
    assert engine.open_orders("alice", "TSTUSDT") == []
    assert engine.get_order("alice", "TSTUSDT", order.order_id).status == CANCELED


# --- matching ---------------------------------------------------------------------------


def test_partial_fill_at_the_makers_price_with_exact_fees(engine: Engine) -> None:
    maker, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    taker, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("0.4"))
    assert len(fills) == 1
    fill = fills[0]
    assert (fill.price, fill.qty, fill.quote_qty) == (D("100"), D("0.4"), D("40"))
    assert fill.buyer_maker is False
    assert (fill.maker_order_id, fill.taker_order_id) == (maker.order_id, taker.order_id)
    assert (fill.maker_fee, fill.maker_fee_asset) == (D("0.04"), "USDT")  # 0.1 % of 40 USDT received
    assert (fill.taker_fee, fill.taker_fee_asset) == (D("0.0008"), "TST")  # 0.2 % of 0.4 TST received
    assert taker.status == FILLED and taker.cummulative_quote_qty == D("40")
    maker_now = engine.get_order("alice", "TSTUSDT", maker.order_id)
    assert maker_now.status == PARTIALLY_FILLED and maker_now.executed_qty == D("0.4")
    # the buyer locked 101 * 0.4 and paid 100 * 0.4: the difference is back at once
    assert bal(engine, "bob", "USDT") == (D("9960"), D("0"))
    assert bal(engine, "bob", "TST") == (D("100.3992"), D("0"))
    assert bal(engine, "alice", "TST") == (D("99"), D("0.6"))
    assert bal(engine, "alice", "USDT") == (D("10039.96"), D("0"))
    assert engine.depth("TSTUSDT", 5)[2] == [(D("100"), D("0.6"))]


def test_seller_as_taker_pays_fee_in_quote(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "BUY", D("100"), D("2"))
    _, fills = engine.place_order("bob", "TSTUSDT", "SELL", D("99"), D("2"))
    assert fills[0].buyer_maker is True
    assert fills[0].price == D("100")
    assert (fills[0].taker_fee, fills[0].taker_fee_asset) == (D("0.4"), "USDT")
    assert (fills[0].maker_fee, fills[0].maker_fee_asset) == (D("0.002"), "TST")
    assert bal(engine, "bob", "USDT") == (D("10199.6"), D("0"))
    assert bal(engine, "bob", "TST") == (D("98"), D("0"))
    assert bal(engine, "alice", "TST") == (D("101.998"), D("0"))
    assert bal(engine, "alice", "USDT") == (D("9800"), D("0"))


def test_price_time_priority(engine: Engine, clock: FixedClock) -> None:
    first, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    clock.advance(10)
    second, _ = engine.place_order("carol", "TSTUSDT", "SELL", D("100"), D("1"))
    better, _ = engine.place_order("carol", "TSTUSDT", "SELL", D("99"), D("0.5"))
    _, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("2"))
    assert [(f.maker_order_id, f.price, f.qty) for f in fills] == [
        (better.order_id, D("99"), D("0.5")),
        (first.order_id, D("100"), D("1")),
        (second.order_id, D("100"), D("0.5")),
    ]
    assert [f.trade_id for f in fills] == [1, 2, 3]
    assert engine.get_order("carol", "TSTUSDT", second.order_id).status == PARTIALLY_FILLED


def test_a_limit_stops_the_sweep_and_the_rest_rests(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("102"), D("1"))
    taker, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("3"))
    assert [f.price for f in fills] == [D("100")]
    assert taker.status == PARTIALLY_FILLED and taker.is_open
    assert engine.depth("TSTUSDT", 5)[1] == [(D("101"), D("2"))]
    assert bal(engine, "bob", "USDT") == (D("10000") - D("100") - D("202"), D("202"))


def test_ioc_fills_what_crosses_and_cancels_the_rest(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    order, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("3"), "IOC")
    assert order.status == CANCELED and order.executed_qty == D("1")
    assert len(fills) == 1
    assert bal(engine, "bob", "USDT") == (D("9900"), D("0"))
    assert engine.depth("TSTUSDT", 5)[1:] == ([], [])
    assert engine.open_orders("bob", "TSTUSDT") == []


def test_ioc_without_a_counterpart_changes_nothing(engine: Engine) -> None:
    order, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("3"), "IOC")
    assert (order.status, order.executed_qty, fills) == (CANCELED, 0, [])
    assert bal(engine, "bob", "USDT") == (D("10000"), D("0"))


def test_fok_that_cannot_fill_completely_changes_nothing(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("1"))
    before = engine.depth("TSTUSDT", 10)
    order, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("2.5"), "FOK")
    assert (order.status, order.executed_qty, fills) == (CANCELED, 0, [])
    assert engine.depth("TSTUSDT", 10) == before
    assert bal(engine, "bob", "USDT") == (D("10000"), D("0"))
    assert engine.history_orders("bob", "TSTUSDT")[-1].order_id == order.order_id


def test_fok_that_can_fill_fills_across_levels(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("1"))
    order, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("2"), "FOK")
    assert order.status == FILLED and order.cummulative_quote_qty == D("201")
    assert [f.price for f in fills] == [D("100"), D("101")]


def test_self_trade_is_allowed_and_pays_both_fees(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    _, fills = engine.place_order("alice", "TSTUSDT", "BUY", D("100"), D("1"))
    assert fills[0].maker_account == fills[0].taker_account == "alice"
    assert bal(engine, "alice", "TST") == (D("100") - D("0.002"), D("0"))
    assert bal(engine, "alice", "USDT") == (D("10000") - D("0.1"), D("0"))


def test_fee_table_overrides_and_rebates(engine: Engine) -> None:
    engine.set_fees("carol", D("-0.0005"), D("0.003"), symbol="TSTUSDT")
    assert engine.fees("carol", "TSTUSDT") == (D("-0.0005"), D("0.003"))
    assert engine.fees("carol", "BTCUSDT") == (D("0.001"), D("0.002"))
    engine.place_order("carol", "TSTUSDT", "SELL", D("100"), D("1"))
    _, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert fills[0].maker_fee == D("-0.05")  # a rebate: carol receives more than 100
    assert bal(engine, "carol", "USDT") == (D("10100.05"), D("0"))


def test_fees_round_down_to_eight_decimals(engine: Engine) -> None:
    engine.place_order("alice", "JEXBTC", "SELL", D("0.00001464"), D("7"))
    _, fills = engine.place_order("bob", "JEXBTC", "BUY", D("0.00001464"), D("7"))
    assert fills[0].quote_qty == D("0.00010248")
    assert fills[0].maker_fee == D("0.00000010")  # 0.00000010248 rounded down
    assert bal(engine, "alice", "BTC") == (D("1.00010238"), D("0"))


def test_ids_increase(engine: Engine) -> None:
    first, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    second, _ = engine.place_order("alice", "BTCUSDT", "SELL", D("60000"), D("0.001"))
    assert second.order_id == first.order_id + 1
    engine.set_next_trade_id("TSTUSDT", 501)
    _, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("0.5"))
    _, more = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("0.5"))
    assert [fills[0].trade_id, more[0].trade_id] == [501, 502]
    assert engine.next_trade_id("BTCUSDT") == 1


def test_fill_and_order_listeners_hear_every_change(engine: Engine) -> None:
    heard: list[Fill] = []
    orders: list[tuple[int, str]] = []
    engine.add_fill_listener(heard.append)
    engine.add_order_listener(lambda o: orders.append((o.order_id, o.status)))
    maker, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    taker, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert heard == fills
    assert orders == [(maker.order_id, NEW), (maker.order_id, FILLED), (taker.order_id, FILLED)]


# --- queries -----------------------------------------------------------------------------


def test_open_and_history_order_selection(engine: Engine, clock: FixedClock) -> None:
    ids = []
    for step in range(5):
        clock.advance(1000)
        order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("10") + step, D("1"))
        ids.append(order.order_id)
    engine.cancel_order("alice", "TSTUSDT", ids[1])
    assert [o.order_id for o in engine.open_orders("alice", "TSTUSDT")] == [ids[0], *ids[2:]]
    assert [o.order_id for o in engine.open_orders("alice", "TSTUSDT", limit=2)] == ids[3:]
    assert [o.order_id for o in engine.open_orders("alice", "TSTUSDT", from_order_id=ids[2], limit=2)] == ids[2:4]
    assert [o.order_id for o in engine.history_orders("alice", "TSTUSDT")] == ids
    window = engine.history_orders("alice", "TSTUSDT", start_time=T0 + 2000, end_time=T0 + 3000)
    assert [o.order_id for o in window] == ids[1:3]
    assert engine.open_orders("bob", "TSTUSDT") == []
    assert engine.history_orders("nobody", "TSTUSDT") == []


def test_balances_list_every_asset_with_eight_decimals(engine: Engine) -> None:
    balances = engine.balances("alice")
    assert list(balances) == sorted(balances)
    assert str(balances["USDT"].free) == "10000.00000000"
    assert engine.balances("nobody") == {}


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "side", "price", "qty", "tif", "expected"),
    [
        ("NOPE", "BUY", "1", "1", "GTC", (-1121, "Invalid symbol.")),
        ("TSTUSDT", "HOLD", "100", "1", "GTC", (-1117, "Invalid side.")),
        ("TSTUSDT", "BUY", "100", "1", "GTD", (-1115, "Invalid timeInForce.")),
        ("TSTUSDT", "BUY", "0", "1", "GTC", (-2010, "Price * QTY is zero or less.")),
        ("TSTUSDT", "BUY", "100", "-1", "GTC", (-2010, "Price * QTY is zero or less.")),
        (
            "TSTUSDT",
            "BUY",
            "NaN",
            "1",
            "GTC",
            (-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
        ),
        (
            "TSTUSDT",
            "BUY",
            "100.001",
            "1",
            "GTC",
            (-1129, "error scale in parameter 'price', should be scale no more than '2'"),
        ),
        (
            "TSTUSDT",
            "BUY",
            "100",
            "1.001",
            "GTC",
            (-1129, "error scale in parameter 'quantity', should be scale no more than '2'"),
        ),
        ("TSTUSDT", "BUY", "100001", "1", "GTC", (-9000, "Filter failure: PRICE_FILTER")),
        ("TSTUSDT", "BUY", "100", "10001", "GTC", (-9000, "Filter failure: LOT_SIZE")),
        ("TSTUSDT", "BUY", "1", "0.5", "GTC", (-9000, "Filter failure: MIN_NOTIONAL")),
        ("TSTUSDT", "BUY", "100", "101", "GTC", (-2010, "Account has insufficient balance for requested action.")),
        ("TSTUSDT", "SELL", "100", "100.01", "GTC", (-2010, "Account has insufficient balance for requested action.")),
    ],
)
def test_refusals_carry_the_api_code_and_message(
    engine: Engine, symbol: str, side: str, price: str, qty: str, tif: str, expected: tuple[int, str]
) -> None:
    for attempt in (engine.check_order, engine.place_order):
        with pytest.raises(EngineError) as excinfo:
            attempt("alice", symbol, side, D(price), D(qty), tif)
        assert code_of(excinfo) == expected
    assert bal(engine, "alice", "USDT") == (D("10000"), D("0"))
    assert engine.history_orders("alice", "TSTUSDT") == []


def test_trailing_zeros_beyond_the_scale_are_accepted(engine: Engine) -> None:
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("99.5000"), D("1.000"))
    assert order.price == D("99.5")


def test_price_and_lot_steps(clock: FixedClock) -> None:
    engine = Engine([spec(tick_size=D("0.05"), step_size=D("0.5"), min_qty=D("0.5"))], clock)
    engine.add_account("a", {"USDT": D("1000"), "TST": D("10")})
    with pytest.raises(EngineError, match="PRICE_FILTER"):
        engine.place_order("a", "TSTUSDT", "BUY", D("10.02"), D("1"))
    with pytest.raises(EngineError, match="LOT_SIZE"):
        engine.place_order("a", "TSTUSDT", "BUY", D("10.05"), D("1.2"))
    engine.place_order("a", "TSTUSDT", "BUY", D("10.05"), D("1.5"))


def test_a_halted_market_is_closed(clock: FixedClock) -> None:
    engine = Engine([spec(status="HALT")], clock)
    engine.add_account("a", {"USDT": D("1000")})
    with pytest.raises(EngineError) as excinfo:
        engine.place_order("a", "TSTUSDT", "BUY", D("10"), D("1"))
    assert code_of(excinfo) == (-2010, "Market is closed.")


def test_open_order_cap_per_symbol_and_account(clock: FixedClock) -> None:
    engine = Engine([spec(), *DEFAULT_SYMBOLS], clock, max_open_orders=3)
    engine.add_account("a", {"USDT": D("100000"), "BTC": D("1")})
    ids = [engine.place_order("a", "TSTUSDT", "BUY", D("10"), D("1"))[0].order_id for _ in range(3)]
    with pytest.raises(EngineError) as excinfo:
        engine.place_order("a", "TSTUSDT", "BUY", D("10"), D("1"))
    assert code_of(excinfo) == (-2019, "has reach max order number")
    with pytest.raises(EngineError):
        engine.check_order("a", "TSTUSDT", "BUY", D("10"), D("1"))
    engine.place_order("a", "BTCUSDT", "SELL", D("70000"), D("0.001"))  # another symbol is fine
    engine.cancel_order("a", "TSTUSDT", ids[0])
    engine.place_order("a", "TSTUSDT", "BUY", D("10"), D("1"))


def test_the_default_cap_is_200(engine: Engine) -> None:
    assert engine.max_open_orders == 200


def test_cancel_and_lookup_refusals(engine: Engine) -> None:
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("50"), D("1"))
    for account, symbol, order_id in (
        ("alice", "TSTUSDT", 999),
        ("bob", "TSTUSDT", order.order_id),
        ("alice", "BTCUSDT", order.order_id),
    ):
        with pytest.raises(EngineError) as excinfo:
            engine.cancel_order(account, symbol, order_id)
        assert code_of(excinfo) == (-2013, "Order does not exist.")
        with pytest.raises(EngineError) as excinfo:
            engine.get_order(account, symbol, order_id)
        assert code_of(excinfo) == (-2013, "Order does not exist.")
    engine.cancel_order("alice", "TSTUSDT", order.order_id)
    with pytest.raises(EngineError) as excinfo:
        engine.cancel_order("alice", "TSTUSDT", order.order_id)
    assert code_of(excinfo) == (-2011, "Unknown order sent.")
    with pytest.raises(EngineError) as excinfo:
        engine.cancel_order("alice", "NOPE", order.order_id)
    assert code_of(excinfo) == (-1121, "Invalid symbol.")
    with pytest.raises(EngineError):
        engine.depth("NOPE", 5)


def test_check_order_changes_nothing(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    before = engine.depth("TSTUSDT", 5)
    engine.check_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert engine.depth("TSTUSDT", 5) == before
    assert bal(engine, "bob", "USDT") == (D("10000"), D("0"))
    assert engine.history_orders("bob", "TSTUSDT") == []


def test_unknown_accounts_cannot_trade(engine: Engine) -> None:
    with pytest.raises(EngineError) as excinfo:
        engine.place_order("mallory", "TSTUSDT", "BUY", D("10"), D("1"))
    assert excinfo.value.code == -2010


def test_duplicate_accounts_and_negative_balances_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError):
        engine.add_account("alice", {})
    with pytest.raises(ValueError):
        engine.add_account("dave", {"USDT": D("-1")})
