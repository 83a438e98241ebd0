"""Fill, partial-fill and cancel events from successive order snapshots, once each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from support.trading_fakes import order

from jextui.api.client import JexClient
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


# --- polling the sandbox ---------------------------------------------------------------------

SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"  # the get-order look-up among others


async def best_bid_buy(client: JexClient) -> int:
    """A resting BUY that is the best bid of all, so a seller at its price meets it first."""
    book = await client.book_ticker(SYMBOL)
    price = book.bid_price + D("0.01")
    assert price < book.ask_price
    placed = await client.new_order(SYMBOL, "BUY", D("0.01"), price)
    return int(placed.order_id)


async def test_refresh_polls_and_looks_up_with_the_client(sandbox_client: JexClient) -> None:
    client = sandbox_client
    resting = await best_bid_buy(client)
    tracker = FillTracker()
    assert await tracker.refresh(client, SYMBOL) == []  # the baseline
    mine = await client.get_order(SYMBOL, resting)
    await client.new_order(SYMBOL, "SELL", D("0.01"), mine.price)  # a seller takes it all (a self-trade here)
    events = await tracker.refresh(client, SYMBOL)
    assert kinds(events) == [(resting, FillEventKind.FILLED)]
    assert events[0].executed_qty == D("0.01") and events[0].average_price == mine.price
    assert await tracker.refresh(client, SYMBOL) == []


async def test_a_failed_lookup_is_tried_again_next_time(sandbox: Any, sandbox_client: JexClient) -> None:
    client = sandbox_client
    resting = await best_bid_buy(client)
    tracker = FillTracker()
    await tracker.refresh(client, SYMBOL)
    await client.cancel_order(SYMBOL, resting)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, error_5xx_rate=1.0, phase="before")  # the look-up fails once
    assert await tracker.refresh(client, SYMBOL) == []
    events = await tracker.refresh(client, SYMBOL)
    assert kinds(events) == [(resting, FillEventKind.CANCELED)]
    assert await tracker.refresh(client, SYMBOL) == []


async def test_every_order_that_left_is_looked_up_and_a_failed_look_up_only_waits(
    sandbox: Any, sandbox_client: JexClient
) -> None:
    client = sandbox_client
    book = await client.book_ticker(SYMBOL)
    resting = [await client.new_order(SYMBOL, "BUY", D("0.01"), book.bid_price - D("100")) for _ in range(3)]
    ids = {int(placed.order_id) for placed in resting}
    tracker = FillTracker()
    assert await tracker.refresh(client, SYMBOL) == []
    for order_id in ids:
        await client.cancel_order(SYMBOL, order_id)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, error_5xx_rate=1.0, phase="before")  # the first look-up fails
    told = await tracker.refresh(client, SYMBOL)
    assert len(told) == 2 and {e.kind for e in told} == {FillEventKind.CANCELED}
    later = await tracker.refresh(client, SYMBOL)
    assert [e.kind for e in later] == [FillEventKind.CANCELED]
    assert {e.order_id for e in [*told, *later]} == ids
