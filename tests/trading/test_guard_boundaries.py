"""The fat-finger guard at its edges: exactly at the guard, exactly at the best price, the words it shows.

Each test is something the trader sees: whether the ticket asks for a second
confirmation, only hints, or lets the order through, and the sentence that
explains it (prices at the symbol's precision, the levels taken, what happens
to a remainder).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from support.trading_fakes import symbol_info

from jextui.api.models import Side
from jextui.trading.guard import GUARD_CLEAR, GUARD_CONFIRM, GUARD_HINT, guard_order
from jextui.trading.ticket import OrderTicket

D = Decimal
DASH = symbol_info(symbol="DASHUSDT", base="DASH", tick="0.01", step="0.001", qty_decimals=3, min_notional=None)
DOGE = symbol_info(
    symbol="DOGEUSDT", base="DOGE", tick="0.0001", price_decimals=4, step="1", qty_decimals=0, min_notional=None
)
ASKS = [(D("28.60"), D("0.5")), (D("28.70"), D("0.5")), (D("29.50"), D("0.5")), (D("31.00"), D("2"))]
BIDS = [(D("28.50"), D("1")), (D("28.40"), D("2"))]
SWEEP = "Order would sweep the book"


def ticket(side: Side, price: str, qty: str, tif: str = "GTC", *, info: Any = DASH, **context: Any) -> OrderTicket:
    context.setdefault("last_price", D("28.55"))
    context.setdefault("best_bid", D("28.50"))
    context.setdefault("best_ask", D("28.60"))
    return OrderTicket.for_symbol(side, info, price_text=price, quantity_text=qty, time_in_force=tif, **context)


# --- which price the order is judged against ------------------------------------------------


def test_the_book_as_last_read_beats_the_best_ask_the_ticket_remembers() -> None:
    # The ticket still remembers an ask of 28.60, but the book now starts at 30.00:
    # a BUY at 29.00 rests below it, so it is a passive order 1.57 % above the last price.
    verdict = guard_order(
        ticket("BUY", "29.00", "1"), asks=[(D("30.00"), D("1"))], bids=[(D("28.90"), D("1"))], fat_finger_pct=D("1")
    )
    assert verdict.kind == GUARD_HINT and not verdict.crossing
    assert verdict.text.startswith("This price is 1.57 % above the last price 28.55 (guard 1 %)")


def test_without_depth_a_crossing_buy_names_the_best_ask_and_its_own_price() -> None:
    verdict = guard_order(ticket("BUY", "35", "1"), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.title == SWEEP
    assert verdict.text == (
        "This BUY at 35.00 crosses the book and could trade up to 22.37 % above the best ask 28.60 (guard 5 %); "
        "the book's depth is not known, so no average can be estimated."
    )


def test_without_a_quantity_a_crossing_order_says_the_quantity_is_missing_not_the_depth() -> None:
    verdict = guard_order(ticket("BUY", "35", ""), asks=[(D("28.60"), D("5"))], fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.title == SWEEP
    assert verdict.text == (
        "This BUY at 35.00 crosses the book and could trade up to 22.37 % above the best ask 28.60 (guard 5 %); "
        "no quantity is entered yet, so no average can be estimated."
    )


def test_without_depth_a_crossing_sell_is_judged_against_the_best_bid() -> None:
    verdict = guard_order(ticket("SELL", "20", "1"), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.title == SWEEP and verdict.lines == ()
    assert verdict.text == (
        "This SELL at 20.00 crosses the book and could trade up to 29.82 % below the best bid 28.50 (guard 5 %); "
        "the book's depth is not known, so no average can be estimated."
    )
    # between the bid and the ask a SELL rests: judged against the last price, and that is near
    between = guard_order(ticket("SELL", "28.55", "1"), fat_finger_pct=D("0.1"))
    assert between.kind == GUARD_CLEAR and not between.crossing


def test_a_best_price_of_zero_is_no_price_to_cross() -> None:
    # an empty side reported as 0: the BUY is judged as a resting order against the last price
    verdict = guard_order(ticket("BUY", "29.00", "1", best_ask=D("0"), best_bid=D("0")), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CLEAR and not verdict.crossing


def test_prices_below_one_are_judged_like_any_other() -> None:
    cheap: dict[str, Any] = {"info": DOGE, "last_price": D("0.5000"), "best_bid": D("0.4999"), "best_ask": D("0.5001")}
    verdict = guard_order(ticket("BUY", "0.6000", "100", **cheap), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.crossing
    assert "This BUY at 0.6000 crosses the book and could trade up to 19.97 % above the best ask 0.5001" in verdict.text
    assert guard_order(ticket("BUY", "0.5100", "100", **cheap), fat_finger_pct=D("5")).kind == GUARD_CLEAR


def test_a_zero_price_is_left_to_the_tickets_own_check() -> None:
    assert guard_order(ticket("BUY", "0", "1"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5")).kind == GUARD_CLEAR


def test_a_buy_exactly_at_the_best_ask_takes_it_and_is_judged_by_the_book() -> None:
    # the last trade is far below (20.00), but the order only takes the best ask: nothing to warn about
    verdict = guard_order(
        ticket("BUY", "28.60", "0.2", last_price=D("20")), asks=ASKS, bids=BIDS, fat_finger_pct=D("5")
    )
    assert verdict.kind == GUARD_CLEAR and verdict.crossing


def test_a_sell_exactly_at_the_best_bid_takes_it_and_is_judged_by_the_book() -> None:
    verdict = guard_order(
        ticket("SELL", "28.50", "0.2", last_price=D("35")), asks=ASKS, bids=BIDS, fat_finger_pct=D("5")
    )
    assert verdict.kind == GUARD_CLEAR and verdict.crossing


# --- exactly at the guard ------------------------------------------------------------------------


def test_a_sweep_exactly_at_the_guard_passes_and_one_past_it_asks() -> None:
    asks = [(D("28.60"), D("0.5")), (D("30.03"), D("0.5"))]  # 30.03 is exactly 5 % above 28.60
    sweep = ticket("BUY", "30.03", "1", "IOC")
    assert guard_order(sweep, asks=asks, bids=BIDS, fat_finger_pct=D("5")).kind == GUARD_CLEAR
    assert guard_order(sweep, asks=asks, bids=BIDS, fat_finger_pct=D("4.99")).kind == GUARD_CONFIRM


def test_a_resting_order_exactly_at_the_guard_passes_and_one_tick_past_it_is_hinted() -> None:
    book: dict[str, Any] = {"asks": [(D("30.00"), D("1"))], "bids": [(D("27.90"), D("1"))]}
    near: dict[str, Any] = {"last_price": D("28.00"), "best_bid": D("27.90"), "best_ask": D("30.00")}
    assert guard_order(ticket("SELL", "29.40", "1", **near), **book, fat_finger_pct=D("5")).kind == GUARD_CLEAR
    past = guard_order(ticket("SELL", "29.41", "1", **near), **book, fat_finger_pct=D("5"))
    assert past.kind == GUARD_HINT and past.title == "Price far from the market"
    assert past.text == (
        "This price is 5.03 % above the last price 28.00 (guard 5 %); the order would rest on the book."
    )


def test_a_resting_order_less_than_one_percent_above_says_above() -> None:
    near: dict[str, Any] = {"last_price": D("28.00"), "best_bid": D("27.90"), "best_ask": D("30.00")}
    verdict = guard_order(ticket("SELL", "28.20", "1", **near), fat_finger_pct=D("0.5"))
    assert verdict.kind == GUARD_HINT and "0.71 % above the last price 28.00" in verdict.text


def test_the_mid_price_is_shown_at_the_symbols_precision() -> None:
    verdict = guard_order(ticket("BUY", "24", "1", last_price=None, best_ask=D("28.61")), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_HINT
    assert "15.95 % below the mid price 28.56 (guard 5 %)" in verdict.text  # the mid is 28.555


# --- what a sweep would take, in words ---------------------------------------------------------------


def test_the_estimated_average_is_shown_at_the_symbols_precision() -> None:
    asks = [(D("28.60"), D("1")), (D("28.70"), D("1")), (D("29.50"), D("1"))]
    verdict = guard_order(ticket("BUY", "29.50", "3", "IOC"), asks=asks, bids=BIDS, fat_finger_pct=D("2"))
    assert verdict.kind == GUARD_CONFIRM
    assert "at an estimated average 28.93 USDT," in verdict.text  # 86.80 / 3 = 28.9333...


def test_a_gtc_buy_the_best_level_fills_is_clear_nothing_would_rest() -> None:
    verdict = guard_order(ticket("BUY", "40", "0.2"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CLEAR


def test_an_fok_the_book_cannot_fill_is_judged_by_its_limit_and_says_all_or_nothing() -> None:
    verdict = guard_order(ticket("BUY", "40", "5", "FOK"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))  # 105.40 / 3.5
    assert verdict.kind == GUARD_CONFIRM and verdict.title == SWEEP
    assert verdict.text.startswith("This BUY would take 4 levels (28.60 to 31.00) at an estimated average 30.11 USDT")
    assert "trade as far as 39.86 % above the best ask 28.60 (guard 5 %)." in verdict.text
    assert verdict.text.endswith(
        " The book holds 1.500 DASH too little now: as FOK it would fill wholly at up to 40.00, or not at all."
    )


def test_an_ioc_remainder_is_said_to_expire() -> None:
    verdict = guard_order(ticket("BUY", "31.00", "5", "IOC"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM
    assert verdict.text.startswith("This BUY would take 4 levels (28.60 to 31.00)")
    assert "8.39 % above the best ask 28.60" in verdict.text  # only the levels taken count
    assert verdict.text.endswith(" The remaining 1.500 DASH would expire.")


def test_one_level_taken_is_one_level() -> None:
    verdict = guard_order(ticket("BUY", "40", "1"), asks=[(D("28.60"), D("0.5"))], bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM
    assert verdict.text.startswith("This BUY would take 1 level (28.60 to 28.60)")
    assert verdict.text.endswith(" The remaining 0.500 DASH would rest at 40.00.")
    assert verdict.lines == ("28.60 × 0.500 DASH",)


def ladder(levels: int) -> list[tuple[Decimal, Decimal]]:
    return [(D("28.60") + D("0.10") * i, D("0.1")) for i in range(levels)]


def test_the_dialog_lists_eight_levels_and_counts_the_rest() -> None:
    def lines(levels: int) -> tuple[str, ...]:
        quantity = f"{D('0.1') * levels}"
        verdict = guard_order(
            ticket("BUY", "40", quantity, "IOC"), asks=ladder(levels), bids=BIDS, fat_finger_pct=D("1")
        )
        assert verdict.kind == GUARD_CONFIRM
        return verdict.lines

    eight = lines(8)
    assert len(eight) == 8 and eight[0] == "28.60 × 0.100 DASH" and eight[-1] == "29.30 × 0.100 DASH"
    nine = lines(9)
    assert nine[:8] == eight and nine[8:] == ("… and 1 more level",)
    assert lines(11)[8:] == ("… and 3 more levels",)


# --- input the guard must survive ----------------------------------------------------------------


def test_a_crossing_price_without_a_quantity_yet_is_judged_by_its_limit() -> None:
    verdict = guard_order(ticket("BUY", "35", ""), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.title == SWEEP
    assert "This BUY at 35.00 crosses the book and could trade up to 22.37 % above the best ask 28.60" in verdict.text


def test_an_order_id_pasted_into_the_price_field_is_hinted_not_a_crash() -> None:
    # (999999999999999999 - 0.00000001) / 0.00000001 × 100: a percentage of 31 digits
    tiny: dict[str, Any] = {
        "info": symbol_info(price_decimals=8),
        "last_price": D("0.00000001"),
        "best_bid": None,
        "best_ask": None,
    }
    verdict = guard_order(ticket("SELL", "999999999999999999", "1", **tiny), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_HINT
    assert verdict.text.startswith("This price is 9999999999999999989999999900.00 % above the last price 0.00000001")
