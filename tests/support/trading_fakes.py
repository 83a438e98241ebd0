"""Test doubles for the trading logic: a scriptable exchange client and builders."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jextui.api.errors import ConnectionFailed, RequestTimeout, error_from_response
from jextui.api.models import CancelResult, Order, OrderId, OrderResult, Side, SymbolFilter, SymbolInfo, TradeFee
from jextui.trading.journal import PENDING
from jextui.trading.journal_read import read_entries

D = Decimal


def symbol_info(
    *,
    symbol: str = "BTCUSDT",
    status: str = "TRADING",
    base: str = "BTC",
    quote: str = "USDT",
    qty_decimals: int = 4,
    price_decimals: int = 2,
    min_price: str | None = "0.01",
    max_price: str | None = "100000",
    tick: str | None = "0.05",
    min_qty: str | None = "0.001",
    max_qty: str | None = "100",
    step: str | None = "0.001",
    min_notional: str | None = "10",
) -> SymbolInfo:
    def dec(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    filters = [
        SymbolFilter(
            filter_type="PRICE_FILTER", min_price=dec(min_price), max_price=dec(max_price), tick_size=dec(tick)
        ),
        SymbolFilter(filter_type="LOT_SIZE", min_qty=dec(min_qty), max_qty=dec(max_qty), step_size=dec(step)),
    ]
    if min_notional is not None:
        filters.append(SymbolFilter(filter_type="MIN_NOTIONAL", min_notional=dec(min_notional)))
    return SymbolInfo(
        symbol=symbol,
        status=status,
        base_asset=base,
        base_asset_precision=qty_decimals,
        quote_asset=quote,
        quote_precision=price_decimals,
        order_types=["LIMIT"],
        filters=filters,
    )


def fee(maker: str = "0.001", taker: str = "0.002", symbol: str = "BTCUSDT") -> TradeFee:
    return TradeFee(symbol=symbol, maker=Decimal(maker), taker=Decimal(taker))


def order(
    order_id: int,
    *,
    symbol: str = "BTCUSDT",
    side: Side = "BUY",
    price: str = "100",
    qty: str = "1",
    executed: str = "0",
    quote: str | None = None,
    status: str = "NEW",
    tif: str = "GTC",
    time: int = 1_000_000,
) -> Order:
    cumulative = Decimal(quote) if quote is not None else Decimal(executed) * Decimal(price)
    return Order(
        symbol=symbol,
        order_id=OrderId(order_id),
        price=Decimal(price),
        orig_qty=Decimal(qty),
        executed_qty=Decimal(executed),
        cummulative_quote_qty=cumulative,
        status=status,
        time_in_force=tif,
        type="LIMIT",
        side=side,
        time=time,
        update_time=time,
    )


class FakeClock:
    def __init__(self, now: int = 1_000_000) -> None:
        self.now = now

    def now_ms(self) -> int:
        return self.now


HISTORY_LIMIT = 500  # the sandbox's largest (and default) page of the order history

# What the fake exchange does with the next new_order / cancel request.
OK = "ok"
REJECT = "reject"
INSUFFICIENT = "insufficient"
TIMEOUT_AFTER = "timeout_after"  # the engine took the order, the answer never came
DROP_AFTER = "drop_after"
SERVER_ERROR_AFTER = "5xx_after"
DROP_BEFORE = "drop_before"  # the connection died before the request arrived
SERVER_ERROR_BEFORE = "5xx_before"


@dataclass
class FakeExchange:
    """A scriptable stand-in for JexClient's order endpoints."""

    clock: FakeClock = field(default_factory=FakeClock)
    journal_path: Path | None = None
    base_url: str = "http://127.0.0.1:9999"
    orders: dict[int, Order] = field(default_factory=dict)
    next_id: int = 100
    order_script: deque[str] = field(default_factory=deque)
    cancel_script: deque[str] = field(default_factory=deque)
    read_failures: int = 0
    new_order_calls: list[tuple[str, str, Decimal, Decimal, dict[str, Any]]] = field(default_factory=list)
    test_order_calls: list[tuple[str, str, Decimal, Decimal, dict[str, Any]]] = field(default_factory=list)
    cancel_calls: list[tuple[str, int]] = field(default_factory=list)
    journal_states_seen_at_send: list[list[str]] = field(default_factory=list)
    fill_on_place: Decimal = Decimal(0)

    # -- orders --

    async def new_order(self, symbol, side, quantity, price, **kwargs):
        self.new_order_calls.append((symbol, side, quantity, price, kwargs))
        self._check_write_ahead(symbol, side, quantity, price)
        action = self.order_script.popleft() if self.order_script else OK
        if action == REJECT:
            raise error_from_response(
                status=400, code=-9000, msg="Filter failure: PRICE_FILTER", endpoint="new_order", is_order=True
            )
        if action == INSUFFICIENT:
            raise error_from_response(
                status=400,
                code=-2010,
                msg="Account has insufficient balance for requested action.",
                endpoint="new_order",
                is_order=True,
            )
        if action == DROP_BEFORE:
            raise ConnectionFailed("connection dropped", endpoint="new_order", outcome_unknown=True)
        if action == SERVER_ERROR_BEFORE:
            raise error_from_response(status=503, code=None, msg="", endpoint="new_order", is_order=True)
        placed = self.place(symbol, side, quantity, price, kwargs.get("time_in_force") or "GTC")
        if action == TIMEOUT_AFTER:
            raise RequestTimeout("no answer in time", endpoint="new_order", outcome_unknown=True)
        if action == DROP_AFTER:
            raise ConnectionFailed("connection dropped", endpoint="new_order", outcome_unknown=True)
        if action == SERVER_ERROR_AFTER:
            raise error_from_response(status=502, code=None, msg="", endpoint="new_order", is_order=True)
        return OrderResult(
            symbol=placed.symbol,
            order_id=placed.order_id,
            transact_time=placed.time,
            price=placed.price,
            orig_qty=placed.orig_qty,
            executed_qty=placed.executed_qty,
            cummulative_quote_qty=placed.cummulative_quote_qty,
            status=placed.status,
            time_in_force=placed.time_in_force,
            type="LIMIT",
            side=placed.side,
        )

    async def test_order(self, symbol, side, quantity, price, **kwargs):
        self.test_order_calls.append((symbol, side, quantity, price, kwargs))
        action = self.order_script.popleft() if self.order_script else OK
        if action == REJECT:
            raise error_from_response(
                status=400, code=-9000, msg="Filter failure: LOT_SIZE", endpoint="test_order", is_order=True
            )
        if action in (TIMEOUT_AFTER, DROP_AFTER, DROP_BEFORE):
            raise RequestTimeout("no answer in time", endpoint="test_order", outcome_unknown=False)
        return None

    def place(self, symbol, side, quantity, price, tif="GTC", *, time=None) -> Order:
        order_id = self.next_id
        self.next_id += 1
        executed = min(self.fill_on_place, Decimal(quantity))
        status = "NEW" if executed == 0 else ("FILLED" if executed == quantity else "PARTIALLY_FILLED")
        placed = Order(
            symbol=symbol,
            order_id=OrderId(order_id),
            price=Decimal(price),
            orig_qty=Decimal(quantity),
            executed_qty=executed,
            cummulative_quote_qty=executed * Decimal(price),
            status=status,
            time_in_force=tif,
            type="LIMIT",
            side=side,
            time=self.clock.now if time is None else time,
            update_time=self.clock.now if time is None else time,
        )
        self.orders[order_id] = placed
        return placed

    def _check_write_ahead(self, symbol, side, quantity, price) -> None:
        if self.journal_path is None:
            return
        # A separate connection: only committed rows are visible here.
        states = [
            entry.state
            for entry in read_entries(self.journal_path)
            if entry.symbol == symbol and entry.side == side and entry.quantity == quantity and entry.price == price
        ]
        self.journal_states_seen_at_send.append(states)
        assert PENDING in states, "the order was sent before its intent was committed to the journal"

    # -- reads --

    def _maybe_fail_read(self, endpoint: str) -> None:
        if self.read_failures > 0:
            self.read_failures -= 1
            raise error_from_response(status=503, code=None, msg="", endpoint=endpoint, is_order=False)

    async def open_orders(self, symbol, **kwargs):
        self._maybe_fail_read("open_orders")
        return [o for o in self.orders.values() if o.symbol == symbol and o.status in ("NEW", "PARTIALLY_FILLED")]

    async def history_orders(
        self,
        symbol: str,
        *,
        order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[Order]:
        """The sandbox's page: at most ``limit`` (default and most 500) orders in the time range, oldest
        first; the oldest ones from ``order_id`` on when it is given, else the newest ones."""
        self._maybe_fail_read("history_orders")
        limit = HISTORY_LIMIT if limit is None else limit
        if not 1 <= limit <= HISTORY_LIMIT:
            raise error_from_response(
                status=400,
                code=-1100,
                msg=f"Illegal characters found in parameter 'limit'; legal range is '1 - {HISTORY_LIMIT}'.",
                endpoint="history_orders",
                is_order=False,
            )
        selected = [
            o
            for o in sorted(self.orders.values(), key=lambda o: (o.time, o.order_id))
            if o.symbol == symbol
            and (order_id is None or o.order_id >= order_id)
            and (start_time is None or o.time >= start_time)
            and (end_time is None or o.time <= end_time)
        ]
        return selected[:limit] if order_id is not None else selected[-limit:]

    async def get_order(self, symbol, order_id):
        self._maybe_fail_read("get_order")
        found = self.orders.get(int(order_id))
        if found is None or found.symbol != symbol:
            raise error_from_response(
                status=400, code=-2013, msg="Order does not exist.", endpoint="get_order", is_order=False
            )
        return found

    async def cancel_order(self, symbol, order_id):
        self.cancel_calls.append((symbol, int(order_id)))
        action = self.cancel_script.popleft() if self.cancel_script else OK
        if action == DROP_BEFORE:
            raise ConnectionFailed("connection dropped", endpoint="cancel_order", outcome_unknown=True)
        found = self.orders.get(int(order_id))
        if found is None or found.status not in ("NEW", "PARTIALLY_FILLED"):
            raise error_from_response(
                status=400, code=-2011, msg="Unknown order sent.", endpoint="cancel_order", is_order=False
            )
        cancelled = _replace(found, status="CANCELED")
        self.orders[int(order_id)] = cancelled
        if action == DROP_AFTER:
            raise ConnectionFailed("connection dropped", endpoint="cancel_order", outcome_unknown=True)
        return CancelResult(
            symbol=cancelled.symbol,
            order_id=cancelled.order_id,
            transact_time=self.clock.now,
            price=cancelled.price,
            orig_qty=cancelled.orig_qty,
            executed_qty=cancelled.executed_qty,
            cummulative_quote_qty=cancelled.cummulative_quote_qty,
            status="CANCELED",
            time_in_force=cancelled.time_in_force,
            type="LIMIT",
            side=cancelled.side,
        )

    def set_order(self, order_id: int, **changes) -> Order:
        self.orders[order_id] = _replace(self.orders[order_id], **changes)
        return self.orders[order_id]


def _replace(order: Order, **changes) -> Order:
    import msgspec

    return msgspec.structs.replace(order, **changes)
