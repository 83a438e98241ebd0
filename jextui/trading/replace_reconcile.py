"""Settling replaces an earlier run left between their steps (at the next start).

A replace interrupted between its cancel and its new order (the console was
stopped, killed, or lost an answer) is settled like any other unknown
outcome, and never by sending anything:

* **The new order went out** (its journal row is linked): the reconciler
  has already looked for that order on the exchange like any order whose
  answer was lost; the replace takes its verdict: ``PLACED`` (found, with
  its order id), ``NOT_PLACED`` (surely absent, or refused), or
  ``PLACE_UNKNOWN`` (still unknown: looked up again, as other unknowns are).
* **The new order never went out**: the old order is looked up.  Still
  open → ``NOT_CANCELLED``; filled → ``FILLED_INSTEAD``; cancelled or gone →
  ``CANCELLED_ONLY`` (the new order is not sent now: the trader who asked
  for it is not there to see it); no answer → ``CANCEL_UNKNOWN``, looked up
  again later.

Only replaces written by earlier runs are settled here: a replace of this
run is driven by :func:`jextui.trading.replace_run.drive_replace`.  The
report of a linked intent says which replace it belonged to; a replace with
no report of its own (its intents were already settled) gets one, made
from its cancel's row.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from typing import TYPE_CHECKING, Protocol

from jextui.api.errors import UnknownOrder
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import ACCEPTED, NOT_PLACED, REJECTED, RESOLVED, JournalError
from jextui.trading.journal_replaces import ReplaceRecord, ReplaceState
from jextui.trading.reconcile_report import ReconcileReport
from jextui.trading.replace import OPEN_STATUSES

if TYPE_CHECKING:
    from jextui.api.models import Order
    from jextui.trading.journal import OrderJournal

__all__ = ["settle_replaces"]


class _OrderLookUp(Protocol):
    async def get_order(self, symbol: str, order_id: int) -> Order: ...


class Reconciler(Protocol):
    """What settling a replace needs of :class:`jextui.trading.reconcile.Reconciler`."""

    @property
    def journal(self) -> OrderJournal: ...
    @property
    def client(self) -> _OrderLookUp: ...


log = logging.getLogger("jextui.trading")
_JOURNAL_FAILURES = (JournalError, sqlite3.Error, OSError)


async def settle_replaces(reconciler: Reconciler, reports: list[ReconcileReport]) -> list[ReconcileReport]:
    """``reports`` with each unfinished replace of an earlier run settled and said."""
    journal = reconciler.journal
    try:
        records = await journal.call(journal.replaces)
    except _JOURNAL_FAILURES as error:
        log.error("cannot read the replaces in the order journal: %s", error)
        return reports
    reports = list(reports)
    for record in records:
        if record.is_final or record.session == journal.session:
            continue
        try:
            reports = await _settle(reconciler, record, reports)
        except _JOURNAL_FAILURES as error:
            log.error("cannot update the order journal for the %s: %s", record.describe(), error)
    return reports


async def _settle(
    reconciler: Reconciler, record: ReplaceRecord, reports: list[ReconcileReport]
) -> list[ReconcileReport]:
    journal = reconciler.journal
    state, words, new_order_id = await _verdict(reconciler, record)
    open_question = state in (ReplaceState.PLACE_UNKNOWN, ReplaceState.CANCEL_UNKNOWN)
    settled = await journal.call(
        journal.note_replace, record.id, state, words, new_order_id=new_order_id, attempt=open_question
    )
    text = f"Replace of order {record.old_order_id} on {record.symbol} ({settled.state}): {words}"
    linked = (record.order_entry_id, record.cancel_entry_id)
    for index, report in enumerate(reports):
        if report.entry.id in linked:
            reports[index] = dataclasses.replace(report, message=f"{text} {report.message}")
            return reports
    if record.cancel_entry_id is None:  # the cancel was never journalled: nothing to hang a report on
        log.warning("%s", text)
        return reports

    cancel = await journal.call(journal.get, record.cancel_entry_id)
    reports.append(ReconcileReport(cancel, not open_question, None, text))
    return reports


async def _verdict(reconciler: Reconciler, record: ReplaceRecord) -> tuple[ReplaceState, str, int | None]:
    """(the replace's state now, a sentence, the new order's id when it is on the exchange)."""
    journal = reconciler.journal
    if record.order_entry_id is not None:
        order = await journal.call(journal.get, record.order_entry_id)
        if order.state in (ACCEPTED, RESOLVED):
            return ReplaceState.PLACED, f"the new order is on the exchange (order {order.order_id}).", order.order_id
        if order.state in (REJECTED, NOT_PLACED):
            return ReplaceState.NOT_PLACED, "the old order was cancelled; the new order was not placed.", None
        return ReplaceState.PLACE_UNKNOWN, "the new order's outcome is still unknown; it is looked up again.", None
    try:
        old = await reconciler.client.get_order(record.symbol, record.old_order_id)
    except UnknownOrder:
        return (
            ReplaceState.CANCELLED_ONLY,
            f"order {record.old_order_id} no longer exists on the exchange; the new order was never sent.",
            None,
        )
    except Exception as error:  # any failure to look leaves the question open
        return (
            ReplaceState.CANCEL_UNKNOWN,
            f"the old order's state is not known yet ({describe_error(error)}); "
            "nothing new was placed, and it is looked up again.",
            None,
        )
    if old.status in OPEN_STATUSES:
        return (
            ReplaceState.NOT_CANCELLED,
            f"order {record.old_order_id} is still open ({old.status}): the cancel "
            "did not take effect, and nothing new was placed.",
            None,
        )
    if old.status == "FILLED":
        return (
            ReplaceState.FILLED_INSTEAD,
            f"order {record.old_order_id} filled before the cancel; nothing new was placed.",
            None,
        )
    return (
        ReplaceState.CANCELLED_ONLY,
        f"order {record.old_order_id} was cancelled ({old.status}); the replace "
        "stopped before its new order was sent, and it is not sent now.",
        None,
    )
