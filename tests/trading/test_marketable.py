"""The capped marketable order: the limit price, the book walk, and refusals in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.trading_fakes import symbol_info

from jextui.api.models import DepthLevel, Side
from jextui.trading.marketable import (
    DEFAULT_MAX_SLIPPAGE_PCT,
    MarketableEstimate,
    MarketableRefusal,
    as_levels,
    plan_marketable,
    walk_book,
)
from jextui.trading.ticket import SymbolRules

D = Decimal
RULES = SymbolRules.from_symbol_info(symbol_info(tick="0.01", step="0.001", qty_decimals=3))
ASKS = [(D("100.00"), D("0.5")), (D("100.20"), D("0.3")), (D("100.40"), D("1")), (D("101.00"), D("5"))]
BIDS = [(D("99.90"), D("0.4")), (D("99.70"), D("0.6")), (D("98.00"), D("3"))]


def plan(side: Side, qty: str, levels=None, **kwargs) -> MarketableEstimate:
    kwargs.setdefault("book_age_ms", 100)
    kwargs.setdefault("stale_after_ms", 1200)
    result = plan_marketable(
        side, D(qty), ASKS if levels is None and side == "BUY" else levels or BIDS, RULES, **kwargs
    )
    assert isinstance(result, MarketableEstimate), result
    return result


def test_a_buy_is_capped_half_a_percent_above_the_best_ask_rounded_down_to_the_tick() -> None:
    estimate = plan("BUY", "1")
    assert D("0.5") == DEFAULT_MAX_SLIPPAGE_PCT
    assert estimate.limit_price == D("100.50") and estimate.time_in_force == "IOC"
    assert [(lv.price, lv.quantity) for lv in estimate.levels] == [
        (D("100.00"), D("0.5")),
        (D("100.20"), D("0.3")),
        (D("100.40"), D("0.2")),
    ]
    assert estimate.filled == D("1") and estimate.expired == 0
    assert estimate.total == D("50") + D("30.06") + D("20.08")
    assert estimate.average_price == D("100.14")
    assert estimate.slippage_pct == D("0.14")


def test_what_finds_nothing_within_the_cap_would_expire() -> None:
    estimate = plan("BUY", "3")
    assert estimate.filled == D("1.8") and estimate.expired == D("1.2")
    assert all(level.price <= estimate.limit_price for level in estimate.levels)
    text = estimate.describe(RULES)
    assert "1.200 BTC would expire unfilled" in text and "over 3 levels" in text


def test_a_sell_is_capped_below_the_best_bid_rounded_up_to_the_tick() -> None:
    estimate = plan("SELL", "1", BIDS, max_slippage_pct=D("0.3"))
    assert estimate.limit_price == D("99.61")  # 99.90 * 0.997 = 99.6003 -> up to 99.61
    assert estimate.filled == D("1") and estimate.average_price == D("99.78")
    assert estimate.slippage_pct is not None and str(estimate.slippage_pct).startswith("0.12012012")


def test_levels_arrive_in_any_order_and_as_depth_levels() -> None:
    shuffled = [DepthLevel(price=p, qty=q) for p, q in reversed(ASKS)]
    assert plan("BUY", "1", shuffled).total == plan("BUY", "1").total
    junk = [(D("99"), D("0")), (D("-1"), D("5")), *ASKS]
    assert plan("BUY", "1", junk).best_price == D("100.00")


def test_the_cap_stays_within_the_symbol_price_bounds() -> None:
    tight = SymbolRules.from_symbol_info(symbol_info(tick="0.01", max_price="100.30", min_price="99.80"))
    buy = plan_marketable("BUY", D("1"), ASKS, tight, book_age_ms=0, stale_after_ms=1000)
    sell = plan_marketable("SELL", D("1"), BIDS, tight, book_age_ms=0, stale_after_ms=1000)
    assert isinstance(buy, MarketableEstimate) and buy.limit_price == D("100.30")
    assert isinstance(sell, MarketableEstimate) and sell.limit_price == D("99.80")


@pytest.mark.parametrize(
    ("side", "qty", "levels", "age", "words"),
    [
        ("BUY", "1", [], 0, "There are no asks on the book"),
        ("SELL", "1", [], 0, "There are no bids on the book"),
        ("BUY", "1", ASKS, 2500, "The order book is 2.5 s old (stale after 1.2 s)"),
        ("BUY", "1", ASKS, None, "has not been read yet"),
        ("BUY", "0", ASKS, 0, "Enter a quantity first"),
    ],
)
def test_refusals_are_in_words(side: Side, qty: str, levels, age, words: str) -> None:
    result = plan_marketable(side, D(qty), levels, RULES, book_age_ms=age, stale_after_ms=1200)
    assert isinstance(result, MarketableRefusal) and words in result.reason


def test_walk_without_a_limit_takes_the_whole_side() -> None:
    walk = walk_book("BUY", D("100"), ASKS)
    assert walk is not None and walk.filled == D("6.8") and walk.unfilled == D("93.2")
    assert walk_book("SELL", D("1"), []) is None


prices = st.integers(min_value=1, max_value=10**6).map(lambda n: D(n) / 100)
quantities = st.integers(min_value=1, max_value=10**5).map(lambda n: D(n) / 1000)


@settings(max_examples=200, deadline=None)
@given(
    side=st.sampled_from(["BUY", "SELL"]),
    levels=st.lists(st.tuples(prices, quantities), min_size=1, max_size=12),
    qty=quantities,
    cap=st.sampled_from([D("0"), D("0.1"), D("0.5"), D("2"), D("10")]),
)
def test_property_never_past_the_cap_and_the_sums_add_up(side: Side, levels, qty: Decimal, cap: Decimal) -> None:
    rules = SymbolRules.from_symbol_info(symbol_info(tick="0.01", max_price=None, min_price=None))
    result = plan_marketable(side, qty, levels, rules, book_age_ms=0, stale_after_ms=1, max_slippage_pct=cap)
    assert isinstance(result, MarketableEstimate)
    best = min(p for p, _ in levels) if side == "BUY" else max(p for p, _ in levels)
    assert result.best_price == best
    if side == "BUY":
        assert best <= result.limit_price <= best * (100 + cap) / 100
    else:
        assert best * (100 - cap) / 100 <= result.limit_price <= best or result.limit_price == D("0.01")
    assert result.limit_price % D("0.01") == 0
    assert result.filled + result.expired == qty
    assert result.total == sum(level.price * level.quantity for level in result.levels)
    assert result.filled == sum(level.quantity for level in result.levels)
    assert result.levels[0].price == best
    if result.slippage_pct is not None:
        assert D(0) <= result.slippage_pct <= cap


# --- the preview's words, and every refusal word for word --------------------------------------


def test_the_preview_says_one_level_in_the_singular() -> None:
    assert plan("BUY", "0.3").describe(RULES) == (
        "BUY 0.300 BTC IOC at 100.50: fills about 0.300 BTC at an average 100.00 over 1 level, total 30.00 USDT, "
        "slippage 0.00 %."
    )


def test_the_preview_cuts_the_average_and_rounds_the_slippage_up() -> None:
    # 70.04 / 0.7 = 100.0571...: shown as 100.05 (never better than it is), slippage 0.0571 % -> 0.06 %
    assert plan("BUY", "0.7").describe(RULES) == (
        "BUY 0.700 BTC IOC at 100.50: fills about 0.700 BTC at an average 100.05 over 2 levels, total 70.04 USDT, "
        "slippage 0.06 %."
    )
    # 60.02 / 0.6 = 100.0333...: slippage 0.0333 % is shown as 0.04 %, never as the smaller 0.03 %
    assert plan("BUY", "0.6").describe(RULES).endswith("total 60.02 USDT, slippage 0.04 %.")


def test_the_estimate_keeps_the_cap_it_was_planned_with() -> None:
    assert plan("SELL", "1", BIDS, max_slippage_pct=D("0.3")).max_slippage_pct == D("0.3")


@pytest.mark.parametrize(
    ("side", "qty", "levels", "age", "cap", "words"),
    [
        ("HOLD", "1", ASKS, 0, "0.5", "Choose BUY or SELL."),
        ("BUY", "0", ASKS, 0, "0.5", "Enter a quantity first."),
        ("BUY", "NaN", ASKS, 0, "0.5", "Enter a quantity first."),
        ("BUY", "Infinity", ASKS, 0, "0.5", "Enter a quantity first."),
        ("BUY", "1", ASKS, 0, "-0.1", "The slippage cap must be 0 % or more."),
        ("BUY", "1", ASKS, 0, "NaN", "The slippage cap must be 0 % or more."),
        ("BUY", "1", ASKS, None, "0.5", "The order book has not been read yet: a marketable order needs a fresh book."),
        (
            "BUY",
            "1",
            ASKS,
            1050,
            "0.5",
            "The order book is 1.1 s old (stale after 1.0 s): a marketable order is priced from the book, "
            "so it waits for a fresh one.",
        ),
        ("BUY", "1", [], 0, "0.5", "There are no asks on the book: nothing to buy from now."),
        ("SELL", "1", [], 0, "0.5", "There are no bids on the book: nothing to sell from now."),
    ],
)
def test_each_refusal_word_for_word(
    side: str, qty: str, levels: list[tuple[Decimal, Decimal]], age: int | None, cap: str, words: str
) -> None:
    result = plan_marketable(
        side,  # type: ignore[arg-type]
        D(qty),
        levels,
        RULES,
        book_age_ms=age,
        stale_after_ms=1000,
        max_slippage_pct=D(cap),
    )
    assert result == MarketableRefusal(words)


def test_a_book_exactly_as_old_as_the_limit_is_still_fresh() -> None:
    assert plan("BUY", "1", book_age_ms=1200, stale_after_ms=1200).filled == D("1")


def test_levels_that_are_not_price_and_quantity_are_left_out() -> None:
    odd = [(D("1"), None), object(), "100", DepthLevel(price=D("2"), qty=D("3")), (D("4"), D("5"))]
    assert as_levels(odd) == [(D("2"), D("3")), (D("4"), D("5"))]
    free = plan("BUY", "1", [(D("0"), D("9")), *ASKS])  # a level at price 0 is no level
    assert free.best_price == D("100.00") and free.levels[0].price == D("100.00")


def test_levels_of_one_price_are_taken_in_the_order_listed() -> None:
    walk = walk_book("BUY", D("0.6"), [(D("100"), D("0.5")), (D("100"), D("0.2"))])
    assert walk is not None
    assert [(lv.price, lv.quantity) for lv in walk.taken] == [(D("100"), D("0.5")), (D("100"), D("0.1"))]
    sell = walk_book("SELL", D("0.6"), [(D("100"), D("0.5")), (D("100"), D("0.2"))])
    assert sell is not None and [lv.quantity for lv in sell.taken] == [D("0.5"), D("0.1")]


def test_a_price_bound_off_the_grid_is_rounded_inside_it() -> None:
    odd = SymbolRules.from_symbol_info(symbol_info(tick="0.01", max_price="100.309", min_price="0.011"))
    buy = plan_marketable("BUY", D("1"), ASKS, odd, book_age_ms=0, stale_after_ms=1000)
    assert isinstance(buy, MarketableEstimate) and buy.limit_price == D("100.30")  # not 100.31, above the maximum
    low_bids = [(D("0.05"), D("10"))]
    sell = plan_marketable("SELL", D("1"), low_bids, odd, book_age_ms=0, stale_after_ms=1000, max_slippage_pct=D("90"))
    assert isinstance(sell, MarketableEstimate) and sell.limit_price == D("0.02")  # not 0.01, below the minimum


def test_huge_amounts_are_exact() -> None:
    rules = SymbolRules.from_symbol_info(symbol_info(tick="0.01", max_price=None, min_price=None))
    best_cents = 123456789012345678901234567  # 27 digits
    best = D(f"{best_cents}e-2")  # read from text: exact, whatever the context
    buy = plan_marketable("BUY", D("1.001"), [(best, D("1.001"))], rules, book_age_ms=0, stale_after_ms=1000)
    assert isinstance(buy, MarketableEstimate)
    assert buy.limit_price == D(f"{best_cents * 1005 // 1000}e-2")  # the cap, cut to the cent, in whole numbers
    assert buy.total == D(f"{best_cents * 1001}e-5")  # 30 digits, nothing rounded
