"""The fat-finger guard looks at what would execute: sweeps need a confirmation, far passive orders a hint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from support.trading_fakes import symbol_info

from jextui.api.models import Side
from jextui.trading.guard import GUARD_CLEAR, GUARD_CONFIRM, GUARD_HINT, guard_order
from jextui.trading.ticket import OrderTicket

D = Decimal
DASH = symbol_info(symbol="DASHUSDT", base="DASH", tick="0.01", step="0.001", qty_decimals=3, min_notional=None)
ASKS = [(D("28.60"), D("0.5")), (D("28.70"), D("0.5")), (D("29.50"), D("0.5")), (D("31.00"), D("2"))]
BIDS = [(D("28.50"), D("1")), (D("28.40"), D("2"))]


def ticket(side: Side, price: str, qty: str, tif: str = "GTC", **context: Any) -> OrderTicket:
    context.setdefault("last_price", D("28.55"))
    context.setdefault("best_bid", D("28.50"))
    context.setdefault("best_ask", D("28.60"))
    return OrderTicket.for_symbol(
        side,
        DASH,
        price_text=price,
        quantity_text=qty,
        time_in_force=tif,
        free_balances={"USDT": D("10000"), "DASH": D("10")},
        **context,
    )


def test_a_sweeping_buy_needs_a_confirmation_naming_the_average_and_the_levels() -> None:
    verdict = guard_order(ticket("BUY", "31.00", "2", "IOC"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and verdict.needs_confirmation and verdict.crossing
    assert "would take 4 levels (28.60 to 31.00)" in verdict.text
    assert "estimated average 29.45 USDT" in verdict.text  # (14.3 + 14.35 + 14.75 + 15.5) / 2
    assert "8.39 % above the best ask 28.60 (guard 5 %)" in verdict.text
    assert verdict.lines == ("28.60 × 0.500 DASH", "28.70 × 0.500 DASH", "29.50 × 0.500 DASH", "31.00 × 0.500 DASH")
    assert verdict.title == "Order would sweep the book"


def test_a_passive_far_bid_only_gets_a_hint() -> None:
    far_bid = ticket("BUY", "24", "1")  # 16 % below the last price, resting
    verdict = guard_order(far_bid, asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_HINT and not verdict.needs_confirmation
    assert "15.93 % below the last price 28.55" in verdict.text and "rest on the book" in verdict.text
    assert far_bid.needs_fat_finger_confirmation  # the ticket's own check is unchanged ...
    far_bid.confirm_fat_finger()  # ... and stands aside once the screen has used this guard
    assert far_bid.validate() == {}


def test_fat_finger_passive_confirm_restores_the_second_dialog() -> None:
    verdict = guard_order(ticket("BUY", "24", "1"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"), passive="confirm")
    assert verdict.kind == GUARD_CONFIRM and not verdict.crossing
    assert verdict.title == "Price far from the market"


def test_a_buy_far_above_the_ask_that_the_best_level_fills_is_clear() -> None:
    verdict = guard_order(ticket("BUY", "40", "0.2", "IOC"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CLEAR and verdict.walk is not None and verdict.walk.average_price == D("28.60")


def test_a_gtc_remainder_resting_far_above_the_ask_needs_a_confirmation() -> None:
    verdict = guard_order(ticket("BUY", "40", "5"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM
    assert "The remaining 1.500 DASH would rest at 40.00." in verdict.text
    assert "39.86 % above the best ask" in verdict.text


def test_an_ioc_remainder_expires_and_only_the_levels_taken_count() -> None:
    verdict = guard_order(ticket("BUY", "29.00", "3", "IOC"), asks=ASKS, bids=BIDS, fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CLEAR  # takes 28.60 and 28.70 only: 0.34 % past the best ask


def test_a_sweeping_sell_counts_downwards() -> None:
    verdict = guard_order(ticket("SELL", "20", "3", "IOC"), asks=ASKS, bids=BIDS, fat_finger_pct=D("0.3"))
    assert verdict.kind == GUARD_CONFIRM and "below the best bid 28.5" in verdict.text
    assert "The remaining 0 DASH" not in verdict.text


def test_without_depth_a_crossing_order_is_judged_by_its_limit() -> None:
    verdict = guard_order(ticket("BUY", "35", "1"), fat_finger_pct=D("5"))
    assert verdict.kind == GUARD_CONFIRM and "depth is not known" in verdict.text
    assert guard_order(ticket("BUY", "28.70", "1"), fat_finger_pct=D("5")).kind == GUARD_CLEAR


def test_nothing_to_judge_without_a_price_or_a_market() -> None:
    assert guard_order(ticket("BUY", "", "1"), asks=ASKS).kind == GUARD_CLEAR
    bare = ticket("BUY", "24", "1", last_price=None, best_bid=None, best_ask=None)
    assert guard_order(bare).kind == GUARD_CLEAR


def test_a_near_passive_order_is_clear_and_the_ticket_guard_pct_is_the_default() -> None:
    near = ticket("SELL", "28.90", "1", fat_finger_pct=D("2"))
    assert guard_order(near, asks=ASKS, bids=BIDS).kind == GUARD_CLEAR  # 1.22 % above the last price
    assert guard_order(ticket("SELL", "30", "1", fat_finger_pct=D("2")), asks=ASKS, bids=BIDS).kind == GUARD_HINT
