"""The matching engine at its edges: fee rounding, a maker filled bit by bit,
per-symbol fees, order/test checks, exact balances, and saved accounts."""

from __future__ import annotations

from dataclasses import astuple, replace
from decimal import Decimal as D

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import CANCELED, FILLED, NEW, PARTIALLY_FILLED, AssetBalance, Engine, EngineError
from jextui.sandbox.symbols import SymbolSpec

T0 = 1_700_000_000_000


def spec(**changes: object) -> SymbolSpec:
    base = SymbolSpec(
        symbol="TSTUSDT",
        base_asset="TST",
        quote_asset="USDT",
        base_precision=4,
        quote_precision=4,
        tick_size=D("0.0001"),
        min_price=D("0.0001"),
        max_price=D("100000"),
        step_size=D("0.0001"),
        min_qty=D("0.0001"),
        max_qty=D("10000"),
        min_notional=D("0.0001"),
        initial_price=D("100"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def engine(clock: FixedClock) -> Engine:
    eng = Engine([spec(), spec(symbol="TSTBTC", quote_asset="BTC")], clock)
    for name in ("alice", "bob"):
        eng.add_account(
            name, {"USDT": D("10000"), "TST": D("100"), "BTC": D("10")}, maker_fee=D("0.001"), taker_fee=D("0.002")
        )
    return eng


def bal(engine: Engine, account: str, asset: str) -> tuple[D, D]:
    b = engine.balances(account)[asset]
    return b.free, b.locked


def refusal(excinfo: pytest.ExceptionInfo[EngineError]) -> tuple[int, str]:
    return excinfo.value.code, excinfo.value.msg


# --- fees ---------------------------------------------------------------------------------


def test_fees_are_rounded_down_to_eight_decimals(engine: Engine) -> None:
    engine.set_fees("alice", D("0.0012345"), D("0.0012345"))
    engine.set_fees("bob", D("0.0012345"), D("0.0012345"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("1.0001"), D("0.3333"))
    _, [fill] = engine.place_order("bob", "TSTUSDT", "BUY", D("1.0001"), D("0.3333"))
    # taker (buyer) pays on 0.3333 TST: 0.00041145885 -> 0.00041145; maker on 0.33333333 USDT: 0.00041149 (…499)
    assert fill.taker_fee == D("0.00041145")
    assert fill.maker_fee == D("0.00041149")
    assert bal(engine, "bob", "TST") == (D("100.33288855"), D("0"))
    assert bal(engine, "alice", "USDT") == (D("10000.33292184"), D("0"))


def test_a_zero_rate_charges_nothing(engine: Engine) -> None:
    engine.set_fees("alice", D("0"), D("0"))
    engine.set_fees("bob", D("0"), D("0"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    _, [fill] = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert (fill.maker_fee, fill.taker_fee) == (D("0"), D("0"))
    assert bal(engine, "bob", "TST") == (D("101"), D("0"))


def test_a_negative_maker_rate_is_a_rebate(engine: Engine) -> None:
    engine.set_fees("alice", D("-0.001"), D("0.002"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    _, [fill] = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert fill.maker_fee == D("-0.1")
    assert bal(engine, "alice", "USDT") == (D("10100.1"), D("0"))


def test_per_symbol_rates_apply_to_that_symbol_only(engine: Engine) -> None:
    engine.set_fees("bob", D("0.005"), D("0.01"), symbol="TSTUSDT")
    assert engine.fees("bob", "TSTUSDT") == (D("0.005"), D("0.01"))
    assert engine.fees("bob", "TSTBTC") == (D("0.001"), D("0.002"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    _, [taken] = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"))
    assert taken.taker_fee == D("0.01")  # 1 % of 1 TST, the override
    engine.place_order("bob", "TSTUSDT", "SELL", D("100"), D("1"))
    _, [made] = engine.place_order("alice", "TSTUSDT", "BUY", D("100"), D("1"))
    assert made.maker_fee == D("0.5")  # 0.5 % of 100 USDT, the override's maker rate
    engine.place_order("alice", "TSTBTC", "SELL", D("0.01"), D("1"))
    _, [elsewhere] = engine.place_order("bob", "TSTBTC", "BUY", D("0.01"), D("1"))
    assert elsewhere.taker_fee == D("0.002")  # the account's default rate


def test_fees_of_an_unknown_account_are_the_defaults_and_of_an_unknown_symbol_refused(engine: Engine) -> None:
    assert engine.fees("nobody", "TSTUSDT") == (D("0.0008"), D("0.001"))
    with pytest.raises(EngineError) as unknown:
        engine.fees("alice", "NOPE")
    assert refusal(unknown) == (-1121, "Invalid symbol.")
    with pytest.raises(EngineError) as unknown_override:
        engine.set_fees("alice", D("0"), D("0"), symbol="NOPE")
    assert refusal(unknown_override) == (-1121, "Invalid symbol.")
    with pytest.raises(EngineError) as no_account:
        engine.set_fees("nobody", D("0"), D("0"))
    assert refusal(no_account) == (-2015, "Invalid API-key, IP, or permissions for action.")


# --- a maker filled in several parts ---------------------------------------------------------


def test_a_maker_filled_in_three_parts_adds_up_exactly(engine: Engine, clock: FixedClock) -> None:
    maker, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100.5"), D("1"))
    for part, (executed, quote, status) in enumerate(
        [
            (D("0.3"), D("30.15"), PARTIALLY_FILLED),
            (D("0.7"), D("70.35"), PARTIALLY_FILLED),
            (D("1"), D("100.5"), FILLED),
        ],
        start=1,
    ):
        clock.advance(1000)
        _, [fill] = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("0.4") if part == 2 else D("0.3"))
        now = engine.get_order("alice", "TSTUSDT", maker.order_id)
        assert (now.executed_qty, now.cummulative_quote_qty, now.status) == (executed, quote, status)
        assert now.update_time == T0 + 1000 * part and now.time == T0
        assert fill.maker_order_id == maker.order_id
    assert engine.open_orders("alice", "TSTUSDT") == []
    assert bal(engine, "alice", "TST") == (D("99"), D("0"))
    assert bal(engine, "alice", "USDT") == (D("10100.3995"), D("0"))  # 100.5 less 0.1 % fee


def test_a_taker_sweeping_two_makers_lists_each_once(engine: Engine) -> None:
    first, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    second, _ = engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("1"))
    seen: list[tuple[int, str]] = []
    engine.add_order_listener(lambda order: seen.append((order.order_id, order.status)))
    taker, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("1.5"))
    assert [f.maker_order_id for f in fills] == [first.order_id, second.order_id]
    assert seen == [(first.order_id, FILLED), (second.order_id, PARTIALLY_FILLED), (taker.order_id, FILLED)]
    assert taker.cummulative_quote_qty == D("150.5") and taker.executed_qty == D("1.5")
    # locked 101 * 1.5; paid 150.5: 1 USDT back at once
    assert bal(engine, "bob", "USDT") == (D("9849.5"), D("0"))


def test_an_ioc_filled_in_part_is_canceled_with_what_it_got(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    taker, _ = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("3"), "IOC")
    assert (taker.status, taker.executed_qty, taker.cummulative_quote_qty) == (CANCELED, D("1"), D("100"))
    assert bal(engine, "bob", "USDT") == (D("9900"), D("0"))


def test_a_sell_taker_fills_bids_best_first_down_to_its_limit(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "BUY", D("99"), D("1"))
    engine.place_order("alice", "TSTUSDT", "BUY", D("100"), D("1"))
    engine.place_order("alice", "TSTUSDT", "BUY", D("98"), D("1"))
    taker, fills = engine.place_order("bob", "TSTUSDT", "SELL", D("99"), D("3"))
    assert [f.price for f in fills] == [D("100"), D("99")]
    assert taker.status == PARTIALLY_FILLED  # the rest of it rests at 99
    assert taker.executed_qty == D("2")
    assert engine.depth("TSTUSDT", 5)[1:] == ([(D("98"), D("1"))], [(D("99"), D("1"))])


def test_fok_counts_liquidity_exactly_at_its_limit(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("1"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("1"))
    short, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("100.9999"), D("2"), "FOK")
    assert (short.status, fills) == (CANCELED, [])
    enough, fills = engine.place_order("bob", "TSTUSDT", "BUY", D("101"), D("2"), "FOK")
    assert enough.status == FILLED and len(fills) == 2
    engine.place_order("alice", "TSTUSDT", "BUY", D("99"), D("1"))
    engine.place_order("alice", "TSTUSDT", "BUY", D("98"), D("1"))
    sell_short, _ = engine.place_order("bob", "TSTUSDT", "SELL", D("98.0001"), D("2"), "FOK")
    assert sell_short.status == CANCELED
    sell_enough, _ = engine.place_order("bob", "TSTUSDT", "SELL", D("98"), D("2"), "FOK")
    assert sell_enough.status == FILLED


# --- funds ------------------------------------------------------------------------------------


def test_an_order_may_spend_exactly_the_whole_free_balance(engine: Engine) -> None:
    engine.add_account("carol", {"USDT": D("100"), "TST": D("2")})
    buy, _ = engine.place_order("carol", "TSTUSDT", "BUY", D("50"), D("2"))
    assert buy.status == NEW and bal(engine, "carol", "USDT") == (D("0"), D("100"))
    sell, _ = engine.place_order("carol", "TSTUSDT", "SELL", D("60"), D("2"))
    assert sell.status == NEW and bal(engine, "carol", "TST") == (D("0"), D("2"))
    with pytest.raises(EngineError) as more:
        engine.place_order("carol", "TSTUSDT", "SELL", D("60"), D("0.0001"))
    assert refusal(more) == (-2010, "Account has insufficient balance for requested action.")


def test_the_order_test_checks_the_asset_a_side_spends(engine: Engine) -> None:
    engine.add_account("base_only", {"TST": D("10")})
    engine.add_account("quote_only", {"USDT": D("1000")})
    with pytest.raises(EngineError) as no_quote:
        engine.check_order("base_only", "TSTUSDT", "BUY", D("100"), D("1"))
    assert refusal(no_quote)[0] == -2010
    engine.check_order("base_only", "TSTUSDT", "SELL", D("100"), D("10"))  # exactly what it holds
    engine.check_order("quote_only", "TSTUSDT", "BUY", D("100"), D("10"))  # exactly what it holds
    with pytest.raises(EngineError) as no_base:
        engine.check_order("quote_only", "TSTUSDT", "SELL", D("100"), D("1"))
    assert refusal(no_base)[0] == -2010
    with pytest.raises(EngineError) as nobody:
        engine.check_order("nobody", "TSTUSDT", "BUY", D("100"), D("1"))
    assert refusal(nobody)[0] == -2010
    assert bal(engine, "quote_only", "USDT") == (D("1000"), D("0"))  # a test changes nothing
    assert engine.open_orders("quote_only", "TSTUSDT") == []


def test_the_open_order_cap_is_exact(clock: FixedClock) -> None:
    engine = Engine([spec()], clock, max_open_orders=2)
    engine.add_account("alice", {"USDT": D("1000")})
    engine.place_order("alice", "TSTUSDT", "BUY", D("1"), D("1"))
    engine.place_order("alice", "TSTUSDT", "BUY", D("1"), D("1"))
    with pytest.raises(EngineError) as capped:
        engine.check_order("alice", "TSTUSDT", "BUY", D("1"), D("1"))
    assert refusal(capped) == (-2019, "has reach max order number")


def test_a_negative_opening_balance_and_a_second_account_of_a_name_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="negative opening balance for USDT"):
        engine.add_account("dave", {"USDT": D("-1")})
    with pytest.raises(ValueError, match="already exists"):
        engine.add_account("alice", {})
    engine.add_account("zero", {"USDT": D("0")})
    assert bal(engine, "zero", "USDT") == (D("0"), D("0"))


# --- checks at the bounds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "qty", "ok"),
    [
        ("0.0001", "1", True),
        ("100000", "0.0001", True),
        ("100000.0001", "0.0001", False),
        ("1", "10000", True),
        ("1", "10000.0001", False),
    ],
)
def test_price_and_lot_bounds_are_inclusive(price: str, qty: str, ok: bool) -> None:
    engine = Engine([spec()], FixedClock(T0))
    engine.add_account("rich", {"USDT": D("10") ** 12, "TST": D("10") ** 6})
    if ok:
        engine.check_order("rich", "TSTUSDT", "BUY", D(price), D(qty))
    else:
        with pytest.raises(EngineError) as refused:
            engine.check_order("rich", "TSTUSDT", "BUY", D(price), D(qty))
        assert refused.value.code == -9000


def test_the_minimum_notional_is_inclusive() -> None:
    engine = Engine([spec(min_notional=D("10"))], FixedClock(T0))
    engine.add_account("rich", {"USDT": D("1000")})
    engine.check_order("rich", "TSTUSDT", "BUY", D("100"), D("0.1"))
    with pytest.raises(EngineError) as below:
        engine.check_order("rich", "TSTUSDT", "BUY", D("100"), D("0.0999"))
    assert refusal(below) == (-9000, "Filter failure: MIN_NOTIONAL")


def test_trailing_zeros_beyond_the_precision_are_allowed_but_digits_are_not(engine: Engine) -> None:
    engine.check_order("alice", "TSTUSDT", "BUY", D("1.00000"), D("1.10000"))
    with pytest.raises(EngineError) as scale:
        engine.check_order("alice", "TSTUSDT", "BUY", D("1.00001"), D("1"))
    assert refusal(scale) == (-1129, "error scale in parameter 'price', should be scale no more than '4'")
    with pytest.raises(EngineError) as qty_scale:
        engine.check_order("alice", "TSTUSDT", "BUY", D("1"), D("1.00001"))
    assert refusal(qty_scale) == (-1129, "error scale in parameter 'quantity', should be scale no more than '4'")


# --- saved and restored -------------------------------------------------------------------------


def test_custom_fees_and_balances_survive_a_save_and_restore(engine: Engine, clock: FixedClock) -> None:
    engine.set_fees("bob", D("0.0001"), D("0.0003"))
    engine.set_fees("bob", D("0.005"), D("0.01"), symbol="TSTUSDT")
    resting, _ = engine.place_order("bob", "TSTUSDT", "BUY", D("90"), D("2"))
    maker, taker, overrides, keep = engine.account_state("bob")

    restored = Engine([spec(), spec(symbol="TSTBTC", quote_asset="BTC")], clock)
    restored.restore_account(
        "bob", engine.balances("bob"), maker_fee=maker, taker_fee=taker, fee_overrides=overrides, keep_history=keep
    )
    for order in engine.stored_orders():
        if order.account_id == "bob":
            restored.restore_order(order.copy())
    assert restored.fees("bob", "TSTUSDT") == (D("0.005"), D("0.01"))
    assert restored.fees("bob", "TSTBTC") == (D("0.0001"), D("0.0003"))
    assert restored.balances("bob")["USDT"] == AssetBalance(D("9820"), D("180"))
    assert [o.order_id for o in restored.open_orders("bob", "TSTUSDT")] == [resting.order_id]
    assert restored.next_order_id == resting.order_id + 1
    restored.cancel_order("bob", "TSTUSDT", resting.order_id)
    assert restored.balances("bob")["USDT"] == AssetBalance(D("10000"), D("0"))


def test_unlock_never_frees_more_than_is_locked(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "BUY", D("10"), D("1"))
    engine.unlock("alice", "USDT", D("1000"))
    assert bal(engine, "alice", "USDT") == (D("10000"), D("0"))


# --- book views, copies, history --------------------------------------------------------------


def test_depth_adds_up_a_level_and_a_limit_of_zero_shows_nothing(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("101"), D("1"))
    engine.place_order("bob", "TSTUSDT", "SELL", D("101"), D("2.5"))
    engine.place_order("alice", "TSTUSDT", "SELL", D("102"), D("1"))
    engine.place_order("alice", "TSTUSDT", "BUY", D("99"), D("1"))
    update_id, bids, asks = engine.depth("TSTUSDT", 5)
    assert asks == [(D("101"), D("3.5")), (D("102"), D("1"))] and bids == [(D("99"), D("1"))]
    assert engine.depth("TSTUSDT", 1)[2] == [(D("101"), D("3.5"))]
    assert engine.depth("TSTUSDT", 0) == (update_id, [], [])
    assert engine.best_bid_ask("TSTUSDT") == ((D("99"), D("1")), (D("101"), D("3.5")))


def test_a_cancel_moves_the_book_by_one_update(engine: Engine) -> None:
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("99"), D("1"))
    before = engine.last_update_id("TSTUSDT")
    engine.cancel_order("alice", "TSTUSDT", order.order_id)
    assert engine.last_update_id("TSTUSDT") == before + 1


def test_a_copy_of_an_order_is_equal_field_by_field(engine: Engine, clock: FixedClock) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("0.5"))
    clock.advance(7)
    order, _ = engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("2"), "GTC")
    copied = order.copy()
    assert copied is not order
    assert astuple(copied) == astuple(order)
    assert (copied.cummulative_quote_qty, copied.time_in_force, copied.type) == (D("50"), "GTC", "LIMIT")


def test_history_shows_the_most_recent_five_hundred_by_default(clock: FixedClock) -> None:
    engine = Engine([spec()], clock, max_open_orders=1_000)
    engine.add_account("busy", {"USDT": D("100000")})
    placed = [engine.place_order("busy", "TSTUSDT", "BUY", D("1"), D("1"))[0].order_id for _ in range(501)]
    assert [o.order_id for o in engine.history_orders("busy", "TSTUSDT")] == placed[1:]
    assert [o.order_id for o in engine.open_orders("busy", "TSTUSDT")] == placed[1:]


def test_an_account_without_history_shows_its_open_orders_with_the_same_selection(
    engine: Engine, clock: FixedClock
) -> None:
    engine.add_account("bot", {"USDT": D("1000")}, keep_history=False)
    first, _ = engine.place_order("bot", "TSTUSDT", "BUY", D("1"), D("1"))
    clock.advance(100)
    second, _ = engine.place_order("bot", "TSTUSDT", "BUY", D("2"), D("1"))
    third, _ = engine.place_order("bot", "TSTUSDT", "BUY", D("3"), D("1"))
    engine.cancel_order("bot", "TSTUSDT", third.order_id)  # forgotten once closed
    ids = lambda orders: [o.order_id for o in orders]  # noqa: E731
    assert ids(engine.history_orders("bot", "TSTUSDT")) == [first.order_id, second.order_id]
    assert ids(engine.history_orders("bot", "TSTUSDT", from_order_id=second.order_id)) == [second.order_id]
    assert ids(engine.history_orders("bot", "TSTUSDT", start_time=T0 + 100)) == [second.order_id]
    assert ids(engine.history_orders("bot", "TSTUSDT", end_time=T0)) == [first.order_id]
    assert ids(engine.history_orders("bot", "TSTUSDT", limit=1)) == [second.order_id]
    assert engine.history_orders("nobody", "TSTUSDT") == []
    assert engine.stored_order(third.order_id) is None


def test_an_account_restored_without_history_keeps_none(engine: Engine, clock: FixedClock) -> None:
    restored = Engine([spec()], clock)
    restored.restore_account(
        "bot", {"USDT": AssetBalance(D("5"), D("0"))}, maker_fee=D("0.001"), taker_fee=D("0.002"), keep_history=False
    )
    assert restored.account_state("bot") == (D("0.001"), D("0.002"), {}, False)


def test_a_limit_of_zero_lists_nothing_and_one_lists_the_latest(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "BUY", D("1"), D("1"))
    latest, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("2"), D("1"))
    assert engine.open_orders("alice", "TSTUSDT", limit=0) == []
    assert engine.history_orders("alice", "TSTUSDT", limit=0) == []
    assert [o.order_id for o in engine.open_orders("alice", "TSTUSDT", limit=1)] == [latest.order_id]
    assert [o.order_id for o in engine.open_orders("alice", "TSTUSDT", start_time=T0, end_time=T0)] == [
        latest.order_id - 1,
        latest.order_id,
    ]
    assert engine.open_orders("alice", "TSTUSDT", start_time=T0 + 1) == []
    assert engine.open_orders("alice", "TSTUSDT", end_time=T0 - 1) == []


def test_a_taker_that_fills_completely_still_moves_the_book(engine: Engine) -> None:
    engine.place_order("alice", "TSTUSDT", "SELL", D("100"), D("2"))
    before = engine.last_update_id("TSTUSDT")
    engine.place_order("bob", "TSTUSDT", "BUY", D("100"), D("1"), "IOC")
    assert engine.last_update_id("TSTUSDT") == before + 1
    engine.place_order("bob", "TSTUSDT", "BUY", D("99"), D("1"), "IOC")  # crosses nothing: no change
    assert engine.last_update_id("TSTUSDT") == before + 1


@pytest.mark.parametrize(
    ("price", "qty", "expected"),
    [
        ("100", "NaN", (-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.")),
        ("100", "Infinity", (-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.")),
        ("NaN", "1", (-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.")),
        ("100", "0", (-2010, "Price * QTY is zero or less.")),
        ("0", "1", (-2010, "Price * QTY is zero or less.")),
        # 30 whole digits: within the decimals, outside the price filter
        ("1" * 30, "1", (-9000, "Filter failure: PRICE_FILTER")),
        # 27 whole digits and 5 decimals: too many decimals, however long
        ("1" * 27 + ".12345", "1", (-1129, "error scale in parameter 'price', should be scale no more than '4'")),
    ],
)
def test_malformed_zero_and_enormous_amounts_get_the_exchanges_codes(
    engine: Engine, price: str, qty: str, expected: tuple[int, str]
) -> None:
    with pytest.raises(EngineError) as refused:
        engine.check_order("alice", "TSTUSDT", "BUY", D(price), D(qty))
    assert refusal(refused) == expected


def test_a_new_order_is_a_limit_order_stamped_now_and_ids_start_at_one(clock: FixedClock) -> None:
    engine = Engine([spec()], clock)
    engine.add_account("alice", {"USDT": D("100")})
    clock.advance(42)
    order, _ = engine.place_order("alice", "TSTUSDT", "BUY", D("1"), D("1"))
    assert (order.order_id, order.type, order.time, order.update_time) == (1, "LIMIT", T0 + 42, T0 + 42)
    assert engine.next_order_id == 2


def test_a_symbol_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^symbol TSTUSDT listed twice$"):
        Engine([spec(), spec()], FixedClock(T0))
