"""Driving a replace to its end, each step journalled as one linked replace.

:func:`drive_replace` follows a :class:`~jextui.trading.replace.ReplacePlan`:
it writes the replace's journal record first (nothing is sent when that
fails), sends the cancel and the new order through the
:class:`~jextui.trading.submit.OrderSubmitter` with the replace's id (so
their journal rows link to it in the same transaction that writes them),
looks the old order up while the cancel's outcome is unknown, asks the
trader about a remainder, and records every change of the replace's state
(:class:`~jextui.trading.journal_replaces.ReplaceState`).

A journal write that fails after the cancel went out is logged and the
replace goes on: its intents carry the link, and the start-up
reconciliation (:mod:`jextui.trading.replace_reconcile`) settles the record
from them.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from jextui.api.models import Order
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import JournalError
from jextui.trading.replace import ReplacePlan, ReplaceStep

if TYPE_CHECKING:
    from jextui.trading.submit import OrderSubmitter

__all__ = ["drive_replace", "LOOK_UP_TRIES", "LOOK_UP_PAUSE_S"]

log = logging.getLogger("jextui.trading")
_JOURNAL_FAILURES = (JournalError, sqlite3.Error, OSError)

#: How often an order whose cancel has no known outcome is looked up before the replace gives up
#: (placing nothing), and the pause between looks.
LOOK_UP_TRIES = 5
LOOK_UP_PAUSE_S = 1.0


class OrderLookUp(Protocol):
    async def get_order(self, symbol: str, order_id: int) -> Order: ...


async def drive_replace(
    plan: ReplacePlan,
    submitter: OrderSubmitter,
    client: OrderLookUp,
    *,
    tell: Callable[[str, str], None],
    ask_remainder: Callable[[str], Awaitable[bool]],
    pause_s: float = LOOK_UP_PAUSE_S,
    tries: int = LOOK_UP_TRIES,
) -> ReplacePlan:
    """Drive ``plan`` to its end; ``tell(text, level)`` reports each step; never raises.

    Returns the plan where it stopped: done, or still looking up the old
    order after ``tries`` looks (nothing was placed; the journal says so).
    """
    journal = submitter.journal
    try:
        await journal.call(
            journal.record_replace,
            plan.replace_id,
            plan.symbol,
            plan.side,
            plan.order_id,
            plan.new_price,
            plan.new_quantity,
            message=plan.message,
        )
    except _JOURNAL_FAILURES as error:
        log.error("order journal not writable, replace not started: %s", error)
        return plan.not_sent(f"the order journal could not be written ({error})")
    looks = 0
    while not plan.done:
        try:
            if plan.step == ReplaceStep.CANCEL:
                tell(plan.message, "warn")
                plan = plan.cancel_answered(
                    await submitter.cancel(plan.symbol, plan.order_id, replace_id=plan.replace_id)
                )
            elif plan.step == ReplaceStep.LOOK_UP:
                tell(plan.message, "warn")
                if looks >= tries:
                    await _note(
                        submitter,
                        plan,
                        f"{plan.message} Gave up after {looks} looks; it is looked up again at the next start.",
                    )
                    return plan  # still unknown: nothing was placed
                looks += 1
                try:
                    found = await client.get_order(plan.symbol, plan.order_id)
                except Exception as error:
                    plan = plan.look_up_failed(describe_error(error))
                    await _note(submitter, plan, plan.message, attempt=True)
                    await asyncio.sleep(pause_s)
                    continue
                plan = plan.looked_up(found.status, found.executed_qty)
            elif plan.step == ReplaceStep.OFFER_REMAINDER:
                accepted = await ask_remainder(plan.message)
                plan = plan.remainder_accepted() if accepted else plan.remainder_declined()
            else:
                request = plan.request
                assert request is not None
                tell(plan.message, "warn")
                plan = plan.placed_outcome(await submitter.submit(request, replace_id=plan.replace_id))
        except Exception as error:  # never a traceback: the step's outcome is unknown
            log.exception("replace failed at step %s", plan.step)
            tell(f"The replace stopped at step {plan.step}: {describe_error(error)} Check the open orders.", "error")
            return plan
        await _note(submitter, plan, plan.message)
    return plan


async def _note(submitter: OrderSubmitter, plan: ReplacePlan, message: str, *, attempt: bool = False) -> None:
    """Record where ``plan`` stands; a journal failure is logged (the intents still carry the link)."""
    journal = submitter.journal
    new_order_id = plan.outcome.order_id if plan.outcome is not None else None
    try:
        await journal.call(
            journal.note_replace, plan.replace_id, plan.state, message, new_order_id=new_order_id, attempt=attempt
        )
    except _JOURNAL_FAILURES as error:
        log.error("order journal could not record the %s of order %s: %s", plan.state, plan.order_id, error)
