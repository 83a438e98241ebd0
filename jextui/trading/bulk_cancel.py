"""Cancel many orders, on any symbols, one by one within the order-rate limit.

The API has no cancel-all endpoint: :func:`cancel_orders` sends one cancel
per order, never more than ``per_second`` in any second (the client's
announced order limit by default), and reports each outcome:

* ``cancelled`` — the exchange answered with the order's final state;
* ``already closed`` — the exchange no longer has it open (filled or
  cancelled elsewhere, -2011 / -2013);
* ``failed`` — any other error; after a timeout, a 5xx or a dropped
  connection the cancel may or may not have happened, and the message says
  so;
* ``not sent`` — the exchange said to wait (429 / 418) or the credentials
  are refused: the remaining orders are not tried.

The book, when given, is updated with each answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jextui.api.errors import (
    AuthError,
    IpBanned,
    JexError,
    MissingCredentials,
    RateLimited,
    ServerError,
    TransportError,
    UnknownOrder,
)
from jextui.trading.account_orders import AccountOrders, OpenOrder
from jextui.trading.pacing import SlidingWindow

__all__ = ["ALREADY_CLOSED", "CANCELLED", "FAILED", "NOT_SENT", "CancelOutcome", "cancel_orders", "summary"]

CANCELLED = "cancelled"
ALREADY_CLOSED = "already closed"
FAILED = "failed"
NOT_SENT = "not sent"


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    symbol: str
    order_id: int
    result: str  # one of the four constants above
    status: str | None  # the order's final status when the exchange gave it
    message: str

    @property
    def ok(self) -> bool:
        return self.result in (CANCELLED, ALREADY_CLOSED)


async def cancel_orders(
    client: Any,
    orders: Iterable[OpenOrder],
    *,
    book: AccountOrders | None = None,
    per_second: int | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    on_outcome: Callable[[CancelOutcome], None] | None = None,
) -> list[CancelOutcome]:
    """Cancel ``orders`` one by one; one :class:`CancelOutcome` per order, in order."""
    pacer = SlidingWindow(per_second or client.rate.order_limit_1s, 1.0)
    outcomes: list[CancelOutcome] = []
    stop_reason: str | None = None
    for order in orders:
        if stop_reason is not None:
            outcome = CancelOutcome(order.symbol, order.order_id, NOT_SENT, None, stop_reason)
        else:
            wait = pacer.wait_for(monotonic())
            if wait > 0:
                await sleep(wait)
            pacer.record(monotonic())
            outcome = await _cancel_one(client, order, book)
            if outcome.result == NOT_SENT:
                stop_reason = outcome.message
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


async def _cancel_one(client: Any, order: OpenOrder, book: AccountOrders | None) -> CancelOutcome:
    symbol, order_id = order.symbol, order.order_id
    try:
        answer = await client.cancel_order(symbol, order_id)
    except UnknownOrder as exc:
        if book is not None:
            book.forget(order_id)
        return CancelOutcome(
            symbol, order_id, ALREADY_CLOSED, None, f"{symbol} #{order_id} was no longer open ({exc.message})"
        )
    except (RateLimited, IpBanned, AuthError, MissingCredentials) as exc:
        return CancelOutcome(symbol, order_id, NOT_SENT, None, f"not sent: {exc.message}")
    except (TransportError, ServerError) as exc:
        return CancelOutcome(
            symbol,
            order_id,
            FAILED,
            None,
            f"{symbol} #{order_id}: {exc.message}; it may or may not be cancelled, refresh to see",
        )
    except JexError as exc:
        return CancelOutcome(symbol, order_id, FAILED, None, f"{symbol} #{order_id}: {exc.message}")
    if book is not None:
        book.apply_update(answer)
    status = str(answer.status)
    return CancelOutcome(symbol, order_id, CANCELLED, status, f"{symbol} #{order_id} {status.lower()}")


def summary(outcomes: Iterable[CancelOutcome]) -> str:
    """One line: ``5 cancelled · 1 already closed · 2 failed``."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.result] = counts.get(outcome.result, 0) + 1
    parts = [f"{counts[name]} {name}" for name in (CANCELLED, ALREADY_CLOSED, FAILED, NOT_SENT) if name in counts]
    return " · ".join(parts) if parts else "nothing to cancel"
