"""The console's panes.  They render what they are given and never fetch.

Data goes in through methods (``update_*``, ``set_*``); what the user picks
comes out as messages (:mod:`jextui.ui.messages`).  Every pane has
``set_freshness(age_ms, stale, degraded_reason=None)``,
``set_unavailable(reason)`` and ``set_private(private)``.  Their CSS uses the
theme variables ``$buy $sell $up $down $stale $flash-up $flash-down``: the app
returns :func:`jextui.ui.themes.theme_variable_defaults` from
``App.get_theme_variable_defaults`` so it parses under any theme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.lazy import lazy_exports

# Names are imported on first use (PEP 562): the start-up screen needs only
# the pane base and the status bar, not every pane.
_EXPORTS: dict[str, str] = {
    "BalancesView": "balances",
    "BookLevel": "order_book",
    "KlinesView": "klines",
    "OpenOrdersView": "open_orders",
    "OrderBookView": "order_book",
    "Pane": "pane",
    "RateLimitBanner": "rate_limit_banner",
    "StatusBar": "status_bar",
    "SymbolTile": "symbol_tile",
    "TradesView": "trades",
    "WatchlistView": "watchlist",
}

if TYPE_CHECKING:
    from jextui.ui.widgets.balances import BalancesView
    from jextui.ui.widgets.klines import KlinesView
    from jextui.ui.widgets.open_orders import OpenOrdersView
    from jextui.ui.widgets.order_book import BookLevel, OrderBookView
    from jextui.ui.widgets.pane import Pane
    from jextui.ui.widgets.rate_limit_banner import RateLimitBanner
    from jextui.ui.widgets.status_bar import StatusBar
    from jextui.ui.widgets.symbol_tile import SymbolTile
    from jextui.ui.widgets.trades import TradesView
    from jextui.ui.widgets.watchlist import WatchlistView

__all__ = [  # the names of _EXPORTS, spelled out for the type checker and the linter
    "BalancesView",
    "BookLevel",
    "KlinesView",
    "OpenOrdersView",
    "OrderBookView",
    "Pane",
    "RateLimitBanner",
    "StatusBar",
    "SymbolTile",
    "TradesView",
    "WatchlistView",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
