"""Properties: an alert never fires twice without the value first leaving the
band; average-cost bookkeeping conserves money (fees included)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.alerts import Alert, AlertEvaluator, Condition, PriceUpdate
from jextui.alerts.evaluate import HYSTERESIS_PRICE_FRACTION
from jextui.portfolio import Fill, costs_from_fills

D = Decimal
prices = st.decimals(min_value=D("90"), max_value=D("110"), places=2)


@settings(max_examples=200, deadline=None)
@given(st.lists(prices, min_size=1, max_size=60), st.sampled_from([Condition.ABOVE, Condition.BELOW]))
def test_fires_only_when_it_holds_and_once_per_excursion(path: list[Decimal], condition: Condition) -> None:
    level = D("100")
    alert = Alert("X1", condition, level, id="p")
    evaluator = AlertEvaluator([alert])
    band_low, band_high = level * (1 - HYSTERESIS_PRICE_FRACTION), level * (1 + HYSTERESIS_PRICE_FRACTION)
    left_band = True  # armed at start
    for step, price in enumerate(path):
        fired = evaluator.evaluate(PriceUpdate("X1", step, last=price))
        holds = price >= level if condition is Condition.ABOVE else price <= level
        if fired:
            assert holds and left_band
            left_band = False
        elif holds:
            assert not left_band  # it held and did not fire: it must have fired before without re-arming
        if (condition is Condition.ABOVE and price < band_low) or (condition is Condition.BELOW and price > band_high):
            left_band = True


amounts = st.decimals(min_value=D("0.01"), max_value=D("10"), places=2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), amounts, prices, st.sampled_from([D(0), D("0.001")])), max_size=30))
def test_average_cost_conserves_money(trades: list[tuple[bool, Decimal, Decimal, Decimal]]) -> None:
    fills, held, paid, received = [], D(0), D(0), D(0)
    for index, (buy, qty, price, rate) in enumerate(trades):
        if not buy and qty > held:
            continue  # only sells of what the fills bought
        quote = qty * price
        if buy:
            fee = qty * rate
            fills.append(Fill("X1USDT", "X1", "USDT", "BUY", qty, quote, fee, "X1", index, quote))
            held += qty - fee
            paid += quote
        else:
            fee = quote * rate
            fills.append(Fill("X1USDT", "X1", "USDT", "SELL", qty, quote, fee, "USDT", index, quote))
            held -= qty
            received += quote - fee
    cost = costs_from_fills(fills, "USDT").get("X1")
    if cost is None:
        assert not fills
        return
    assert cost.position == held and not cost.short
    # what came in minus what went out = realised P&L minus the cost still held
    assert abs((received - paid) - (cost.realised - cost.cost)) < D("1e-18")
