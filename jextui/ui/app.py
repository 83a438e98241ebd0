"""The console app: its choices, bindings, screen routing and message handlers.

* App-level reactives hold what the user chose: ``active_symbol``,
  ``watchlist``, ``kline_interval`` and ``private``.  The main screen binds
  its panes to them (they clear and caption themselves); the app's own
  watchers tell the session (what the feed polls), the market store and the
  state file.
* The first frame is the main screen with each pane's empty frame
  (:mod:`jextui.ui.widgets.placeholder`), drawn before the rest is even imported;
  right after it :meth:`JexApp._start_console` builds the parts
  (:mod:`jextui.ui.startup`) and connects (:mod:`jextui.session`).
* Every feed event arrives as a :class:`~jextui.ui.messages.FeedArrived`
  message and goes through the one routing table (:mod:`jextui.ui.routing`):
  the store, the panes (:mod:`jextui.ui.feed_bridge`), the status bar
  (:mod:`jextui.ui.status_view`) and trading
  (:mod:`jextui.ui.trading_actions`, built with typed dependencies).
* :mod:`jextui.ui.keymap` holds every key, :mod:`jextui.ui.commands` the
  palette, :mod:`jextui.ui.visibility` decides what is polled.

No other module takes the app: each gets the parts it works with.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.reactive import var
from textual.screen import Screen

from jextui.config.state import load_state
from jextui.ui import selection
from jextui.ui.commands import SymbolCommands, system_commands, textual_commands_kept
from jextui.ui.keymap import ACCOUNT_SCREENS, bindings_for, key_names, keys_label
from jextui.ui.screens.main import MainScreen
from jextui.ui.themes import load_themes, theme_variable_defaults
from jextui.ui.unexpected import in_one_line

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.notifications import Notify

    from jextui.config import Settings
    from jextui.market_store import MarketStore
    from jextui.session import Session, SessionOptions
    from jextui.ui.account_orders_watch import AccountOrdersWatch
    from jextui.ui.alerts_keys import AlertKeys
    from jextui.ui.alerts_watch import AlertsWatch
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.messages import FeedArrived, OrderActivated, SymbolActivated
    from jextui.ui.portfolio_watch import PaneLink, PortfolioWatch
    from jextui.ui.screens.symbol_search import SearchChoice, SearchMode, SymbolEntry
    from jextui.ui.startup import ConsoleParts
    from jextui.ui.trading_actions import TradingController, TradingDeps
    from jextui.ui.visibility import FeedVisibility
    from jextui.ui.widgets import BookLevel

__all__ = ["JexApp", "AppOptions", "run_console"]

log = logging.getLogger("jextui.ui")

#: App actions that still work while a dialog (ticket, search, help) is on top.
#: ``q`` (request_quit) is not among them: over a dialog q may type a letter, so the
#: footer must not offer it there; ctrl+c / ctrl+q (priority keys) quit from anywhere.
_ACTIONS_OVER_DIALOGS = frozenset({"quit_anywhere", "help", "command_palette", "quit"})
#: ... and before the panes are in place (they are within a moment of the first frame).
_ACTIONS_DURING_START = frozenset({"request_quit", "quit_anywhere", "quit"})


class AppOptions(msgspec.Struct, frozen=True):
    """Knobs for tests, screenshots and benchmarks (the defaults are the product)."""

    session: SessionOptions | None = None  # None: the session's defaults
    time_zone: tzinfo | None = None  # None: the machine's local time
    show_latency: bool = True  # snapshots hide the (measured, so varying) round trip
    freshness_interval_s: float = 1.0


class JexApp(App[int]):
    """The jextui console (see the module docstring)."""

    active_symbol: var[str | None] = var(None, init=False)
    """The symbol the book, trades, klines and open orders show (remembered)."""
    watchlist: var[tuple[str, ...]] = var((), init=False)
    """The watched symbols, in display order (remembered)."""
    kline_interval: var[str] = var("1m", init=False)
    """The klines' interval (remembered)."""
    private: var[bool] = var(False, init=False)
    """Privacy mode: every balance and amount is hidden on every screen."""

    CSS_PATH = str(Path(__file__).with_name("jextui.tcss"))
    TITLE = "jextui"
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("app"))
    COMMANDS = App.COMMANDS | {SymbolCommands}

    def __init__(self, settings: Settings, *, options: AppOptions | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.options = options or AppOptions()
        saved = load_state(settings.state_path)
        watchlist = tuple(settings.watchlist)
        self.set_reactive(JexApp.watchlist, watchlist)
        self.set_reactive(JexApp.active_symbol, selection.first_active(saved.active_symbol, list(watchlist)))
        self.set_reactive(JexApp.kline_interval, saved.kline_interval or "1m")
        self.session_error: str | None = None
        self.main = MainScreen(
            time_zone=self.options.time_zone,
            watchlist=self.watchlist,
            active_symbol=self.active_symbol,
            kline_interval=self.kline_interval,
        )
        demo = settings.demo  # the DEMO badge says it all: no profile, no loopback URL
        self.main.status.update_status(
            profile=None if demo else settings.profile_name,
            base_url=None if demo else settings.base_url,
            demo=demo,
            connection="connecting",
        )
        self._parts: ConsoleParts | None = None
        self._trading: TradingController | None = None
        self._trading_ready = False
        self.started = False
        """True once the console has finished starting (panes, session, trading)."""
        self._visibility: FeedVisibility | None = None
        self._orders_watch: AccountOrdersWatch | None = None
        self._alerts: AlertsWatch | None = None
        self._alert_keys: AlertKeys | None = None
        self._portfolio_watch: PortfolioWatch | None = None
        self._portfolio_pane: PaneLink | None = None
        for theme in load_themes(settings.themes_dir).values():  # built-in and the user's
            self.register_theme(theme)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        from jextui.ui.keymap_user import resolve_user_keys

        self.user_keys = resolve_user_keys(settings.keys)
        """The config file's [keys]: what is remapped (Textual's keymap) and what was refused."""
        if self.user_keys.remapped:
            self.set_keymap(self.user_keys.textual_keymap())

    # --- the parts built after the first frame ------------------------------------

    @property
    def parts(self) -> ConsoleParts:
        if self._parts is None:
            from jextui.ui.startup import Choices, build_parts

            choices = Choices(lambda: self.active_symbol, lambda: self.watchlist, lambda: self.kline_interval)
            self._parts = build_parts(
                self.settings,
                self.main,
                choices=choices,
                post=self.post_message,
                outcome_unknown=lambda: self.trading.outcome_unknown(),
                time_zone=self.options.time_zone,
                session_options=self.options.session,
                show_latency=self.options.show_latency,
            )
        return self._parts

    @property
    def parts_built(self) -> bool:
        return self._parts is not None

    @property
    def store(self) -> MarketStore:
        return self.parts.store

    @property
    def bridge(self) -> FeedBridge:
        return self.parts.bridge

    @property
    def session(self) -> Session:
        return self.parts.session

    @property
    def trading(self) -> TradingController:
        """The trading controller (built once trading starts, or when first needed)."""
        if self._trading is None:
            from jextui.ui.trading_actions import TradingController

            self._trading = TradingController(self._trading_deps())
            self.parts.router.subscribe_all(self._trading.feed_handlers())
            self.orders_watch.on_snapshot = self._trading.fills.observe_snapshot
            self._trading.announcer.listeners.append(self.alerts.on_fills)  # each fill announced once
        return self._trading

    @property
    def alerts(self) -> AlertsWatch:
        """Price and fill alerts, checked on every price update (jextui.ui.alerts_watch)."""
        if self._alerts is None:
            from jextui.ui.alerts_watch import AlertsWatch

            panes = self.parts.panes

            def show_marks(symbols: Iterable[str]) -> None:
                panes.watchlist.set_alert_marks(set(symbols))
                panes.grid.set_alert_marks(set(symbols))

            self._alerts = AlertsWatch(
                self.settings,
                notify=self.notify,
                bell=self.bell,
                write_terminal=self.write_to_terminal,
                show_marks=show_marks,
                private=lambda: self.private,
            )
            for event_type, handler in self._alerts.feed_handlers().items():
                self.parts.router.subscribe(event_type, handler)
            self._alerts.catch_up(self.store)  # what came before them (the exchange info)
        return self._alerts

    @property
    def alert_keys(self) -> AlertKeys:
        if self._alert_keys is None:
            from jextui.ui.alerts_keys import AlertKeys

            self._alert_keys = AlertKeys(
                self.alerts,
                push_screen=self.push_screen,
                active_symbol=lambda: self.active_symbol,
                last_price=self.store.last_price,
                notify=self.notify,
                time_zone=self.options.time_zone,
            )
        return self._alert_keys

    def write_to_terminal(self, text: str) -> None:
        """Escape text for the terminal itself (a desktop notification), between frames."""
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    @property
    def orders_watch(self) -> AccountOrdersWatch:
        """Every open order on the account (jextui.ui.account_orders_watch)."""
        if self._orders_watch is None:
            from jextui.ui.account_orders_watch import AccountOrdersWatch

            self._orders_watch = AccountOrdersWatch(
                session=self.session,
                panes=self.parts.panes,
                watchlist=lambda: self.watchlist,
                listed_symbols=lambda: list(self.store.symbols.values()),
            )
            for event_type, handler in self._orders_watch.feed_handlers().items():  # held events stay for trading
                self.parts.router.subscribe(event_type, handler)
        return self._orders_watch

    @property
    def portfolio_watch(self) -> PortfolioWatch:
        """The portfolio the screen and the balances pane show (jextui.ui.portfolio_watch)."""
        if self._portfolio_watch is None:
            from jextui.ui.portfolio_watch import PortfolioWatch

            self._portfolio_watch = PortfolioWatch(
                session=self.session,
                store=self.store,
                valuation=self.settings.valuation_asset,
                watchlist=lambda: self.watchlist,
                run=lambda work: self.run_worker(work, group="portfolio", exit_on_error=False),
            )
            for event_type, handler in self._portfolio_watch.feed_handlers().items():
                self.parts.router.subscribe(event_type, handler)
        return self._portfolio_watch

    def _balances_portfolio_mode(self, shown: bool) -> None:
        from jextui.ui.portfolio_watch import PaneLink

        if self._portfolio_pane is None:
            self._portfolio_pane = PaneLink(self.portfolio_watch, self.main.panes.balances)
        self._portfolio_pane.toggle(shown)
        self.update_visibility()

    def _trading_deps(self) -> TradingDeps:
        from jextui.ui.trading_actions import TradingDeps

        panes = self.parts.panes

        def selected_level_price() -> Decimal | None:
            level = self.selected_book_level()
            return level.price if level is not None else None

        def set_private(private: bool) -> None:
            self.private = private

        return TradingDeps(
            console=self,
            session=self.session,
            store=self.store,
            settings=self.settings,
            time_zone=self.options.time_zone,
            active_symbol=lambda: self.active_symbol,
            selected_level_price=selected_level_price,
            selected_order=lambda: panes.open_orders.selected_order,
            private=lambda: self.private,
            set_private=set_private,
            on_screen_changed=self.update_visibility,
            order_in_view=lambda: panes.open_orders.selected_row_in_view,
            listed_orders=lambda: panes.open_orders.orders,
            select_order_when_listed=panes.open_orders.select_when_listed,
            account_orders=self.orders_watch,
        )

    def trading_ready(self) -> None:
        """The journal is open (or could not be): the trading keys work from now on."""
        self.trading  # noqa: B018 - builds the controller
        self._trading_ready = True
        self.refresh_bindings()

    # --- what the trading controller reads ------------------------------------------

    def selected_book_level(self) -> BookLevel | None:
        """The order book's selected level while the book has focus, else None."""
        book = self.main.panes.book
        return book.selected_level if book.has_focus else None

    # --- start-up and shutdown (jextui.ui.startup) -----------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._check_terminal_size(*self.size)
        if self.user_keys.problems:  # those actions keep their default keys
            self.notify(
                "\n".join(self.user_keys.problems), title="Keys in the config file", severity="warning", timeout=20
            )

    def on_ready(self) -> None:
        """The first frame is on screen: build the panes, show them, connect."""
        self.run_worker(self._start_console(), name="console-start", group="session")

    async def _start_console(self) -> None:
        """Everything after the first frame, in the order a user waits for things
        (:mod:`jextui.ui.startup`).  Garbage collection paused by the command
        line resumes once the session and trading have started (or failed),
        before trading's own start-up checks."""
        from jextui.ui import startup

        connected = False
        try:
            await asyncio.sleep(startup.FRAME_OUT_S)  # the first frame to the terminal before the imports
            parts = self.parts
            self._watch_listings(parts)
            self._visibility_now().size_book_depth(self.main, parts.session)  # as deep as its frame is tall
            error = await startup.connect(parts, demo=self.settings.demo, book_first=self.active_symbol is not None)
            connected = error is None
            book_coming = connected and parts.session.worker is not None and self.active_symbol is not None
            await startup.install_book(parts, self.main, book_coming=book_coming)
            if error is not None:
                self._session_failed(error)
            elif book_coming:
                await startup.wait_for_book(parts, self.main)
            await self.main.install_panes(parts.panes)
            self.alerts.start_notices()  # after the first book, which does not wait for the alerts' code
            parts.panes.balances.on_portfolio_mode = self._balances_portfolio_mode
            await parts.key_watch.mount_in(self.main, after=parts.panes.banner)
            parts.panes.watchlist.focus()
            self.set_interval(self.options.freshness_interval_s, self._tick)
            self.update_visibility(resend=True)  # every pane's feed
            journal_error = await startup.open_journal(parts.session)
            if journal_error:
                self.notify(journal_error, severity="error", timeout=10)
            self.trading_ready()
            await startup.sync_grid(parts, self.watchlist)
        except NoMatches:
            if not self._exit:
                raise
            return  # the user quit while the panes were being put in place: their screen is gone
        finally:
            startup.resume_collection()
        if connected:
            self.run_worker(self.orders_watch.run(), name="account-orders", group="account-orders", exit_on_error=False)
            try:
                await self.trading.startup()
            except Exception:
                log.exception("trading start-up failed")
                self.notify("Trading could not start (details in the log).", severity="error")
        self.started = True

    def _watch_listings(self, parts: ConsoleParts) -> None:
        """Each exchangeInfo: symbols it does not list are said once and dropped (jextui.ui.unlisted)."""
        from jextui.feed.events import ExchangeInfoUpdate

        listed_before: list[str] = []

        def drop_unlisted(event: ExchangeInfoUpdate, _changed: object) -> None:
            from jextui.ui.unlisted import NOTICE_TITLE, find_unlisted

            listed = [info.symbol for info in event.info.spot_symbols]
            found = find_unlisted(listed, self.watchlist, self.active_symbol, listed_before=listed_before)
            listed_before[:] = listed or listed_before
            if found is None:
                return
            log.warning("dropped symbols the exchange does not list: %s", ", ".join(found.symbols))
            self.watchlist = found.watchlist
            self.active_symbol = found.active_symbol
            self.notify(found.message, title=NOTICE_TITLE, severity="warning", timeout=15)

        parts.router.subscribe(ExchangeInfoUpdate, drop_unlisted)

    def _session_failed(self, message: str) -> None:
        self.session_error = message
        self.main.status.update_status(connection="offline", connection_detail=message)
        self.notify(message, title="Not connected", severity="error", timeout=15)

    async def on_unmount(self) -> None:
        if self._alerts is not None:
            self._alerts.stop()
        if self.parts_built:
            await self.session.stop()

    def _set_theme(self, name: str) -> None:
        self.theme = name

    def _theme_changed(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if isinstance(name, str):
            selection.save_ui_state(self.settings.state_path, theme=name)

    # --- feed events and the status bar (jextui.ui.status_view) ------------------------

    def on_feed_arrived(self, message: FeedArrived) -> None:
        """Every feed event, from whichever source, through the one routing table."""
        self.parts.router.route(message.event)

    def _tick(self) -> None:
        """Once a second: what is polled, data ages, stale marks."""
        self.update_visibility()
        self.parts.status_view.tick()

    def refresh_status_now(self) -> None:
        """Repaint ages, stale marks and the used weight at once (tests, screenshots)."""
        self.update_visibility()
        self.parts.status_view.refresh_now()

    def update_visibility(self, *, resend: bool = False) -> None:
        """Tell the feed which panes are on screen (jextui.ui.visibility); ``resend``: even if unchanged."""
        if self._parts is None or not self.main.pane_installed("book"):
            return
        visibility = self._visibility_now()
        if not self.main.panes_installed:  # the book alone so far: fetch what it shows
            visibility.size_book_depth(self.main, self.session)
            return
        ticket_open = self._trading is not None and self._trading.has_open_ticket
        ticket_open |= self._portfolio_watch is not None and self._portfolio_watch.in_use  # it reads the balances
        also = self._alerts.feeds_needed() if self._alerts is not None else frozenset()
        if visibility.update(self.main, self.session, ticket_open=ticket_open, resend=resend, also=also):
            # Which feeds are hidden or unavailable changed at our word: read it now, not at the next push.
            self.bridge.health = self.session.feed_health()

    def _visibility_now(self) -> FeedVisibility:
        if self._visibility is None:
            from jextui.ui.visibility import FeedVisibility

            self._visibility = FeedVisibility()
        return self._visibility

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.update_visibility)
        self._check_terminal_size(event.size.width, event.size.height)

    def _check_terminal_size(self, width: int, height: int) -> None:
        """Below 80x24 a screen says the size needed instead of drawing slivers (jextui.ui.screens.too_small)."""
        from jextui.ui.screens.too_small import TooSmallScreen, is_too_small

        shown = self.screen if isinstance(self.screen, TooSmallScreen) else None
        if is_too_small(width, height):
            if shown is None:
                quit_key = key_names("quit_anywhere", self.user_keys.remapped)[0]  # as the config has it
                self.push_screen(TooSmallScreen(width, height, quit_key))
            else:
                shown.show_size(width, height)
        elif shown is not None:
            self.pop_screen()

    # --- symbols and the watchlist (jextui.ui.selection) ---------------------------------

    def activate_symbol(self, symbol: str) -> None:
        """Make ``symbol`` the active one (from the grid view: back to the panes)."""
        if self.main.grid_shown:
            self.action_toggle_grid()
        self.active_symbol = symbol.upper()

    def watch_active_symbol(self, previous: str | None, symbol: str | None) -> None:
        """What the app itself does about a new active symbol; the panes follow it on their own."""
        if self.parts_built:
            if previous is not None:
                self.store.forget_symbol(previous)
            self.bridge.apply_active_precision()
            if symbol is not None:
                self.session.set_active_symbol(symbol)
            else:
                self.session.clear_active_symbol()
        selection.save_ui_state(self.settings.state_path, active_symbol=symbol)

    def watch_watchlist(self, symbols: tuple[str, ...]) -> None:
        if self.parts_built:
            if self.main.panes_installed:  # before that, start-up builds the grid from the list it then holds
                self.run_worker(self._sync_grid(), group="grid", exclusive=True)
            self.session.set_watchlist(symbols)
        selection.save_ui_state(self.settings.state_path, watchlist=symbols)

    def watch_kline_interval(self, interval: str) -> None:
        if self.parts_built:
            self.session.set_kline_interval(interval)
        selection.save_ui_state(self.settings.state_path, kline_interval=interval)

    def watch_private(self, private: bool) -> None:
        state = "on: balances and amounts are hidden" if private else "off: amounts are shown"
        self.notify(
            f"Privacy {state} ({keys_label('privacy', self.user_keys.remapped)} toggles).", title="Privacy", timeout=3
        )

    async def _sync_grid(self) -> None:
        from jextui.ui.startup import sync_grid

        await sync_grid(self.parts, self.watchlist)

    def add_to_watchlist(self, symbol: str) -> None:
        symbol = symbol.upper()
        watchlist = self.main.panes.watchlist
        if symbol in self.watchlist:
            watchlist.move_cursor_to(symbol)
            self.notify(f"{symbol} is already in the watchlist.")
            return
        self.watchlist = (*self.watchlist, symbol)
        watchlist.move_cursor_to(symbol)
        self.notify(f"{symbol} added to the watchlist.")

    def remove_from_watchlist(self, symbol: str) -> None:
        if symbol in self.watchlist:
            self.watchlist = tuple(s for s in self.watchlist if s != symbol)
            self.notify(f"{symbol} removed from the watchlist.")

    def symbol_entries(self) -> list[SymbolEntry]:
        """Every symbol of the exchange, for the search and the palette (none before the first exchangeInfo)."""
        if not self.parts_built:
            return []
        return selection.symbol_entries(self.store.symbols.values(), self.watchlist)

    def _open_search(self, mode: SearchMode) -> None:
        """The symbol search (``/``: make active, ``a``: add to the watchlist)."""
        from jextui.ui.screens.symbol_search import SymbolSearchScreen

        entries = self.symbol_entries()

        def chosen(choice: SearchChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "add":
                self.add_to_watchlist(choice.symbol)
            else:
                self.activate_symbol(choice.symbol)

        self.push_screen(SymbolSearchScreen(entries, mode=mode, loading=not entries), chosen)

    # --- messages from panes ----------------------------------------------------------------

    def on_symbol_activated(self, message: SymbolActivated) -> None:
        message.stop()
        self.activate_symbol(message.symbol)

    def on_order_activated(self, message: OrderActivated) -> None:
        message.stop()
        self.trading.show_selected_order()

    # --- actions (keys from the keymap) ------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The console's own keys act on the main screen only: over a dialog
        (ticket, search, help) they fall through to the dialog's keys.  Until
        the panes are in place they are shown, disabled."""
        if action in _WAIT_FOR_PANES and not self.main.panes_installed:
            return None
        if action in _WAIT_FOR_TRADING and not self._trading_ready:
            return None
        if action in _CONSOLE_ACTIONS and action not in _ACTIONS_OVER_DIALOGS:
            return self.screen is self.main
        return True

    def action_request_quit(self) -> None:
        """``q`` on the main screen, ctrl+c / ctrl+q anywhere: quit, asking first only while
        an order's answer is awaited or a ticket holds an order not sent (pressed again
        over that question: quit)."""
        from jextui.ui.screens.main import QuitScreen

        reason = self._quit_question()
        if reason is None or isinstance(self.screen, QuitScreen):
            self.exit(0)
            return

        def answered(quit_app: bool | None) -> None:
            if quit_app:
                self.exit(0)

        self.push_screen(QuitScreen(*reason), answered)

    def action_quit_anywhere(self) -> None:
        """ctrl+c / ctrl+q: what ``q`` does on the main screen, from any screen."""
        self.action_request_quit()

    def _quit_question(self) -> tuple[str, str] | None:
        """Why quitting asks first (the reason and what quitting means), or None."""
        trading = self._trading
        if trading is None:
            return None
        if trading.orders_in_flight:
            return (
                "An order is being sent: its answer has not arrived.",
                "The order may still be placed; the next start looks it up.",
            )
        if trading.has_open_ticket:
            return ("An order ticket is open.", "Its order is not sent.")
        return None

    def action_help(self) -> None:
        from jextui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_focus_pane(self, delta: int) -> None:
        self.main.cycle_focus(delta)
        self.update_visibility()

    def action_toggle_grid(self) -> None:
        main = self.main
        if not main.grid_shown and not main.panes.grid.tiles_built:  # only in the first moments
            self.run_worker(self._show_grid_once_built(), group="grid-show", exclusive=True)
            return
        self._show_grid(not main.grid_shown)

    async def _show_grid_once_built(self) -> None:
        await self._sync_grid()
        self._show_grid(True)

    def _show_grid(self, shown: bool) -> None:
        main = self.main
        main.show_grid(shown)
        if shown:
            main.panes.grid.focus_symbol(self.active_symbol)
        else:
            main.panes.watchlist.move_cursor_to(self.active_symbol or "")
            main.focus_pane("watchlist")
        self.update_visibility()

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
        """Make watchlist symbol ``number`` (1-9) active."""
        index = number - 1
        if not 0 <= index < len(self.watchlist):
            self.notify(f"The watchlist has no symbol {number}.")
            return
        self.main.panes.watchlist.select_index(index)
        self.activate_symbol(self.watchlist[index])

    def action_interval(self, delta: int) -> None:
        self.kline_interval = selection.next_interval(self.kline_interval, delta)

    def action_toggle_chart(self) -> None:
        self.main.panes.klines.toggle_mode()

    def action_buy(self) -> None:
        self.trading.open_ticket("BUY")

    def action_sell(self) -> None:
        self.trading.open_ticket("SELL")

    def action_cancel_order(self) -> None:
        self.trading.cancel_by_key()

    def action_amend_order(self) -> None:
        self.trading.amend_selected()

    def action_cancel_all(self) -> None:
        self.trading.cancel_all()

    def action_orders_scope(self) -> None:
        """The open-orders pane: every open order on the account ⇄ the active symbol's only."""
        pane = self.main.panes.open_orders
        if not pane.account_wide:
            self.orders_watch.render()
        narrowed = pane.toggle_scope()
        toggle = keys_label("orders_scope", self.user_keys.remapped)
        self.notify(
            f"Open orders: {'the active symbol only' if narrowed else 'every symbol'} ({toggle} toggles).", timeout=3
        )

    def action_privacy(self) -> None:
        self.private = not self.private

    def action_add_alert(self) -> None:
        self.alert_keys.new_alert()

    def action_alerts(self) -> None:
        self.alert_keys.show_alerts()

    def action_portfolio(self) -> None:
        from jextui.ui.screens.portfolio import PortfolioScreen

        def toggle_privacy() -> None:
            self.private = not self.private

        screen = PortfolioScreen(self.portfolio_watch, private=lambda: self.private, toggle_privacy=toggle_privacy)
        self.push_screen(screen, lambda _: self.update_visibility())
        self.update_visibility()

    def action_account_screen(self, name: str) -> None:
        if name in ACCOUNT_SCREENS:
            self.trading.open_account_screen(name)

    # --- command palette (jextui.ui.commands) --------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from system_commands(self.run_action, self.available_themes, self._set_theme, self.user_keys.remapped)
        yield from textual_commands_kept(super().get_system_commands(screen))

    # --- notices: one of a kind (jextui.ui.notices) -------------------------------------------

    def _on_notify(self, event: Notify) -> None:
        """A notice replaces any still shown of the same kind, then shows as Textual shows it."""
        from jextui.ui.notices import replaced_notices

        for notice in list(replaced_notices(self._notifications, event.notification)):
            self._unnotify(notice, refresh=False)
        super()._on_notify(event)

    # --- errors: to the log, never a traceback on screen ----------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: logged (secrets masked), then one line on exit, no traceback."""
        super()._handle_exception(in_one_line(error))


_CONSOLE_ACTIONS = frozenset(name.removeprefix("action_") for name in vars(JexApp) if name.startswith("action_"))
#: Keys that wait for the panes (shown disabled in the footer until then).
_WAIT_FOR_PANES = (_CONSOLE_ACTIONS | {"command_palette"}) - _ACTIONS_DURING_START
#: Keys that wait for trading: the order journal opens once the first data is on screen.
_WAIT_FOR_TRADING = frozenset({"buy", "sell", "cancel_order", "amend_order", "cancel_all", "privacy", "account_screen"})


def run_console(settings: Settings) -> int:
    """Run the console until the user quits; the exit code."""
    import os
    import sys

    from jextui.ui.terminal import apply_escape_delay, terminal_refusal, use_prompt_escape_parser

    refusal = terminal_refusal(os.environ)
    if refusal is not None:
        print(f"jextui: {refusal}", file=sys.stderr)
        return 2
    apply_escape_delay(os.environ)
    use_prompt_escape_parser()
    app = JexApp(settings)
    app.run()
    return int(app.return_code or 0)
