"""One symbol's order book inside the sandbox's matching engine: resting
orders by price level in time priority, level totals, and what a taker could fill."""

from __future__ import annotations

import bisect
from collections import deque
from decimal import Decimal

from jextui.sandbox.engine_records import BUY, ZERO, EngineOrder
from jextui.sandbox.symbols import SymbolSpec


class SymbolBook:
    """One symbol's order book.

    Each side is a dict price-key -> deque of orders (time priority) plus a
    sorted list of keys whose LAST element is the best level: bid keys are
    prices ascending, ask keys are negated prices ascending.
    """

    __slots__ = ("spec", "bid_keys", "ask_keys", "bids", "asks", "update_id", "next_trade_id")

    def __init__(self, spec: SymbolSpec) -> None:
        self.spec = spec
        self.bid_keys: list[Decimal] = []
        self.ask_keys: list[Decimal] = []
        self.bids: dict[Decimal, deque[EngineOrder]] = {}
        self.asks: dict[Decimal, deque[EngineOrder]] = {}
        self.update_id = 1
        self.next_trade_id = 1

    def rest(self, order: EngineOrder) -> None:
        if order.side == BUY:
            key, keys, levels = order.price, self.bid_keys, self.bids
        else:
            key, keys, levels = -order.price, self.ask_keys, self.asks
        level = levels.get(key)
        if level is None:
            level = levels[key] = deque()
            bisect.insort(keys, key)
        level.append(order)

    def unrest(self, order: EngineOrder) -> None:
        if order.side == BUY:
            key, keys, levels = order.price, self.bid_keys, self.bids
        else:
            key, keys, levels = -order.price, self.ask_keys, self.asks
        level = levels[key]
        for index, candidate in enumerate(level):
            if candidate is order:
                del level[index]
                break
        if not level:
            del levels[key]
            del keys[bisect.bisect_left(keys, key)]

    def levels(self, side: str, limit: int) -> list[tuple[Decimal, Decimal]]:
        bids = side == BUY  # ask keys are negated prices
        keys, levels = (self.bid_keys, self.bids) if bids else (self.ask_keys, self.asks)
        out: list[tuple[Decimal, Decimal]] = []
        for key in reversed(keys[-limit:] if limit > 0 else ()):
            qty = ZERO
            for order in levels[key]:
                qty += order.remaining_qty
            out.append((key if bids else -key, qty))
        return out

    def fillable_qty(self, side: str, price: Decimal, wanted: Decimal) -> Decimal:
        """Quantity available to a taker on ``side`` at ``price`` or better (stops at ``wanted``)."""
        # Both sides are keyed so that the best level comes last and worse levels have smaller keys.
        if side == BUY:
            keys, levels, worst_key = self.ask_keys, self.asks, -price
        else:
            keys, levels, worst_key = self.bid_keys, self.bids, price
        total = ZERO
        for key in reversed(keys):
            if key < worst_key:
                break
            for order in levels[key]:
                total += order.remaining_qty
            if total >= wanted:
                break
        return total
