"""Prefill, % sizing, price nudging and the estimate shown under the fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from support.trading_fakes import fee, symbol_info

from jextui.api.models import Side, SymbolFilter, SymbolInfo, TradeFee
from jextui.trading.ticket import FIELD_BALANCE, FIELD_QUANTITY, FIELD_TOTAL, OrderTicket, SymbolRules

D = Decimal


def ticket(side: Side = "BUY", *, price: str = "", qty: str = "", info=None, **context) -> OrderTicket:
    context.setdefault("free_balances", {"USDT": D("1000"), "BTC": D("2")})
    return OrderTicket.for_symbol(side, info or symbol_info(), price_text=price, quantity_text=qty, **context)


# --- prefill ----------------------------------------------------------------


def test_buy_prefills_the_best_ask_and_sell_the_best_bid() -> None:
    book: dict[str, Any] = {"best_bid": D("99.95"), "best_ask": D("100.05"), "last_price": D("100")}
    buy, sell = ticket("BUY", **book), ticket("SELL", **book)
    assert buy.prefill_price() and buy.price_text == "100.05"
    assert sell.prefill_price() and sell.price_text == "99.95"


def test_a_selected_book_level_wins() -> None:
    buy = ticket("BUY", best_ask=D("100.05"))
    assert buy.prefill_price(D("98.5"))
    assert buy.price_text == "98.50"


def test_prefill_falls_back_to_the_last_price_then_gives_up() -> None:
    only_last = ticket("SELL", last_price=D("101.3"))
    assert only_last.prefill_price() and only_last.price_text == "101.30"
    nothing = ticket("SELL", price="7")
    assert not nothing.prefill_price()
    assert nothing.price_text == "7"


# --- % sizing ---------------------------------------------------------------


@pytest.mark.parametrize(("pct", "qty"), [(25, "2.4980"), (50, "4.9970"), (75, "7.4960"), (100, "9.9950")])
def test_buy_sizing_rounds_down_to_the_step(pct: int, qty: str) -> None:
    buy = ticket("BUY", price="100.05")
    assert buy.size_pct(pct) is None
    assert buy.quantity_text == qty
    assert D(qty) * D("100.05") <= D("1000")


@pytest.mark.parametrize(("pct", "qty"), [(25, "0.1250"), (50, "0.2500"), (75, "0.3750"), (100, "0.5000")])
def test_sell_sizing_uses_the_free_base(pct: int, qty: str) -> None:
    sell = ticket("SELL", price="100", free_balances={"BTC": D("0.5"), "USDT": D("0")})
    assert sell.size_pct(pct) is None
    assert sell.quantity_text == qty


def test_sizing_with_the_fee_charged_on_top_leaves_room_for_it() -> None:
    buy = ticket(
        "BUY",
        price="100",
        free_balances={"USDT": D("100")},
        fee=fee("0.001", "0.002"),
        fee_from_received=False,
        best_ask=D("100"),
    )
    assert buy.size_pct(100) is None
    assert buy.quantity_text == "0.9980"  # 100 / (100 * 1.002) = 0.99800.. rounded down
    assert buy.validate() == {}


def test_sizing_is_capped_at_the_maximum_quantity() -> None:
    sell = ticket("SELL", price="100", free_balances={"BTC": D("5000")})
    assert sell.size_pct(100) is None
    assert sell.quantity_text == "100.0000"


def test_sizing_explains_why_it_cannot() -> None:
    no_price = ticket("BUY", qty="1")
    assert no_price.size_pct(50) == "Set a valid price first: the quantity a buy allows depends on it."
    assert no_price.quantity_text == "1"
    too_poor = ticket("BUY", price="100", qty="1", free_balances={"USDT": D("2")}, info=symbol_info(min_qty="0.01"))
    assert too_poor.size_pct(25) == "The quantity is below the minimum 0.01 BTC."
    assert too_poor.quantity_text == "1"
    nothing = ticket("SELL", price="100", free_balances={"BTC": D("0")})
    assert nothing.size_pct(100) == "100 % of your free BTC is less than one quantity step (0.001)."
    below_notional = ticket("SELL", price="100", free_balances={"BTC": D("0.05")})
    assert below_notional.size_pct(25) == "The order total 1.20 USDT is below the minimum 10 USDT."
    assert ticket("BUY", price="100").size_pct(0) == "Choose a percentage between 1 and 100."
    assert ticket("BUY", price="100").size_pct(150) == "Choose a percentage between 1 and 100."
    assert ticket("BUY", price="100", free_balances=None).size_pct(50) == "Balances are not loaded yet."


def _rules(draw) -> SymbolInfo:
    qty_decimals = draw(st.integers(0, 8))
    price_decimals = draw(st.integers(0, 8))
    step = draw(st.one_of(st.none(), st.sampled_from(["1", "0.5", "0.1", "0.01", "0.001", "0.25", "0.00000001", "10"])))
    tick = draw(st.one_of(st.none(), st.sampled_from(["1", "0.5", "0.01", "0.05", "0.00000001", "5"])))
    min_qty = draw(st.one_of(st.none(), st.sampled_from(["0", "0.001", "0.1", "1", "3"])))
    max_qty = draw(st.one_of(st.none(), st.sampled_from(["1", "50", "1000000"])))
    min_notional = draw(st.one_of(st.none(), st.sampled_from(["0.001", "1", "10", "1000"])))
    dec = lambda text: None if text is None else D(text)  # noqa: E731
    return SymbolInfo(
        symbol="XY",
        status="TRADING",
        base_asset="X",
        base_asset_precision=qty_decimals,
        quote_asset="Y",
        quote_precision=price_decimals,
        filters=[
            SymbolFilter(filter_type="PRICE_FILTER", tick_size=dec(tick)),
            SymbolFilter(filter_type="LOT_SIZE", min_qty=dec(min_qty), max_qty=dec(max_qty), step_size=dec(step)),
            SymbolFilter(filter_type="MIN_NOTIONAL", min_notional=dec(min_notional)),
        ],
    )


amounts = st.decimals(min_value=D("0"), max_value=D("1000000"), places=6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    side=st.sampled_from(["BUY", "SELL"]),
    pct=st.sampled_from([25, 50, 75, 100, 1, 33]),
    free_base=amounts,
    free_quote=amounts,
    maker=st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=4),
    taker=st.decimals(min_value=D("-0.01"), max_value=D("0.01"), places=4),
    fee_from_received=st.booleans(),
)
def test_sized_quantity_is_affordable_and_passes_the_filters(
    data, side, pct, free_base, free_quote, maker, taker, fee_from_received
) -> None:
    info = _rules(data.draw)
    rules = SymbolRules.from_symbol_info(info)
    grid = rules.price_grid
    price = data.draw(st.integers(1, 10**6)) * grid
    assume(price <= D("10000000"))
    subject = OrderTicket(
        side=side,
        rules=rules,
        price_text=f"{price:f}",
        quantity_text="unchanged",
        free_balances={"X": free_base, "Y": free_quote},
        fee=TradeFee(symbol="XY", maker=maker, taker=taker),
        fee_from_received=fee_from_received,
    )
    refusal = subject.size_pct(pct)
    if refusal is not None:
        assert subject.quantity_text == "unchanged" and refusal.endswith(".")
        return
    quantity = D(subject.quantity_text)
    errors = subject.validate()
    assert not {FIELD_QUANTITY, FIELD_TOTAL, FIELD_BALANCE} & set(errors), errors
    if side == "SELL":
        assert quantity <= free_base
    else:
        rate = subject.fee_rate if not fee_from_received else D(0)
        assert rate is not None
        assert price * quantity * (1 + max(rate, D(0))) <= free_quote


# --- nudging ----------------------------------------------------------------


def test_nudge_moves_by_one_tick_each_way() -> None:
    t = ticket(price="100.05")
    t.nudge_price(1)
    assert t.price_text == "100.10"
    t.nudge_price(-3)
    assert t.price_text == "99.95"


def test_nudge_snaps_an_off_grid_price_onto_the_tick_grid() -> None:
    up, down = ticket(price="100.03"), ticket(price="100.03")
    up.nudge_price(1)
    down.nudge_price(-1)
    assert (up.price_text, down.price_text) == ("100.05", "100.00")


def test_nudge_without_a_tick_size_uses_the_precision() -> None:
    t = ticket(price="1.5", info=symbol_info(tick=None, price_decimals=3))
    t.nudge_price(1)
    assert t.price_text == "1.501"


def test_nudge_stays_inside_the_price_filter() -> None:
    low = ticket(price="0.05", info=symbol_info(min_price="0.05"))
    low.nudge_price(-5)
    assert low.price_text == "0.05"
    high = ticket(price="99999.95")
    high.nudge_price(3)
    assert high.price_text == "100000.00"
    bottom = ticket(price="0.05", info=symbol_info(min_price=None))
    bottom.nudge_price(-1)
    assert bottom.price_text == "0.05"  # never zero or negative


def test_nudge_an_empty_price_starts_from_the_prefill() -> None:
    t = ticket("SELL", best_bid=D("99.95"))
    assert t.nudge_price(1)
    assert t.price_text == "100.00"
    assert not ticket("SELL").nudge_price(1)


# --- estimate ---------------------------------------------------------------


def test_estimate_of_a_resting_buy_uses_the_maker_rate_and_charges_base() -> None:
    t = ticket("BUY", price="99", qty="2", best_bid=D("99.5"), best_ask=D("100"), fee=fee("0.001", "0.002"))
    est = t.estimate()
    assert est is not None
    assert (est.notional, est.liquidity, est.fee_rate) == (D("198"), "maker", D("0.001"))
    assert (est.fee_amount, est.fee_asset) == (D("0.002"), "BTC")
    assert (est.base_after, est.quote_after) == (D("3.998"), D("802"))


def test_estimate_of_a_crossing_sell_uses_the_taker_rate_and_charges_quote() -> None:
    t = ticket("SELL", price="99.5", qty="2", best_bid=D("99.5"), best_ask=D("100"), fee=fee("0.001", "0.002"))
    est = t.estimate()
    assert est is not None
    assert (est.liquidity, est.fee_rate, est.fee_asset, est.fee_amount) == ("taker", D("0.002"), "USDT", D("0.398"))
    assert (est.base_after, est.quote_after) == (D("0"), D("1198.602"))


def test_ioc_and_fok_and_an_unknown_book_are_taker() -> None:
    resting: dict[str, Any] = dict(price="90", qty="1", best_ask=D("100"), best_bid=D("95"))
    assert ticket("BUY", **resting).liquidity == "maker"
    assert ticket("BUY", time_in_force="IOC", **resting).liquidity == "taker"
    assert ticket("BUY", time_in_force="FOK", **resting).liquidity == "taker"
    assert ticket("BUY", price="90", qty="1").liquidity == "taker"


def test_a_negative_rate_is_a_rebate() -> None:
    t = ticket("SELL", price="100", qty="1", best_bid=D("99"), best_ask=D("101"), fee=fee("-0.001", "-0.001"))
    est = t.estimate()
    assert est is not None
    assert est.fee_amount == D("-0.1")
    assert est.quote_after == D("1100.1")


def test_estimate_needs_price_and_quantity_and_knows_when_fees_or_balances_are_missing() -> None:
    assert ticket(price="100").estimate() is None
    est = ticket(price="100", qty="1", free_balances=None).estimate()
    assert est is not None
    assert est.fee_amount is None and est.fee_rate is None
    assert est.base_after is None and est.quote_after is None
    assert est.notional == D("100")
