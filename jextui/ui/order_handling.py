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
  places nothing until the order's state is known.  Both steps are journalled
  as one linked replace (:mod:`jextui.trading.replace_run`).  Every step is
  told to the ticket as :class:`~jextui.ui.messages.OrderProgress`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from jextui.amount_text import whole_amount_text
from jextui.api.models import Order
from jextui.trading.replace import ReplacePlan
from jextui.trading.replace_run import LOOK_UP_PAUSE_S, LOOK_UP_TRIES, drive_replace
from jextui.ui.format import MASK

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.trading.submit import OrderSubmitter

__all__ = ["newest_order", "order_words", "cancel_question_lines", "run_replace", "LOOK_UP_TRIES", "LOOK_UP_PAUSE_S"]

log = logging.getLogger("jextui.trading.ui")


def newest_order(orders: Sequence[Order]) -> Order | None:
    """The most recently placed of ``orders`` (by time, then id)."""
    if not orders:
        return None
    return max(orders, key=lambda order: (order.time, int(order.order_id)))


def order_words(order: Order, *, private: bool = False, precision: tuple[int, int] | None = None) -> str:
    """``BUY 0.010000 BTCUSDT at 64,000.00 (order 42)``: words naming an order, its amounts as in the panes.

    ``precision``: the symbol's (price, quantity) decimals; without it, each amount exactly as it is.
    """
    remaining = order.orig_qty - order.executed_qty
    price_places, quantity_places = precision if precision is not None else (0, 0)
    quantity = MASK if private else whole_amount_text(remaining, quantity_places)
    price = whole_amount_text(order.price, price_places)
    return f"{order.side} {quantity} {order.symbol} at {price} (order {int(order.order_id)})"


def cancel_question_lines(
    order: Order, *, private: bool, count: int, precision: tuple[int, int] | None = None
) -> list[str]:
    """What the cancel question says: the order named in full, and why it asks."""
    lines = [f"Cancel {order_words(order, private=private, precision=precision)}?", ""]
    if count > 1:
        lines.append(
            f"This is the newest of {count} open orders. To cancel another, Tab to the open-orders "
            "pane, pick it with ↑/↓ and press c there."
        )
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
    """Drive ``plan`` to its end (:func:`jextui.trading.replace_run.drive_replace`, journalled as one
    linked replace); ``tell(text, level)`` reports each step, never raises."""
    return await drive_replace(
        plan, submitter, client, tell=tell, ask_remainder=ask_remainder, pause_s=pause_s, tries=LOOK_UP_TRIES
    )


def remaining_quantity(order: Order) -> Decimal:
    """What is left to fill of ``order``."""
    return max(Decimal(0), order.orig_qty - order.executed_qty)
