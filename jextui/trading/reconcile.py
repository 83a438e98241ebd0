"""Find out what happened to requests whose answer was lost (UNKNOWN outcomes).

An order whose request ended in a timeout, a 5xx or a dropped connection may
or may not be on the exchange.  It is never resent; instead the
:class:`Reconciler` looks for it:

* **orders** — ``open_orders(symbol)`` plus ``history_orders(symbol,
  start_time=created - skew)``; a candidate must have the intent's side,
  price, quantity (numerically equal) and time in force, a time inside
  ``[created - skew, now + skew]``.  The candidate closest in time that no
  other journal entry holds is claimed (each exchange order id has at most
  one live claim, enforced by the journal), so two identical intents claim
  two different orders.  Found → ``RESOLVED``.
* A candidate another entry holds is claimed when it cannot be that entry's
  order — another side, price, quantity or creation time: the exchange
  handed the same id out again, e.g. after a restart, and the older claim is
  marked reused.  It is skipped when the exchange's own answer gave that very
  order to the other entry (an ACCEPTED row, same terms, same creation time).
  Otherwise — the other entry only *guessed* it, or its time is not known —
  the match is **contested**: the entry stays
  ``UNKNOWN`` and the report says which order to look at.
* ``NOT_PLACED`` needs positive evidence: both lists answered, the history
  page was complete, the grace period is over, and no order on the exchange
  matches at all (besides orders the exchange itself gave to other entries).
  Before the grace period the entry stays ``UNKNOWN`` and one more look is
  due (:meth:`Reconciler.settle` waits and looks again).
* **cancels** — ``get_order`` tells the order's status now → ``RESOLVED``.
* **replaces** left between their steps by an earlier run are settled after
  their intents (:mod:`jextui.trading.replace_reconcile`).

Why ``grace_ms`` defaults to recvWindow + 1 s: the exchange refuses a signed
request whose timestamp is more than recvWindow old, so once that much time
has passed after the intent was written, a request that has not shown up can
no longer be executed.

Limitation: an identical order placed outside jextui (another app, the web
site) in the same few seconds could be taken for ours; the report says which
order id was claimed.

Every look is recorded in the journal; every outcome comes back as a
:class:`ReconcileReport` whose ``message`` is a sentence for a notification.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from jextui.api.errors import UnknownOrder
from jextui.api.models import Order
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import (
    ACCEPTED,
    KIND_CANCEL,
    PENDING,
    SAME_ORDER_TOLERANCE_MS,
    JournalEntry,
    JournalError,
    OrderAlreadyClaimed,
    OrderJournal,
)
from jextui.trading.reconcile_report import ReconcileReport

__all__ = ["ReconcileReport", "Reconciler", "DEFAULT_SKEW_MS", "DEFAULT_GRACE_MS"]

log = logging.getLogger("jextui.trading")
_JOURNAL_FAILURES = (JournalError, sqlite3.Error, OSError)

DEFAULT_SKEW_MS = 5_000
DEFAULT_GRACE_MS = 6_000  # default recvWindow (5000 ms) + 1 s
#: historyOrders answers at most this many orders: a full page may leave some out.
HISTORY_PAGE = 500


class OrderReader(Protocol):
    """The part of the API client the reconciler needs."""

    async def open_orders(self, symbol: str) -> list[Order]: ...
    async def history_orders(self, symbol: str, *, start_time: int | None = None) -> list[Order]: ...
    async def get_order(self, symbol: str, order_id: int) -> Order: ...


def _another_order(owner: JournalEntry, order: Order) -> bool:
    """True when ``order`` cannot be the one ``owner`` holds under the same id (the id was handed out again).

    One order has one side, price, quantity and creation time: if the
    owner's request differs in any of them, the exchange gave its id to a
    later order as well.
    """
    if owner.side != order.side or owner.price != order.price or owner.quantity != order.orig_qty:
        return True
    if owner.order_time_ms is None:
        return False
    return abs(owner.order_time_ms - int(order.time)) > SAME_ORDER_TOLERANCE_MS


def _server_now(client: object) -> Callable[[], int]:
    clock = getattr(client, "clock", None)
    now: Callable[[], int] | None = getattr(clock, "now_ms", None)
    if callable(now):
        return now
    # pragma: no mutate below: '/' gives the same instant as a float, and it is only compared and subtracted
    return lambda: time.time_ns() // 1_000_000  # pragma: no mutate


class Reconciler:
    """Resolves UNKNOWN intents of one journal scope against the exchange."""

    def __init__(
        self,
        client: OrderReader,
        journal: OrderJournal,
        *,
        skew_ms: int = DEFAULT_SKEW_MS,
        grace_ms: int = DEFAULT_GRACE_MS,
        now_ms: Callable[[], int] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.journal = journal
        self.skew_ms = skew_ms
        self.grace_ms = grace_ms
        self._now_ms = now_ms or _server_now(client)
        self._sleep = sleep

    async def reconcile_pending(self) -> list[ReconcileReport]:
        """Look once at every open question of this scope (UNKNOWN, or PENDING from earlier runs).

        Never raises for a journal problem: it is logged, and the entries it
        concerns are reported as still open.
        """
        try:
            pending = await self.journal.call(self.journal.needing_reconciliation)
        except _JOURNAL_FAILURES as exc:
            log.error("cannot read the order journal to reconcile: %s", exc)
            return []
        reports = []
        for entry in pending:
            try:
                reports.append(await self.reconcile(entry.id))
            except _JOURNAL_FAILURES as exc:
                log.error("cannot update the order journal for %s: %s", entry.describe(), exc)
                text = f"{entry.describe()}: outcome still unknown (the journal could not be updated)."
                reports.append(ReconcileReport(entry, False, None, text))
        from jextui.trading.replace_reconcile import settle_replaces  # it builds on this module

        return await settle_replaces(self, reports)

    async def settle(self, entry_id: str, *, looks: int = 2) -> ReconcileReport:
        """Look, and if still unsettled wait until the grace period is over and look again."""
        report = await self.reconcile(entry_id)
        for _ in range(max(0, looks - 1)):
            if report.settled:
                break
            wait_ms = report.entry.created_ms + self.grace_ms - self._now_ms()
            await self._sleep(max(0, min(wait_ms, self.grace_ms)) / 1000)
            report = await self.reconcile(entry_id)
        return report

    async def reconcile(self, entry_id: str) -> ReconcileReport:
        """One look at the exchange for one intent."""
        entry = await self.journal.call(self.journal.get, entry_id)
        if not entry.is_open_question:
            return ReconcileReport(entry, True, None, f"{entry.describe()}: already settled ({entry.state}).")
        if entry.state == PENDING:
            if entry.session == self.journal.session:
                return ReconcileReport(entry, False, None, f"{entry.describe()}: the request is still in flight.")
            entry = await self.journal.call(
                self.journal.mark_unknown, entry.id, "left without an answer by an earlier run"
            )
        if entry.kind == KIND_CANCEL:
            return await self._reconcile_cancel(entry)
        return await self._reconcile_order(entry)

    # -- orders --

    async def _reconcile_order(self, entry: JournalEntry) -> ReconcileReport:
        try:
            candidates, complete = await self._candidates(entry)
        except Exception as exc:  # any failure to look leaves the question open
            return await self._still_unknown(entry, f"could not check yet ({describe_error(exc)})")
        contested: list[Order] = []  # matches the journal links to another request
        for order in self._matching(entry, candidates):
            order_id = int(order.order_id)
            owner = await self.journal.call(self.journal.claim_owner, entry.symbol, order_id)
            reused_by = None
            if owner is not None and owner.id != entry.id:
                if _another_order(owner, order):
                    reused_by = owner.id  # the owner's order is an older one that had the same id
                elif owner.state == ACCEPTED and owner.order_time_ms is not None:
                    continue  # the exchange's own answer gave this order to the owner
                else:
                    contested.append(order)
                    continue
            try:
                resolved = await self.journal.call(
                    self.journal.mark_resolved,
                    entry.id,
                    order_id=order_id,
                    order_status=order.status,
                    message=f"found on the exchange: order {order_id} ({order.status})",
                    order_time_ms=int(order.time),
                    reused_by=reused_by,
                )
            except OrderAlreadyClaimed:
                contested.append(order)
                continue
            found = f"order {order_id}, {order.status}"
            text = f"{entry.describe()}: the order did reach the exchange ({found})."
            return ReconcileReport(resolved, True, order, text)
        if contested:
            return await self._contested(entry, contested)
        if not complete:
            return await self._still_unknown(
                entry, "the exchange's order history is longer than one page; look it up in order history"
            )
        if self._now_ms() - entry.created_ms >= self.grace_ms:
            settled = await self.journal.call(
                self.journal.mark_not_placed, entry.id, "no matching order on the exchange"
            )
            text = f"{entry.describe()} was NOT placed: no matching order on the exchange."
            return ReconcileReport(settled, True, None, text)
        return await self._still_unknown(entry, "not visible on the exchange yet; looking again shortly")

    async def _contested(self, entry: JournalEntry, contested: list[Order]) -> ReconcileReport:
        """Matching orders exist but the journal links each to another request: say so, decide nothing."""
        ids = ", ".join(str(int(order.order_id)) for order in contested)
        plural = "s" if len(contested) > 1 else ""
        why = (
            f"order{plural} {ids} on {entry.symbol} match{'' if plural else 'es'} this request, but the journal "
            f"links {'them' if plural else 'it'} to another request, so it may or may not be this one"
        )
        noted = await self.journal.call(self.journal.note_attempt, entry.id, why)
        text = (
            f"{entry.describe()}: outcome still UNKNOWN: {why}. It may have been placed; do not send it again "
            f"before looking at order {ids} in order history (H). It is looked up again automatically."
        )
        return ReconcileReport(noted, False, None, text)

    async def _candidates(self, entry: JournalEntry) -> tuple[list[Order], bool]:
        """Open and recent orders of the symbol, and whether the history page was complete."""
        start = max(0, entry.created_ms - self.skew_ms)
        open_now = await self.client.open_orders(entry.symbol)
        history = await self.client.history_orders(entry.symbol, start_time=start)
        unique: dict[int, Order] = {}
        for order in [*history, *open_now]:  # the open-orders view is the fresher one
            unique[int(order.order_id)] = order
        return list(unique.values()), len(history) < HISTORY_PAGE

    def _matching(self, entry: JournalEntry, candidates: Iterable[Order]) -> list[Order]:
        earliest = entry.created_ms - self.skew_ms
        latest = self._now_ms() + self.skew_ms
        found = [
            order
            for order in candidates
            if order.symbol == entry.symbol
            and order.side == entry.side
            and entry.price is not None
            and order.price == entry.price
            and entry.quantity is not None
            and order.orig_qty == entry.quantity
            and earliest <= order.time <= latest
        ]
        # The time in force ranks candidates but never rules one out: an exchange that ignores
        # it lists an IOC order as GTC, and an order that reached the exchange must never be
        # called NOT placed (the time-in-force check then cancels the resting one at once).
        return sorted(
            found,
            key=lambda order: (
                _other_time_in_force(entry, order),
                abs(order.time - entry.created_ms),
                int(order.order_id),
            ),
        )

    # -- cancels --

    async def _reconcile_cancel(self, entry: JournalEntry) -> ReconcileReport:
        assert entry.order_id is not None
        try:
            order = await self.client.get_order(entry.symbol, entry.order_id)
        except UnknownOrder:
            settled = await self.journal.call(
                self.journal.mark_resolved,
                entry.id,
                order_id=None,
                order_status=None,
                message="the order no longer exists on the exchange",
            )
            return ReconcileReport(settled, True, None, f"Order {entry.order_id} no longer exists on the exchange.")
        except Exception as exc:
            return await self._still_unknown(entry, f"could not check yet ({describe_error(exc)})")
        status = order.status
        done = status in ("CANCELED", "CANCLEFILLED")
        words = "the cancel took effect" if done else f"the order is {status}: the cancel did not take effect"
        settled = await self.journal.call(
            self.journal.mark_resolved, entry.id, order_id=None, order_status=status, message=words
        )
        return ReconcileReport(settled, True, order, f"Order {entry.order_id} on {entry.symbol}: {words}.")

    async def _still_unknown(self, entry: JournalEntry, why: str) -> ReconcileReport:
        noted = await self.journal.call(self.journal.note_attempt, entry.id, why)
        return ReconcileReport(noted, False, None, f"{entry.describe()}: outcome still unknown, {why}.")


def _other_time_in_force(entry: JournalEntry, order: Order) -> bool:
    """Whether ``order`` says a time in force other than the one ``entry`` asked for."""
    return bool(entry.time_in_force and order.time_in_force and order.time_in_force != entry.time_in_force)
