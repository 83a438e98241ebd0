"""The compact arrangement's tab line: which of the left-hand panes is shown (tab cycles)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from jextui.ui.widgets.pane_names import STACKED_PANES

__all__ = ["PaneTabs"]

_TAB_LABELS: dict[str, tuple[str, str]] = {  # (full, short)
    "watchlist": ("Watchlist", "Watch"),
    "trades": ("Trades", "Trades"),
    "klines": ("Klines", "Klines"),
    "open_orders": ("Orders", "Orders"),
    "balances": ("Balances", "Bal"),
}


class PaneTabs(Static):
    """Compact arrangement: which of the left-hand panes is shown (tab cycles)."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; width: 1fr; color: $foreground-muted; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]  # Static's keyword arguments, passed through
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
