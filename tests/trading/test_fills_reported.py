"""Fills reported by the account stream, orders that finish without a rise, stale snapshots, bounded memory."""

from __future__ import annotations

from decimal import Decimal

from support.trading_fakes import order

from jextui.trading.fills import FillEventKind, FillTracker

D = Decimal


def test_a_fill_reported_for_an_order_not_seen_before_announces_only_the_rise() -> None:
    tracker = FillTracker()
    [partial] = tracker.observe_reported(order(5, executed="0.5", status="PARTIALLY_FILLED"), filled_before=D("0.2"))
    assert (partial.kind, partial.filled_now) == (FillEventKind.PARTIAL_FILL, D("0.3"))
    assert partial.message == "Partly filled: 0.5 of BUY 1 BTCUSDT @ 100 (order 5) at 100 on average; 0.5 left."
    again = order(5, executed="0.5", status="PARTIALLY_FILLED")
    assert tracker.observe_reported(again, filled_before=D("0.2")) == []  # told once
    [full] = tracker.observe_reported(order(5, executed="1", status="FILLED"), filled_before=D("0.5"))
    assert (full.kind, full.filled_now) == (FillEventKind.FILLED, D("0.5"))
    assert tracker.observe_reported(order(5, executed="1", status="FILLED"), filled_before=D("0.5")) == []


def test_a_reported_fill_never_counts_below_zero_or_below_what_was_already_told() -> None:
    tracker = FillTracker()
    [first] = tracker.observe_reported(order(6, executed="0.2", status="PARTIALLY_FILLED"), filled_before=D("-0.1"))
    assert first.filled_now == D("0.2")
    tracker.track(order(7))  # placed here: nothing executed yet
    [placed_here] = tracker.observe_reported(
        order(7, executed="0.4", status="PARTIALLY_FILLED"), filled_before=D("0.3")
    )
    assert placed_here.filled_now == D("0.4")  # what the tracker knew wins over the report's guess


def test_an_order_that_finishes_filled_without_a_rise_is_still_told_filled_once() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1, executed="1", status="PARTIALLY_FILLED")])  # baseline
    [filled] = tracker.observe_order(order(1, executed="1", status="FILLED"))
    assert (filled.kind, filled.filled_now) == (FillEventKind.FILLED, D("0"))
    assert filled.message == "Filled: BUY 1 BTCUSDT @ 100 (order 1) at 100 on average."
    assert tracker.observe_order(order(1, executed="1", status="FILLED")) == []


def test_an_order_already_filled_when_first_seen_is_old_news() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(2, executed="1", status="FILLED")])
    assert tracker.observe_order(order(2, executed="1", status="FILLED")) == []


def test_the_whole_quantity_executed_is_a_fill_whatever_the_status_says() -> None:
    tracker = FillTracker()
    tracker.track(order(3))
    [event] = tracker.observe_order(order(3, executed="1", status="PARTIALLY_FILLED"))  # a status behind
    assert event.kind == FillEventKind.FILLED and event.message.startswith("Filled: ")
    tracker.track(order(4))
    [short] = tracker.observe_order(order(4, executed="0.999", status="FILLED"))  # the exchange's word
    assert short.kind == FillEventKind.FILLED


def test_a_finished_order_in_a_stale_snapshot_is_not_taken_up_again() -> None:
    tracker = FillTracker()
    tracker.track(order(8))
    tracker.observe_order(order(8, executed="1", status="FILLED"))
    stale = [order(8, executed="0.5", status="PARTIALLY_FILLED")]
    assert tracker.observe_open_orders("BTCUSDT", stale) == []
    assert 8 not in tracker.known_order_ids
    assert tracker.observe_open_orders("BTCUSDT", []) == [] and tracker.take_lookups() == []


def test_finished_orders_are_remembered_up_to_the_limit_oldest_forgotten_first() -> None:
    tracker = FillTracker(finished_memory=2)
    for order_id in (1, 2, 3):
        tracker.track(order(order_id))
        tracker.observe_order(order(order_id, executed="1", status="FILLED"))
    assert tracker.track(order(3, executed="1", status="FILLED")) == []  # remembered: told once
    assert tracker.track(order(2, executed="1", status="FILLED")) == []
    [again] = tracker.track(order(1, executed="1", status="FILLED"))  # forgotten: new again
    assert again.kind == FillEventKind.FILLED


def test_the_default_memory_holds_thousands_of_finished_orders() -> None:
    tracker = FillTracker()
    for order_id in range(1, 4_001):
        tracker.track(order(order_id))
        tracker.observe_order(order(order_id, status="CANCELED"))
    assert tracker.track(order(1, status="CANCELED")) == []


def test_an_order_never_tracked_tells_nothing_and_does_not_fail() -> None:
    tracker = FillTracker()
    assert tracker.observe_order(order(99, executed="1", status="FILLED")) == []  # placed elsewhere, unknown


def test_every_order_of_one_snapshot_is_looked_at() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1), order(2), order(3)])
    tracker.track(order(4))
    tracker.observe_order(order(4, executed="1", status="FILLED"))  # finished, yet still in the next snapshot
    snapshot = [
        order(9, symbol="ETHUSDT"),  # another symbol's order in the list
        order(4, executed="1", status="PARTIALLY_FILLED"),
        order(1, executed="0.5", status="PARTIALLY_FILLED"),
        order(2, executed="0.25", status="PARTIALLY_FILLED"),
        order(3),
    ]
    events = tracker.observe_open_orders("BTCUSDT", snapshot)
    assert [(e.order_id, e.filled_now) for e in events] == [(1, D("0.5")), (2, D("0.25"))]
    listed = tracker.observe_orders([order(1, executed="1", status="FILLED"), order(2, executed="1", status="FILLED")])
    assert [(e.order_id, e.kind) for e in listed] == [(1, FillEventKind.FILLED), (2, FillEventKind.FILLED)]


def test_an_order_back_on_the_list_or_seen_again_is_no_longer_looked_up() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1), order(2)])
    tracker.observe_open_orders("BTCUSDT", [])  # both left the list (or the snapshot missed them)
    tracker.observe_open_orders("BTCUSDT", [order(1)])  # 1 is back
    tracker.observe_order(order(2, executed="0.1", status="PARTIALLY_FILLED"))  # 2 answered a look-up
    assert tracker.take_lookups() == []


def test_an_order_tracked_or_reported_here_is_looked_up_when_it_leaves_its_symbols_list() -> None:
    tracker = FillTracker()
    tracker.track(order(1))
    tracker.observe_reported(order(2, executed="0.1", status="PARTIALLY_FILLED"), filled_before=D(0))
    tracker.observe_open_orders("BTCUSDT", [])
    assert sorted(tracker.take_lookups()) == [("BTCUSDT", 1), ("BTCUSDT", 2)]


def test_tracking_an_order_already_seen_does_not_tell_its_old_fills_again() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1, executed="0.4", status="PARTIALLY_FILLED")])
    assert tracker.track(order(1, executed="0.4", status="PARTIALLY_FILLED")) == []


def test_a_cancel_after_a_partial_fill_adds_nothing_filled() -> None:
    tracker = FillTracker()
    tracker.observe_open_orders("BTCUSDT", [order(1, executed="0.4", status="PARTIALLY_FILLED")])
    [cancelled] = tracker.observe_order(order(1, executed="0.4", status="CANCELED"))
    assert (cancelled.kind, cancelled.filled_now) == (FillEventKind.CANCELED, D(0))
