"""The main screen: every pane of the active symbol, the grid view, the status bar.

Two arrangements, chosen by the terminal's size (and changed on resize; the
sizes are in :mod:`jextui.ui.screens.layout`, the pane orders in
:mod:`jextui.ui.widgets.pane_names`):

* **wide** (at least ``WIDE_MIN_WIDTH`` x ``WIDE_MIN_HEIGHT``): every pane at
  once — watchlist, klines and open orders on the left, the order book in
  the middle, trades and balances on the right (from ``EXTRA_WIDE_MIN_WIDTH``
  columns the middle and right columns grow with the terminal);
* **compact** (smaller, down to 80x24): the order book on the right and one
  other pane at a time on the left, picked with tab / shift+tab (a tab line
  says which).  Panes that are not on screen are not polled.

``g`` swaps the panes for the grid view (one tile per watched symbol).

The screen is the console's first frame: it is composed with each pane's
empty frame (:mod:`jextui.ui.widgets.placeholder`), the status bar and the footer
only, so that nothing else has to load first; :meth:`MainScreen.install_panes`
then puts the panes (:mod:`jextui.ui.widgets.pane_set`) in their place, a few
at a time if the app wants (the order book first).  The
screen only arranges; :mod:`jextui.ui.app` decides and routes data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Container, Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from jextui.ui.footer_keys import footer_bindings
from jextui.ui.keymap import bindings_for, keys_label
from jextui.ui.screens.layout import (
    EXTRA_WIDE_MIN_WIDTH,
    WIDE_MIN_HEIGHT,
    WIDE_MIN_WIDTH,
    Arrangement,
    apply_arrangement,
    arrangement_for,
)
from jextui.ui.widgets.footer import KeyFooter
from jextui.ui.widgets.pane_names import PANE_ORDER, STACKED_PANES, PaneName
from jextui.ui.widgets.pane_tabs import PaneTabs
from jextui.ui.widgets.placeholder import PanePlaceholder, boot_captions
from jextui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from jextui.ui.widgets.pane_set import PaneSet

__all__ = [
    "MainScreen",
    "PaneTabs",
    "QuitScreen",
    "Arrangement",
    "PANE_ORDER",
    "STACKED_PANES",
    "WIDE_MIN_WIDTH",
    "WIDE_MIN_HEIGHT",
    "EXTRA_WIDE_MIN_WIDTH",
    "arrangement_for",
]


class MainScreen(Screen[None]):
    """The console's one screen: panes (or the grid), banner, status bar, footer."""

    def __init__(
        self,
        *,
        time_zone: tzinfo | None = None,
        watchlist: Sequence[str] = (),
        active_symbol: str | None = None,
        kline_interval: str = "",
    ) -> None:
        super().__init__(id="main")
        self.status = StatusBar(id="status", time_zone=time_zone)
        self.tabs = PaneTabs(id="pane-tabs")
        captions = boot_captions(watchlist, active_symbol, kline_interval)
        self._placeholders = {name: PanePlaceholder(name, captions[name]) for name in PANE_ORDER}
        self._panes: PaneSet | None = None
        self._complete = False  # every pane in place
        self.arrangement: Arrangement = "wide"
        self.stacked_current: PaneName = "watchlist"
        self._grid_shown = False

    # --- the panes ----------------------------------------------------------------------

    @property
    def panes(self) -> PaneSet:
        """The widgets the app routes data to (from the first :meth:`install_panes`)."""
        if self._panes is None:
            raise RuntimeError("the main screen's panes are not installed yet")
        return self._panes

    @property
    def panes_installed(self) -> bool:
        """Every pane is in place (and the grid view and the banner)."""
        return self._complete

    def pane_installed(self, name: PaneName) -> bool:
        return self._panes is not None and name not in self._placeholders

    def pane_height(self, name: PaneName) -> int:
        """The rows the pane has on screen: its own, or its empty frame's until it is in
        place (the frame holds the pane's place in the layout); 0 before any layout."""
        frame = self._placeholders.get(name)
        widget = frame if frame is not None else self.panes.by_name(name)
        return widget.size.height

    def compose(self) -> ComposeResult:
        self.arrangement = apply_arrangement(self, *self.app.size)  # before the first frame: one layout
        self.tabs.show_current(self.stacked_current)
        self._placeholders[self.stacked_current].add_class("-current", "-focused", update=False)
        with ContentSwitcher(initial="dashboard", id="views"), Container(id="dashboard"):
            yield self.tabs
            yield from self._placeholders.values()  # PANE_ORDER: the wide grid places them in this order
        yield self.status
        yield KeyFooter(keys_later=True)  # listed once the panes are in place

    async def install_panes(self, panes: PaneSet, names: Iterable[PaneName] = PANE_ORDER) -> None:
        """Put these of ``panes`` (from :func:`~jextui.ui.widgets.pane_set.build_panes`) in
        place of their frames; with the last of them, the grid view and the banner."""
        if self._panes is None:
            self._panes = panes
            self._bind(panes)
            for name in STACKED_PANES:
                panes.by_name(name).set_class(name == self.stacked_current, "-current", update=False)
        elif panes is not self._panes:
            raise RuntimeError("the main screen has other panes already")
        wanted = set(names)
        dashboard = self.query_one("#dashboard", Container)
        views = self.query_one("#views", ContentSwitcher)
        with self.app.batch_update():  # the frames stay on screen until the panes are in their place
            for name in PANE_ORDER:
                frame = self._placeholders.get(name)
                if frame is None or name not in wanted:
                    continue
                position = dashboard.children.index(frame)
                await frame.remove()
                del self._placeholders[name]
                await dashboard.mount(panes.by_name(name), after=position - 1)  # the tab line is first
            if not self._placeholders and not self._complete:
                await views.add_content(panes.grid)
                await self.mount(panes.banner, before=views)
                self._complete = True
                self.query_one(KeyFooter).show_keys()
        if self._complete:
            self.refresh_bindings()  # the keys that waited for the panes

    def _bind(self, panes: PaneSet) -> None:
        """The panes follow the app's choices from now on: the active symbol (the
        panes that show its data clear themselves when it changes), the
        watchlist, the kline interval and privacy."""
        app = self.app
        for pane in (panes.book, panes.trades, panes.klines, panes.open_orders):
            self.watch(app, "active_symbol", partial(setattr, pane, "shown_symbol"))
        self.watch(app, "active_symbol", panes.watchlist.set_active)
        self.watch(app, "active_symbol", panes.grid.set_active)
        self.watch(app, "watchlist", panes.watchlist.set_symbols)
        self.watch(app, "kline_interval", panes.klines.follow_interval)
        for shown in panes.all_panes():
            self.watch(app, "private", shown.set_private)
        self.watch(app, "private", panes.grid.set_private)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, as the footer lists them (:func:`~jextui.ui.footer_keys.footer_bindings`:
        a remapped quit or palette key is still listed, in the keymap's order)."""
        remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None)
        active = super().active_bindings
        return footer_bindings(active, self._modal_binding_chain, self.app.COMMAND_PALETTE_BINDING, remapped)

    # --- arrangement ----------------------------------------------------------

    def on_screen_suspend(self) -> None:
        """A dialog is on top: its keys are not the main screen's, so the footer is hidden
        (``q`` there may type a letter; the footer must not say it quits)."""
        self.query(KeyFooter).set_styles("visibility: hidden;")

    def on_screen_resume(self) -> None:
        self.query(KeyFooter).set_styles("visibility: visible;")

    def on_resize(self, event: events.Resize) -> None:
        self.arrange_for(event.size.width, event.size.height)

    def arrange_for(self, width: int, height: int) -> bool:
        """Pick the arrangement for this size; True when it changed."""
        arrangement = arrangement_for(width, height)
        changed = arrangement != self.arrangement or not self.has_class(f"-{arrangement}")
        self.arrangement = apply_arrangement(self, width, height)
        self._show_stacked(self.stacked_current)
        return changed

    def show_stacked(self, name: PaneName) -> None:
        """Compact arrangement: show ``name`` on the left (a no-op for the book)."""
        if name in STACKED_PANES:
            self.stacked_current = name
            self._show_stacked(name)

    def _show_stacked(self, name: str) -> None:
        for stacked in STACKED_PANES:
            for widget in self._pane_and_frame(stacked):
                widget.set_class(stacked == name, "-current", update=widget.is_mounted)
        self.tabs.show_current(name)

    def _pane_and_frame(self, name: str) -> list[Widget]:
        """The pane (once built) and its empty frame (until the pane is in place)."""
        widgets: list[Widget] = [self._panes.by_name(name)] if self._panes is not None else []
        frame = self._placeholders.get(name)  # type: ignore[call-overload]  # name is a pane name given as str
        return [*widgets, frame] if frame is not None else widgets

    @property
    def grid_shown(self) -> bool:
        return self._grid_shown

    def show_grid(self, shown: bool) -> None:
        self._grid_shown = shown
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
    """Asked before quitting while an order ticket is open or an order's answer is awaited."""

    DEFAULT_CSS = """
    QuitScreen { align: center middle; }
    QuitScreen > Vertical {
        width: 52; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    QuitScreen Static { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("quit_dialog"))

    def __init__(self, reason: str = "An order ticket is open.", consequence: str = "Nothing is sent.") -> None:
        super().__init__()
        self._reason = reason
        self._consequence = consequence

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"[b]{self._reason}[/b]\n\nQuit anyway? {self._consequence}\n\n{self._keys_words()}", markup=True
            )

    def _keys_words(self) -> str:
        remapped = getattr(getattr(self.app, "user_keys", None), "remapped", None) or {}
        if not {"quit_dialog.yes", "quit_dialog.no"} & set(remapped):
            return "[b]y[/b] quit    [b]n[/b] / [b]esc[/b] stay"
        yes, no = (
            " / ".join(f"[b]{key}[/b]" for key in keys_label(f"quit_dialog.{answer}", remapped).split())
            for answer in ("yes", "no")
        )
        return f"{yes} quit    {no} stay"

    def action_answer(self, quit_app: bool) -> None:
        self.dismiss(quit_app)
