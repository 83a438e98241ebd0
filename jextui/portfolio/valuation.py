"""Pricing an asset in the valuation asset: a direct pair, or through BTC.

Routes, in order: the asset itself (1); ``ASSET+VAL`` (its price);
``VAL+ASSET`` (one over its price); through BTC, ``ASSET→BTC`` then
``BTC→VAL``, each leg direct or inverted.  ``None`` when there is no route
or a price on it is missing or zero.  Exact ``Decimal`` throughout; an
inverted price is computed to 28 significant digits (the context default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["BRIDGE_ASSET", "Pair", "PriceBook", "price_in"]

BRIDGE_ASSET = "BTC"


@dataclass(frozen=True, slots=True)
class Pair:
    symbol: str
    base: str
    quote: str


class PriceBook:
    """Prices by symbol, and the pairs by (base, quote), for :func:`price_in`."""

    def __init__(self, pairs: Mapping[str, Pair], prices: Mapping[str, Decimal]) -> None:
        self.pairs = dict(pairs)
        self.prices = dict(prices)
        self._by_assets = {(p.base, p.quote): p.symbol for p in pairs.values()}

    def direct(self, asset: str, target: str) -> tuple[Decimal, str] | None:
        """``(rate, how)`` for one leg, e.g. ``(Decimal('64250'), 'BTCUSDT')``."""
        if asset == target:
            return Decimal(1), ""
        symbol = self._by_assets.get((asset, target))
        if symbol is not None:
            price = self.prices.get(symbol)
            if price is not None and price > 0:
                return price, symbol
        symbol = self._by_assets.get((target, asset))
        if symbol is not None:
            price = self.prices.get(symbol)
            if price is not None and price > 0:
                return Decimal(1) / price, f"1/{symbol}"
        return None

    def symbol_for(self, base: str, quote: str) -> str | None:
        return self._by_assets.get((base, quote))


def price_in(book: PriceBook, asset: str, target: str) -> tuple[Decimal, str] | None:
    """``(price of one unit of asset in target, route text)`` or ``None``."""
    leg = book.direct(asset, target)
    if leg is not None:
        return leg
    if BRIDGE_ASSET in (asset, target):
        return None
    first = book.direct(asset, BRIDGE_ASSET)
    second = book.direct(BRIDGE_ASSET, target)
    if first is None or second is None:
        return None
    return first[0] * second[0], f"{first[1]}×{second[1]}"
