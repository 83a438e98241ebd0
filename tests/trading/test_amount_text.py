"""Numbers inside sentences read like the panes: grouped thousands, the symbol's precision."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR
from decimal import Decimal as D

import pytest

from jextui.amount_text import amount_text, carried_amount_text, whole_amount_text
from jextui.api.models import Order, OrderId
from jextui.trading.fills import FillTracker, expiry_words, fill_sentence


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (D("64000"), 2, "64,000.00"),
        (D("6430012.0040"), None, "6,430,012.004"),
        (D("3150"), 2, "3,150.00"),  # grouped from 1,000, not only from 10,000
        (D("999.994"), 2, "999.99"),
        (D("999.995"), 2, "1,000.00"),  # half up, and grouped once it reaches 1,000
        (D("0.0150"), None, "0.015"),  # exact without a precision: trailing zeros dropped
        (D("1E+3"), None, "1,000"),
        (D("5E-9"), None, "0.000000005"),
        (D("-0.001"), 2, "0.00"),  # never "-0.00"
        (D("-1234.5"), 1, "-1,234.5"),
        (D("NaN"), 2, "—"),
    ],
)
def test_amounts_in_sentences_are_grouped_at_the_precision(value: D, decimals: int | None, shown: str) -> None:
    assert amount_text(value, decimals) == shown


def test_the_rounding_can_be_chosen_so_a_need_is_never_understated() -> None:
    assert amount_text(D("6430012.001"), 2, rounding=ROUND_CEILING) == "6,430,012.01"
    assert amount_text(D("6430012.009"), 2, rounding=ROUND_FLOOR) == "6,430,012.00"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (D("0.7"), 3, "0.700"),  # padded to the grid's digits
        (D("64000"), 2, "64,000.00"),
        (D("0.00010000000000000000"), 6, "0.000100"),  # a server's padded zeros are not digits
        (D("0.0005"), 3, "0.0005"),  # finer than the grid: shown as it is, never rounded to 0.001
        (D("1234.5678"), 2, "1,234.5678"),
        (D("1E+3"), 0, "1,000"),
        (D("-0.00"), 2, "0.00"),
        (D("Infinity"), 2, "—"),
    ],
)
def test_a_whole_amount_is_at_least_at_the_grid_and_never_rounded(value: D, decimals: int, shown: str) -> None:
    assert whole_amount_text(value, decimals) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("64250.00"), "64,250.00"),  # the digits it carries, trailing zeros too
        (D("999.50"), "999.50"),
        (D("1E+3"), "1,000"),
        (D("0.015"), "0.015"),
        (D("NaN"), "—"),
    ],
)
def test_a_carried_amount_keeps_its_digits_and_is_grouped(value: D, shown: str) -> None:
    assert carried_amount_text(value) == shown


def _order(status: str, executed: str, *, tif: str = "GTC", quote: str = "0") -> Order:
    return Order(
        symbol="BTCUSDT",
        order_id=OrderId(7),
        price=D("64000.00000000"),
        orig_qty=D("0.0040"),
        executed_qty=D(executed),
        cummulative_quote_qty=D(quote),
        status=status,
        time_in_force=tif,
        type="LIMIT",
        side="BUY",
        time=1,
        update_time=1,
    )


def test_a_fill_is_told_at_the_symbols_precision_with_the_average_at_the_price_precision() -> None:
    tracker = FillTracker()
    tracker.track(_order("NEW", "0"))
    [event] = tracker.observe_order(_order("PARTIALLY_FILLED", "0.001", quote="64.000123456"))
    assert fill_sentence(event, (2, 6)) == (
        "Partly filled: 0.001000 of BUY 0.004000 BTCUSDT @ 64,000.00 (order 7) at 64,000.12 on average; 0.003000 left."
    )
    # without the precision: amounts as sent (trailing zeros dropped), the average to at most 8 decimals
    assert event.message == (
        "Partly filled: 0.001 of BUY 0.004 BTCUSDT @ 64,000 (order 7) at 64,000.123456 on average; 0.003 left."
    )


@pytest.mark.parametrize("tif", ["IOC", "FOK"])
def test_an_immediate_order_that_filled_nothing_expired_it_was_not_cancelled(tif: str) -> None:
    tracker = FillTracker()
    [event] = tracker.track(_order("CANCELED", "0", tif=tif))
    assert event.expired == "expired, nothing filled"
    said = fill_sentence(event, (2, 6))
    assert said == f"Expired, nothing filled: BUY 0.004000 BTCUSDT @ 64,000.00 (order 7) ({tif})."


def test_expiry_words_only_for_immediate_orders_ended_by_the_exchange() -> None:
    assert expiry_words("CANCELED", "IOC", D("0.001")) == "expired after a partial fill"
    assert expiry_words("EXPIRED", "FOK", D(0)) == "expired, nothing filled"
    assert expiry_words("CANCELED", "GTC", D(0)) is None  # a resting order the trader cancelled
    assert expiry_words("REJECTED", "IOC", D(0)) is None
    assert expiry_words("FILLED", "IOC", D("0.004")) is None
    assert expiry_words(None, None, D(0)) is None
    tracker = FillTracker()
    tracker.track(_order("NEW", "0"))
    [event] = tracker.observe_order(_order("CANCELED", "0"))
    assert event.message == "Cancelled: BUY 0.004 BTCUSDT @ 64,000 (order 7) (CANCELED)."
