"""How the main screen arranges the panes, by the terminal's size.

The pane names, orders and titles are in :mod:`jextui.ui.widgets.pane_names`
and the compact tab line in :mod:`jextui.ui.widgets.pane_tabs`.  Nothing
here loads a pane: this module is on the way to the first frame.

* **wide** (at least ``WIDE_MIN_WIDTH`` x ``WIDE_MIN_HEIGHT``): every pane at
  once (from ``EXTRA_WIDE_MIN_WIDTH`` columns the middle and right columns
  grow with the terminal);
* **compact** (smaller, down to 80x24): the order book on the right and one
  other pane at a time on the left, picked with tab / shift+tab.

The grid itself is in ``jextui.tcss``.
"""

from __future__ import annotations

from typing import Literal

from textual.dom import DOMNode

__all__ = [
    "Arrangement",
    "WIDE_MIN_WIDTH",
    "WIDE_MIN_HEIGHT",
    "EXTRA_WIDE_MIN_WIDTH",
    "arrangement_for",
    "apply_arrangement",
]

Arrangement = Literal["wide", "compact"]

WIDE_MIN_WIDTH = 130
WIDE_MIN_HEIGHT = 32
EXTRA_WIDE_MIN_WIDTH = 200  # from here the book and trades columns grow too


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
