"""How the console's panes are arranged: the sizes, the orders, the compact tab line.

Shared by the start-up screen (:mod:`jextui.ui.screens.boot`, which draws the
panes' empty frames before anything else is loaded) and the main screen
(:mod:`jextui.ui.screens.main`), so both put every pane in the same place.
Nothing here loads a pane: this module is on the way to the first frame.

* **wide** (at least ``WIDE_MIN_WIDTH`` x ``WIDE_MIN_HEIGHT``): every pane at
  once (from ``EXTRA_WIDE_MIN_WIDTH`` columns the middle and right columns
  grow with the terminal);
* **compact** (smaller, down to 80x24): the order book on the right and one
  other pane at a time on the left, picked with tab / shift+tab.

The grid itself is in ``jextui.tcss``.
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.dom import DOMNode
from textual.widgets import Static

__all__ = [
    "Arrangement",
    "PaneName",
    "PaneTabs",
    "PANE_ORDER",
    "PANE_TITLES",
    "STACKED_PANES",
    "WIDE_MIN_WIDTH",
    "WIDE_MIN_HEIGHT",
    "EXTRA_WIDE_MIN_WIDTH",
    "arrangement_for",
    "apply_arrangement",
]

Arrangement = Literal["wide", "compact"]
PaneName = Literal["watchlist", "book", "trades", "klines", "balances", "open_orders"]

WIDE_MIN_WIDTH = 130
WIDE_MIN_HEIGHT = 32
EXTRA_WIDE_MIN_WIDTH = 200  # from here the book and trades columns grow too

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
_TAB_LABELS: dict[str, tuple[str, str]] = {  # (full, short)
    "watchlist": ("Watchlist", "Watch"),
    "trades": ("Trades", "Trades"),
    "klines": ("Klines", "Klines"),
    "open_orders": ("Orders", "Orders"),
    "balances": ("Balances", "Bal"),
}


def arrangement_for(width: int, height: int) -> Arrangement:
    """The arrangement that fits a terminal of ``width`` x ``height`` cells."""
    return "wide" if width >= WIDE_MIN_WIDTH and height >= WIDE_MIN_HEIGHT else "compact"


def apply_arrangement(screen: DOMNode, width: int, height: int) -> Arrangement:
    """Set the arrangement classes (``-wide``, ``-compact``, ``-extra-wide``) the CSS lays out by."""
    arrangement = arrangement_for(width, height)
    screen.set_class(arrangement == "compact", "-compact")
    screen.set_class(arrangement == "wide", "-wide")
    screen.set_class(arrangement == "wide" and width >= EXTRA_WIDE_MIN_WIDTH, "-extra-wide")
    return arrangement


class PaneTabs(Static):
    """Compact arrangement: which of the left-hand panes is shown (tab cycles)."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; width: 1fr; color: $foreground-muted; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self._current: str = STACKED_PANES[0]

    def show_current(self, name: str) -> None:
        self._current = name
        self.update(self._label(self.size.width or 80))

    def on_resize(self, event: events.Resize) -> None:
        self.update(self._label(event.size.width))

    def _label(self, width: int) -> Text:
        for variant in (0, 1):
            text = Text(no_wrap=True, end="")
            for position, name in enumerate(STACKED_PANES):
                if position:
                    text.append(" ")
                label = f" {_TAB_LABELS[name][variant]} "
                if name == self._current:
                    text.append(label, style="bold reverse")
                else:
                    text.append(label)
            hint = "  tab ⇥"
            if text.cell_len + len(hint) <= width - 2:
                text.append(hint, style="dim")
            if text.cell_len <= width - 2:
                return text
        return text
