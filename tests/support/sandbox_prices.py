"""Scripting a quiet sandbox's last price with real orders (shared by the alert tests)."""

from __future__ import annotations

from decimal import Decimal

from jextui.api import JexClient

SWEEP_QTY = Decimal("1")
TRADE_QTY = Decimal("0.001")


async def trade_at(
    client: JexClient, symbol: str, price: Decimal, *, sweep: Decimal = SWEEP_QTY, trade: Decimal = TRADE_QTY
) -> None:
    """Make ``price`` the symbol's last price: sweep the book on both sides up to
    ``price`` (IOC, ``sweep`` each), rest a small sell (``trade``) there and buy it back
    (self-trades fill).  The defaults suit BTCUSDT; a symbol with a larger lot or less
    value per unit needs larger quantities."""
    await client.new_order(symbol, "SELL", sweep, price, time_in_force="IOC")
    await client.new_order(symbol, "BUY", sweep, price, time_in_force="IOC")
    await client.new_order(symbol, "SELL", trade, price, time_in_force="GTC")
    await client.new_order(symbol, "BUY", trade, price, time_in_force="IOC")
