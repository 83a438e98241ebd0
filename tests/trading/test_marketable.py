"""The capped marketable order: the limit price, the book walk, and refusals in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.trading_fakes import symbol_info

from jextui.api.models import DepthLevel
from jextui.trading.marketable import (
    DEFAULT_MAX_SLIPPAGE_PCT,
    MarketableEstimate,
    MarketableRefusal,
    plan_marketable,
    walk_book,
)
from jextui.trading.ticket import SymbolRules

D = Decimal
RULES = SymbolRules.from_symbol_info(symbol_info(tick="0.01", step="0.001", qty_decimals=3))
ASKS = [(D("100.00"), D("0.5")), (D("100.20"), D("0.3")), (D("100.40"), D("1")), (D("101.00"), D("5"))]
BIDS = [(D("99.90"), D("0.4")), (D("99.70"), D("0.6")), (D("98.00"), D("3"))]


def plan(side: str, qty: str, levels=None, **kwargs) -> MarketableEstimate:
    kwargs.setdefault("book_age_ms", 100)
    kwargs.setdefault("stale_after_ms", 1200)
    result = plan_marketable(side, D(qty), ASKS if levels is None and side == "BUY" else levels or BIDS,  # type: ignore[arg-type]
                             RULES, **kwargs)
    assert isinstance(result, MarketableEstimate), result
    return result


def test_a_buy_is_capped_half_a_percent_above_the_best_ask_rounded_down_to_the_tick() -> None:
    estimate = plan("BUY", "1")
    assert D("0.5") == DEFAULT_MAX_SLIPPAGE_PCT
    assert estimate.limit_price == D("100.50") and estimate.time_in_force == "IOC"
    assert [(lv.price, lv.quantity) for lv in estimate.levels] == [
        (D("100.00"), D("0.5")), (D("100.20"), D("0.3")), (D("100.40"), D("0.2"))]
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
def test_refusals_are_in_words(side: str, qty: str, levels, age, words: str) -> None:
    result = plan_marketable(side, D(qty), levels, RULES, book_age_ms=age, stale_after_ms=1200)  # type: ignore[arg-type]
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
def test_property_never_past_the_cap_and_the_sums_add_up(side: str, levels, qty: Decimal, cap: Decimal) -> None:
    rules = SymbolRules.from_symbol_info(symbol_info(tick="0.01", max_price=None, min_price=None))
    result = plan_marketable(side, qty, levels, rules, book_age_ms=0, stale_after_ms=1, max_slippage_pct=cap)  # type: ignore[arg-type]
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
