"""What the main screen shows before its panes are loaded: their empty frames.

The first frame must not wait for the panes' code, the sandbox exchange or
the API client to load.  Until the panes are in place the main screen shows,
where each pane will be (:mod:`jextui.ui.screens.layout`, ``jextui.tcss``), a
:class:`PanePlaceholder`: the pane's frame and title, the caption its header
will show, and "connecting…".  They are plain text — no pane code, no
spinner — and are replaced by the panes right after the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.widgets import Static

from jextui.ui.screens.layout import PANE_TITLES, STACKED_PANES, PaneName

__all__ = ["PanePlaceholder", "CONNECTING", "boot_captions"]

CONNECTING = "connecting…"


def boot_captions(watchlist: Sequence[str], active_symbol: str | None, kline_interval: str) -> dict[PaneName, str]:
    """What each pane's header says before any data: what it will show."""
    symbol = active_symbol or ""
    count = len(watchlist)
    return {
        "watchlist": f"{count} symbol{'' if count == 1 else 's'}",
        "book": symbol,
        "trades": symbol,
        "klines": " · ".join(part for part in (symbol, kline_interval) if part),
        "open_orders": symbol,
        "balances": "",
    }


class PanePlaceholder(Static):
    """A pane's frame, title and caption, saying "connecting…" (looks like an empty pane)."""

    DEFAULT_CSS = """
    PanePlaceholder {
        height: 1fr;
        border: round $foreground 25%;
        border-title-color: $foreground-muted;
        padding: 0 1;
    }
    PanePlaceholder.-focused {
        border: round $border;
        border-title-color: $foreground;
    }
    """

    def __init__(self, name: PaneName, caption: str) -> None:
        classes = "stacked" if name in STACKED_PANES else None
        text = f"[b $foreground]{escape(caption)}[/]\n[i $foreground-muted]{CONNECTING}[/]"
        super().__init__(text, id=name, classes=classes)
        self.pane_name = name
        self.border_title = PANE_TITLES[name]
