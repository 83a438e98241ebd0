"""The diff depth stream's content: which book levels changed, and the book's version.

For each watched symbol the engine's order events mark the price levels they
touched (a resting order placed, a maker filled, an order cancelled).
:meth:`DepthDiffs.take` answers every level touched since the previous take,
with its quantity now (zero: the level is gone), and the book's version: the
same counter as REST depth's ``lastUpdateId``.  So a REST snapshot at version
``U`` plus every diff with ``v > U``, applied in order, is the engine's book
at the last ``v`` (a level that changed after ``U`` is in a later diff with
its final quantity; one that did not is already right in the snapshot).

:func:`apply_diff` is that client recipe, used by the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jextui.sandbox.engine import Engine

__all__ = ["DepthDiffs", "DepthDiff", "apply_diff"]

_ALL_LEVELS = 1 << 30
_BUY = "BUY"

Level = tuple[Decimal, Decimal]
DepthDiff = tuple[int, list[Level], list[Level]]
"""(version, bid levels, ask levels); a zero quantity removes the level."""


class DepthDiffs:
    """Level changes per watched symbol (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._touched: dict[str, set[tuple[str, Decimal]]] = {}
        engine.add_order_listener(self._on_order)

    def watch(self, symbol: str) -> None:
        """Start collecting ``symbol``'s changes (the first take reports those from now on)."""
        self._touched.setdefault(symbol, set())

    def unwatch(self, symbol: str) -> None:
        self._touched.pop(symbol, None)

    def watching(self, symbol: str) -> bool:
        return symbol in self._touched

    def _on_order(self, order: Any) -> None:
        touched = self._touched.get(order.symbol)
        if touched is not None:
            touched.add((order.side, order.price))

    def take(self, symbol: str) -> DepthDiff:
        """Levels touched since the last take (bids best first, asks best first) and the version now."""
        touched = self._touched.get(symbol)
        version, bids, asks = self._engine.depth(symbol, _ALL_LEVELS if touched else 0)
        if not touched:
            return version, [], []
        self._touched[symbol] = set()
        bid_qty, ask_qty = dict(bids), dict(asks)
        zero = Decimal(0)
        changed_bids = [(price, bid_qty.get(price, zero)) for side, price in touched if side == _BUY]
        changed_asks = [(price, ask_qty.get(price, zero)) for side, price in touched if side != _BUY]
        changed_bids.sort(reverse=True)
        changed_asks.sort()
        return version, changed_bids, changed_asks


def apply_diff(book: dict[Decimal, Decimal], levels: Iterable[Level]) -> None:
    """Apply one side of a diff to one side of a local book (price → quantity)."""
    for price, qty in levels:
        if qty:
            book[price] = qty
        else:
            book.pop(price, None)
