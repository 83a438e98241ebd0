"""The account's orders, balances and fills from the user data stream.

Pure (no I/O).  The stream may deliver events out of order or twice, so:

* events wait ``hold_ms`` after receipt (a short reorder window) and are then
  released in event-time (``E``) order;
* an order's state only moves forward: a report replaces the one held only
  when its ``(E, filled qty, status rank)`` is greater; a balance only when
  its ``E`` is greater;
* a fill notice is emitted when an order's filled quantity rises above what
  was already announced, for the rise only: a repeated or older report never
  announces a fill twice, and each fill is announced once even when a late
  report is merged into a later one.

A REST snapshot (open orders, account) can be merged at any time with
:meth:`UserSequencer.reconcile_orders` and
:meth:`UserSequencer.reconcile_balances`; what the stream said after the
snapshot was taken wins.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jextui.api.models import Balance, Order, OrderId
from jextui.api.streams.models import AccountSpotInfo, ExecSpotReport, UserEvent

__all__ = [
    "OPEN_STATUSES",
    "FillNotice",
    "Released",
    "UserSequencer",
    "status_rank",
]

#: Statuses of an order that is still on the book.
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})
_RANK = {"NEW": 0, "PARTIALLY_FILLED": 1}
_FINAL_RANK = 2  # FILLED, CANCELED, CANCLEFILLED, FAIL and anything unknown


def status_rank(status: str) -> int:
    """How far along an order status is (open ones first, final ones last)."""
    return _RANK.get(status, _FINAL_RANK)


@dataclass(frozen=True, slots=True)
class FillNotice:
    """``qty`` more of an order filled, for ``quote`` (so at ``price`` on average)."""

    symbol: str
    order_id: int
    side: str
    qty: Decimal
    quote: Decimal
    filled_qty: Decimal  # the order's total filled so far
    order_qty: Decimal
    status: str
    event_time: int
    order: Order | None = None  # the order as this report left it (its limit price, total quote filled)

    @property
    def price(self) -> Decimal | None:
        return self.quote / self.qty if self.qty else None


@dataclass(slots=True)
class Released:
    """What one :meth:`UserSequencer.release` changed."""

    order_symbols: set[str] = field(default_factory=set)
    orders: dict[int, Order] = field(default_factory=dict)  # each changed order's latest state, by id
    balances_changed: bool = False
    notices: list[FillNotice] = field(default_factory=list)
    latest_event_ms: int | None = None

    def __bool__(self) -> bool:
        return bool(self.order_symbols or self.balances_changed or self.notices)


@dataclass(slots=True)
class _OrderState:
    order: Order
    key: tuple[int, Decimal, int]  # (E, filled qty, status rank) of what was applied


class UserSequencer:
    """Orders by id, balances by asset and fill notices, from events in any order."""

    def __init__(self, *, hold_ms: int = 100) -> None:
        if hold_ms < 0:
            raise ValueError("hold_ms must not be negative")
        self.hold_ms = hold_ms
        self._pending: list[tuple[int, int, int, UserEvent]] = []  # (E, seq, received, event)
        self._seq = itertools.count()
        self._orders: dict[int, _OrderState] = {}
        self._announced: dict[int, tuple[Decimal, Decimal]] = {}  # id -> (filled qty, quote)
        self._balances: dict[str, tuple[int, Balance]] = {}
        self.duplicates = 0

    # --- input -------------------------------------------------------------------------

    def push(self, event: UserEvent, received_ms: int) -> None:
        """An event from the stream (released after the hold)."""
        heapq.heappush(self._pending, (event.event_time, next(self._seq), received_ms, event))

    def next_release_ms(self) -> int | None:
        """When :meth:`release` will next have something to hand out."""
        if not self._pending:
            return None
        return self._pending[0][2] + self.hold_ms

    def release(self, now_ms: int, *, flush: bool = False) -> Released:
        """Apply, in ``E`` order, the held events whose hold has passed (all of
        them with ``flush``).  The earliest event still held keeps every later
        one back, so that events are applied in ``E`` order."""
        result = Released()
        while self._pending:
            event_time, _, received, event = self._pending[0]
            if not flush and received + self.hold_ms > now_ms:
                break  # the earliest event is still held, and with it every later one
            heapq.heappop(self._pending)
            if isinstance(event, ExecSpotReport):
                self._apply_report(event, result)
            else:
                self._apply_balances(event, result)
            result.latest_event_ms = max(result.latest_event_ms or event_time, event_time)
        return result

    def reconcile_orders(self, symbol: str, orders: Sequence[Order], as_of_ms: int) -> bool:
        """Merge a REST list of ``symbol``'s open orders taken at ``as_of_ms``
        (exchange time).  Orders the stream updated after that keep the stream's
        state; fills already done are not announced.  True when something changed."""
        changed = False
        listed = {int(o.order_id) for o in orders}
        for order in orders:
            key = (as_of_ms, order.executed_qty, status_rank(order.status))
            state = self._orders.get(int(order.order_id))
            if state is None or state.key[0] < as_of_ms:
                if state is None or state.order != order:
                    changed = True
                self._orders[int(order.order_id)] = _OrderState(order, key)
            oid = int(order.order_id)
            if oid not in self._announced:
                self._announced[oid] = (order.executed_qty, order.cummulative_quote_qty)
        for oid, state in list(self._orders.items()):
            if state.order.symbol != symbol or oid in listed:
                continue
            if state.key[0] < as_of_ms and state.order.status in OPEN_STATUSES:
                del self._orders[oid]  # closed while nobody told us
                changed = True
        return changed

    def reconcile_balances(self, balances: Iterable[Balance], as_of_ms: int) -> bool:
        """Merge REST spot balances taken at ``as_of_ms``; True when something changed."""
        changed = False
        for balance in balances:
            held = self._balances.get(balance.asset)
            if held is None or held[0] < as_of_ms:
                if held is None or held[1] != balance:
                    changed = True
                self._balances[balance.asset] = (as_of_ms, balance)
        return changed

    # --- output ------------------------------------------------------------------------

    def open_orders(self, symbol: str | None = None) -> tuple[Order, ...]:
        """Open orders (of ``symbol``, or all), oldest first."""
        found = [
            s.order
            for s in self._orders.values()
            if s.order.status in OPEN_STATUSES and (symbol is None or s.order.symbol == symbol)
        ]
        return tuple(sorted(found, key=lambda o: (o.time, int(o.order_id))))

    def order(self, order_id: int) -> Order | None:
        state = self._orders.get(int(order_id))
        return state.order if state else None

    def balances(self) -> tuple[Balance, ...]:
        """Spot balances by asset name."""
        return tuple(self._balances[a][1] for a in sorted(self._balances))

    def balance_time(self, asset: str) -> int | None:
        held = self._balances.get(asset)
        return held[0] if held else None

    # --- internals ---------------------------------------------------------------------

    def _apply_report(self, report: ExecSpotReport, result: Released) -> None:
        oid = int(report.order_id)
        key = (report.event_time, report.filled_qty, status_rank(report.status))
        state = self._orders.get(oid)
        if state is None or key > state.key:
            previous = state.order if state else None
            self._orders[oid] = _OrderState(_order_from(report, previous), key)
            result.order_symbols.add(report.symbol)
            result.orders[oid] = self._orders[oid].order
        else:
            self.duplicates += 1
        announced_qty, announced_quote = self._announced.get(oid, (Decimal(0), Decimal(0)))
        if report.filled_qty > announced_qty:
            quote = max(Decimal(0), report.filled_quote - announced_quote)
            result.notices.append(
                FillNotice(
                    symbol=report.symbol,
                    order_id=oid,
                    side=report.side,
                    qty=report.filled_qty - announced_qty,
                    quote=quote,
                    filled_qty=report.filled_qty,
                    order_qty=report.qty,
                    status=report.status,
                    event_time=report.event_time,
                    order=_order_from(report, state.order if state else None),
                )
            )
            self._announced[oid] = (report.filled_qty, max(report.filled_quote, announced_quote))

    def _apply_balances(self, info: AccountSpotInfo, result: Released) -> None:
        for item in info.balances:
            held = self._balances.get(item.asset)
            if held is not None and held[0] >= info.event_time:
                self.duplicates += 1
                continue
            self._balances[item.asset] = (
                info.event_time,
                Balance(
                    asset=item.asset,
                    free=item.free,
                    locked=item.locked,
                    can_trade=item.can_trade,
                    can_withdraw=item.can_withdraw,
                    can_deposit=item.can_deposit,
                ),
            )
            result.balances_changed = True


def _order_from(report: ExecSpotReport, previous: Order | None) -> Order:
    """An open-orders row from a report.  The stream does not say the order's
    type or time in force: they are kept from a REST row when one was seen,
    and left empty otherwise."""
    return Order(
        symbol=report.symbol,
        order_id=OrderId(int(report.order_id)),
        price=report.price,
        orig_qty=report.qty,
        executed_qty=report.filled_qty,
        cummulative_quote_qty=report.filled_quote,
        status=report.status,
        time_in_force=previous.time_in_force if previous else "",
        type=previous.type if previous else "",
        side="SELL" if report.side.upper() == "SELL" else "BUY",
        time=report.order_time,
        update_time=report.event_time,
        working=report.status in OPEN_STATUSES,
    )
