"""Sending orders and cancels: journal first, then the request, then the answer.

:meth:`OrderSubmitter.submit` validates the ticket (nothing is sent while
anything is wrong), commits the intent to the journal, sends the order with
``newOrderRespType=RESULT`` (or to ``order/test`` for a dry run), and records
the answer.  When the answer is lost — a timeout, a 5xx, a dropped
connection, an undecodable body, or the task being cancelled mid-request —
the outcome is UNKNOWN: the order is **never resent**; the reconciler looks
for it (one look, then one more once the grace period is over) and the
outcome says what it found.

Orders go out one at a time per submitter (an asyncio lock), so an in-flight
order can never be mistaken for an unknown one by the reconciler.

Cancels are journalled the same way; :meth:`OrderSubmitter.cancel_all`
cancels one order after another and reports each.

If the journal cannot be written, nothing is sent (``NOT_SENT``).  If it
fails *after* a request went out, the answer is still reported, and the
outcome's ``journal_problem`` says in words that the journal missed it (the
UI shows it); the intent stays PENDING on disk and is reconciled at the next
start.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal, Protocol

from jextui.api.errors import DecodeError, NotSent, UnknownOrder
from jextui.api.models import CancelResult, Order, OrderResult
from jextui.trading.errors_text import UNKNOWN_OUTCOME_TEXT, describe_error
from jextui.trading.journal import JournalEntry, JournalError, OrderJournal
from jextui.trading.outcomes import CancelOutcome, OutcomeKind, SubmitOutcome, is_unknown_outcome
from jextui.trading.reconcile import OrderReader, Reconciler, ReconcileReport
from jextui.trading.ticket import OrderRequest, OrderTicket
from jextui.trading.time_in_force import cancel_at_once, time_in_force_problem

__all__ = ["OutcomeKind", "SubmitOutcome", "CancelOutcome", "OrderSubmitter", "is_unknown_outcome"]

log = logging.getLogger("jextui.trading")
_JOURNAL_FAILURES = (JournalError, sqlite3.Error, OSError)


class OrderApi(OrderReader, Protocol):
    """The part of the API client the submitter needs (its reconciler reads orders too)."""

    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = ...,
        time_in_force: str | None = ...,
        resp_type: Literal["RESULT"],
    ) -> OrderResult: ...
    async def test_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        *,
        type: str = ...,
        time_in_force: str | None = ...,
        resp_type: str = ...,
    ) -> None: ...
    async def cancel_order(self, symbol: str, order_id: int) -> CancelResult: ...


def _now_source(client: object, clock: object) -> Callable[[], int]:
    if callable(clock):
        return clock
    for source in (clock, getattr(client, "clock", None)):
        now: Callable[[], int] | None = getattr(source, "now_ms", None)
        if callable(now):
            return now
    return lambda: time.time_ns() // 1_000_000


class OrderSubmitter:
    """Sends orders and cancels for one exchange account, journalling each step.

    ``clock`` is the exchange-time source: a ``ServerClock`` (anything with
    ``now_ms()``) or a callable; by default the client's own clock.
    """

    def __init__(
        self,
        client: OrderApi,
        journal: OrderJournal,
        clock: object | None = None,
        *,
        reconciler: Reconciler | None = None,
        looks_after_unknown: int = 2,
    ) -> None:
        self.client = client
        self.journal = journal
        self._now_ms = _now_source(client, clock)
        self.reconciler = reconciler or Reconciler(client, journal, now_ms=self._now_ms)
        self.looks_after_unknown = looks_after_unknown
        self._order_lock: asyncio.Lock | None = None
        self._journal_problem = ""  # set by _record when a write fails

    def _lock(self) -> asyncio.Lock:
        if self._order_lock is None:
            self._order_lock = asyncio.Lock()
        return self._order_lock

    # -- orders --

    async def submit(
        self, ticket: OrderTicket | OrderRequest, dry_run: bool = False, *, replace_id: str | None = None
    ) -> SubmitOutcome:
        """Validate, journal, send (RESULT response), record; reconcile if the answer is lost.

        ``replace_id``: the order is the new order of that replace (its journal row links to it).
        """
        if isinstance(ticket, OrderTicket):
            errors = ticket.validate()
            request = None if errors else ticket.order_request()
            if request is None:
                return SubmitOutcome(OutcomeKind.INVALID, _invalid_words(errors), dry_run=dry_run, field_errors=errors)
        else:
            request = ticket
        async with self._lock():
            if dry_run:
                return await self._send_test(request)
            return await self._checked_time_in_force(request, await self._send_order(request, replace_id))

    async def _checked_time_in_force(self, request: OrderRequest, outcome: SubmitOutcome) -> SubmitOutcome:
        """An IOC/FOK order answered as resting (GTC, NEW) is cancelled at once; see time_in_force."""
        problem = time_in_force_problem(request.time_in_force, outcome.result or outcome.found)
        if outcome.kind not in (OutcomeKind.ACCEPTED, OutcomeKind.RESOLVED) or problem is None:
            return outcome
        return await cancel_at_once(self, request, outcome, problem)

    async def _write_intent(
        self, request: OrderRequest, *, dry_run: bool, replace_id: str | None = None
    ) -> JournalEntry | SubmitOutcome:
        try:
            return await self.journal.call(
                self.journal.record_order_intent,
                request.symbol,
                request.side,
                request.price,
                request.quantity,
                request.time_in_force,
                dry_run=dry_run,
                created_ms=self._now_ms(),
                replace_id=replace_id,
            )
        except _JOURNAL_FAILURES as exc:
            log.error("order journal not writable, order not sent: %s", exc)
            text = f"Not sent: the order journal could not be written ({exc})."
            return SubmitOutcome(OutcomeKind.NOT_SENT, text, dry_run=dry_run, error=exc)

    async def _record(
        self, entry: JournalEntry, mark: Callable[..., JournalEntry], *args: Any, **kwargs: Any
    ) -> JournalEntry:
        """Record an answer; a journal failure now is logged, not raised (the intent stays open on disk)."""
        try:
            return await self.journal.call(mark, entry.id, *args, **kwargs)
        except _JOURNAL_FAILURES as exc:
            log.error("order journal update failed for %s: %s", entry.describe(), exc)
            self._journal_problem = (
                f"The order journal could not record this answer ({exc}); the journal still shows "
                f"{entry.describe()} as unanswered and it is checked against the exchange at the next start."
            )
            return entry

    def _take_journal_problem(self) -> str:
        problem, self._journal_problem = self._journal_problem, ""
        return problem

    async def _send_order(self, request: OrderRequest, replace_id: str | None = None) -> SubmitOutcome:
        self._journal_problem = ""
        outcome = await self._send_order_once(request, replace_id)
        problem = self._take_journal_problem()
        return replace(outcome, journal_problem=problem) if problem else outcome

    async def _send_order_once(self, request: OrderRequest, replace_id: str | None = None) -> SubmitOutcome:
        entry = await self._write_intent(request, dry_run=False, replace_id=replace_id)
        if isinstance(entry, SubmitOutcome):
            return entry
        try:
            result = await self.client.new_order(
                request.symbol,
                request.side,
                request.quantity,
                request.price,
                type="LIMIT",
                time_in_force=request.time_in_force,
                resp_type="RESULT",
            )
        except asyncio.CancelledError:
            await self._record(entry, self.journal.mark_unknown, "interrupted while waiting for the answer")
            raise
        except Exception as exc:
            if isinstance(exc, NotSent):  # no connection was made: certainly not placed
                return await self._not_sent(entry, exc)
            if is_unknown_outcome(exc):
                return await self._after_unknown(entry, exc)
            words = describe_error(exc)
            rejected = await self._record(entry, self.journal.mark_rejected, code=_code_of(exc), message=words)
            return SubmitOutcome(
                OutcomeKind.REJECTED, f"{entry.describe(request.places)}: {words}", entry=rejected, error=exc
            )
        status = getattr(result, "status", None)
        accepted = await self._record(
            entry,
            self.journal.mark_accepted,
            order_id=int(result.order_id),
            order_status=status,
            order_time_ms=_int_or_none(getattr(result, "transact_time", None)),
            executed_qty=getattr(result, "executed_qty", None),
        )
        shown = f", {status}" if status else ""
        text = f"{entry.describe(request.places)}: placed, order {int(result.order_id)}{shown}."
        return SubmitOutcome(OutcomeKind.ACCEPTED, text, entry=accepted, result=result)

    async def _not_sent(self, entry: JournalEntry, error: NotSent) -> SubmitOutcome:
        """The exchange was unreachable: the journal records the order as not placed."""
        text = f"Not sent: the exchange is unreachable ({error.reason})."
        saved = await self._record(entry, self.journal.mark_not_placed, f"not sent: {error.reason}")
        return SubmitOutcome(OutcomeKind.NOT_SENT, text, entry=saved, error=error)

    async def _after_unknown(self, entry: JournalEntry, error: BaseException) -> SubmitOutcome:
        reason = _unknown_reason(error)
        try:
            await self.journal.call(self.journal.mark_unknown, entry.id, reason)
            report = await self.reconciler.settle(entry.id, looks=self.looks_after_unknown)
        except _JOURNAL_FAILURES as exc:
            log.error("order journal failed while reconciling %s: %s", entry.describe(), exc)
            text = (
                f"The answer was lost ({reason}); the order was not resent. Its outcome is UNKNOWN: "
                "check open orders; it is checked again at the next start."
            )
            return SubmitOutcome(
                OutcomeKind.UNKNOWN,
                text,
                entry=entry,
                error=error,
                journal_problem=f"The order journal could not be updated ({exc}).",
            )
        return _outcome_from_report(report, error, reason)

    async def _send_test(self, request: OrderRequest) -> SubmitOutcome:
        entry = await self._write_intent(request, dry_run=True)
        if isinstance(entry, SubmitOutcome):
            return entry
        try:
            await self.client.test_order(
                request.symbol,
                request.side,
                request.quantity,
                request.price,
                type="LIMIT",
                time_in_force=request.time_in_force,
                resp_type="RESULT",
            )
        except asyncio.CancelledError:
            await self._record(entry, self.journal.mark_failed, "dry run interrupted (nothing was placed)")
            raise
        except Exception as exc:
            words = describe_error(exc).replace(f" {UNKNOWN_OUTCOME_TEXT}", "")
            if is_unknown_outcome(exc):
                saved = await self._record(entry, self.journal.mark_failed, f"dry run got no answer: {words}")
                text = f"Dry run (nothing placed): no answer from the exchange. {words}"
            else:
                saved = await self._record(entry, self.journal.mark_rejected, code=_code_of(exc), message=words)
                text = f"Dry run (nothing placed): the exchange would refuse this order. {words}"
            return SubmitOutcome(OutcomeKind.TEST_FAILED, text, dry_run=True, entry=saved, error=exc)
        saved = await self._record(entry, self.journal.mark_accepted)
        what = entry.describe(request.places).removeprefix("test ")
        text = f"Dry run passed: the exchange would accept {what} (nothing was placed)."
        return SubmitOutcome(OutcomeKind.TEST_PASSED, text, dry_run=True, entry=saved)

    # -- cancels --

    async def cancel(self, symbol: str, order_id: int, *, replace_id: str | None = None) -> CancelOutcome:
        """Cancel one order; an unknown outcome is checked with get_order, never resent.

        A cancel only lowers risk, so it is sent even when the journal cannot
        be written (the failure is logged and named in ``journal_problem``).
        ``replace_id``: the cancel is the first step of that replace.
        """
        self._journal_problem = ""
        outcome = await self._cancel_once(int(order_id), symbol, replace_id)
        problem = self._take_journal_problem()
        return replace(outcome, journal_problem=problem) if problem else outcome

    async def _cancel_once(self, order_id: int, symbol: str, replace_id: str | None = None) -> CancelOutcome:
        try:
            entry: JournalEntry | None = await self.journal.call(
                self.journal.record_cancel_intent, symbol, order_id, created_ms=self._now_ms(), replace_id=replace_id
            )
        except _JOURNAL_FAILURES as exc:
            log.error("order journal not writable; cancelling order %s anyway: %s", order_id, exc)
            self._journal_problem = f"The order journal could not record this cancel ({exc}); it was sent anyway."
            entry = None
        try:
            result = await self.client.cancel_order(symbol, order_id)
        except asyncio.CancelledError:
            if entry is not None:
                await self._record(entry, self.journal.mark_unknown, "interrupted while waiting for the answer")
            raise
        except Exception as exc:
            if is_unknown_outcome(exc):
                return await self._cancel_unknown(symbol, order_id, entry, exc)
            words = describe_error(exc)
            if isinstance(exc, UnknownOrder):
                words = "The order is no longer open (already filled or cancelled)."
            saved = entry and await self._record(entry, self.journal.mark_rejected, code=_code_of(exc), message=words)
            return CancelOutcome(
                symbol,
                order_id,
                OutcomeKind.REJECTED,
                f"Cancel of order {order_id} refused: {words}",
                entry=saved,
                error=exc,
            )
        saved = entry and await self._record(
            entry, self.journal.mark_accepted, order_status=result.status, executed_qty=result.executed_qty
        )
        text = f"Order {order_id} on {symbol} cancelled ({result.status})."
        return CancelOutcome(
            symbol, order_id, OutcomeKind.ACCEPTED, text, entry=saved, result=result, status=result.status
        )

    async def _cancel_unknown(
        self, symbol: str, order_id: int, entry: JournalEntry | None, error: BaseException
    ) -> CancelOutcome:
        if entry is None:
            text = f"Cancel of order {order_id}: the answer was lost; check open orders."
            return CancelOutcome(symbol, order_id, OutcomeKind.UNKNOWN, text, error=error)
        try:
            await self.journal.call(self.journal.mark_unknown, entry.id, _unknown_reason(error))
            report = await self.reconciler.reconcile(entry.id)
        except _JOURNAL_FAILURES as exc:
            log.error("order journal failed while checking a cancel of order %s: %s", order_id, exc)
            text = f"Cancel of order {order_id}: the answer was lost; check open orders."
            return CancelOutcome(symbol, order_id, OutcomeKind.UNKNOWN, text, entry=entry, error=error)
        kind = OutcomeKind.RESOLVED if report.settled else OutcomeKind.UNKNOWN
        status = report.order.status if report.order is not None else None
        return CancelOutcome(symbol, order_id, kind, report.message, entry=report.entry, status=status, error=error)

    async def cancel_all(self, symbol: str, open_orders: Sequence[Order]) -> list[CancelOutcome]:
        """Cancel every listed open order of ``symbol``, one by one; one outcome each."""
        outcomes = []
        for order in open_orders:
            if order.symbol == symbol:
                outcomes.append(await self.cancel(symbol, int(order.order_id)))
        return outcomes


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _code_of(error: BaseException) -> int | None:
    code = getattr(error, "code", None)
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _unknown_reason(error: BaseException) -> str:
    kind = type(error).__name__
    status = getattr(error, "status", None)
    if kind == "RequestTimeout" or isinstance(error, TimeoutError):
        return "timeout: no answer in time"
    if kind == "ConnectionFailed":
        return "connection dropped or failed before an answer"
    if isinstance(status, int) and status >= 500:
        return f"exchange error HTTP {status}"
    if isinstance(error, DecodeError):
        return "the answer could not be read"
    code = _code_of(error)
    if code is not None:
        return f"exchange code {code}: status unknown"
    return f"unexpected {kind}"


def _outcome_from_report(report: ReconcileReport, error: BaseException, reason: str) -> SubmitOutcome:
    if report.settled and report.entry.state == "RESOLVED":
        kind = OutcomeKind.RESOLVED
    elif report.settled:
        kind = OutcomeKind.NOT_PLACED
    else:
        kind = OutcomeKind.UNKNOWN
    prefix = f"The answer was lost ({reason}); the order was not resent. "
    return SubmitOutcome(kind, prefix + report.message, entry=report.entry, found=report.order, error=error)


def _invalid_words(errors: dict[str, str]) -> str:
    return "Not sent: " + " ".join(errors.values())
