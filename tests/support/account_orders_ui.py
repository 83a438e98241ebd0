"""Orders placed on the sandbox before the console connects (shared by the open-orders UI tests)."""

from __future__ import annotations

from typing import Any

import pytest

from jextui.session import Session
from support.sandbox import send_signed

# Resting orders on symbols the test watchlist (BTCUSDT, ETHUSDT, LTCBTC, JEXUSDT) does not hold,
# and one on the active symbol: placed by plain REST as soon as the sandbox listens, before the console connects.
BEFORE_START = (
    ("DASHUSDT", "BUY", "1.0000", "20.00"),
    ("BNBBTC", "SELL", "1.00", "0.010000"),
    ("ETHBTC", "BUY", "0.100", "0.04000"),
    ("BTCUSDT", "BUY", "0.000100", "60000.00"),
)


def place_before_start(
    monkeypatch: pytest.MonkeyPatch, orders: Any = BEFORE_START, *, engine_orders: Any = None
) -> list[int]:
    """Orders placed on the sandbox right after it starts, before the console's client exists."""
    placed: list[int] = []
    bring_up = Session._new_sandbox

    def with_orders(self: Session) -> Any:
        server = bring_up(self)
        for symbol, side, qty, price in orders:
            answer = send_signed(
                server,
                "POST",
                "/api/v1/spot/order",
                {
                    "symbol": symbol,
                    "side": side,
                    "type": "LIMIT",
                    "timeInForce": "GTC",
                    "quantity": qty,
                    "price": price,
                },
                where="body",
            )
            assert answer.status_code == 200, answer.text
            placed.append(int(answer.json()["orderId"]))
        if engine_orders is not None:
            placed.extend(order.order_id for order in engine_orders(server))
        return server

    monkeypatch.setattr(Session, "_new_sandbox", with_orders)
    return placed
