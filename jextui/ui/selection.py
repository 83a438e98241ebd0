"""What the user chose to watch: rules for the active symbol, the watchlist and the kline interval.

The choices themselves are the app's reactives (``active_symbol``,
``watchlist``, ``kline_interval``), which the panes follow; this module
holds the rules the app applies to them and remembers each choice in
``state.json`` (:mod:`jextui.config.state`) for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jextui.config.state import update_state
from jextui.kline_intervals import KLINE_INTERVALS

if TYPE_CHECKING:
    from jextui.api.models import SymbolInfo
    from jextui.ui.screens.symbol_search import SymbolEntry

__all__ = ["first_active", "next_interval", "symbol_entries", "save_ui_state"]

log = logging.getLogger("jextui.ui")


def first_active(saved: str | None, watchlist: Sequence[str]) -> str | None:
    """The symbol to start on: the saved one if still watched, else the first watched."""
    if saved is not None and saved in watchlist:
        return saved
    return watchlist[0] if watchlist else saved


def next_interval(current: str, delta: int) -> str:
    """The next (``delta`` 1) or previous (-1) of the 13 kline intervals (the ends stay)."""
    intervals = list(KLINE_INTERVALS)
    index = intervals.index(current) if current in intervals else 0
    return intervals[min(max(0, index + delta), len(intervals) - 1)]


def symbol_entries(symbols: Iterable[SymbolInfo], watchlist: Sequence[str]) -> list[SymbolEntry]:
    """Every symbol of the exchange, for the search and the palette."""
    from jextui.ui.screens.symbol_search import SymbolEntry

    watched = set(watchlist)
    return [SymbolEntry(info.symbol, info.base_asset, info.quote_asset, info.symbol in watched) for info in symbols]


def save_ui_state(state_path: Path, **changes: object) -> None:
    """Remember ``changes`` for the next run; a failure is logged, never raised."""
    try:
        update_state(state_path, **changes)
    except ValueError as error:
        log.warning("UI state not saved: %s", error)
