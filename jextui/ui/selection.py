"""What the user chose to watch: the active symbol, the watchlist, the kline interval.

Switching the active symbol (its panes are cleared until its data arrives),
the symbol search, adding and removing watchlist symbols (list, grid tiles,
feed), changing the kline interval, and remembering each choice in ``state.json``
(:mod:`jextui.state`) for the next run.  The choices themselves live on the
app (``app.active_symbol``, ``app.watchlist``, ``app.kline_interval``), which
routes the keys here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from jextui.api.models import KLINE_INTERVALS
from jextui.state import update_state

if TYPE_CHECKING:
    from jextui.ui.app import JexApp
    from jextui.ui.screens.symbol_search import SearchChoice, SearchMode, SymbolEntry

__all__ = [
    "first_active",
    "add_to_watchlist",
    "remove_from_watchlist",
    "jump_to",
    "sync_grid",
    "change_interval",
    "symbol_entries",
    "open_search",
    "save_ui_state",
]

log = logging.getLogger("jextui.ui")


def first_active(saved: str | None, watchlist: list[str]) -> str | None:
    """The symbol to start on: the saved one if still watched, else the first watched."""
    if saved is not None and saved in watchlist:
        return saved
    return watchlist[0] if watchlist else saved


def save_ui_state(state_path: Path, **changes: object) -> None:
    """Remember ``changes`` for the next run; a failure is logged, never raised."""
    try:
        update_state(state_path, **changes)
    except ValueError as error:
        log.warning("UI state not saved: %s", error)


# --- the active symbol ---------------------------------------------------------------


def jump_to(app: JexApp, number: int) -> None:
    """Make watchlist symbol ``number`` (1-9) active."""
    index = number - 1
    if not 0 <= index < len(app.watchlist):
        app.notify(f"The watchlist has no symbol {number}.")
        return
    app.main.panes.watchlist.select_index(index)
    app.activate_symbol(app.watchlist[index])


# --- the watchlist ---------------------------------------------------------------------


def add_to_watchlist(app: JexApp, symbol: str) -> None:
    symbol = symbol.upper()
    watchlist = app.main.panes.watchlist
    if symbol in app.watchlist:
        watchlist.move_cursor_to(symbol)
        app.notify(f"{symbol} is already in the watchlist.")
        return
    app.watchlist = (*app.watchlist, symbol)
    watchlist.move_cursor_to(symbol)
    app.notify(f"{symbol} added to the watchlist.")


def remove_from_watchlist(app: JexApp, symbol: str) -> None:
    if symbol not in app.watchlist:
        return
    app.watchlist = tuple(s for s in app.watchlist if s != symbol)
    app.notify(f"{symbol} removed from the watchlist.")


async def sync_grid(app: JexApp) -> None:
    """A tile per watched symbol, the new ones filled with what is known already."""
    grid = app.main.panes.grid
    for tile in await grid.set_symbols(app.watchlist):
        _fill_tile(app, tile.symbol)
    app.bridge.apply_precisions()


def _fill_tile(app: JexApp, symbol: str) -> None:
    """A new tile starts with what the store already knows."""
    store, grid = app.store, app.main.panes.grid
    if symbol in store.tickers:
        grid.update_tickers({symbol: store.tickers[symbol]})
    if symbol in store.prices:
        grid.update_prices({symbol: store.prices[symbol]})
    if symbol in store.book_tickers:
        grid.update_book_tickers({symbol: store.book_tickers[symbol]})
    if symbol in store.sparklines:
        grid.update_sparkline(symbol, store.sparklines[symbol])


def symbol_entries(app: JexApp) -> list[SymbolEntry]:
    """Every symbol of the exchange, for the search and the palette (none before the first exchangeInfo)."""
    from jextui.ui.screens.symbol_search import SymbolEntry

    if not app.parts_built:  # nothing known yet
        return []
    watched = set(app.watchlist)
    return [
        SymbolEntry(info.symbol, info.base_asset, info.quote_asset, info.symbol in watched)
        for info in app.store.symbols.values()
    ]


def open_search(app: JexApp, mode: SearchMode) -> None:
    """The symbol search (``/``: make active, ``a``: add to the watchlist)."""
    from jextui.ui.screens.symbol_search import SymbolSearchScreen

    entries = symbol_entries(app)

    def chosen(choice: SearchChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "add":
            add_to_watchlist(app, choice.symbol)
        else:
            app.activate_symbol(choice.symbol)

    app.push_screen(SymbolSearchScreen(entries, mode=mode, loading=not entries), chosen)


# --- the kline interval ------------------------------------------------------------------


def change_interval(app: JexApp, delta: int) -> None:
    """The next (``delta`` 1) or previous (-1) of the 13 kline intervals."""
    intervals = list(KLINE_INTERVALS)
    index = intervals.index(app.kline_interval) if app.kline_interval in intervals else 0
    new = intervals[min(max(0, index + delta), len(intervals) - 1)]
    app.kline_interval = new
