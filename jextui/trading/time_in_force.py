"""Time in force, verified: an IOC or FOK order must not end up resting on the book.

The API's place-order parameter table does not list ``timeInForce`` (the
signing examples send it and the enums list GTC, IOC and FOK; see
``docs/time-in-force.md``).  An exchange that ignored it would turn an
intended IOC into a resting GTC order.  So every order is sent with the
RESULT response, and for IOC and FOK :func:`time_in_force_problem` checks
the echoed ``timeInForce`` and the status: the echo must be what was asked,
and the status final (nothing left resting: FILLED, CANCELED, EXPIRED, ...).

When the answer fails that check, :func:`cancel_at_once` cancels the order
immediately, journals the cancel with the reason in words, and the submit
outcome says what happened.  A cancel whose answer is lost is looked up
(never resent), as every cancel is.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from jextui.amount_text import whole_amount_text
from jextui.api.errors import UnknownOrder
from jextui.api.models import CancelResult
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import JournalEntry, JournalError, OrderJournal
from jextui.trading.outcomes import CancelOutcome, OutcomeKind, SubmitOutcome, is_unknown_outcome
from jextui.trading.reconcile import Reconciler

if TYPE_CHECKING:
    from jextui.trading.ticket import OrderRequest

__all__ = ["IMMEDIATE_TIME_IN_FORCE", "FINAL_STATUSES", "time_in_force_problem", "cancel_at_once"]

log = logging.getLogger("jextui.trading")
_JOURNAL_FAILURES = (JournalError, sqlite3.Error, OSError)

IMMEDIATE_TIME_IN_FORCE: tuple[str, ...] = ("IOC", "FOK")
#: Statuses after which nothing of the order is left on the book.
FINAL_STATUSES = frozenset({"FILLED", "CANCELED", "CANCLEFILLED", "EXPIRED", "REJECTED", "FAIL"})


class _CancelApi(Protocol):
    async def cancel_order(self, symbol: str, order_id: int) -> CancelResult: ...


class Canceller(Protocol):
    """What cancelling at once needs of the submitter (:class:`jextui.trading.submit.OrderSubmitter`)."""

    @property
    def client(self) -> _CancelApi: ...

    @property
    def journal(self) -> OrderJournal: ...

    @property
    def reconciler(self) -> Reconciler: ...


def time_in_force_problem(requested: str, result: object) -> str | None:
    """Why the answer to an IOC/FOK order shows it may rest on the book, in words; None when fine.

    ``result`` is the RESULT answer (``OrderResult``); an answer without
    ``timeInForce`` and ``status`` (an ACK) cannot be checked and says so.
    """
    if requested not in IMMEDIATE_TIME_IN_FORCE or result is None:
        return None
    echoed = getattr(result, "time_in_force", None)
    status = getattr(result, "status", None)
    if echoed is None and status is None:
        return f"the answer does not say the order's time in force or status, so this {requested} order may rest"
    if echoed != requested:
        shown = echoed or "nothing"
        return f"the exchange answered timeInForce {shown} (status {status}) for this {requested} order"
    if status not in FINAL_STATUSES:
        return f"the exchange left this {requested} order {status}, still on the book"
    return None


async def cancel_at_once(
    submitter: Canceller, request: OrderRequest, outcome: SubmitOutcome, problem: str
) -> SubmitOutcome:
    """Cancel the order ``outcome`` placed, journal why, and return the outcome told in words."""
    order_id = outcome.order_id
    assert order_id is not None
    symbol = request.symbol
    why = f"{problem}; cancelled at once"
    log.warning("order %s on %s: %s", order_id, symbol, why)
    journal = submitter.journal
    entry: JournalEntry | None
    try:
        entry = await journal.call(
            journal.record_cancel_intent,
            symbol,
            order_id,
            side=request.side,
            price=request.price,
            quantity=request.quantity,
        )
    except _JOURNAL_FAILURES as exc:
        log.error("order journal not writable; cancelling order %s anyway: %s", order_id, exc)
        entry = None
    cancel: CancelOutcome
    try:
        result = await submitter.client.cancel_order(symbol, order_id)
    except Exception as exc:  # any failure is reported in words, never raised
        cancel = await _cancel_failed(submitter, symbol, order_id, entry, exc, why)
    else:
        saved = await _journal(
            journal, entry, journal.mark_accepted, order_status=result.status, message=f"{why} ({result.status})"
        )
        cancel = CancelOutcome(
            symbol,
            order_id,
            OutcomeKind.ACCEPTED,
            f"Order {order_id} on {symbol} cancelled ({result.status}).",
            entry=saved,
            result=result,
            status=result.status,
        )
    return replace(outcome, message=_words(outcome, problem, cancel, request.places), time_in_force_cancel=cancel)


async def _cancel_failed(
    submitter: Canceller, symbol: str, order_id: int, entry: JournalEntry | None, error: Exception, why: str
) -> CancelOutcome:
    journal = submitter.journal
    if is_unknown_outcome(error) and entry is not None:
        try:
            await journal.call(journal.mark_unknown, entry.id, f"{why}, but the cancel's answer was lost")
            report = await submitter.reconciler.reconcile(entry.id)
        except _JOURNAL_FAILURES as exc:
            log.error("order journal failed while checking the cancel of order %s: %s", order_id, exc)
        else:
            kind = OutcomeKind.RESOLVED if report.settled else OutcomeKind.UNKNOWN
            status = report.order.status if report.order is not None else None
            return CancelOutcome(symbol, order_id, kind, report.message, entry=report.entry, status=status, error=error)
    if is_unknown_outcome(error):
        return CancelOutcome(
            symbol,
            order_id,
            OutcomeKind.UNKNOWN,
            f"Cancel of order {order_id}: the answer was lost; check open orders.",
            error=error,
        )
    words = (
        "the order is no longer open (already filled or cancelled)"
        if isinstance(error, UnknownOrder)
        else describe_error(error)
    )
    saved = await _journal(
        journal, entry, journal.mark_rejected, code=_code_of(error), message=f"{why}: refused: {words}"
    )
    return CancelOutcome(
        symbol, order_id, OutcomeKind.REJECTED, f"Cancel of order {order_id} refused: {words}", entry=saved, error=error
    )


async def _journal(
    journal: OrderJournal, entry: JournalEntry | None, mark: Callable[..., JournalEntry], **fields: Any
) -> JournalEntry | None:
    """Record an answer on ``entry`` (off the event loop); a failure is logged and the entry kept."""
    if entry is None:
        return None
    try:
        return await journal.call(mark, entry.id, **fields)
    except _JOURNAL_FAILURES as exc:
        log.error("order journal update failed for %s: %s", entry.describe(), exc)
        return entry


def _code_of(error: BaseException) -> int | None:
    code = getattr(error, "code", None)
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _words(outcome: SubmitOutcome, problem: str, cancel: CancelOutcome, places: tuple[int, int]) -> str:
    what = outcome.entry.describe(places) if outcome.entry is not None else f"Order {outcome.order_id}"
    executed = getattr(outcome.result or outcome.found, "executed_qty", None)
    filled = f"; {whole_amount_text(executed, places[1])} had filled before that" if executed else ""
    head = f"{what}: placed as order {outcome.order_id}, but {problem}."
    if outcome.result is None:  # found after a lost answer: keep that story first
        head = f"{outcome.message} But {problem}."
    if cancel.cancelled:
        return f"{head} It was cancelled at once ({cancel.status}){filled}."
    if cancel.kind == "unknown":
        return f"{head} A cancel was sent at once, but its answer was lost: check open orders. {cancel.message}"
    return f"{head} Cancelling it at once did not succeed ({cancel.message}): check open orders."
