"""The account screens: order history, market trades, assets, deposit address, wallet histories, fees.

:func:`make_account_screen` builds one by its name in
``jextui.ui.trading_actions.ACCOUNT_SCREENS``.
"""

from __future__ import annotations

from collections.abc import Callable

from jextui.ui.screens.account.base import AccountScreen, PagedAccountScreen, TradingHost
from jextui.ui.screens.account.deposit_address import DepositAddressScreen
from jextui.ui.screens.account.history import MarketTradesScreen, OrderHistoryScreen
from jextui.ui.screens.account.wallet import (
    AssetDetailsScreen,
    DepositHistoryScreen,
    TradeFeesScreen,
    WithdrawHistoryScreen,
)

__all__ = [
    "AccountScreen",
    "PagedAccountScreen",
    "TradingHost",
    "OrderHistoryScreen",
    "MarketTradesScreen",
    "AssetDetailsScreen",
    "DepositAddressScreen",
    "DepositHistoryScreen",
    "WithdrawHistoryScreen",
    "TradeFeesScreen",
    "make_account_screen",
]


def make_account_screen(name: str, host: TradingHost, symbol: str | None, asset: str | None) -> AccountScreen:
    """The screen called ``name``; ``symbol`` for the per-symbol ones, ``asset`` to start the address on.

    Raises ``KeyError`` for an unknown name, ``ValueError`` when a symbol is needed and missing.
    """
    if name in ("history", "market_trades"):
        if symbol is None:
            raise ValueError("choose a symbol first")
        return OrderHistoryScreen(host, symbol) if name == "history" else MarketTradesScreen(host, symbol)
    simple: dict[str, Callable[[TradingHost], AccountScreen]] = {
        "assets": AssetDetailsScreen,
        "deposits": DepositHistoryScreen,
        "withdrawals": WithdrawHistoryScreen,
        "fees": TradeFeesScreen,
    }
    if name == "deposit_address":
        return DepositAddressScreen(host, asset)
    return simple[name](host)
