"""Scripting a quiet sandbox's last price with real orders (shared by the alert tests)."""

from __future__ import annotations

from decimal import Decimal

from jextui.api import JexClient

SWEEP_QTY = Decimal("1")
TRADE_QTY = Decimal("0.001")


async def trade_at(client: JexClient, symbol: str, price: Decimal) -> None:
    """Make ``price`` the symbol's last price: sweep the book on both sides up to
    ``price`` (IOC), rest a small sell there and buy it back (self-trades fill)."""
    await client.new_order(symbol, "SELL", SWEEP_QTY, price, time_in_force="IOC")
    await client.new_order(symbol, "BUY", SWEEP_QTY, price, time_in_force="IOC")
    await client.new_order(symbol, "SELL", TRADE_QTY, price, time_in_force="GTC")
    await client.new_order(symbol, "BUY", TRADE_QTY, price, time_in_force="IOC")
