"""The portfolio: balances valued in one asset, their share, average cost and P&L.

* :mod:`jextui.portfolio.valuation` -- a price in the valuation asset, direct or through BTC.
* :mod:`jextui.portfolio.costs` -- average cost and realised P&L from fills, fees included.
* :mod:`jextui.portfolio.build` -- :func:`build_portfolio` (pure) → :class:`Portfolio`.
* :mod:`jextui.portfolio.load` -- :func:`load_portfolio`: the same, read with a client.
"""

from jextui.portfolio.build import AssetLine, Holding, Portfolio, build_portfolio, format_time_ms
from jextui.portfolio.costs import AssetCost, Fill, costs_from_fills
from jextui.portfolio.load import fills_from_orders, journal_symbols, load_portfolio
from jextui.portfolio.valuation import Pair, PriceBook, price_in

__all__ = [
    "AssetCost",
    "AssetLine",
    "Fill",
    "Holding",
    "Pair",
    "Portfolio",
    "PriceBook",
    "build_portfolio",
    "costs_from_fills",
    "fills_from_orders",
    "format_time_ms",
    "journal_symbols",
    "load_portfolio",
    "price_in",
]
