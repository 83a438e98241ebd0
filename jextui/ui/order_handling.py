"""Cancels that are always meant, and amend (replace) driven from the ticket.

* **Cancel by key** (:func:`cancel_by_key`): ``c`` cancels at once only when
  the trader is looking at the order: the open-orders pane has the focus and
  its selected row is on screen (the order's detail screen cancels its own
  order).  From anywhere else ``c`` asks first, naming the order (symbol,
  side, quantity, price, id); the order offered is the newest one listed,
  the one a trader who just placed an order means.
* **Amend** (:func:`run_replace`): the API has no amend, so the replace
  planner (:mod:`jextui.trading.replace`) is driven step by step: cancel,
  confirm the cancel's outcome (looking the order up when it is unknown),
  then place.  A fill that beats the cancel places nothing and says so; a
  partial fill offers the remainder (a yes/no question); an unknown outcome
  places nothing until the order's state is known.  Every step is told to
  the ticket as :class:`~jextui.ui.messages.OrderProgress`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jextui.api.models import Order
from jextui.trading.errors_text import describe_error
from jextui.trading.replace import ReplacePlan, ReplaceStep
from jextui.ui.format import MASK, format_plain

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.trading.submit import OrderSubmitter

__all__ = ["newest_order", "order_words", "cancel_question_lines", "run_replace", "LOOK_UP_TRIES",
           "LOOK_UP_PAUSE_S"]

log = logging.getLogger("jextui.trading.ui")

#: How often an order whose cancel has no known outcome is looked up before the replace gives up
#: (placing nothing), and the pause between looks.
LOOK_UP_TRIES = 5
LOOK_UP_PAUSE_S = 1.0


def newest_order(orders: Sequence[Order]) -> Order | None:
    """The most recently placed of ``orders`` (by time, then id)."""
    if not orders:
        return None
    return max(orders, key=lambda order: (order.time, int(order.order_id)))


def order_words(order: Order, *, private: bool = False) -> str:
    """``BUY 0.01 BTC at 64,000 USDT on BTCUSDT (order 42)``-like words naming an order."""
    remaining = order.orig_qty - order.executed_qty
    quantity = MASK if private else format_plain(remaining)
    return (f"{order.side} {quantity} {order.symbol} at {format_plain(order.price)} "
            f"(order {int(order.order_id)})")


def cancel_question_lines(order: Order, *, private: bool, count: int) -> list[str]:
    """What the cancel question says: the order named in full, and why it asks."""
    lines = [f"Cancel {order_words(order, private=private)}?", ""]
    if count > 1:
        lines.append(f"This is the newest of {count} open orders. To cancel another, Tab to the open-orders "
                     "pane, pick it with ↑/↓ and press c there.")
    else:
        lines.append("c asks first because the open-orders pane does not have the focus.")
    return lines


async def run_replace(
    plan: ReplacePlan,
    submitter: OrderSubmitter,
    client: JexClient,
    *,
    tell: Callable[[str, str], None],
    ask_remainder: Callable[[str], Awaitable[bool]],
    pause_s: float = LOOK_UP_PAUSE_S,
) -> ReplacePlan:
    """Drive ``plan`` to its end; ``tell(text, level)`` reports each step, never raises."""
    tries = 0
    while not plan.done:
        try:
            if plan.step == ReplaceStep.CANCEL:
                tell(plan.message, "warn")
                plan = plan.cancel_answered(await submitter.cancel(plan.symbol, plan.order_id))
            elif plan.step == ReplaceStep.LOOK_UP:
                tell(plan.message, "warn")
                if tries >= LOOK_UP_TRIES:
                    return plan  # still unknown: nothing was placed
                tries += 1
                try:
                    found = await client.get_order(plan.symbol, plan.order_id)
                except Exception as error:
                    plan = plan.look_up_failed(describe_error(error))
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
                plan = plan.placed_outcome(await submitter.submit(request))
        except Exception as error:  # never a traceback: the step's outcome is unknown
            log.exception("replace failed at step %s", plan.step)
            tell(f"The replace stopped at step {plan.step}: {describe_error(error)} Check the open orders.",
                 "error")
            return plan
    return plan


def remaining_quantity(order: Order) -> Decimal:
    """What is left to fill of ``order``."""
    return max(Decimal(0), order.orig_qty - order.executed_qty)
