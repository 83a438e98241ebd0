"""Trading from the keyboard: the app's bridge to tickets, cancels and account screens.

CONTRACT (the app calls exactly these; the trading UI fills them in):

    controller = TradingController(app)
    await controller.startup()                 # once the session is up: reconcile journal leftovers, load trade fees
    controller.open_ticket("BUY" | "SELL")     # b / s
    controller.cancel_selected()               # c  (selected row of the open-orders pane)
    controller.cancel_all()                    # C  (after a confirmation)
    controller.show_selected_order()           # Enter on the open-orders pane
    controller.open_account_screen(name)       # name in ACCOUNT_SCREENS
    controller.feed_handlers()                 # its rows of the routing table (fills, the open ticket)
    controller.has_open_ticket -> bool         # q asks before quitting when True
    controller.private -> bool

The app provides: ``app.session`` (jextui.ui.session.Session: client, submitter,
journal, reconciler, can_trade, refresh_now), ``app.store``
(jextui.ui.store.MarketStore), ``app.active_symbol``, ``app.settings``
(confirm_orders, bell, fat_finger_pct), ``app.selected_book_level()`` (the
order book's selected level when the book has focus, else None) and
``app.private`` (privacy mode, which every screen follows on its own).

How it works:

* **Orders** go out through an :class:`OrderSubmitter` built on the
  session's client and journal (write-ahead: nothing is sent that is not on
  disk first), in an app-level worker, so closing the ticket never cuts an
  order short.  Its reconciler is wrapped so that the ticket can say
  "outcome unknown — checking…" the moment an answer is lost, before the
  reconciler's verdict.  An accepted (or found) order is tracked for fills
  and the open-orders and account feeds are refreshed at once.
* **Fills**: every open-orders snapshot goes through a :class:`FillTracker`;
  orders that left the list are looked up with get_order; each fill, partial
  fill and cancellation is announced once (with the bell for fills).  Orders
  placed here on another symbol than the active one are looked up every
  :data:`PERIODIC_CHECK_S` seconds (a few at a time).
* **Unknown outcomes** that the submit's own reconciliation could not settle
  (the exchange unreachable while it looked) are looked for again as soon as
  the feed reports the exchange answering again after an outage, and every
  :data:`PERIODIC_CHECK_S` seconds, while no order is in flight; what is
  found is announced.  They are never resent.
* **Start-up** loads the trade fees and reconciles intents an earlier run
  left unanswered, and announces what it found.
* Nothing here raises into the app: every failure becomes a sentence.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jextui.api.models import Order, OrderResult, TradeFee
from jextui.feed.events import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    FeedEvent,
    OpenOrdersUpdate,
    PricesUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.trading.errors_text import describe_error
from jextui.trading.reconcile import Reconciler, ReconcileReport
from jextui.trading.submit import OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest
from jextui.ui.keymap import ACCOUNT_SCREENS  # screen name -> title, with their keys
from jextui.ui.notifications import FillAnnouncer, FillWatcher
from jextui.ui.routing import Handler
from jextui.ui.store import Changed

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.ui.screens.ticket import TicketScreen

__all__ = ["ACCOUNT_SCREENS", "TradingController", "PERIODIC_CHECK_S"]

log = logging.getLogger("jextui.trading.ui")

PERIODIC_CHECK_S = 15.0
RETRY_MIN_INTERVAL_S = 5.0
_ANSWERING = frozenset({"online", "degraded"})  # connection states in which the exchange answers
#: What an open ticket sizes against (balances, the book, the latest prices).
MARKET_EVENTS: tuple[type[FeedEvent], ...] = (
    AccountUpdate,
    BookUpdate,
    TradesUpdate,
    PricesUpdate,
    TickersUpdate,
    BookTickersUpdate,
)
NO_CREDENTIALS = (
    "no API key and secret are configured for this profile. Add them to the config file "
    "(jextui config path) or set JEX_API_KEY / JEX_API_SECRET; jextui --demo trades on a built-in sandbox."
)


class _AnnouncingReconciler:
    """The session's reconciler, plus a hook called when a submit's answer was lost."""

    def __init__(self, inner: Reconciler) -> None:
        self.inner = inner
        self.on_unknown: Callable[[], None] | None = None

    async def settle(self, entry_id: str, *, looks: int = 2) -> ReconcileReport:
        hook = self.on_unknown
        if hook is not None:
            try:
                hook()
            except Exception:  # a screen that went away must not stop the reconciliation
                log.debug("unknown-outcome hook failed", exc_info=True)
        return await self.inner.settle(entry_id, looks=looks)

    async def reconcile(self, entry_id: str) -> ReconcileReport:
        return await self.inner.reconcile(entry_id)

    async def reconcile_pending(self) -> list[ReconcileReport]:
        return await self.inner.reconcile_pending()


class TradingController:
    """Tickets, cancels, order detail, account screens, privacy and fill announcements."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.announcer = FillAnnouncer(app, bell=self._bell_enabled, private=lambda: self.private)
        self.fills = FillWatcher(self.announcer, lambda: self.client, self._in_background("trading-lookups"))
        self._submitter: OrderSubmitter | None = None
        self._submitter_source: object | None = None
        self._reconciler: _AnnouncingReconciler | None = None
        self._cancelling: set[int] = set()
        self._orders_in_flight = 0
        self._unsettled = False  # an UNKNOWN outcome is still open in the journal
        self._reconciling = False
        self._last_retry = float("-inf")  # time.monotonic() of the last look for unknown outcomes
        self._answering = True  # whether the exchange answered at the last status

    # ------------------------------------------------------------------ what screens read

    @property
    def private(self) -> bool:
        """Privacy mode (the app's): amounts are left out of what is said."""
        return bool(getattr(self.app, "private", False))

    @property
    def session(self) -> Any:
        return getattr(self.app, "session", None)

    @property
    def client(self) -> JexClient | None:
        session = self.session
        return getattr(session, "client", None) if session is not None else None

    @property
    def store(self) -> Any:
        return getattr(self.app, "store", None)

    @property
    def active_symbol(self) -> str | None:
        return getattr(self.app, "active_symbol", None)

    @property
    def time_zone(self) -> tzinfo | None:
        """The zone times are shown in (the app's option; None: local time)."""
        zone = getattr(getattr(self.app, "options", None), "time_zone", None)
        return zone if isinstance(zone, tzinfo) else None

    @property
    def settings(self) -> Any:
        return getattr(self.app, "settings", None)

    @property
    def confirm_orders(self) -> bool:
        return bool(getattr(self.settings, "confirm_orders", True))

    @property
    def fat_finger_pct(self) -> Decimal:
        value = getattr(self.settings, "fat_finger_pct", None)
        try:
            return Decimal(value) if value is not None else Decimal(5)
        except (ArithmeticError, TypeError, ValueError):
            return Decimal(5)

    def _in_background(self, group: str) -> Callable[[Any], object]:
        """Start a coroutine as an app worker (it outlives any screen; a failure never ends the app)."""

        def run(work: Any) -> object:
            return self.app.run_worker(work, group=group, exit_on_error=False)

        return run

    def _bell_enabled(self) -> bool:
        return bool(getattr(self.settings, "bell", False))

    def precision(self, symbol: str) -> tuple[int, int] | None:
        store = self.store
        return store.precision(symbol) if store is not None else None

    def known_assets(self) -> list[str]:
        balances = self.store.free_balances() if self.store is not None else None
        return sorted(balances or {})

    def remember_trade_fees(self, fees: Sequence[TradeFee]) -> None:
        if self.store is not None:
            self.store.trade_fees.update({fee.symbol: fee for fee in fees})

    def trading_off_reason(self) -> str | None:
        """Why orders cannot be sent now, in words; None when they can."""
        session, client = self.session, self.client
        if session is None or client is None:
            return "not connected to an exchange yet."
        if not client.has_credentials:
            return NO_CREDENTIALS
        journal_error = getattr(session, "journal_error", None)
        if journal_error:
            return f"{journal_error}."
        if getattr(session, "submitter", None) is None or getattr(session, "journal", None) is None:
            return "the order journal is not open, and no order is sent without it."
        return None

    def account_unavailable_reason(self, *, key_only: bool = False) -> str | None:
        """Why account screens have nothing to show, in words; None when they can load."""
        client = self.client
        if client is None:
            return "Not connected to an exchange yet."
        if key_only and not client.has_api_key:
            return ("This needs an API key (the exchange serves market trade history to key holders): "
                    "configure one for this profile.")
        if not key_only and not client.has_credentials:
            return "There is no account data to show: " + NO_CREDENTIALS
        return None

    def market_context(self, symbol: str) -> dict[str, object]:
        """Balances, fee and prices for a ticket on ``symbol``, from the store."""
        store = self.store
        if store is None:
            return {}
        bid, ask = store.best_bid_ask(symbol)
        return {
            "free_balances": store.free_balances(),
            "fee": store.trade_fees.get(symbol),
            "last_price": store.last_price(symbol),
            "best_bid": bid,
            "best_ask": ask,
        }

    # ------------------------------------------------------------------ start-up

    async def startup(self) -> None:
        """Load the trade fees and reconcile what an earlier run left open; never raises."""
        try:
            await self._load_trade_fees()
            await self._reconcile_leftovers()
        except Exception:  # start-up must go on whatever happens here
            log.exception("trading start-up failed")
        try:
            self.app.set_interval(PERIODIC_CHECK_S, self.periodic_checks, name="trading-periodic-checks")
        except Exception:
            log.debug("no timer for other symbols' orders", exc_info=True)

    async def _load_trade_fees(self, symbol: str | None = None) -> None:
        client = self.client
        if client is None or not client.has_credentials:
            return
        try:
            fees = await client.trade_fee(symbol)
        except Exception as error:
            log.warning("trade fees not loaded: %s", describe_error(error))
            return
        self.remember_trade_fees(fees)

    async def _reconcile_leftovers(self) -> None:
        session = self.session
        reconciler = getattr(session, "reconciler", None)
        if reconciler is None:
            return
        reports = await reconciler.reconcile_pending()
        for report in reports:
            if report.order is not None and report.placed:
                self.fills.track(report.order)
        self.announcer.announce_reports(reports)
        if any(report.placed for report in reports):
            self._refresh_orders()

    # ------------------------------------------------------------------ tickets

    @property
    def has_open_ticket(self) -> bool:
        return self._open_ticket() is not None

    def _open_ticket(self) -> TicketScreen | None:
        # No ticket can be open before its module is loaded: asking must not load it.
        ticket = sys.modules.get("jextui.ui.screens.ticket")
        if ticket is None:
            return None
        for screen in getattr(self.app, "screen_stack", ()):
            if isinstance(screen, ticket.TicketScreen):
                return screen
        return None

    def open_ticket(self, side: str) -> None:
        from jextui.ui.screens.ticket import TicketScreen

        side = "SELL" if str(side).upper() == "SELL" else "BUY"
        symbol = self.active_symbol
        if symbol is None:
            self.announcer.say("Choose a symbol first.", severity="warning")
            return
        if self.has_open_ticket:
            self.announcer.say("An order ticket is already open.", severity="warning")
            return
        info = self.store.symbol_info(symbol) if self.store is not None else None
        if info is None:
            self.announcer.say(f"The trading rules of {symbol} are not loaded yet; try again in a moment.",
                               severity="warning")
            return
        level_price = self._selected_level_price()
        self.app.push_screen(TicketScreen(self, side, info, level_price))
        self._feed_the_ticket()
        if self.store is not None and symbol not in self.store.trade_fees:
            self.app.run_worker(self._fees_for_ticket(symbol), group="trading-fees", exit_on_error=False)

    def _selected_level_price(self) -> Decimal | None:
        chooser = getattr(self.app, "selected_book_level", None)
        if chooser is None:
            return None
        try:
            level = chooser()
        except Exception:
            log.debug("selected_book_level failed", exc_info=True)
            return None
        price = getattr(level, "price", None)
        return price if isinstance(price, Decimal) else None

    def _feed_the_ticket(self) -> None:
        """A ticket needs the balances and the book: make sure they are polled, and fresh."""
        update_visibility = getattr(self.app, "update_visibility", None)
        if callable(update_visibility):
            self.app.call_after_refresh(update_visibility)
        session = self.session
        if session is not None and self.store is not None and self.store.account is None:
            session.refresh_now("account")

    async def _fees_for_ticket(self, symbol: str) -> None:
        await self._load_trade_fees(symbol)
        ticket = self._open_ticket()
        if ticket is not None:
            ticket.market_changed()

    def _ensure_submitter(self) -> OrderSubmitter | None:
        session = self.session
        source = getattr(session, "submitter", None)
        reconciler = getattr(session, "reconciler", None)
        if source is None or reconciler is None or session.client is None or session.journal is None:
            return None
        if self._submitter is None or self._submitter_source is not source:
            self._reconciler = _AnnouncingReconciler(reconciler)
            self._submitter = OrderSubmitter(session.client, session.journal,
                                             reconciler=self._reconciler)  # type: ignore[arg-type]
            self._submitter_source = source
        return self._submitter

    def send_order(self, screen: TicketScreen, request: OrderRequest, dry_run: bool) -> None:
        """Send a validated order from a ticket (the ticket shows progress and outcome)."""
        submitter = self._ensure_submitter()
        reason = self.trading_off_reason()
        if submitter is None or reason is not None:
            screen.show_result(f"Not sent: trading is off ({reason or 'the order journal is not open.'})", "error")
            return
        screen.show_sending(dry_run)
        self.app.run_worker(self._send(submitter, screen, request, dry_run), group="trading-orders",
                            exit_on_error=False)

    async def _send(self, submitter: OrderSubmitter, screen: TicketScreen, request: OrderRequest,
                    dry_run: bool) -> SubmitOutcome:
        def checking() -> None:
            if self._is_shown(screen):
                screen.show_checking()
            else:
                self.announcer.say("An order's answer was lost: outcome unknown — checking…", severity="warning")

        if self._reconciler is not None:
            self._reconciler.on_unknown = checking
        self._orders_in_flight += 1
        try:
            outcome = await submitter.submit(request, dry_run=dry_run)
        except Exception as error:  # never a traceback: an unexpected failure is an unknown outcome
            log.exception("submitting an order failed unexpectedly")
            outcome = SubmitOutcome(OutcomeKind.UNKNOWN, f"Unexpected failure: {describe_error(error)}",
                                    dry_run=dry_run, error=error)
        finally:
            self._orders_in_flight -= 1
            if self._reconciler is not None:
                self._reconciler.on_unknown = None
        if outcome.kind == OutcomeKind.UNKNOWN:
            self._unsettled = True
        self._after_submit(outcome)
        if self._is_shown(screen):
            screen.show_outcome(outcome, request)
        else:
            from jextui.ui.screens.ticket import outcome_text

            text, level = outcome_text(outcome, private=self.private)
            self.announcer.say(text, title="Order", severity="error" if level == "error" else
                               "warning" if level == "warn" else "information")
        return outcome

    def _is_shown(self, screen: object) -> bool:
        return screen in getattr(self.app, "screen_stack", ())

    def _after_submit(self, outcome: SubmitOutcome) -> None:
        if outcome.dry_run or not outcome.placed:
            return
        order = outcome.result if isinstance(outcome.result, OrderResult) else outcome.found
        if order is not None:
            self.fills.track(order)
        self._refresh_orders()

    def _refresh_orders(self) -> None:
        session = self.session
        if session is not None:
            try:
                session.refresh_now("open_orders", "account")
            except Exception:
                log.debug("refresh_now failed", exc_info=True)

    # ------------------------------------------------------------------ cancels

    def _selected_open_order(self) -> Order | None:
        from jextui.ui.widgets.open_orders import OpenOrdersView

        for screen in reversed(list(getattr(self.app, "screen_stack", ()))):
            for view in screen.query(OpenOrdersView):
                order = view.selected_order
                if order is not None:
                    return order
        return None

    def cancel_selected(self) -> None:
        order = self._selected_open_order()
        if order is None:
            self.announcer.say("No open order is selected: Tab to the open-orders pane and pick one with ↑/↓.",
                               severity="warning")
            return
        self.cancel_order(order)

    def cancel_order(self, order: Order) -> None:
        """Cancel one order (the outcome is announced)."""
        reason = self.trading_off_reason()
        submitter = self._ensure_submitter()
        if reason is not None or submitter is None:
            self.announcer.say(f"Cannot cancel: trading is off ({reason or 'no journal'})", severity="error")
            return
        order_id = int(order.order_id)
        if order_id in self._cancelling:
            self.announcer.say(f"Order {order_id} is already being cancelled.", severity="warning")
            return
        self._cancelling.add(order_id)
        self.app.run_worker(self._cancel(submitter, order.symbol, order_id), group="trading-cancels",
                            exit_on_error=False)

    async def _cancel(self, submitter: OrderSubmitter, symbol: str, order_id: int) -> None:
        try:
            outcome = await submitter.cancel(symbol, order_id)
        except Exception as error:
            log.exception("cancel failed unexpectedly")
            self.announcer.say(f"Cancel of order {order_id}: {describe_error(error)}", title="Cancel",
                               severity="error")
            return
        finally:
            self._cancelling.discard(order_id)
        if outcome.result is not None:
            self.fills.observe_order(outcome.result, announce_cancel=False)
        if outcome.cancelled:
            severity = "information"
        elif outcome.cancelled is None or outcome.order_gone:  # unknown, or a fill won the race
            severity = "warning"
        else:
            severity = "error"
        self.announcer.say(outcome.message, title="Cancel", severity=severity)
        self._refresh_orders()
        self._reread_detail_of(order_id)

    def _reread_detail_of(self, order_id: int) -> None:
        """An order-detail screen showing this order reads it again (its status changed)."""
        from jextui.ui.screens.order_detail import OrderDetailScreen

        for screen in getattr(self.app, "screen_stack", ()):
            if isinstance(screen, OrderDetailScreen) and int(screen.order.order_id) == order_id:
                screen.action_reload()

    def cancel_all(self) -> None:
        from jextui.ui.screens.confirm import ConfirmScreen

        reason = self.trading_off_reason()
        if reason is not None:
            self.announcer.say(f"Cannot cancel: trading is off ({reason})", severity="error")
            return
        symbol = self.active_symbol
        if symbol is None:
            self.announcer.say("Choose a symbol first.", severity="warning")
            return
        orders = self.store.orders_of(symbol) if self.store is not None else ()
        if not orders:
            self.announcer.say(f"No open orders on {symbol} to cancel.")
            return

        def answered(confirmed: bool | None) -> None:
            submitter = self._ensure_submitter()
            if confirmed and submitter is not None:
                self.app.run_worker(self._cancel_all(submitter, symbol), group="trading-cancels",
                                    exit_on_error=False)

        count = len(orders)
        lines = [f"{count} open order{'s' if count != 1 else ''} on {symbol} will be cancelled, one by one.",
                 "Orders on other symbols are not touched."]
        self.app.push_screen(ConfirmScreen(f"Cancel all open orders on {symbol}?", lines,
                                           yes_label="Cancel them all", no_label="Keep them", danger=True),
                             answered)

    async def _cancel_all(self, submitter: OrderSubmitter, symbol: str) -> None:
        client = self.client
        try:
            orders = await client.open_orders(symbol) if client is not None else []
        except Exception:  # fall back on the last list the feed delivered
            orders = list(self.store.orders_of(symbol)) if self.store is not None else []
        try:
            outcomes = await submitter.cancel_all(symbol, orders)
        except Exception as error:
            log.exception("cancel-all failed unexpectedly")
            self.announcer.say(f"Cancel all on {symbol}: {describe_error(error)}", title="Cancel all",
                               severity="error")
            return
        for outcome in outcomes:
            if outcome.result is not None:
                self.fills.observe_order(outcome.result, announce_cancel=False)
        text, title, severity = _cancel_all_summary(symbol, outcomes)
        self.announcer.say(text, title=title, severity=severity)
        self._refresh_orders()

    # ------------------------------------------------------------------ order detail, account screens

    def show_selected_order(self) -> None:
        from jextui.ui.screens.order_detail import OrderDetailScreen

        order = self._selected_open_order()
        if order is None:
            self.announcer.say("No open order is selected.", severity="warning")
            return
        self.app.push_screen(OrderDetailScreen(self, order))

    def open_account_screen(self, name: str) -> None:
        from jextui.ui.screens.account import make_account_screen

        if name not in ACCOUNT_SCREENS:
            self.announcer.say(f"There is no account screen called {name!r}.", severity="warning")
            return
        symbol = self.active_symbol
        info = self.store.symbol_info(symbol) if self.store is not None and symbol else None
        asset = info.base_asset if info is not None else None
        try:
            screen = make_account_screen(name, self, symbol, asset)
        except ValueError as error:
            self.announcer.say(f"{ACCOUNT_SCREENS[name]}: {error}.", severity="warning")
            return
        self.app.push_screen(screen)

    # ------------------------------------------------------------------ privacy

    def toggle_privacy(self) -> None:
        """``p`` on a dialog: the app's privacy mode, which every screen follows."""
        self.app.private = not self.app.private

    # ------------------------------------------------------------------ feed events

    def feed_handlers(self) -> dict[type[FeedEvent], Handler]:
        """The controller's rows of the routing table (:mod:`jextui.ui.routing`)."""
        handlers: dict[type[FeedEvent], Handler] = {event_type: self.on_market for event_type in MARKET_EVENTS}
        handlers[StatusUpdate] = self.on_status
        handlers[OpenOrdersUpdate] = self.on_open_orders
        return handlers

    def on_status(self, event: StatusUpdate, _changed: Changed) -> None:
        answering = event.connection in _ANSWERING
        if answering and not self._answering:
            self._retry_unsettled(now=True)  # the exchange answers again: look for what an outage left
        self._answering = answering

    def on_open_orders(self, event: OpenOrdersUpdate, _changed: Changed) -> None:
        self.fills.observe_snapshot(event.symbol, event.orders)

    def on_market(self, _event: FeedEvent, _changed: Changed) -> None:
        """Balances, book, trades or prices moved: an open ticket sizes against them again."""
        ticket = self._open_ticket()
        if ticket is not None:
            ticket.call_later(ticket.market_changed)

    def periodic_checks(self) -> None:
        """Every :data:`PERIODIC_CHECK_S` seconds: open unknown outcomes, and orders on other symbols."""
        self._retry_unsettled()
        self.fills.check_other_symbols(self.active_symbol)

    def _retry_unsettled(self, *, now: bool = False) -> None:
        if not self._unsettled or self._orders_in_flight or self._reconciling:
            return
        if not now and time.monotonic() - self._last_retry < RETRY_MIN_INTERVAL_S:
            return
        reconciler = getattr(self.session, "reconciler", None)
        if reconciler is None:
            return
        self._last_retry = time.monotonic()
        self._reconciling = True
        self.app.run_worker(self._reconcile_unsettled(reconciler), group="trading-reconcile", exit_on_error=False)

    async def _reconcile_unsettled(self, reconciler: Reconciler) -> None:
        try:
            reports = await reconciler.reconcile_pending()
        except Exception:
            log.exception("reconciling unknown outcomes failed")
            return
        finally:
            self._reconciling = False
        for report in reports:
            if report.settled:
                if report.order is not None and report.placed:
                    self.fills.track(report.order)
                self.announcer.say(report.message, title="Order journal", severity="warning")
        self._unsettled = any(not report.settled for report in reports)
        if any(report.placed for report in reports):
            self._refresh_orders()


def _cancel_all_summary(symbol: str, outcomes: Sequence[Any]) -> tuple[str, str, str]:
    """(sentence, title, severity) reporting how many of the open orders were cancelled."""
    total = len(outcomes)
    if total == 0:
        return f"No open orders on {symbol} were left to cancel.", "Cancel all", "information"
    cancelled = sum(1 for outcome in outcomes if outcome.cancelled is True)
    unknown = sum(1 for outcome in outcomes if outcome.cancelled is None)
    refused = total - cancelled - unknown
    text = f"Cancelled {cancelled} of {total} open order{'s' if total != 1 else ''} on {symbol}."
    if refused:
        text += f" {refused} could not be cancelled (already filled or closed)."
    if unknown:
        text += f" {unknown} cancel(s) got no answer: check the open orders."
    severity = "information" if cancelled == total else "warning"
    return text, "Cancel all", severity
