"""The console's panes by name: their focus order, the compact arrangement's
stack, their titles.  Nothing here loads a pane: this module is on the way
to the first frame."""

from __future__ import annotations

from typing import Literal

__all__ = ["PaneName", "PANE_ORDER", "STACKED_PANES", "PANE_TITLES"]

PaneName = Literal["watchlist", "book", "trades", "klines", "balances", "open_orders"]

#: Focus order of tab / shift+tab; also the order the wide grid places them in.
PANE_ORDER: tuple[PaneName, ...] = ("watchlist", "book", "trades", "klines", "open_orders", "balances")
#: In the compact arrangement these share the left side, one at a time.
STACKED_PANES: tuple[PaneName, ...] = ("watchlist", "trades", "klines", "open_orders", "balances")
#: Each pane's border title.
PANE_TITLES: dict[PaneName, str] = {
    "watchlist": "Watchlist",
    "book": "Order book",
    "trades": "Trades",
    "klines": "Klines",
    "open_orders": "Open orders",
    "balances": "Balances",
}
