"""What the main screen shows before its panes are loaded: their empty frames.

The first frame must not wait for the panes' code, the sandbox exchange or
the API client to load.  Until a pane is in place the main screen shows,
where it will be (:mod:`jextui.ui.widgets.pane_names`, ``jextui.tcss``), a
:class:`PanePlaceholder`: the pane's frame and title, the caption its header
will show, and "connecting…".  Two lines of text — no pane code, no spinner
— replaced by the pane right after the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from jextui.ui.widgets.pane_names import PANE_TITLES, STACKED_PANES, PaneName

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


class PanePlaceholder(Widget):
    """A pane's frame, title and caption, saying "connecting…" (looks like an empty pane).

    Drawn line by line from two lines of text: the cheapest widget to paint,
    since it is on the first frame.
    """

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
        super().__init__(id=name, classes=classes)
        self.pane_name = name
        self.caption = caption
        self.border_title = PANE_TITLES[name]
        self._lines: list[Strip] | None = None

    def plain_lines(self) -> list[str]:
        """What the frame says, as a reader sees it."""
        return [self.caption, CONNECTING]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._lines is None or self._lines[0].cell_length != width:
            self._lines = self._build_lines(width)
        return self._lines[min(y, 2)]

    def _build_lines(self, width: int) -> list[Strip]:
        """The caption (bold, as a pane's header) and "connecting…" (muted italic, as its placeholder)."""
        base = self.rich_style
        background = Color.from_rich_color(base.bgcolor) if base.bgcolor is not None else Color(0, 0, 0)
        variables = self.app.theme_variables

        def coloured(variable: str, *, bold: bool | None = None, italic: bool | None = None) -> Style:
            colour = variables.get(variable)
            if colour is None:
                return base + Style(bold=bold, italic=italic)
            return base + Style(color=(background + Color.parse(colour)).rich_color, bold=bold, italic=italic)

        lines = [
            (self.caption, coloured("foreground", bold=True)),
            (CONNECTING, coloured("foreground-muted", italic=True)),
        ]
        strips = [Strip([Segment(text, style)]).crop_extend(0, width, base) for text, style in lines]
        return [*strips, Strip.blank(width, base)]  # the caption, "connecting…", then blank lines
