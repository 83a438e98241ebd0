"""The portfolio: balances valued in one asset, shares, costs and P&L.

:func:`build_portfolio` is pure: it takes what was read from the exchange
(balances, pairs with their precisions, last prices and 24 h open prices,
the fills of :mod:`jextui.portfolio.costs`) and returns a
:class:`Portfolio`.  :mod:`jextui.portfolio.load` reads those from a client.

* Value: ``(free + locked) × price``, the price through a direct pair or
  through BTC (:mod:`jextui.portfolio.valuation`).  An asset with no route
  has no value and no share, and is listed in ``unpriced``.
* Share: the asset's value over the total, in percent.
* 24 h change: the same holdings valued at the 24 h open prices against
  now (the change of what is held, not of deposits or trades).
* Average cost, realised and unrealised P&L: see :mod:`jextui.portfolio.costs`.
  Unrealised = value - cost of the position.  Unknown ones are ``None``
  with ``cost_note`` saying why ("cost unknown before <time>").
* Precision: quantities keep the exchange's figures; amounts in the
  valuation asset are rounded half-even to its precision (the largest quote
  precision among its pairs; 8 if it quotes none); prices and average costs
  to 4 decimals more than that.  Shares and percentages to 2 decimals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from jextui.portfolio.costs import AssetCost, Fill, costs_from_fills
from jextui.portfolio.valuation import Pair, PriceBook, price_in

__all__ = ["AssetLine", "Holding", "Portfolio", "build_portfolio", "format_time_ms"]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PCT_EXP = Decimal("0.01")
# The balance may differ from the fills' net quantity by fee rounding: each trade's fee is
# rounded down to 8 decimals and the history gives orders, not trades; allowed: 100 trades
# per order, i.e. 1e-6 per order.  A missing order is normally far larger.
FEE_ROUNDING_PER_ORDER = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class Holding:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class AssetLine:
    asset: str
    free: Decimal
    locked: Decimal
    total: Decimal
    price: Decimal | None  # one unit in the valuation asset
    route: str  # "BTCUSDT", "1/USDTX", "ETHBTC×BTCUSDT", "" for the valuation asset
    value: Decimal | None
    share_pct: Decimal | None
    average_cost: Decimal | None
    realised: Decimal | None
    unrealised: Decimal | None
    cost_note: str  # "" when the cost is known


@dataclass(frozen=True, slots=True)
class Portfolio:
    valuation_asset: str
    lines: tuple[AssetLine, ...]  # by value, largest first; unpriced ones last
    total_value: Decimal
    value_24h_ago: Decimal | None
    change_24h: Decimal | None
    change_24h_pct: Decimal | None
    realised_total: Decimal
    unpriced: tuple[str, ...]
    history_from_ms: int | None  # the earliest own order seen
    notes: tuple[str, ...]  # e.g. which symbols' histories were read, fee estimate


def format_time_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _valuation_exp(pairs: Mapping[str, Pair], quote_precisions: Mapping[str, int], valuation: str) -> Decimal:
    places = [
        quote_precisions[p.symbol] for p in pairs.values() if p.quote == valuation and p.symbol in quote_precisions
    ]
    return Decimal(1).scaleb(-(max(places) if places else 8))


def _q(value: Decimal, exp: Decimal) -> Decimal:
    return value.quantize(exp, ROUND_HALF_EVEN)


def _cost_view(
    cost: AssetCost | None, total: Decimal, value: Decimal | None, history_from_ms: int | None, exp: Decimal
) -> tuple[Decimal | None, Decimal | None, Decimal | None, str]:
    """(average cost, realised, unrealised, note) for one asset."""
    unknown = (
        f"cost unknown before {format_time_ms(history_from_ms)}"
        if history_from_ms is not None
        else "cost unknown: no own orders found"
    )
    if cost is None or cost.fills == 0:
        if total == 0:
            return None, None, None, ""
        return None, None, None, unknown
    if cost.unvalued:
        pairs = ", ".join(sorted(set(cost.unvalued)))
        return None, None, None, f"cost unknown: fills on {pairs} could not be valued"
    tolerance = FEE_ROUNDING_PER_ORDER * cost.fills
    if cost.short or abs(total - cost.position) > tolerance:
        return None, None, None, unknown
    realised = _q(cost.realised, exp)
    if cost.position <= 0:
        return None, realised, None, ""
    average = cost.cost / cost.position
    unrealised = _q(value - cost.cost, exp) if value is not None else None
    return _q(average, exp * Decimal("0.0001")), realised, unrealised, ""


def build_portfolio(
    holdings: Sequence[Holding],
    pairs: Mapping[str, Pair],
    last_prices: Mapping[str, Decimal],
    open_prices: Mapping[str, Decimal],
    fills: Sequence[Fill],
    *,
    valuation: str = "USDT",
    quote_precisions: Mapping[str, int] | None = None,
    notes: Sequence[str] = (),
) -> Portfolio:
    exp = _valuation_exp(pairs, quote_precisions or {}, valuation)
    now_book = PriceBook(pairs, last_prices)
    then_book = PriceBook(pairs, open_prices)
    costs = costs_from_fills(fills, valuation)
    history_from_ms = min((f.time_ms for f in fills), default=None)
    priced: list[tuple[Holding, Decimal, Decimal, str]] = []  # holding, total, value, route
    unpriced: list[Holding] = []
    then_total: Decimal | None = ZERO
    for holding in holdings:
        total = holding.free + holding.locked
        if total == 0 and holding.asset not in costs:
            continue  # an asset never held nor traded: not listed
        now = price_in(now_book, holding.asset, valuation)
        if now is None:
            unpriced.append(holding)
            continue
        priced.append((holding, total, total * now[0], now[1]))
        then = price_in(then_book, holding.asset, valuation)
        if then is None or then_total is None:
            then_total = None
        else:
            then_total += total * then[0]
    total_value = sum((value for _, _, value, _ in priced), ZERO)
    lines = []
    for holding, total, value, route in sorted(priced, key=lambda item: (-item[2], item[0].asset)):
        share = _q(value / total_value * HUNDRED, PCT_EXP) if total_value else None
        average, realised, unrealised, note = (
            (None, None, None, "")
            if holding.asset == valuation
            else _cost_view(costs.get(holding.asset), total, value, history_from_ms, exp)
        )
        price = value / total
        lines.append(
            AssetLine(
                holding.asset,
                holding.free,
                holding.locked,
                total,
                _q(price, exp * Decimal("0.0001")),
                route,
                _q(value, exp),
                share,
                average,
                realised,
                unrealised,
                note,
            )
        )
    for holding in unpriced:
        total = holding.free + holding.locked
        average, realised, unrealised, note = _cost_view(costs.get(holding.asset), total, None, history_from_ms, exp)
        lines.append(
            AssetLine(
                holding.asset,
                holding.free,
                holding.locked,
                total,
                None,
                "",
                None,
                None,
                average,
                realised,
                None,
                "; ".join(filter(None, (f"no price in {valuation}", note))),
            )
        )
    realised_total = sum((line.realised for line in lines if line.realised is not None), ZERO)
    change = change_pct = None
    if then_total is not None:
        change = _q(total_value - then_total, exp)
        change_pct = _q((total_value - then_total) / then_total * HUNDRED, PCT_EXP) if then_total else None
    return Portfolio(
        valuation_asset=valuation,
        lines=tuple(lines),
        total_value=_q(total_value, exp),
        value_24h_ago=_q(then_total, exp) if then_total is not None else None,
        change_24h=change,
        change_24h_pct=change_pct,
        realised_total=_q(realised_total, exp),
        unpriced=tuple(h.asset for h in unpriced),
        history_from_ms=history_from_ms,
        notes=tuple(notes),
    )
