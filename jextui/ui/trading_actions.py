"""Trading from the keyboard: the app's bridge to tickets, cancels and account screens.

The controller is built with typed dependencies (:class:`TradingDeps`): the
session (client, the single submitter, journal, reconciler), the market
store, the settings, and the few console services it uses
(:class:`ConsoleServices`: screens, workers, notifications); the app's
choices come in as callables (the active symbol, the selected book level
and open order, privacy).  The app calls :meth:`~TradingController.startup`,
:meth:`~TradingController.open_ticket`, :meth:`~TradingController.cancel_selected`,
:meth:`~TradingController.cancel_all`, :meth:`~TradingController.show_selected_order`
and :meth:`~TradingController.open_account_screen`, and subscribes
:meth:`~TradingController.feed_handlers` to the routing table.

How it works:

* **Orders** go out through the session's one :class:`OrderSubmitter`
  (write-ahead: nothing is sent that is not on disk first), in an app-level
  worker, so closing the ticket never cuts an order short.  The worker
  posts :class:`~jextui.ui.messages.OrderProgress` messages to the ticket
  (sending, checking — the session reports the moment an answer is lost,
  before the reconciler's verdict — and the outcome); a ticket that was
  closed meanwhile gets a notification instead.  An accepted (or found)
  order is tracked for fills and the open-orders and account feeds are
  refreshed at once.
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

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
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
from jextui.feed.stream_events import FillsUpdate
from jextui.market_store import Changed
from jextui.trading.errors_text import describe_error
from jextui.trading.reconcile import Reconciler
from jextui.trading.replace import start_replace
from jextui.trading.sizing import LastSizes
from jextui.trading.submit import OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest
from jextui.ui import order_handling
from jextui.ui.keymap import ACCOUNT_SCREENS  # screen name -> title, with their keys
from jextui.ui.messages import OrderProgress
from jextui.ui.notifications import FillAnnouncer, FillWatcher
from jextui.ui.routing import Handler
from jextui.ui.screens.ticket_modes import BookView
from jextui.ui.trading_cancels import CancelActions
from jextui.ui.trading_deps import NO_CREDENTIALS, ConsoleServices, TradingDeps

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.config import Settings
    from jextui.market_store import MarketStore
    from jextui.session import Session
    from jextui.ui.screens.order_detail import OrderDetailScreen
    from jextui.ui.screens.ticket import TicketScreen

__all__ = ["ACCOUNT_SCREENS", "ConsoleServices", "TradingDeps", "TradingController", "PERIODIC_CHECK_S"]

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


class TradingController(CancelActions):
    """Tickets, cancels, order detail, account screens and fill announcements."""

    def __init__(self, deps: TradingDeps) -> None:
        self.deps = deps
        self.console = deps.console
        self.announcer = FillAnnouncer(
            notify=deps.console.notify,
            bell=deps.console.bell,
            bell_on=self._bell_enabled,
            private=deps.private,
            precision=deps.store.precision,
        )
        self.fills = FillWatcher(
            self.announcer,
            lambda: self.client,
            self._in_background("trading-lookups"),
            on_events=self._journal_order_states,
        )
        self._ticket: TicketScreen | None = None
        self._sending_to: TicketScreen | None = None  # the ticket whose order is in flight
        self._details: list[OrderDetailScreen] = []
        self._cancelling: set[int] = set()
        self._orders_in_flight = 0
        self._unsettled = False  # an UNKNOWN outcome is still open in the journal
        self._reconciling = False
        self._last_retry = float("-inf")  # time.monotonic() of the last look for unknown outcomes
        self._answering = True  # whether the exchange answered at the last status
        self._last_sizes: LastSizes | None = None

    # ------------------------------------------------------------------ what screens read

    @property
    def private(self) -> bool:
        """Privacy mode (the app's): amounts are left out of what is said."""
        return self.deps.private()

    @property
    def session(self) -> Session:
        return self.deps.session

    @property
    def client(self) -> JexClient | None:
        return self.deps.session.client

    @property
    def store(self) -> MarketStore:
        return self.deps.store

    @property
    def active_symbol(self) -> str | None:
        return self.deps.active_symbol()

    @property
    def time_zone(self) -> tzinfo | None:
        """The zone times are shown in (None: local time)."""
        return self.deps.time_zone

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def confirm_orders(self) -> bool:
        return bool(self.settings.confirm_orders)

    @property
    def fat_finger_pct(self) -> Decimal:
        try:
            return Decimal(self.settings.fat_finger_pct)
        except (ArithmeticError, TypeError, ValueError):
            return Decimal(5)

    @property
    def fat_finger_passive(self) -> str:
        return str(getattr(self.settings, "fat_finger_passive", "hint"))

    @property
    def max_slippage_pct(self) -> Decimal:
        try:
            return Decimal(self.settings.max_slippage_pct)
        except (ArithmeticError, TypeError, ValueError):
            return Decimal("0.5")

    def book_view(self, symbol: str) -> BookView:
        """``symbol``'s book as last read, with its age by the feed's own clock (None: not known)."""
        from jextui.feed.health import STALE_AFTER_PERIODS

        depth = self.store.depth.get(symbol)
        if depth is None:
            return BookView()
        status = self.store.status
        health = status.health.get("book") if status is not None else None
        age = None
        stale_after = 3000
        if health is not None and health.symbol in (symbol, None):
            age = health.age_ms()
            stale_after = STALE_AFTER_PERIODS * health.desired_period_ms
        return BookView(asks=tuple(depth.asks), bids=tuple(depth.bids), age_ms=age, stale_after_ms=stale_after)

    def _in_background(self, group: str) -> Callable[[Any], object]:
        """Start a coroutine as an app worker (it outlives any screen; a failure never ends the app)."""

        def run(work: Any) -> object:
            return self.console.run_worker(work, group=group, exit_on_error=False)

        return run

    def _bell_enabled(self) -> bool:
        return bool(self.settings.bell)

    def precision(self, symbol: str) -> tuple[int, int] | None:
        return self.store.precision(symbol)

    @property
    def demo(self) -> bool:
        return bool(self.settings.demo)

    def known_assets(self) -> list[str]:
        return sorted(self.store.free_balances() or {})

    def remember_trade_fees(self, fees: Sequence[TradeFee]) -> None:
        self.store.trade_fees.update({fee.symbol: fee for fee in fees})

    def trading_off_reason(self) -> str | None:
        """Why orders cannot be sent now, in words; None when they can."""
        session, client = self.session, self.client
        if client is None:
            return "not connected to an exchange yet."
        if not client.has_credentials:
            return NO_CREDENTIALS
        if session.journal_error:
            return f"{session.journal_error}."
        if session.submitter is None or session.journal is None:
            return "the order journal is not open, and no order is sent without it."
        return None

    def account_unavailable_reason(self, *, key_only: bool = False) -> str | None:
        """Why account screens have nothing to show, in words; None when they can load."""
        client = self.client
        if client is None:
            return "Not connected to an exchange yet."
        if key_only and not client.has_api_key:
            return (
                "This needs an API key (the exchange serves market trade history to key holders): "
                "configure one for this profile."
            )
        if not key_only and not client.has_credentials:
            return "There is no account data to show: " + NO_CREDENTIALS
        return None

    def market_context(self, symbol: str) -> dict[str, object]:
        """Balances, fee and prices for a ticket on ``symbol``, from the store."""
        store = self.store
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
            self.console.set_interval(PERIODIC_CHECK_S, self.periodic_checks, name="trading-periodic-checks")
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
        reconciler = self.session.reconciler
        if reconciler is None:
            return
        reports = await reconciler.reconcile_pending()
        for report in reports:
            if report.order is not None and report.placed:
                self.fills.track(report.order)
        self._unsettled = self._unsettled or any(not report.settled for report in reports)
        self.announcer.announce_reports(reports)
        if any(report.placed for report in reports):
            self._refresh_orders()

    # ------------------------------------------------------------------ tickets

    @property
    def has_open_ticket(self) -> bool:
        return self._ticket is not None

    def stale_market_note(self, symbol: str) -> str | None:
        """Why the market data a ticket on ``symbol`` relies on is stale, or None (jextui.ui.stale_ticket)."""
        from jextui.ui.stale_ticket import stale_market_note

        return stale_market_note(self.session.feed_health(), symbol, self.session.now_ms())

    @property
    def orders_in_flight(self) -> int:
        """Orders sent whose answer has not arrived yet."""
        return self._orders_in_flight

    def open_ticket(self, side: str, amend: Order | None = None) -> None:
        from jextui.ui.screens.ticket import TicketScreen

        side = "SELL" if str(side).upper() == "SELL" else "BUY"
        symbol = self.active_symbol if amend is None else amend.symbol
        if symbol is None:
            self.announcer.say("Choose a symbol first.", severity="warning")
            return
        if self.has_open_ticket:
            self.announcer.say("An order ticket is already open.", severity="warning")
            return
        info = self.store.symbol_info(symbol)
        if info is None:
            self.announcer.say(
                f"The trading rules of {symbol} are not loaded yet; try again in a moment.", severity="warning"
            )
            return
        level = None if amend is not None else self.deps.selected_level_price()
        ticket = TicketScreen(self, side, info, level, amend=amend)
        self._ticket = ticket

        def closed(_result: object) -> None:
            if self._ticket is ticket:
                self._ticket = None
                self.deps.on_screen_changed()  # the ticket's feeds may stop

        self.console.push_screen(ticket, closed)
        self._feed_the_ticket()
        if symbol not in self.store.trade_fees:
            self.console.run_worker(self._fees_for_ticket(symbol), group="trading-fees", exit_on_error=False)

    def _feed_the_ticket(self) -> None:
        """A ticket needs the balances and the book: make sure they are polled, and fresh."""
        self.console.call_after_refresh(self.deps.on_screen_changed)
        if self.store.account is None:
            self.session.refresh_now("account")

    async def _fees_for_ticket(self, symbol: str) -> None:
        await self._load_trade_fees(symbol)
        if self._ticket is not None:
            self._ticket.market_changed()

    def send_order(self, ticket: TicketScreen, request: OrderRequest, dry_run: bool) -> None:
        """Send a validated order from ``ticket``; its progress and outcome come to it as messages."""
        submitter = self.session.submitter
        reason = self.trading_off_reason()
        if submitter is None or reason is not None:
            text = f"Not sent: trading is off ({reason or 'the order journal is not open.'})"
            ticket.post_message(OrderProgress("refused", text=text))
            return
        ticket.post_message(OrderProgress("sending", dry_run=dry_run))
        self.console.run_worker(
            self._send(submitter, ticket, request, dry_run), group="trading-orders", exit_on_error=False
        )

    def outcome_unknown(self) -> None:
        """The session's word that the answer of the order in flight was lost: it is being looked for."""
        ticket = self._sending_to
        if ticket is None or not self._tell(ticket, OrderProgress("checking")):
            self.announcer.say("An order's answer was lost: outcome unknown — checking…", severity="warning")

    async def _send(
        self, submitter: OrderSubmitter, ticket: TicketScreen, request: OrderRequest, dry_run: bool
    ) -> SubmitOutcome:
        self._orders_in_flight += 1
        self._sending_to = ticket
        try:
            outcome = await submitter.submit(request, dry_run=dry_run)
        except Exception as error:  # never a traceback: an unexpected failure is an unknown outcome
            log.exception("submitting an order failed unexpectedly")
            outcome = SubmitOutcome(
                OutcomeKind.UNKNOWN, f"Unexpected failure: {describe_error(error)}", dry_run=dry_run, error=error
            )
        finally:
            self._orders_in_flight -= 1
            self._sending_to = None
        if outcome.kind == OutcomeKind.UNKNOWN:
            self._unsettled = True
        self._tell_journal_problem(outcome.journal_problem)
        self._after_submit(outcome)
        if not self._tell(ticket, OrderProgress("done", dry_run=dry_run, outcome=outcome, request=request)):
            from jextui.ui.order_outcome_text import outcome_text

            text, level = outcome_text(outcome, private=self.private)
            self.announcer.say(
                text,
                title="Order",
                severity="error" if level == "error" else "warning" if level == "warn" else "information",
            )
        return outcome

    def _tell_journal_problem(self, problem: str) -> None:
        """A journal write that failed after a request went out is said, not only logged."""
        if problem:
            self.announcer.say(problem, title="Order journal", severity="error", timeout=30.0)

    def _journal_order_states(self, events: Sequence[Any]) -> None:
        """Keep each journalled order's latest known state (fills, cancels) in the journal."""
        journal = self.session.journal
        if journal is None or not events:
            return
        # Queued now, in the order seen; written on the journal's thread, off the event loop.
        writes: list[tuple[Any, Awaitable[object]]] = []
        for event in events:
            try:
                writes.append(
                    (
                        event,
                        journal.call(
                            journal.note_order_status,
                            event.symbol,
                            event.order_id,
                            event.status,
                            executed_qty=event.executed_qty,
                        ),
                    )
                )
            except Exception as error:  # the journal is closed
                self._tell_order_state_failed(event, error)
        if writes:
            self._in_background("order-journal")(self._await_order_states(writes))

    async def _await_order_states(self, writes: list[tuple[Any, Awaitable[object]]]) -> None:
        for event, write in writes:
            try:
                await write
            except Exception as error:
                self._tell_order_state_failed(event, error)

    def _tell_order_state_failed(self, event: Any, error: Exception) -> None:
        log.error("order journal update failed for order %s: %s", event.order_id, error)
        self._tell_journal_problem(
            f"The order journal could not record that order {event.order_id} is {event.status} ({error})."
        )

    def _tell(self, ticket: TicketScreen, progress: OrderProgress) -> bool:
        """Post ``progress`` to ``ticket`` if it is still open; False when it was closed."""
        return ticket.is_attached and ticket.post_message(progress)

    def _after_submit(self, outcome: SubmitOutcome) -> None:
        if outcome.dry_run or not outcome.placed:
            return
        order = outcome.result if isinstance(outcome.result, OrderResult) else outcome.found
        if order is not None:
            self.fills.track(order)
            self.deps.select_order_when_listed(int(order.order_id))
        self._refresh_orders()

    def _refresh_orders(self) -> None:
        try:
            self.session.refresh_now("open_orders", "account")
        except Exception:
            log.debug("refresh_now failed", exc_info=True)

    # ------------------------------------------------------------------ amend

    def amend_selected(self) -> None:
        order = self.deps.selected_order()
        if order is None:
            self.announcer.say(
                "No open order is selected: Tab to the open-orders pane and pick one with ↑/↓.", severity="warning"
            )
            return
        self.amend_order(order)

    def amend_order(self, order: Order) -> None:
        """Open the ticket prefilled with ``order``'s side, remaining quantity and price; Enter replaces it."""
        if order.status not in ("NEW", "PARTIALLY_FILLED"):
            self.announcer.say(f"Order {int(order.order_id)} is no longer open: nothing to amend.", severity="warning")
            return
        self.open_ticket(order.side, amend=order)

    def replace_order(self, ticket: TicketScreen, order: Order, request: OrderRequest) -> None:
        """Replace ``order`` by ``request`` (cancel, confirm the cancel, place); progress goes to ``ticket``."""
        submitter, client = self.session.submitter, self.client
        reason = self.trading_off_reason()
        if submitter is None or client is None or reason is not None:
            ticket.post_message(OrderProgress("refused", text=f"Not replaced: trading is off ({reason})"))
            return
        try:
            plan = start_replace(order, request.price, request.quantity, rules=ticket.ticket.rules)
        except ValueError as error:
            ticket.post_message(OrderProgress("refused", text=f"Not replaced: {error}."))
            return
        ticket.post_message(OrderProgress("sending"))
        self.console.run_worker(
            self._replace(plan, submitter, client, ticket), group="trading-orders", exit_on_error=False
        )

    async def _replace(self, plan: Any, submitter: OrderSubmitter, client: JexClient, ticket: TicketScreen) -> None:
        from jextui.ui.screens.confirm import ConfirmScreen

        def tell(text: str, level: str) -> None:
            if not self._tell(ticket, OrderProgress("sending", text=text)):
                self.announcer.say(text, title="Amend", severity="warning" if level == "warn" else "error")

        async def ask_remainder(question: str) -> bool:
            answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

            def answered(confirmed: bool | None) -> None:
                if not answer.done():
                    answer.set_result(bool(confirmed))

            self.console.push_screen(
                ConfirmScreen(
                    "Place the remainder?", [question], yes_label="Place it", no_label="Place nothing", yes_keys=("y",)
                ),
                answered,
            )
            return await answer

        self._orders_in_flight += 1
        try:
            done = await order_handling.run_replace(plan, submitter, client, tell=tell, ask_remainder=ask_remainder)
        finally:
            self._orders_in_flight -= 1
        if done.outcome is not None:
            self._after_submit(done.outcome)
        else:
            self._refresh_orders()
        self._reread_detail_of(done.order_id)
        if not done.done:
            text, level = done.message + " Nothing new was placed; check the order.", "warn"
        elif done.placed:
            text, level = done.message, "ok"
        else:
            text, level = done.message, "warn"
        if not self._tell(ticket, OrderProgress("replaced", text=text, level=level)):
            self.announcer.say(text, title="Amend", severity="information" if level == "ok" else "warning")

    # ------------------------------------------------------------------ sizes remembered

    def last_size(self, symbol: str, side: str) -> str | None:
        return self.last_sizes.get(symbol, side)

    @property
    def last_sizes(self) -> LastSizes:
        if self._last_sizes is None:
            from jextui.config.state import load_state

            try:
                self._last_sizes = LastSizes.from_state(load_state(self.settings.state_path).last_sizes)
            except Exception:
                log.debug("last sizes not read", exc_info=True)
                self._last_sizes = LastSizes()
        return self._last_sizes

    def remember_size(self, symbol: str, side: str, text: str) -> None:
        from jextui.ui.selection import save_ui_state

        if self.last_sizes.remember(symbol, side, text):
            save_ui_state(self.settings.state_path, last_sizes=self.last_sizes.to_state())

    def _reread_detail_of(self, order_id: int) -> None:
        """An order-detail screen showing this order reads it again (its status changed)."""
        for screen in self._details:
            if int(screen.order.order_id) == order_id:
                screen.action_reload()

    # ------------------------------------------------------------------ order detail, account screens

    def show_selected_order(self) -> None:
        from jextui.ui.screens.order_detail import OrderDetailScreen

        order = self.deps.selected_order()
        if order is None:
            self.announcer.say("No open order is selected.", severity="warning")
            return
        screen = OrderDetailScreen(self, order)
        self._details.append(screen)
        self.console.push_screen(screen, lambda _result: self._details.remove(screen))

    def open_account_screen(self, name: str) -> None:
        from jextui.ui.screens.account import make_account_screen

        if name not in ACCOUNT_SCREENS:
            self.announcer.say(f"There is no account screen called {name!r}.", severity="warning")
            return
        symbol = self.active_symbol
        info = self.store.symbol_info(symbol) if symbol else None
        asset = info.base_asset if info is not None else None
        try:
            screen = make_account_screen(name, self, symbol, asset)
        except ValueError as error:
            self.announcer.say(f"{ACCOUNT_SCREENS[name]}: {error}.", severity="warning")
            return
        self.console.push_screen(screen)

    # ------------------------------------------------------------------ privacy

    def toggle_privacy(self) -> None:
        """``p`` on a dialog: the app's privacy mode, which every screen follows."""
        self.deps.set_private(not self.deps.private())

    # ------------------------------------------------------------------ feed events

    def feed_handlers(self) -> dict[type[FeedEvent], Handler]:
        """The controller's rows of the routing table (:mod:`jextui.ui.routing`)."""
        handlers: dict[type[FeedEvent], Handler] = {event_type: self.on_market for event_type in MARKET_EVENTS}
        handlers[StatusUpdate] = self.on_status
        handlers[OpenOrdersUpdate] = self.on_open_orders
        handlers[FillsUpdate] = self.on_stream_fills
        return handlers

    def on_stream_fills(self, event: FillsUpdate, _changed: Changed) -> None:
        self.fills.observe_stream_fills(event.notices)

    def on_status(self, event: StatusUpdate, _changed: Changed) -> None:
        answering = event.connection in _ANSWERING
        if answering and not self._answering:
            self._retry_unsettled(now=True)  # the exchange answers again: look for what an outage left
        self._answering = answering

    def on_open_orders(self, event: OpenOrdersUpdate, _changed: Changed) -> None:
        self.fills.observe_snapshot(event.symbol, event.orders)

    def on_market(self, _event: FeedEvent, _changed: Changed) -> None:
        """Balances, book, trades or prices moved: an open ticket sizes against them again."""
        ticket = self._ticket
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
        reconciler = self.session.reconciler
        if reconciler is None:
            return
        self._last_retry = time.monotonic()
        self._reconciling = True
        self.console.run_worker(self._reconcile_unsettled(reconciler), group="trading-reconcile", exit_on_error=False)

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
