"""Notice fills, partial fills and cancellations of known orders, once each.

The feed polls ``open_orders``; the :class:`FillTracker` compares each
snapshot with what it knew and returns :class:`FillEvent` objects for the
notifications (and the terminal bell).  Rules:

* An order seen for the first time in a snapshot is a *baseline*: no event
  for what it had already executed (at start-up, old partial fills are not
  news).  An order placed from the ticket is registered with :meth:`track`,
  which does announce what it already executed (an order that filled at once).
* Executed quantity only moves forward: a stale snapshot (lower executed
  quantity, or an order already finished) is ignored, so each fill is
  announced once.
* An order that disappears from its symbol's open orders has finished, but
  the snapshot does not say how: its id is queued in :meth:`take_lookups`
  (or use :meth:`refresh`, which asks ``get_order``), and the answer is fed
  back through :meth:`observe_order`.
* Statuses CANCELED, CANCLEFILLED, EXPIRED, REJECTED and FAIL end an order as
  cancelled (after a partial-fill event if some quantity executed since the
  last look); FILLED ends it as filled.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from jextui.amount_text import amount_text
from jextui.api.models import Order, OrderResult

__all__ = ["FillEventKind", "FillEvent", "FillTracker", "TERMINAL_CANCEL_STATUSES", "fill_sentence", "expiry_words"]

TERMINAL_CANCEL_STATUSES = frozenset({"CANCELED", "CANCLEFILLED", "EXPIRED", "REJECTED", "FAIL"})
_IMMEDIATE = frozenset({"IOC", "FOK"})
_ENDED_BY_EXCHANGE = frozenset({"CANCELED", "CANCLEFILLED", "EXPIRED"})

OrderLike = Order | OrderResult


class FillEventKind(StrEnum):
    PARTIAL_FILL = "partial_fill"
    FILLED = "filled"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class FillEvent:
    """One change worth telling the trader about."""

    kind: FillEventKind
    symbol: str
    order_id: int
    side: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    filled_now: Decimal  # executed since the previous event for this order
    average_price: Decimal | None
    status: str
    message: str
    time_in_force: str = ""

    @property
    def expired(self) -> str | None:
        """An IOC or FOK order the exchange ended: its words; None for any other end."""
        return expiry_words(self.status, self.time_in_force, self.executed_qty)


def expiry_words(status: str | None, time_in_force: str | None, executed_qty: Decimal) -> str | None:
    """The words for an IOC or FOK order ended by the exchange (the exchange reports it
    CANCELED, like a cancel): "expired, nothing filled" or "expired after a partial fill";
    None for every other order or status."""
    if time_in_force not in _IMMEDIATE or status not in _ENDED_BY_EXCHANGE:
        return None
    return "expired, nothing filled" if executed_qty <= 0 else "expired after a partial fill"


@dataclass(slots=True)
class _Known:
    symbol: str
    executed_qty: Decimal
    status: str


class OrderFetcher(Protocol):
    async def open_orders(self, symbol: str) -> list[Order]: ...
    async def get_order(self, symbol: str, order_id: int) -> Order: ...


class FillTracker:
    """Remembers the open orders it has seen and reports what changed."""

    def __init__(self, *, finished_memory: int = 5_000) -> None:
        self._known: dict[int, _Known] = {}
        self._finished: OrderedDict[int, None] = OrderedDict()
        self._finished_memory = finished_memory
        self._lookups: dict[int, str] = {}

    @property
    def known_order_ids(self) -> set[int]:
        return set(self._known)

    def track(self, order: OrderLike) -> list[FillEvent]:
        """Register an order placed from here; announces whatever it already executed."""
        order_id = int(order.order_id)
        if order_id in self._finished or order_id in self._known:
            return self.observe_order(order)
        self._known[order_id] = _Known(order.symbol, Decimal(0), "NEW")
        return self.observe_order(order)

    def observe_open_orders(self, symbol: str, orders: Sequence[Order]) -> list[FillEvent]:
        """A complete open-orders snapshot of ``symbol``."""
        events: list[FillEvent] = []
        present: set[int] = set()
        for order in orders:
            if order.symbol != symbol:
                continue
            order_id = int(order.order_id)
            present.add(order_id)
            if order_id in self._finished:
                continue
            if order_id not in self._known:
                self._known[order_id] = _Known(symbol, order.executed_qty, order.status)
                continue
            self._lookups.pop(order_id, None)
            events += self.observe_order(order)
        for order_id, known in self._known.items():
            if known.symbol == symbol and order_id not in present:
                self._lookups.setdefault(order_id, symbol)
        return events

    def observe_orders(self, orders: Iterable[OrderLike]) -> list[FillEvent]:
        """Orders from history or any other listing: only known ones can produce events."""
        events: list[FillEvent] = []
        for order in orders:
            if int(order.order_id) in self._known:
                events += self.observe_order(order)
        return events

    def observe_order(self, order: OrderLike) -> list[FillEvent]:
        """One order's current state (get_order, a cancel result, a new-order RESULT)."""
        order_id = int(order.order_id)
        known = self._known.get(order_id)
        if order_id in self._finished or known is None:
            return []
        self._lookups.pop(order_id, None)
        events: list[FillEvent] = []
        executed = order.executed_qty
        if executed > known.executed_qty:
            delta = executed - known.executed_qty
            complete = executed >= order.orig_qty or order.status == "FILLED"
            kind = FillEventKind.FILLED if complete else FillEventKind.PARTIAL_FILL
            events.append(_event(kind, order, delta))
            known.executed_qty = executed
        elif order.status == "FILLED" and known.status != "FILLED":
            events.append(_event(FillEventKind.FILLED, order, Decimal(0)))
        if order.status in TERMINAL_CANCEL_STATUSES:
            events.append(_event(FillEventKind.CANCELED, order, Decimal(0)))
        known.status = order.status
        if order.status == "FILLED" or order.status in TERMINAL_CANCEL_STATUSES:
            self._finish(order_id)
        return events

    def observe_reported(self, order: OrderLike, *, filled_before: Decimal) -> list[FillEvent]:
        """An order's state from the account stream's report of a fill, any
        order of the account (placed here or elsewhere).  An order not seen
        before is taken as having had ``filled_before`` filled, so the rise is
        announced; one already announced this far announces nothing again."""
        order_id = int(order.order_id)
        if order_id not in self._finished and order_id not in self._known:
            self._known[order_id] = _Known(order.symbol, max(Decimal(0), filled_before), "NEW")
        return self.observe_order(order)

    def take_lookups(self) -> list[tuple[str, int]]:
        """Known orders that left the open-orders list: ``(symbol, order_id)`` to ask get_order about."""
        pending = [(symbol, order_id) for order_id, symbol in self._lookups.items()]
        self._lookups.clear()
        return pending

    async def refresh(self, client: OrderFetcher, symbol: str) -> list[FillEvent]:
        """Poll open orders of ``symbol`` and look up the ones that left; all events."""
        events = self.observe_open_orders(symbol, await client.open_orders(symbol))
        for lookup_symbol, order_id in self.take_lookups():
            try:
                order = await client.get_order(lookup_symbol, order_id)
            except Exception:  # looked up again after the next snapshot
                self._lookups.setdefault(order_id, lookup_symbol)
                continue
            events += self.observe_order(order)
        return events

    def _finish(self, order_id: int) -> None:
        self._known.pop(order_id, None)
        self._finished[order_id] = None
        while len(self._finished) > self._finished_memory:
            self._finished.popitem(last=False)


def _event(kind: FillEventKind, order: OrderLike, filled_now: Decimal) -> FillEvent:
    executed = order.executed_qty
    average = order.cummulative_quote_qty / executed if executed > 0 else None
    event = FillEvent(
        kind=kind,
        symbol=order.symbol,
        order_id=int(order.order_id),
        side=order.side,
        price=order.price,
        orig_qty=order.orig_qty,
        executed_qty=executed,
        filled_now=filled_now,
        average_price=average,
        status=order.status,
        message="",
        time_in_force=order.time_in_force,
    )
    return replace(event, message=fill_sentence(event))


def fill_sentence(event: FillEvent, precision: tuple[int, int] | None = None) -> str:
    """The words for ``event``; ``precision`` is the symbol's (price, quantity) decimals when known.

    Without it, amounts are shown exactly as the exchange wrote them and the average
    to at most 8 decimals (trailing zeros dropped).  Thousands are grouped as in the panes.
    """
    places, lots = precision if precision is not None else (None, None)
    price = amount_text(event.price, places)

    def qty(value: Decimal) -> str:
        return amount_text(value, lots)

    what = f"{event.side} {qty(event.orig_qty)} {event.symbol} @ {price} (order {event.order_id})"
    average = event.average_price
    at = f" at {_average_text(average, places)} on average" if average is not None else ""
    if event.kind == FillEventKind.FILLED:
        return f"Filled: {what}{at}."
    if event.kind == FillEventKind.PARTIAL_FILL:
        left = event.orig_qty - event.executed_qty
        return f"Partly filled: {qty(event.executed_qty)} of {what}{at}; {qty(left)} left."
    executed_note = f", {qty(event.executed_qty)} had filled" if event.executed_qty > 0 else ""
    expired = event.expired
    if expired is not None:
        return f"{expired.capitalize()}: {what}{executed_note} ({event.time_in_force})."
    return f"Cancelled: {what}{executed_note} ({event.status})."


def _average_text(average: Decimal, places: int | None) -> str:
    """The average at the symbol's price decimals; of unknown precision, at most 8 decimals
    (a division can give 28 digits), trailing zeros dropped."""
    if places is not None:
        return amount_text(average, places)
    return amount_text(average.quantize(Decimal("1E-8")).normalize())
