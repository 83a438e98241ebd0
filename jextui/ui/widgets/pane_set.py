"""The main screen's panes, built once their code is loaded (after the first frame).

:func:`build_panes` makes every widget the app routes data to; the main
screen puts them in place of their empty frames
(:meth:`jextui.ui.screens.main.MainScreen.install_panes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from jextui.ui.widgets.balances import BalancesView
from jextui.ui.widgets.grid import GridView
from jextui.ui.widgets.klines import KlinesView
from jextui.ui.widgets.open_orders import OpenOrdersView
from jextui.ui.widgets.order_book import OrderBookView
from jextui.ui.widgets.pane import Pane
from jextui.ui.widgets.pane_names import PANE_ORDER, PaneName
from jextui.ui.widgets.rate_limit_banner import RateLimitBanner
from jextui.ui.widgets.status_bar import StatusBar
from jextui.ui.widgets.trades import TradesView
from jextui.ui.widgets.watchlist import WatchlistView

__all__ = ["PaneSet", "build_panes"]


@dataclass(frozen=True)
class PaneSet:
    """The widgets the app routes data to."""

    watchlist: WatchlistView
    book: OrderBookView
    trades: TradesView
    klines: KlinesView
    balances: BalancesView
    open_orders: OpenOrdersView
    grid: GridView
    status: StatusBar
    banner: RateLimitBanner

    def by_name(self, name: str) -> Pane:
        pane = getattr(self, name)
        assert isinstance(pane, Pane)
        return pane

    def all_panes(self) -> list[Pane]:
        return [self.by_name(name) for name in PANE_ORDER]


def build_panes(
    *,
    status: StatusBar,
    watchlist: Sequence[str],
    time_zone: tzinfo | None,
    stacked_current: PaneName = "watchlist",
    tiles_later: bool = False,
) -> PaneSet:
    """Every pane (not mounted yet), the grid view with a tile per watched symbol, and the banner.

    ``status`` is the main screen's status bar, on screen from the first frame.
    The pane shown on the left in the compact arrangement is ``stacked_current``.
    ``tiles_later``: the grid's tiles wait for its first ``set_symbols``.
    """

    def stacked(name: PaneName) -> str:
        return "stacked -current" if name == stacked_current else "stacked"

    return PaneSet(
        watchlist=WatchlistView(id="watchlist", classes=stacked("watchlist"), time_zone=time_zone),
        book=OrderBookView(id="book", time_zone=time_zone),
        trades=TradesView(id="trades", classes=stacked("trades"), time_zone=time_zone),
        klines=KlinesView(id="klines", classes=stacked("klines"), time_zone=time_zone),
        balances=BalancesView(id="balances", classes=stacked("balances"), time_zone=time_zone),
        open_orders=OpenOrdersView(id="open_orders", classes=stacked("open_orders"), time_zone=time_zone),
        grid=GridView(watchlist, id="grid", time_zone=time_zone, tiles_later=tiles_later),
        status=status,
        banner=RateLimitBanner(id="banner", time_zone=time_zone),
    )
