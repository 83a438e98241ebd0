"""Fill, partial-fill and cancel events from successive order snapshots, once each."""

from __future__ import annotations

from decimal import Decimal

from support.trading_fakes import FakeExchange, order

from jextui.trading.fills import FillEventKind, FillTracker

D = Decimal


def kinds(events) -> list[tuple[int, FillEventKind]]:
    return [(e.order_id, e.kind) for e in events]


def test_orders_seen_at_start_are_a_baseline() -> None:
    tracker = FillTracker()
    assert tracker.observe_open_orders("BTCUSDT", [order(1, executed="0.4", status="PARTIALLY_FILLED"), order(2)]) == []
    assert tracker.known_order_ids == {1, 2}


def test_a_partial_fill_then_the_rest_are_announced_once_each() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1, qty="1")])
    partial = tracker.observe_open_orders("BTCUSDT", [order(1, qty="1", executed="0.25", status="PARTIALLY_FILLED")])
    assert kinds(partial) == [(1, FillEventKind.PARTIAL_FILL)]
    assert partial[0].filled_now == D("0.25")
    assert partial[0].message == "Partly filled: 0.25 of BUY 1 BTCUSDT @ 100 (order 1) at 100 on average; 0.75 left."
    same_again = tracker.observe_open_orders("BTCUSDT", [order(1, qty="1", executed="0.25", status="PARTIALLY_FILLED")])
    assert same_again == []
    stale = tracker.observe_open_orders("BTCUSDT", [order(1, qty="1", executed="0.1", status="PARTIALLY_FILLED")])
    assert stale == []
    full = tracker.observe_order(order(1, qty="1", executed="1", status="FILLED", quote="99.5"))
    assert kinds(full) == [(1, FillEventKind.FILLED)]
    assert full[0].filled_now == D("0.75") and full[0].average_price == D("99.5")
    assert full[0].message == "Filled: BUY 1 BTCUSDT @ 100 (order 1) at 99.5 on average."
    assert tracker.observe_order(order(1, qty="1", executed="1", status="FILLED")) == []
    assert tracker.observe_open_orders("BTCUSDT", []) == [] and tracker.take_lookups() == []


def test_an_order_that_leaves_the_open_list_is_looked_up() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("ETHUSDT", [order(3, symbol="ETHUSDT")])
    tracker.observe_open_orders("BTCUSDT", [order(1), order(2)])
    assert tracker.observe_open_orders("BTCUSDT", [order(2)]) == []
    assert tracker.take_lookups() == [("BTCUSDT", 1)]
    assert tracker.take_lookups() == []
    cancelled = tracker.observe_order(order(1, executed="0.5", status="CANCELED"))
    assert kinds(cancelled) == [(1, FillEventKind.PARTIAL_FILL), (1, FillEventKind.CANCELED)]
    assert cancelled[1].message == "Cancelled: BUY 1 BTCUSDT @ 100 (order 1), 0.5 had filled (CANCELED)."
    assert 3 in tracker.known_order_ids  # another symbol's snapshot says nothing about it


def test_a_tracked_new_order_announces_an_immediate_fill() -> None:
    tracker = FillTracker()
    events = tracker.track(order(7, side="SELL", qty="2", executed="2", status="FILLED"))
    assert kinds(events) == [(7, FillEventKind.FILLED)]
    assert tracker.track(order(8)) == []
    assert kinds(tracker.observe_orders([order(8, status="EXPIRED"), order(9, status="CANCELED")])) == [
        (8, FillEventKind.CANCELED)
    ]


async def test_refresh_polls_and_looks_up_with_the_client(clock) -> None:
    exchange = FakeExchange(clock=clock)
    resting = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    tracker = FillTracker()
    assert await tracker.refresh(exchange, "BTCUSDT") == []
    exchange.set_order(resting.order_id, executed_qty=D("1"), cummulative_quote_qty=D("100"), status="FILLED")
    events = await tracker.refresh(exchange, "BTCUSDT")
    assert kinds(events) == [(resting.order_id, FillEventKind.FILLED)]
    assert await tracker.refresh(exchange, "BTCUSDT") == []


class FlakyLookups:
    """Open orders answer; the first get_order fails."""

    def __init__(self, exchange: FakeExchange) -> None:
        self.exchange = exchange
        self.failures = 1

    async def open_orders(self, symbol, **kwargs):
        return await self.exchange.open_orders(symbol, **kwargs)

    async def get_order(self, symbol, order_id):
        if self.failures:
            self.failures -= 1
            raise TimeoutError("no answer")
        return await self.exchange.get_order(symbol, order_id)


async def test_a_failed_lookup_is_tried_again_next_time(clock) -> None:
    exchange = FakeExchange(clock=clock)
    resting = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    client = FlakyLookups(exchange)
    tracker = FillTracker()
    await tracker.refresh(client, "BTCUSDT")
    exchange.set_order(resting.order_id, status="CANCELED")
    assert await tracker.refresh(client, "BTCUSDT") == []
    events = await tracker.refresh(client, "BTCUSDT")
    assert kinds(events) == [(resting.order_id, FillEventKind.CANCELED)]
    assert await tracker.refresh(client, "BTCUSDT") == []
