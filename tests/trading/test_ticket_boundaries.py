"""The order ticket at its edges: exactly at each bound, amounts of 36 digits,
symbols with missing or zero filters, rounding that must go down, and the
order in which problems are reported."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from support.trading_fakes import fee, symbol_info

from jextui.api.models import Side, SymbolFilter, SymbolInfo
from jextui.trading.ticket import (
    FIELD_BALANCE,
    FIELD_PRICE,
    FIELD_QUANTITY,
    FIELD_TOTAL,
    OrderRequest,
    OrderTicket,
    SymbolRules,
    format_decimal,
    parse_amount,
)

D = Decimal


def ticket(side: Side = "BUY", *, price: str = "100", qty: str = "1", info=None, **context) -> OrderTicket:
    context.setdefault("free_balances", {"USDT": D("1000"), "BTC": D("2")})
    return OrderTicket.for_symbol(side, info or symbol_info(), price_text=price, quantity_text=qty, **context)


def fine_rules(**bounds) -> SymbolRules:
    """A symbol priced and sized to 18 decimals (the most a typed amount can have)."""
    settings: dict[str, Any] = {"price_decimals": 18, "quantity_decimals": 18}
    settings.update(bounds)
    return SymbolRules("FINEUSDT", "TRADING", "FINE", "USDT", **settings)


# --- exactly at a bound is allowed --------------------------------------------


def test_a_price_exactly_at_the_minimum_or_the_maximum_is_allowed() -> None:
    info = symbol_info(min_price="1", max_price="1000", tick="0.01")
    assert ticket(price="1", qty="20", info=info).validate() == {}
    assert ticket(price="1000", qty="0.01", info=info, free_balances={"USDT": D("10")}).validate() == {}
    assert ticket(price="0.99", qty="20", info=info).validate()[FIELD_PRICE] == "The price is below the minimum 1."
    assert ticket(price="1000.01", qty="0.01", info=info).validate()[FIELD_PRICE] == (
        "The price is above the maximum 1,000."
    )


def test_a_quantity_exactly_at_the_minimum_is_allowed() -> None:
    info = symbol_info(min_qty="0.1", min_notional=None)
    assert ticket(qty="0.1", info=info).validate() == {}
    assert ticket(qty="0.099", info=info).validate()[FIELD_QUANTITY] == "The quantity is below the minimum 0.1 BTC."


def test_a_total_exactly_at_the_minimum_notional_is_allowed() -> None:
    assert ticket(price="100", qty="0.1").validate() == {}  # 10 USDT, the minimum
    assert ticket(price="100", qty="0.099").validate()[FIELD_TOTAL] == (
        "The order total 9.90 USDT is below the minimum 10 USDT."
    )


def test_spending_exactly_the_whole_free_balance_is_allowed() -> None:
    assert ticket("BUY", price="100", qty="10").validate() == {}  # 1000 USDT, all of it
    assert ticket("SELL", price="100", qty="2").validate() == {}  # 2 BTC, all of it
    assert FIELD_BALANCE in ticket("SELL", price="100", qty="2.001").validate()


# --- symbols with missing or zero filters ----------------------------------------


def _bare_symbol(*filters: SymbolFilter, price_decimals: int = 2, qty_decimals: int = 4) -> SymbolInfo:
    return SymbolInfo(
        symbol="BTCUSDT",
        status="TRADING",
        base_asset="BTC",
        base_asset_precision=qty_decimals,
        quote_asset="USDT",
        quote_precision=price_decimals,
        order_types=["LIMIT"],
        filters=list(filters),
    )


def test_a_symbol_without_price_and_lot_filters_checks_only_precision() -> None:
    info = _bare_symbol()
    rules = SymbolRules.from_symbol_info(info)
    assert (rules.min_price, rules.max_price, rules.tick_size) == (None, None, None)
    assert (rules.min_qty, rules.max_qty, rules.step_size, rules.min_notional) == (None, None, None, None)
    assert ticket(price="0.01", qty="0.0001", info=info).validate() == {}
    assert ticket(price="99999999", qty="0.0001", info=info, free_balances=None).validate() == {}
    assert FIELD_PRICE in ticket(price="0.001", qty="1", info=info).validate()


def test_zero_bounds_mean_no_bound_and_never_divide_by_zero() -> None:
    zero = D("0.00000000")
    info = _bare_symbol(
        SymbolFilter(filter_type="PRICE_FILTER", min_price=zero, max_price=zero, tick_size=zero),
        SymbolFilter(filter_type="LOT_SIZE", min_qty=zero, max_qty=zero, step_size=zero),
        SymbolFilter(filter_type="MIN_NOTIONAL", min_notional=zero),
    )
    rules = SymbolRules.from_symbol_info(info)
    assert (rules.min_price, rules.max_price, rules.tick_size) == (None, None, None)
    assert (rules.min_qty, rules.max_qty, rules.step_size, rules.min_notional) == (None, None, None, None)
    assert rules.price_grid == D("0.01") and rules.quantity_grid == D("0.0001")
    assert ticket(price="100.01", qty="0.0001", info=info).validate() == {}


def test_a_zero_step_given_directly_falls_back_to_the_precision_grid() -> None:
    rules = SymbolRules("BTCUSDT", "TRADING", "BTC", "USDT", 2, 3, tick_size=D(0), step_size=D(0))
    assert rules.price_grid == D("0.01")
    assert rules.quantity_grid == D("0.001")


def test_a_tick_finer_than_the_precision_moves_by_both_grids_together() -> None:
    info = symbol_info(price_decimals=1, tick="0.05", min_price=None)
    assert SymbolRules.from_symbol_info(info).price_grid == D("0.1")
    nudged = ticket(price="100.0", info=info)
    assert nudged.nudge_price(1) and nudged.price_text == "100.1"


def test_a_whole_number_quantity_symbol_refuses_decimals() -> None:
    info = symbol_info(qty_decimals=0, step=None, min_qty=None)
    errors = ticket(qty="1.5", info=info).validate()
    assert errors[FIELD_QUANTITY] == "The quantity must be a whole number for BTCUSDT (no decimals)."


def test_one_decimal_is_said_in_the_singular() -> None:
    info = symbol_info(price_decimals=1, tick=None)
    errors = ticket(price="100.25", info=info).validate()
    assert errors[FIELD_PRICE] == "Too many decimals: the price allows at most 1 decimal for BTCUSDT."


# --- amounts of 36 digits stay exact ----------------------------------------------

BIG = "123456789012345678.123456789012345678"  # 18 digits each side: the longest amount accepted


def test_the_longest_amounts_are_checked_and_sent_exactly() -> None:
    subject = OrderTicket(
        "BUY", fine_rules(tick_size=D("1e-18"), step_size=D("1e-18")), price_text=BIG, quantity_text=BIG, fee=fee()
    )
    assert subject.validate() == {}
    assert subject.order_request() == OrderRequest("FINEUSDT", "BUY", D(BIG), D(BIG), "GTC")
    estimate = subject.estimate()
    assert estimate is not None
    digits = int(BIG.replace(".", ""))
    assert estimate.notional == D(f"{digits * digits}E-36")  # 72 digits, not rounded to 28
    assert estimate.fee_amount == D(f"{digits * 2}E-21")  # taker rate 0.002: the book is unknown


def test_a_long_price_off_the_grid_names_the_exact_neighbours() -> None:
    subject = OrderTicket(
        "BUY", fine_rules(tick_size=D("1e-17")), price_text="123456789012345678.123456789012345675", quantity_text="1"
    )
    assert subject.validate()[FIELD_PRICE] == (
        "The price must be a multiple of the tick size 0.00000000000000001 "
        "(e.g. 123,456,789,012,345,678.12345678901234567 or 123,456,789,012,345,678.12345678901234568)."
    )


def test_a_long_total_below_the_minimum_is_shown_at_the_quote_precision_rounded_down() -> None:
    subject = OrderTicket(
        "BUY", fine_rules(min_notional=D(10)), price_text="1.000000000000000001", quantity_text="1.000000000000000001"
    )
    assert subject.validate()[FIELD_TOTAL] == (
        "The order total 1.000000000000000002 USDT is below the minimum 10 USDT."
    )


def test_a_long_need_is_compared_unrounded_and_shown_rounded_up() -> None:
    # 1.000000000000000001 squared is a hair above 1 USDT: rounding it to 28 digits would make it affordable.
    # Shown at the quote precision (18 here), the need is rounded up and the free balance down.
    subject = OrderTicket(
        "BUY",
        fine_rules(),
        price_text="1.000000000000000001",
        quantity_text="1.000000000000000001",
        free_balances={"USDT": D("1.000000000000000002")},
    )
    assert subject.validate()[FIELD_BALANCE] == (
        "Not enough USDT: this order needs 1.000000000000000003, you have 1.000000000000000002 free."
    )


def test_sizing_never_rounds_a_long_free_balance_up() -> None:
    # 30 nines would round to 1 at 28 digits; the whole of it still buys only 0.999.
    free = D("0." + "9" * 30)
    buy = ticket(
        "BUY",
        price="1",
        qty="",
        info=symbol_info(min_price=None, tick="0.01", min_notional=None),
        free_balances={"USDT": free},
    )
    assert buy.size_pct(100) is None
    assert buy.quantity_text == "0.9990"


def test_nudging_a_long_price_moves_exactly_one_tick() -> None:
    subject = OrderTicket("BUY", fine_rules(tick_size=D("1e-18")), price_text=BIG)
    assert subject.nudge_price(1)
    assert subject.price_text == "123456789012345678.123456789012345679"
    assert subject.nudge_price(-2)
    assert subject.price_text == "123456789012345678.123456789012345677"


def test_format_decimal_rounds_down_and_keeps_every_digit() -> None:
    assert format_decimal(D("1.239"), 2) == "1.23"
    assert format_decimal(D("0.99999"), 4) == "0.9999"
    assert format_decimal(D(BIG), 18) == BIG
    assert format_decimal(D(BIG)) == BIG
    assert format_decimal(D("1.50")) == "1.5"


def test_a_far_price_against_a_tiny_reference_gets_a_message_not_a_crash() -> None:
    subject = OrderTicket(
        "BUY", fine_rules(), price_text="100000000000000000", quantity_text="1", last_price=D("0.000000000000000001")
    )
    message = subject.validate()[FIELD_PRICE]
    assert message.startswith("This price is 9999999999999999999999999999999999900.00 % above the last price")


# --- prefill and nudging at the edges --------------------------------------------


def test_prefill_takes_prices_below_one_and_skips_a_zero_side() -> None:
    cheap = ticket("BUY", price="", info=symbol_info(min_price=None, tick="0.01"), best_ask=D("0.5"))
    assert cheap.prefill_price() and cheap.price_text == "0.50"
    empty_side = ticket("BUY", price="", best_ask=D("0"), last_price=D("100"))
    assert empty_side.prefill_price() and empty_side.price_text == "100.00"


def test_prefill_rounds_a_finer_level_down_onto_the_precision() -> None:
    subject = ticket("SELL", price="")
    assert subject.prefill_price(D("98.567"))
    assert subject.price_text == "98.56"


def test_nudging_down_stops_at_the_minimum_price_rounded_up_onto_the_grid() -> None:
    info = symbol_info(min_price="1.01", tick="0.05")
    subject = ticket(price="1.10", info=info)
    assert subject.nudge_price(-5)
    assert subject.price_text == "1.05"  # 1.01 is off the grid: the lowest valid price is 1.05, not 1.00


def test_nudging_down_stops_at_a_minimum_price_on_the_grid() -> None:
    subject = ticket(price="2.00", info=symbol_info(min_price="1.5", tick="0.05"))
    assert subject.nudge_price(-100)
    assert subject.price_text == "1.50"


def test_nudging_up_stops_at_the_maximum_price_rounded_down_onto_the_grid() -> None:
    info = symbol_info(max_price="100000.03", tick="0.05")
    subject = ticket(price="99999.90", info=info)
    assert subject.nudge_price(10)
    assert subject.price_text == "100000.00"  # 100000.05 would be above the maximum


def test_a_single_valid_price_holds_against_nudges() -> None:
    info = symbol_info(min_price="100", max_price="100", tick="0.05")
    subject = ticket(price="100", info=info)
    assert subject.nudge_price(3) and subject.price_text == "100.00"


def test_a_nudge_of_zero_ticks_snaps_down_onto_the_grid() -> None:
    subject = ticket(price="100.03")
    assert subject.nudge_price(0)
    assert subject.price_text == "100.00"


# --- sizing at the edges -------------------------------------------------------------


def test_sizing_accepts_one_and_a_hundred_percent_and_refuses_beyond() -> None:
    whole = symbol_info(min_notional=None)
    one = ticket("SELL", qty="", info=whole)
    assert one.size_pct(1) is None and one.quantity_text == "0.0200"
    refusal = "Choose a percentage between 1 and 100."
    assert ticket("SELL", qty="").size_pct(101) == refusal
    assert ticket("SELL", qty="").size_pct(None) == refusal  # type: ignore[arg-type]


def test_a_buy_is_sized_at_prices_below_one() -> None:
    info = symbol_info(
        symbol="LTCBTC",
        base="LTC",
        quote="BTC",
        price_decimals=6,
        tick="0.000001",
        min_price=None,
        min_notional=None,
        min_qty="0.01",
        step="0.01",
    )
    buy = ticket("BUY", price="0.5", qty="", info=info, free_balances={"BTC": D("1")})
    assert buy.size_pct(50) is None
    assert buy.quantity_text == "1.0000"


def test_a_buy_at_price_zero_is_not_sized() -> None:
    buy = ticket("BUY", price="0", qty="")
    assert buy.size_pct(50) == "Set a valid price first: the quantity a buy allows depends on it."


def test_sizing_is_capped_at_an_off_grid_maximum_rounded_down() -> None:
    info = symbol_info(max_qty="1.0008", step="0.001")
    sell = ticket("SELL", qty="", info=info, free_balances={"BTC": D("5")})
    assert sell.size_pct(100) is None
    assert sell.quantity_text == "1.0000"  # 1.001 would be above the maximum


def test_a_buy_too_poor_for_one_step_names_the_quote_asset() -> None:
    buy = ticket("BUY", price="100", qty="", free_balances={"USDT": D("0.01")})
    assert buy.size_pct(100) == "100 % of your free USDT is less than one quantity step (0.001)."


def test_an_empty_balance_mapping_counts_as_nothing_free() -> None:
    sell = ticket("SELL", price="100", qty="0.5", free_balances={})
    assert sell.validate()[FIELD_BALANCE] == "Not enough BTC: this order needs 0.5000, you have 0.0000 free."


# --- fees unknown, fees on top ---------------------------------------------------------


def test_a_buy_with_an_unknown_fee_needs_the_notional_and_gets_the_whole_quantity() -> None:
    buy = ticket("BUY", price="100", qty="2", fee_from_received=False, fee=None)
    estimate = buy.estimate()
    assert estimate is not None and estimate.fee_amount is None
    assert (estimate.base_asset, estimate.quote_asset) == ("BTC", "USDT")
    assert estimate.base_after == D("4") and estimate.quote_after == D("800")
    sized = ticket("BUY", price="100", qty="", fee_from_received=False, fee=None)
    assert sized.size_pct(100) is None and sized.quantity_text == "10.0000"
    too_much = ticket("BUY", price="100", qty="10.001", fee_from_received=False, fee=None)
    assert too_much.validate()[FIELD_BALANCE] == "Not enough USDT: this order needs 1,000.10, you have 1,000.00 free."


def test_a_sell_never_pays_a_fee_on_top_of_its_base() -> None:
    sell = ticket("SELL", price="100", qty="2", fee_from_received=False, fee=fee(taker="0.01"))
    assert sell.validate() == {}
    estimate = sell.estimate()
    assert estimate is not None and estimate.base_after == D("0") and estimate.quote_after == D("1198")


# --- which problems are shown together --------------------------------------------


def test_a_bad_price_hides_the_total_and_balance_problems() -> None:
    errors = ticket(price="100.03", qty="50").validate()  # off the tick grid; 5,000 USDT would not be affordable
    assert set(errors) == {FIELD_PRICE}


def test_a_bad_quantity_hides_the_total_and_balance_problems() -> None:
    errors = ticket(price="100", qty="0.0005").validate()  # below the minimum quantity; total 0.05 USDT
    assert set(errors) == {FIELD_QUANTITY}


def test_the_fat_finger_message_says_above_for_a_small_guard() -> None:
    subject = ticket(price="100.80", qty="1", last_price=D("100"), fat_finger_pct=D("0.5"))
    assert subject.validate()[FIELD_PRICE] == (
        "This price is 0.80 % above the last price 100.00 (guard: 0.5 %). Confirm it to send anyway."
    )


def test_the_fat_finger_percentage_is_rounded_down() -> None:
    subject = ticket(price="105.55", qty="0.1", last_price=D("99.9"))  # 5.6556 % above
    assert subject.validate()[FIELD_PRICE].startswith("This price is 5.65 % above the last price 99.9")


# --- words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a number."),
        ("1.2.3", "A number has at most one decimal point."),
        ("1.2.x", "That is not a number; enter digits with at most one decimal point, e.g. 12.5."),
        ("-NaN", "That is not a number; enter a plain number such as 12.5."),
        ("1e5", "Write the number in full, without an exponent (e.g. 100000 rather than 1e5)."),
        ("1" * 19, "That number is too long (at most 18 digits each side of the point)."),
        ("0." + "1" * 19, "That number is too long (at most 18 digits each side of the point)."),
    ],
)
def test_parse_messages(text: str, message: str) -> None:
    assert parse_amount(text).error == message


def test_eighteen_decimals_are_accepted() -> None:
    assert parse_amount("0." + "1" * 18).value == D("0." + "1" * 18)
    assert parse_amount("12.").value == D(12)
