"""The console app: compose, bindings, routing.  Everything else lives elsewhere.

* :mod:`jextui.ui.session` connects (demo sandbox, client, feed, journal);
* :mod:`jextui.ui.feed_bridge` turns feed events into store and pane updates;
* :mod:`jextui.ui.screens` arrange the panes; :mod:`jextui.ui.keymap` holds
  every key; :mod:`jextui.ui.trading_actions` trades.

The first frame is drawn before anything connects: the session starts after
it, and the panes fill as data arrives.
"""

from __future__ import annotations

import logging
from pathlib import Path
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer

from jextui.api.models import KLINE_INTERVALS
from jextui.feed.events import FeedEvent, StatusUpdate
from jextui.feed.worker import depth_limit_for
from jextui.logs import current_log_path
from jextui.state import load_state, update_state
from jextui.ui.commands import SymbolCommands
from jextui.ui.feed_bridge import GRID_FEEDS, PANE_FEEDS, STATUS_AGE_LABELS, FeedArrived, FeedBridge
from jextui.ui.keymap import bindings_for, key_label, palette_specs
from jextui.ui.screens.help import HelpScreen
from jextui.ui.screens.main import MainScreen, QuitScreen
from jextui.ui.screens.symbol_search import SearchChoice, SymbolEntry, SymbolSearchScreen
from jextui.ui.session import Session, SessionError, SessionOptions
from jextui.ui.store import MarketStore
from jextui.ui.themes import load_themes, theme_variable_defaults
from jextui.ui.trading_actions import ACCOUNT_SCREENS, TradingController
from jextui.ui.widgets import BookLevel, OrderActivated, SymbolActivated

if TYPE_CHECKING:
    from jextui.config import Settings

__all__ = ["JexApp", "AppOptions", "run_console"]

log = logging.getLogger("jextui.ui")

#: App actions that still work while a dialog (ticket, search, help) is on top.
_ACTIONS_OVER_DIALOGS = frozenset({"request_quit", "help", "command_palette", "quit"})


@dataclass(frozen=True)
class AppOptions:
    """Knobs for tests, screenshots and benchmarks (the defaults are the product)."""

    session: SessionOptions = field(default_factory=SessionOptions)
    time_zone: tzinfo | None = None  # None: the machine's local time
    show_latency: bool = True  # snapshots hide the (measured, so varying) round trip
    freshness_interval_s: float = 1.0


class JexApp(App[int]):
    """The jextui console.

    What other parts read: ``settings``, ``session`` (:class:`Session`),
    ``store`` (:class:`MarketStore`), ``trading`` (the controller),
    ``main`` (the :class:`MainScreen`, its widgets in ``main.panes``),
    ``active_symbol``, ``watchlist`` and ``kline_interval``; and call:
    :meth:`selected_book_level`, :meth:`apply_privacy`,
    :meth:`activate_symbol`, :meth:`add_to_watchlist`,
    :meth:`remove_from_watchlist`, :meth:`refresh_status_now`.
    """

    CSS_PATH = str(Path(__file__).with_name("jextui.tcss"))
    TITLE = "jextui"
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("app"))
    COMMANDS = App.COMMANDS | {SymbolCommands}

    def __init__(self, settings: Settings, *, options: AppOptions | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.options = options or AppOptions()
        self.store = MarketStore()
        saved = load_state(settings.state_path)
        self.watchlist: list[str] = list(settings.watchlist)
        self.active_symbol: str | None = _first_active(saved.active_symbol, self.watchlist)
        self.kline_interval: str = saved.kline_interval or "1m"
        self.main = MainScreen(time_zone=self.options.time_zone, watchlist=self.watchlist)
        self.bridge = FeedBridge(
            self.store,
            self.main.panes,
            active_symbol=lambda: self.active_symbol,
            kline_interval=lambda: self.kline_interval,
            post=self.post_message,
        )
        self.session = Session(
            settings,
            self.bridge.sink,
            active_symbol=self.active_symbol,
            watchlist=self.watchlist,
            kline_interval=self.kline_interval,
            options=self.options.session,
        )
        self.trading = TradingController(self)
        self.session_error: str | None = None
        self._visible_feeds: frozenset[str] | None = None
        self._book_depth_limit: int | None = None
        self._freshness_timer: Timer | None = None
        self._install_themes(settings)

    # --- what the trading controller reads -----------------------------------

    def selected_book_level(self) -> BookLevel | None:
        """The order book's selected level while the book has focus, else None."""
        book = self.main.panes.book
        return book.selected_level if book.has_focus else None

    def apply_privacy(self, private: bool) -> None:
        """Every pane masks (or shows again) its balances and amounts."""
        for pane in self.main.panes.all_panes():
            pane.set_private(private)
        self.main.panes.grid.set_private(private)

    # --- start-up and shutdown ---------------------------------------------------

    def _install_themes(self, settings: Settings) -> None:
        for theme in load_themes(settings.themes_dir).values():
            self.register_theme(theme)
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_mount(self) -> None:
        panes = self.main.panes
        demo = self.settings.demo  # the DEMO badge says it all: no profile, no loopback URL
        panes.status.update_status(
            profile=None if demo else self.settings.profile_name,
            base_url=None if demo else self.settings.base_url,
            demo=demo,
            connection="connecting",
        )
        panes.watchlist.set_symbols(self.watchlist)
        panes.watchlist.set_active(self.active_symbol)
        panes.klines.show_interval(self.kline_interval)
        self._caption_active()
        panes.grid.set_active(self.active_symbol)
        panes.watchlist.focus()
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_ready(self) -> None:
        """The first frame is on screen: connect (in the background: events flow meanwhile)."""
        self._freshness_timer = self.set_interval(self.options.freshness_interval_s, self._tick)
        self.run_worker(self._start_session(), name="session-start", group="session", exit_on_error=False)

    async def _start_session(self) -> None:
        self.update_visibility()
        try:
            await self.session.start()
        except SessionError as error:
            self._session_failed(str(error))
            return
        except Exception as error:  # never a traceback on screen: the log has it
            log.exception("the session could not start")
            self._session_failed(f"could not connect: {error}")
            return
        if not self.settings.demo:
            self.main.panes.status.update_status(base_url=self.session.base_url)
        self._mark_account_panes()
        if self.session.journal_error:
            self.notify(self.session.journal_error, severity="error", timeout=10)
        try:
            await self.trading.startup()
        except Exception:
            log.exception("trading start-up failed")
            self.notify("Trading could not start (details in the log).", severity="error")

    def _session_failed(self, message: str) -> None:
        self.session_error = message
        log.error("session: %s", message)
        self.main.panes.status.update_status(connection="offline", connection_detail=message)
        self.notify(message, title="Not connected", severity="error", timeout=15)

    def _mark_account_panes(self) -> None:
        client = self.session.client
        if client is None or client.has_credentials:
            return
        health = self.session.feed_health()
        self.bridge.mark_freshness(health, self.session.now_ms(), has_api_key=client.has_api_key)

    async def on_unmount(self) -> None:
        await self.session.stop()

    # --- feed events ------------------------------------------------------------

    def on_feed_arrived(self, message: FeedArrived) -> None:
        event = message.event
        self.bridge.apply(event)
        if isinstance(event, StatusUpdate):
            self._show_status(event)
        self._tell_trading(event)

    def _tell_trading(self, event: FeedEvent) -> None:
        try:
            self.trading.on_feed_event(event)
        except Exception:
            log.exception("the trading controller failed on %s", type(event).__name__)

    def _show_status(self, status: StatusUpdate) -> None:
        panes = self.main.panes
        panes.status.update_status(
            connection=status.connection,
            connection_detail=status.message or None,
            retry_until_ms=status.blocked_until_ms,
            latency_ms=status.latency_ms if self.options.show_latency else None,
            clock_offset_ms=status.clock_offset_ms,
            used_weight=status.used_weight_1m if status.used_weight_1m is not None else None,
            weight_limit=status.weight_limit,
            weight_budget=status.budget,
        )
        if status.connection in ("rate-limited", "banned") and status.blocked_until_ms is not None:
            seconds = max(1, -(-(status.blocked_until_ms - status.received_ms) // 1000))
            panes.banner.show_limit(status.connection, status.blocked_until_ms, seconds)  # type: ignore[arg-type]
        else:
            panes.banner.clear()

    def _tick(self) -> None:
        """Once a second: data ages, stale marks, what is polled."""
        self.update_visibility()
        client = self.session.client
        if client is None:
            return
        health = self.session.feed_health()
        if not health:
            return
        marks = self.bridge.mark_freshness(health, self.session.now_ms(), has_api_key=client.has_api_key)
        on_screen = {"watchlist"} if self.main.grid_shown else set(self.main.visible_panes())
        ages = {
            label: (marks[pane].age_ms, marks[pane].stale)
            for pane, label in STATUS_AGE_LABELS.items()
            if pane in marks and pane in on_screen and marks[pane].unavailable is None
        }
        self.main.panes.status.update_status(pane_ages=ages)

    def refresh_status_now(self) -> None:
        """Repaint ages, stale marks and the used weight at once (tests, screenshots)."""
        self._tick()
        client, worker = self.session.client, self.session.worker
        if client is not None and worker is not None and client.rate.last_update_ms is not None:
            plan = worker.plan
            self.main.panes.status.update_status(
                used_weight=client.rate.used_weight_1m, weight_limit=plan.weight_limit, weight_budget=plan.budget_1m
            )

    # --- what is on screen decides what is polled ----------------------------------

    def update_visibility(self) -> None:
        """Tell the feed which panes are on screen (and size the book's depth)."""
        main = self.main
        if main.grid_shown:
            kinds = set(GRID_FEEDS)
        else:
            kinds = {kind for pane in main.visible_panes() for kind in PANE_FEEDS[pane]}
        if self.trading.has_open_ticket:
            kinds |= {"account", "open_orders", "book"}  # the ticket sizes against the balance
        visible = frozenset(kinds)
        if visible != self._visible_feeds:
            self._visible_feeds = visible
            self.session.set_visible(set(visible))
        self._size_book_depth()

    def _size_book_depth(self) -> None:
        """Fetch as many levels as the book pane shows (a deeper request costs no more weight)."""
        book = self.main.panes.book
        if not book.size.height:
            return
        rows_per_side = max(1, (book.size.height - 5) // 2 + 1)  # borders, header, titles, spread
        limit = depth_limit_for(rows_per_side)
        if limit != self._book_depth_limit:
            deeper = self._book_depth_limit is not None and limit > self._book_depth_limit
            self._book_depth_limit = limit
            self.session.set_book_rows(rows_per_side)
            if deeper:
                self.session.refresh_now("book")

    def on_resize(self) -> None:
        self.call_after_refresh(self.update_visibility)

    # --- symbols -------------------------------------------------------------------

    def activate_symbol(self, symbol: str) -> None:
        """Make ``symbol`` the active one: its panes are cleared until its data arrives."""
        symbol = symbol.upper()
        if self.main.grid_shown:
            self.action_toggle_grid()
        if symbol == self.active_symbol:
            return
        previous = self.active_symbol
        self.active_symbol = symbol
        if previous is not None:
            self.store.forget_symbol(previous)
        panes = self.main.panes
        panes.book.clear()
        panes.trades.clear()
        panes.klines.clear()
        panes.open_orders.clear()
        panes.book.set_own_orders(())
        for pane in (panes.book, panes.trades, panes.klines, panes.open_orders):
            pane.set_freshness(None, False, None)
        panes.watchlist.set_active(symbol)
        panes.grid.set_active(symbol)
        self._caption_active()
        self.bridge.apply_active_precision()
        self.session.set_active_symbol(symbol)
        self._save_state(active_symbol=symbol)

    def _caption_active(self) -> None:
        symbol = self.active_symbol or ""
        panes = self.main.panes
        for pane in (panes.book, panes.trades, panes.klines, panes.open_orders):
            pane.set_caption(symbol)

    def add_to_watchlist(self, symbol: str) -> None:
        symbol = symbol.upper()
        if symbol in self.watchlist:
            self.main.panes.watchlist.move_cursor_to(symbol)
            self.notify(f"{symbol} is already in the watchlist.")
            return
        self._set_watchlist([*self.watchlist, symbol])
        self.main.panes.watchlist.move_cursor_to(symbol)
        self.notify(f"{symbol} added to the watchlist.")

    def remove_from_watchlist(self, symbol: str) -> None:
        if symbol not in self.watchlist:
            return
        self._set_watchlist([s for s in self.watchlist if s != symbol])
        self.notify(f"{symbol} removed from the watchlist.")

    def _set_watchlist(self, symbols: list[str]) -> None:
        self.watchlist = symbols
        self.main.panes.watchlist.set_symbols(symbols)
        self.run_worker(self._sync_grid(), group="grid", exclusive=True)
        self.session.set_watchlist(symbols)
        self._save_state(watchlist=tuple(symbols))

    async def _sync_grid(self) -> None:
        grid = self.main.panes.grid
        for tile in await grid.set_symbols(self.watchlist):
            self._fill_tile(tile.symbol)
        self.bridge.apply_precisions()

    def _fill_tile(self, symbol: str) -> None:
        """A new tile starts with what the store already knows."""
        store, grid = self.store, self.main.panes.grid
        if symbol in store.tickers:
            grid.update_tickers({symbol: store.tickers[symbol]})
        if symbol in store.prices:
            grid.update_prices({symbol: store.prices[symbol]})
        if symbol in store.book_tickers:
            grid.update_book_tickers({symbol: store.book_tickers[symbol]})
        if symbol in store.sparklines:
            grid.update_sparkline(symbol, store.sparklines[symbol])

    def symbol_entries(self) -> list[SymbolEntry]:
        watched = set(self.watchlist)
        return [
            SymbolEntry(info.symbol, info.base_asset, info.quote_asset, info.symbol in watched)
            for info in self.store.symbols.values()
        ]

    def _save_state(self, **changes: object) -> None:
        try:
            update_state(self.settings.state_path, **changes)
        except ValueError as error:
            log.warning("UI state not saved: %s", error)

    def _theme_changed(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str):
            self._save_state(theme=name)

    # --- messages from panes ---------------------------------------------------------

    def on_symbol_activated(self, message: SymbolActivated) -> None:
        message.stop()
        self.activate_symbol(message.symbol)

    def on_order_activated(self, message: OrderActivated) -> None:
        message.stop()
        self.trading.show_selected_order()

    # --- actions (keys from the keymap) ------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The console's own keys act on the main screen only: over a dialog
        (ticket, search, help) they fall through to the dialog's keys."""
        if action in _CONSOLE_ACTIONS and action not in _ACTIONS_OVER_DIALOGS:
            return self.screen is self.main
        return True

    def action_request_quit(self) -> None:
        if not self.trading.has_open_ticket:
            self.exit(0)
            return

        def answered(quit_app: bool | None) -> None:
            if quit_app:
                self.exit(0)

        self.push_screen(QuitScreen(), answered)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_focus_pane(self, delta: int) -> None:
        self.main.cycle_focus(delta)
        self.update_visibility()

    def action_toggle_grid(self) -> None:
        main = self.main
        shown = not main.grid_shown
        main.show_grid(shown)
        if shown:
            main.panes.grid.focus_symbol(self.active_symbol)
        else:
            main.panes.watchlist.move_cursor_to(self.active_symbol or "")
            main.focus_pane("watchlist")
        self.update_visibility()

    def _open_search(self, mode: str) -> None:
        entries = self.symbol_entries()
        screen = SymbolSearchScreen(entries, mode="add" if mode == "add" else "activate", loading=not entries)
        self.push_screen(screen, self._search_done)

    def _search_done(self, choice: SearchChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "add":
            self.add_to_watchlist(choice.symbol)
        else:
            self.activate_symbol(choice.symbol)

    def action_search(self) -> None:
        self._open_search("activate")

    def action_add_symbol(self) -> None:
        self._open_search("add")

    def action_remove_symbol(self) -> None:
        main = self.main
        symbol = main.panes.grid.focused_symbol() if main.grid_shown else main.panes.watchlist.cursor_symbol
        if symbol is None:
            self.notify("The watchlist is empty.")
            return
        self.remove_from_watchlist(symbol)

    def action_jump(self, number: int) -> None:
        index = number - 1
        if not 0 <= index < len(self.watchlist):
            self.notify(f"The watchlist has no symbol {number}.")
            return
        self.main.panes.watchlist.select_index(index)
        self.activate_symbol(self.watchlist[index])

    def action_interval(self, delta: int) -> None:
        intervals = list(KLINE_INTERVALS)
        index = intervals.index(self.kline_interval) if self.kline_interval in intervals else 0
        new = intervals[min(max(0, index + delta), len(intervals) - 1)]
        if new == self.kline_interval:
            return
        self.kline_interval = new
        klines = self.main.panes.klines
        klines.clear()
        klines.show_interval(new)
        klines.set_freshness(None, False, None)
        self.session.set_kline_interval(new)
        self._save_state(kline_interval=new)

    def action_toggle_chart(self) -> None:
        self.main.panes.klines.toggle_mode()

    def action_buy(self) -> None:
        self.trading.open_ticket("BUY")

    def action_sell(self) -> None:
        self.trading.open_ticket("SELL")

    def action_cancel_order(self) -> None:
        self.trading.cancel_selected()

    def action_cancel_all(self) -> None:
        self.trading.cancel_all()

    def action_privacy(self) -> None:
        self.trading.toggle_privacy()

    def action_account_screen(self, name: str) -> None:
        if name in ACCOUNT_SCREENS:
            self.trading.open_account_screen(name)

    # --- command palette -------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for spec in palette_specs():
            yield SystemCommand(
                f"{spec.description} ({key_label(spec.keys)})",
                spec.help,
                _action_runner(self, spec.action),
            )
        for name in sorted(self.available_themes, key=lambda theme: (not theme.startswith("jextui-"), theme)):
            yield SystemCommand(f"Theme: {name}", "Switch to this colour theme (remembered)",
                                _theme_setter(self, name), discover=False)  # fmt: skip
        yield from super().get_system_commands(screen)

    # --- errors: to the log, never a traceback on screen ------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: log it (secrets masked) and exit with one line, no traceback."""
        log.error("unexpected error in the console", exc_info=error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        where = current_log_path()
        detail = f"details in {where}" if where is not None else "no log file is configured"
        self._exit_renderables.append(Text(f"jextui: unexpected error ({type(error).__name__}); {detail}"))
        self._close_messages_no_wait()


_CONSOLE_ACTIONS = frozenset(name.removeprefix("action_") for name in vars(JexApp) if name.startswith("action_"))


def _first_active(saved: str | None, watchlist: list[str]) -> str | None:
    if saved is not None and saved in watchlist:
        return saved
    return watchlist[0] if watchlist else saved


def _action_runner(app: JexApp, action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await app.run_action(action)

    return run


def _theme_setter(app: JexApp, name: str) -> Callable[[], None]:
    def apply() -> None:
        app.theme = name

    return apply


def run_console(settings: Settings) -> int:
    """Run the console until the user quits; the exit code."""
    app = JexApp(settings)
    app.run()
    return int(app.return_code or 0)
