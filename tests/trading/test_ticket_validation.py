"""Every validation message of the order ticket, in words, field by field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support.trading_fakes import fee, symbol_info

from jextui.api.models import Side
from jextui.trading.ticket import (
    FIELD_BALANCE,
    FIELD_PRICE,
    FIELD_QUANTITY,
    FIELD_SIDE,
    FIELD_SYMBOL,
    FIELD_TIME_IN_FORCE,
    FIELD_TOTAL,
    OrderRequest,
    OrderTicket,
)

D = Decimal


def ticket(side: Side = "BUY", *, price: str = "100", qty: str = "1", info=None, **context) -> OrderTicket:
    context.setdefault("free_balances", {"USDT": D("1000"), "BTC": D("2")})
    context.setdefault("last_price", D("100"))
    return OrderTicket.for_symbol(side, info or symbol_info(), price_text=price, quantity_text=qty, **context)


def test_a_good_order_passes_and_becomes_a_request() -> None:
    good = ticket(price="100.05", qty="1.5")
    assert good.validate() == {}
    assert good.order_request() == OrderRequest("BTCUSDT", "BUY", D("100.05"), D("1.5"), "GTC")


def test_request_drops_trailing_zeros_so_the_exchange_sees_few_decimals() -> None:
    request = ticket(price="100.00", qty="1.5000").order_request()
    assert request is not None
    assert str(request.price) == "100" and str(request.quantity) == "1.5"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("", "Enter a price."),
        ("abc", "That is not a number; enter digits with at most one decimal point, e.g. 12.5."),
        ("0", "The price must be more than zero."),
        ("100.001", "Too many decimals: the price allows at most 2 decimals for BTCUSDT."),
        ("0.005", "Too many decimals: the price allows at most 2 decimals for BTCUSDT."),
        ("100.03", "The price must be a multiple of the tick size 0.05 (e.g. 100 or 100.05)."),
        ("0.03", "The price must be a multiple of the tick size 0.05 (e.g. 0.05)."),
        ("200000", "The price is above the maximum 100,000."),
    ],
)
def test_price_messages(price: str, message: str) -> None:
    errors = ticket(price=price, last_price=None).validate()
    assert errors[FIELD_PRICE] == message


def test_price_below_the_minimum() -> None:
    info = symbol_info(min_price="1", tick="0.01")
    errors = ticket(price="0.5", info=info, last_price=None).validate()
    assert errors[FIELD_PRICE] == "The price is below the minimum 1."


def test_whole_number_prices_are_said_so() -> None:
    info = symbol_info(price_decimals=0, tick=None, min_price=None)
    errors = ticket(price="100.5", info=info).validate()
    assert errors[FIELD_PRICE] == "The price must be a whole number for BTCUSDT (no decimals)."


@pytest.mark.parametrize(
    ("qty", "message"),
    [
        ("", "Enter a quantity."),
        ("1,5", "Use a dot for decimals (e.g. 1.5), not a comma."),
        ("0", "The quantity must be more than zero."),
        ("0.00001", "Too many decimals: the quantity allows at most 4 decimals for BTCUSDT."),
        ("0.0005", "The quantity is below the minimum 0.001 BTC."),
        ("101", "The quantity is above the maximum 100 BTC."),
        ("1.0005", "The quantity must be a multiple of the step size 0.001 (e.g. 1 or 1.001)."),
    ],
)
def test_quantity_messages(qty: str, message: str) -> None:
    assert ticket(qty=qty, free_balances=None).validate()[FIELD_QUANTITY] == message


def test_minimum_notional() -> None:
    errors = ticket(price="5", qty="1", last_price=None).validate()
    assert errors == {FIELD_TOTAL: "The order total 5.00 USDT is below the minimum 10 USDT."}


def test_missing_filter_fields_are_not_checked() -> None:
    # as in the spec's example: PRICE_FILTER with only maxPrice, LOT_SIZE with only minQty "0.00000000"
    info = symbol_info(min_price=None, tick=None, min_qty="0", max_qty=None, step=None, min_notional=None)
    assert ticket(price="0.01", qty="0.0001", info=info, last_price=None).validate() == {}


def test_buy_needs_the_notional_in_free_quote() -> None:
    errors = ticket(price="100", qty="10.5", free_balances={"USDT": D("1000")}).validate()
    assert errors == {FIELD_BALANCE: "Not enough USDT: this order needs 1,050.00, you have 1,000.00 free."}


def test_sell_needs_the_quantity_in_free_base() -> None:
    errors = ticket("SELL", price="100", qty="2.5", free_balances={"BTC": D("2")}).validate()
    assert errors == {FIELD_BALANCE: "Not enough BTC: this order needs 2.5000, you have 2.0000 free."}


def test_an_asset_missing_from_the_balances_counts_as_zero() -> None:
    errors = ticket("SELL", free_balances={"USDT": D("5000")}).validate()
    assert errors[FIELD_BALANCE] == "Not enough BTC: this order needs 1.0000, you have 0.0000 free."


def test_balance_check_waits_for_balances() -> None:
    assert ticket(qty="50", free_balances=None).validate() == {}


def test_fee_charged_in_quote_on_top_of_a_buy_counts() -> None:
    balances = {"USDT": D("100")}
    fits_without_fee = ticket(price="100", qty="1", free_balances=balances, fee=fee("0.001", "0.002"))
    assert fits_without_fee.validate() == {}  # default: the fee is taken from the BTC received
    on_top = ticket(price="100", qty="1", free_balances=balances, fee=fee("0.001", "0.002"), fee_from_received=False)
    assert on_top.validate() == {
        FIELD_BALANCE: "Not enough USDT: this order needs 100.20 including the fee, you have 100.00 free."
    }


def test_symbol_not_trading() -> None:
    errors = ticket(info=symbol_info(status="HALT")).validate()
    assert errors[FIELD_SYMBOL] == "BTCUSDT is not trading right now (status HALT)."


def test_time_in_force_and_side() -> None:
    odd = ticket(time_in_force="DAY")
    odd.side = "HOLD"  # type: ignore[assignment]
    errors = odd.validate()
    assert errors[FIELD_TIME_IN_FORCE] == "Choose a time in force: GTC, IOC or FOK."
    assert errors[FIELD_SIDE] == "Choose BUY or SELL."


def test_several_fields_are_reported_together() -> None:
    errors = ticket(price="", qty="-3", info=symbol_info(status="BREAK")).validate()
    assert set(errors) == {FIELD_SYMBOL, FIELD_PRICE, FIELD_QUANTITY}
    assert ticket(price="", qty="-3").order_request() is None


def test_fat_finger_needs_a_second_confirmation_then_passes() -> None:
    far = ticket(price="110", qty="1", last_price=D("100"))
    assert far.needs_fat_finger_confirmation
    assert far.validate() == {
        FIELD_PRICE: "This price is 10.00 % above the last price 100.00 (guard: 5 %). Confirm it to send anyway."
    }
    assert far.order_request() is None
    far.confirm_fat_finger()
    assert not far.needs_fat_finger_confirmation
    assert far.validate() == {}
    assert far.order_request() is not None


def test_fat_finger_confirmation_belongs_to_the_confirmed_price() -> None:
    far = ticket("SELL", price="90", qty="1", last_price=D("100"))
    assert "10.00 % below the last price 100" in far.validate()[FIELD_PRICE]
    far.confirm_fat_finger()
    far.price_text = "80"
    assert far.needs_fat_finger_confirmation
    assert "20.00 % below" in far.validate()[FIELD_PRICE]


def test_fat_finger_guard_edge_and_custom_distance() -> None:
    assert ticket(price="105", last_price=D("100")).validate() == {}  # exactly 5 % is allowed
    assert FIELD_PRICE in ticket(price="103", last_price=D("100"), fat_finger_pct=D("2")).validate()
    assert ticket(price="500", last_price=None).validate() == {}  # nothing to compare with, no guard
    mid_only = ticket(price="110", last_price=None, best_bid=D("99.9"), best_ask=D("100.1"))
    assert mid_only.validate() == {
        FIELD_PRICE: "This price is 10.00 % above the mid price 100.00 (guard: 5 %). Confirm it to send anyway."
    }


def test_fat_finger_message_waits_for_a_valid_price() -> None:
    errors = ticket(price="110.01", last_price=D("100")).validate()
    assert errors[FIELD_PRICE].startswith("The price must be a multiple of the tick size")
