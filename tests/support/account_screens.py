"""Opening the account screens from their keys, as a user does (shared by the UI and secrets tests)."""

from __future__ import annotations

from typing import Any

from jextui.ui.screens.account import (
    AssetDetailsScreen,
    DepositAddressScreen,
    DepositHistoryScreen,
    MarketTradesScreen,
    OrderHistoryScreen,
    PagedAccountScreen,
    TradeFeesScreen,
    WithdrawHistoryScreen,
)
from support.app_harness import wait_until

SCREENS_BY_KEY = {
    "H": OrderHistoryScreen,
    "M": MarketTradesScreen,
    "A": AssetDetailsScreen,
    "D": DepositAddressScreen,
    "I": DepositHistoryScreen,
    "W": WithdrawHistoryScreen,
    "F": TradeFeesScreen,
}


async def open_screen(pilot: Any, key: str) -> Any:
    """Press ``key`` and wait for its screen and, for a paged screen, its data."""
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, SCREENS_BY_KEY[key]), what=f"the screen of {key}")
    screen = app.screen
    if isinstance(screen, PagedAccountScreen):
        await wait_until(pilot, lambda: not screen.busy and screen.status_text, what="the screen's data")
    return screen
