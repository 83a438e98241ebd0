"""The main screen: every pane of the active symbol, the grid view, the status bar.

Two arrangements, chosen by the terminal's size (and changed on resize):

* **wide** (at least ``WIDE_MIN_WIDTH`` x ``WIDE_MIN_HEIGHT``): every pane at
  once — watchlist, klines and open orders on the left, the order book in
  the middle, trades and balances on the right (from ``EXTRA_WIDE_MIN_WIDTH``
  columns the middle and right columns grow with the terminal);
* **compact** (smaller, down to 80x24): the order book on the right and one
  other pane at a time on the left, picked with tab / shift+tab (a tab line
  says which).  Panes that are not on screen are not polled.

``g`` swaps the panes for the grid view (one tile per watched symbol).
The screen only arranges; :mod:`jextui.ui.app` decides and routes data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar, Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, Footer, Static

from jextui.ui.screens.grid import GridView
from jextui.ui.widgets import (
    BalancesView,
    KlinesView,
    OpenOrdersView,
    OrderBookView,
    Pane,
    RateLimitBanner,
    StatusBar,
    TradesView,
    WatchlistView,
)

__all__ = [
    "MainScreen",
    "PaneSet",
    "PaneTabs",
    "QuitScreen",
    "Arrangement",
    "PANE_ORDER",
    "STACKED_PANES",
    "WIDE_MIN_WIDTH",
    "WIDE_MIN_HEIGHT",
    "arrangement_for",
]

Arrangement = Literal["wide", "compact"]
PaneName = Literal["watchlist", "book", "trades", "klines", "balances", "open_orders"]

WIDE_MIN_WIDTH = 130
WIDE_MIN_HEIGHT = 32
EXTRA_WIDE_MIN_WIDTH = 200  # from here the book and trades columns grow too

#: Focus order of tab / shift+tab.
PANE_ORDER: tuple[PaneName, ...] = ("watchlist", "book", "trades", "klines", "open_orders", "balances")
#: In the compact arrangement these share the left side, one at a time.
STACKED_PANES: tuple[PaneName, ...] = ("watchlist", "trades", "klines", "open_orders", "balances")
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


class MainScreen(Screen[None]):
    """The console's one screen: panes (or the grid), banner, status bar, footer."""

    def __init__(self, *, time_zone: tzinfo | None = None, watchlist: Sequence[str] = ()) -> None:
        super().__init__(id="main")
        zone = {"time_zone": time_zone}
        self.panes = PaneSet(
            watchlist=WatchlistView(id="watchlist", classes="stacked", **zone),
            book=OrderBookView(id="book", **zone),
            trades=TradesView(id="trades", classes="stacked", **zone),
            klines=KlinesView(id="klines", classes="stacked", **zone),
            balances=BalancesView(id="balances", classes="stacked", **zone),
            open_orders=OpenOrdersView(id="open_orders", classes="stacked", **zone),
            grid=GridView(watchlist, id="grid", time_zone=time_zone),
            status=StatusBar(id="status", **zone),
            banner=RateLimitBanner(id="banner", **zone),
        )
        self.tabs = PaneTabs(id="pane-tabs")
        self.arrangement: Arrangement = "wide"
        self.stacked_current: PaneName = "watchlist"

    def compose(self) -> ComposeResult:
        panes = self.panes
        yield panes.banner
        with ContentSwitcher(initial="dashboard", id="views"):
            with Container(id="dashboard"):
                yield self.tabs
                # The order matters: the wide grid places them in this order.
                yield panes.watchlist
                yield panes.book
                yield panes.trades
                yield panes.klines
                yield panes.open_orders
                yield panes.balances
            yield panes.grid
        yield panes.status
        yield Footer()

    # --- arrangement ----------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.arrange_for(event.size.width, event.size.height)

    def arrange_for(self, width: int, height: int) -> bool:
        """Pick the arrangement for this size; True when it changed."""
        arrangement = arrangement_for(width, height)
        changed = arrangement != self.arrangement or not self.has_class(f"-{arrangement}")
        self.arrangement = arrangement
        self.set_class(arrangement == "compact", "-compact")
        self.set_class(arrangement == "wide", "-wide")
        self.set_class(arrangement == "wide" and width >= EXTRA_WIDE_MIN_WIDTH, "-extra-wide")
        self._show_stacked(self.stacked_current)
        return changed

    def show_stacked(self, name: PaneName) -> None:
        """Compact arrangement: show ``name`` on the left (a no-op for the book)."""
        if name in STACKED_PANES:
            self.stacked_current = name
            self._show_stacked(name)

    def _show_stacked(self, name: str) -> None:
        for stacked in STACKED_PANES:
            self.panes.by_name(stacked).set_class(stacked == name, "-current")
        self.tabs.show_current(name)

    @property
    def grid_shown(self) -> bool:
        return self.query_one("#views", ContentSwitcher).current == "grid"

    def show_grid(self, shown: bool) -> None:
        self.query_one("#views", ContentSwitcher).current = "grid" if shown else "dashboard"

    def visible_panes(self) -> list[PaneName]:
        """The panes on screen now, in focus order."""
        if self.grid_shown:
            return []
        if self.arrangement == "wide":
            return list(PANE_ORDER)
        return [name for name in PANE_ORDER if name == "book" or name == self.stacked_current]

    def focused_pane(self) -> PaneName | None:
        focused = self.focused
        for name in PANE_ORDER:
            if focused is self.panes.by_name(name):
                return name
        return None

    def focus_pane(self, name: PaneName) -> None:
        """Show (compact) and focus a pane at once, so keys typed ahead land in it."""
        self.show_stacked(name)
        self.set_focus(self.panes.by_name(name))

    def cycle_focus(self, delta: int) -> None:
        """Move the focus to the next (``delta`` 1) or previous (-1) pane."""
        if self.grid_shown:
            self.panes.grid.move(delta)
            return
        order = list(PANE_ORDER)
        current = self.focused_pane()
        if current is None:  # nothing focused yet: start at the first (or last) pane
            self.focus_pane(order[0] if delta > 0 else order[-1])
            return
        self.focus_pane(order[(order.index(current) + delta) % len(order)])


class QuitScreen(ModalScreen[bool]):
    """Asked before quitting while an order ticket is open."""

    DEFAULT_CSS = """
    QuitScreen { align: center middle; }
    QuitScreen > Vertical {
        width: 52; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    QuitScreen Static { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,q", "answer(True)", "Quit", show=True),
        Binding("n,escape", "answer(False)", "Stay", show=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]An order ticket is open.[/b]\n\nQuit anyway? Nothing is sent.\n\n"
                         "[b]y[/b] quit    [b]n[/b] / [b]esc[/b] stay")  # fmt: skip

    def action_answer(self, quit_app: bool) -> None:
        self.dismiss(quit_app)
