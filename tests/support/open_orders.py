"""Resting orders placed straight into a running sandbox's engine (fast, for hundreds of orders)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from jextui.sandbox.app import DEMO_ACCOUNT
from jextui.sandbox.engine import EngineOrder


def resting_order(
    server: Any, symbol: str, side: str, *, ticks_away: int = 5, account: str = DEMO_ACCOUNT, lots: int = 1
) -> EngineOrder:
    """A GTC order ``ticks_away`` ticks outside the best price (it rests); returns it as placed."""

    def place(exchange: Any) -> EngineOrder:
        engine = exchange.engine
        spec = engine.symbols[symbol]
        bid, ask = engine.best_bid_ask(symbol)
        if side == "BUY":
            price = (bid[0] if bid else spec.initial_price) - ticks_away * spec.tick_size
        else:
            price = (ask[0] if ask else spec.initial_price) + ticks_away * spec.tick_size
        steps = max(1, math.ceil(spec.min_notional * 2 / price / spec.step_size))
        qty = max(spec.min_qty, spec.step_size * steps) * lots
        order, fills = engine.place_order(account, symbol, side, price, qty.quantize(spec.qty_exp))
        assert not fills and order.is_open
        return order.copy()

    return server.call(place)


def fill_part(server: Any, order: EngineOrder, qty: Decimal, *, account: str = "counterparty") -> None:
    """Another account takes ``qty`` of a resting order (an IOC at its price)."""

    def take(exchange: Any) -> None:
        engine = exchange.engine
        if not engine.has_account(account):
            exchange.open_account(account)
        side = "SELL" if order.side == "BUY" else "BUY"
        taker, fills = engine.place_order(account, order.symbol, side, order.price, qty, "IOC")
        assert fills and fills[0].maker_order_id == order.order_id, (taker, fills)

    server.call(take)


def cancel(server: Any, order: EngineOrder) -> None:
    server.call(lambda exchange: exchange.engine.cancel_order(order.account_id, order.symbol, order.order_id))


def synthetic(n: int) -> str:
    return f"SYM{n:03d}USDT"
