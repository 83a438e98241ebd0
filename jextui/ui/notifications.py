"""Noticing what happens to orders and telling the trader: fills, partial fills, cancellations.

:class:`FillWatcher` feeds a :class:`~jextui.trading.fills.FillTracker` with
every open-orders snapshot, asks get_order about known orders that left the
list (in the background; a failed look is tried again with the next
snapshot), and looks up orders placed here on symbols that are not active
(the feed only polls the active one).  :class:`FillAnnouncer` turns each
event into one Textual notification (a toast); fills and partial fills also
ring the terminal bell when ``settings.bell`` is on.  In privacy mode the
sentences leave out quantities and averages (the order id, side, symbol and
limit price stay, so the trader still knows which order it was).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from jextui.amount_text import amount_text
from jextui.api.models import Order, OrderResult
from jextui.feed.user_sequencer import FillNotice
from jextui.trading.errors_text import describe_error
from jextui.trading.fills import FillEvent, FillEventKind, FillTracker, fill_sentence
from jextui.trading.reconcile import ReconcileReport

__all__ = ["FillAnnouncer", "FillWatcher", "fill_text", "FILL_TITLES", "OTHER_SYMBOLS_PER_CHECK"]

log = logging.getLogger("jextui.trading.ui")

OTHER_SYMBOLS_PER_CHECK = 5
"""Orders on symbols that are not active looked up per check (one request each)."""

FILL_TITLES: dict[FillEventKind, str] = {
    FillEventKind.FILLED: "Order filled",
    FillEventKind.PARTIAL_FILL: "Order partly filled",
    FillEventKind.CANCELED: "Order cancelled",
}
NOTIFICATION_SECONDS = 8.0


def fill_text(event: FillEvent, *, private: bool, precision: tuple[int, int] | None = None) -> str:
    """The sentence for one event, at the symbol's ``precision`` (price, quantity decimals) when
    known; in privacy mode, without amounts."""
    if not private:
        return fill_sentence(event, precision)
    price = amount_text(event.price, None if precision is None else precision[0])
    what = f"{event.side} {event.symbol} @ {price} (order {event.order_id})"
    if event.kind == FillEventKind.FILLED:
        return f"Filled: {what}."
    if event.kind == FillEventKind.PARTIAL_FILL:
        return f"Partly filled: {what}."
    expired = event.expired
    if expired is not None:
        return f"{expired.capitalize()}: {what} ({event.time_in_force})."
    return f"Cancelled: {what} ({event.status})."


class Notify(Protocol):
    """Shows a notification (the app's ``notify``)."""

    def __call__(self, message: str, *, title: str = ..., severity: Any = ..., timeout: float | None = ...) -> None: ...


class FillAnnouncer:
    """Notifications (and the bell) for fill events and reconciliation reports."""

    def __init__(
        self,
        *,
        notify: Notify,
        bell: Callable[[], None],
        bell_on: Callable[[], bool],
        private: Callable[[], bool],
        precision: Callable[[str], tuple[int, int] | None] = lambda _symbol: None,
    ) -> None:
        self._notify = notify
        self._precision = precision
        self._ring = bell
        self._bell = bell_on
        self._private = private
        self.announced: list[str] = []
        """Every sentence announced so far (newest last), for the trader's record and for tests."""
        self.listeners: list[Callable[[list[FillEvent]], None]] = []
        """Also told of every event announced (the alerts: jextui.ui.alerts_watch)."""

    def announce(self, events: Iterable[FillEvent]) -> None:
        events = list(events)
        for listener in self.listeners:
            try:
                listener(events)
            except Exception:  # an alert's trouble must not lose the fill's own notice
                log.exception("a fill listener failed")
        for event in events:
            text = fill_text(event, private=self._private(), precision=self._precision(event.symbol))
            self.announced.append(text)
            is_fill = event.kind in (FillEventKind.FILLED, FillEventKind.PARTIAL_FILL)
            title = "Order expired" if event.expired is not None else FILL_TITLES[event.kind]
            self._notify(text, title=title, timeout=NOTIFICATION_SECONDS)
            if is_fill and self._bell():
                self._ring()

    def announce_reports(self, reports: Iterable[ReconcileReport]) -> None:
        """What the start-up reconciliation found about intents left by an earlier run."""
        reports = list(reports)
        if not reports:
            return
        found = sum(1 for report in reports if report.placed is True)
        absent = sum(1 for report in reports if report.placed is False)
        open_questions = sum(1 for report in reports if not report.settled)
        other = len(reports) - found - absent - open_questions
        parts = [f"{found} found on the exchange"] if found else []
        parts += [f"{absent} not placed"] if absent else []
        parts += [f"{other} cancel(s) settled"] if other else []
        parts += [f"{open_questions} still unknown (looked up again automatically)"] if open_questions else []
        summary = f"{len(reports)} request(s) left unanswered by an earlier run were checked: " + ", ".join(parts) + "."
        self.announced.append(summary)
        severity = "warning" if open_questions else "information"
        self._notify(summary, title="Order journal", severity=severity, timeout=NOTIFICATION_SECONDS * 2)
        for report in reports:
            entry = report.entry
            text = f"Journal entry {entry.id[:8]}: {entry.state}." if self._private() else report.message
            self.announced.append(text)
            self._notify(
                text,
                title="Order journal",
                severity="information" if report.settled else "warning",
                timeout=NOTIFICATION_SECONDS * 2,
            )

    def say(self, text: str, *, title: str = "", severity: str = "information", timeout: float | None = None) -> None:
        """Any other trading message (cancels, outcomes when the ticket is closed)."""
        self.announced.append(text)
        self._notify(text, title=title, severity=severity, timeout=timeout or NOTIFICATION_SECONDS)


class FillWatcher:
    """Feeds the fill tracker and looks up orders; every event goes to the announcer.

    ``client`` returns the API client (or None before the session is up);
    ``run`` starts a coroutine in the background (the app's ``run_worker``).
    """

    def __init__(
        self,
        announcer: FillAnnouncer,
        client: Callable[[], Any],
        run: Callable[[Any], object],
        on_events: Callable[[list[FillEvent]], None] | None = None,
    ) -> None:
        self.tracker = FillTracker()
        self.announcer = announcer
        self._on_events = on_events
        self._client = client
        self._run = run
        self._placed_here: dict[int, str] = {}
        self._lookups: dict[int, str] = {}
        self._looking = False

    def track(self, order: Order | OrderResult) -> None:
        """An order placed (or found) here: announced as it fills, wherever its symbol."""
        self._placed_here[int(order.order_id)] = order.symbol
        self._publish(self.tracker.track(order))

    def observe_order(self, order: Order | OrderResult, *, announce_cancel: bool = True) -> None:
        """One order's state now (a cancel's answer: its own message already says it was cancelled)."""
        events = self.tracker.observe_order(order)
        self._record(events)
        self.announcer.announce(e for e in events if announce_cancel or e.kind != FillEventKind.CANCELED)

    def _publish(self, events: list[FillEvent]) -> None:
        self._record(events)
        self.announcer.announce(events)

    def _record(self, events: list[FillEvent]) -> None:
        """Hand the events to ``on_events`` (the order journal keeps each order's latest state)."""
        if events and self._on_events is not None:
            try:
                self._on_events(events)
            except Exception:
                log.exception("recording order states failed")

    def observe_stream_fills(self, notices: Iterable[FillNotice]) -> None:
        """Fill notices from the account stream: each fill announced once, whichever
        of the stream and the open-orders snapshots tells it first."""
        for notice in notices:
            if notice.order is None:
                continue
            try:
                events = self.tracker.observe_reported(notice.order, filled_before=notice.filled_qty - notice.qty)
            except Exception:  # one odd notice must not stop the next ones
                log.exception("fill tracking failed")
                continue
            self._publish(events)

    def observe_snapshot(self, symbol: str, orders: Sequence[Order]) -> None:
        """A complete open-orders snapshot of ``symbol`` (from the feed)."""
        try:
            self._publish(self.tracker.observe_open_orders(symbol, orders))
            for lookup_symbol, order_id in self.tracker.take_lookups():
                self._lookups.setdefault(order_id, lookup_symbol)
        except Exception:  # a surprise in one snapshot must not stop the next ones
            log.exception("fill tracking failed")
            return
        self._start_lookups()

    def check_other_symbols(self, active: str | None) -> None:
        """Look up a few orders placed here on symbols the feed does not poll now."""
        known = self.tracker.known_order_ids
        for order_id in [order_id for order_id in self._placed_here if order_id not in known]:
            del self._placed_here[order_id]
        others = [(order_id, symbol) for order_id, symbol in self._placed_here.items() if symbol != active]
        for order_id, symbol in others[:OTHER_SYMBOLS_PER_CHECK]:
            self._lookups.setdefault(order_id, symbol)
        self._start_lookups()

    def _start_lookups(self) -> None:
        if self._lookups and not self._looking and self._client() is not None:
            self._looking = True
            self._run(self._look_up())

    async def _look_up(self) -> None:
        """Ask get_order about each pending order; a failed look waits for the next snapshot."""
        try:
            pending, self._lookups = self._lookups, {}
            for order_id, symbol in pending.items():
                client = self._client()
                if client is None:
                    self._lookups.setdefault(order_id, symbol)
                    continue
                try:
                    order = await client.get_order(symbol, order_id)
                except Exception as error:
                    log.info("order %s not looked up yet: %s", order_id, describe_error(error))
                    self._lookups.setdefault(order_id, symbol)
                    continue
                self._publish(self.tracker.observe_order(order))
        finally:
            self._looking = False
