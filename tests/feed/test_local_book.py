"""The local order book: snapshot plus diffs by version, gaps, stalls."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.api.models import Depth, DepthLevel
from jextui.api.streams.models import StreamLevel
from jextui.feed.local_book import Applied, LocalBook, Resync, StallWatch

D = Decimal


def lv(price: str | int, qty: str | int) -> StreamLevel:
    return StreamLevel(D(str(price)), D(str(qty)))


def snap(version: int, bids: list[tuple[int | str, int | str]], asks: list[tuple[int | str, int | str]]) -> Depth:
    return Depth(
        last_update_id=version,
        bids=[DepthLevel(D(str(p)), D(str(q))) for p, q in bids],
        asks=[DepthLevel(D(str(p)), D(str(q))) for p, q in asks],
    )


def synced_book() -> LocalBook:
    book = LocalBook("BTCUSDT")
    assert book.apply_snapshot(snap(10, [(100, 1), (99, 2)], [(101, 1), (102, 3)]), 1000)
    return book


def test_a_new_book_wants_a_snapshot_and_buffers_diffs() -> None:
    book = LocalBook("BTCUSDT")
    assert book.symbol == "BTCUSDT" and book.buffer_limit == 1000
    assert book.synced is False and book.updated_ms is None and book.gaps == 0 and book.snapshots == 0
    assert book.needs_snapshot and book.resync_reason is Resync.START
    assert book.version is None and book.best_bid() is None and book.best_ask() is None
    assert book.apply_diff(5, [lv(100, 1)], [], 10) is Applied.BUFFERED
    assert book.bids() == [] and book.version is None
    assert book.depth().last_update_id == 0


def test_snapshot_then_buffered_diffs_newer_than_it() -> None:
    book = LocalBook("BTCUSDT")
    book.apply_diff(9, [lv(100, 5)], [], 1)  # older than the snapshot: dropped
    book.apply_diff(10, [lv(100, 6)], [], 2)  # same version: dropped
    book.apply_diff(11, [lv(98, 4)], [lv(101, 0)], 3)
    assert book.apply_snapshot(snap(10, [(100, 1)], [(101, 1), (102, 3)]), 4)
    assert not book.needs_snapshot and book.resync_reason is Resync.NONE
    assert book.version == 11
    assert book.bids() == [(D(100), D(1)), (D(98), D(4))]
    assert book.asks() == [(D(102), D(3))]
    assert book.updated_ms == 3  # the last diff applied
    assert book.snapshots == 1


def test_diffs_apply_in_order_and_zero_removes() -> None:
    book = synced_book()
    assert book.apply_diff(11, [lv(100, "1.5"), lv(98, 7)], [lv(101, 0)], 2000) is Applied.APPLIED
    assert book.version == 11 and book.updated_ms == 2000
    assert book.bids() == [(D(100), D("1.5")), (D(99), D(2)), (D(98), D(7))]
    assert book.asks() == [(D(102), D(3))]
    assert book.best_bid() == D(100) and book.best_ask() == D(102)
    # removing a level that is not there changes nothing
    assert book.apply_diff(12, [lv(50, 0)], [], 2001) is Applied.APPLIED
    assert book.bids(2) == [(D(100), D("1.5")), (D(99), D(2))]
    depth = book.depth(1)
    assert depth.last_update_id == 12
    assert [(x.price, x.qty) for x in depth.bids] == [(D(100), D("1.5"))]
    assert [(x.price, x.qty) for x in depth.asks] == [(D(102), D(3))]


@pytest.mark.parametrize("version", [9, 10])
def test_a_diff_not_newer_than_the_book_is_dropped(version: int) -> None:
    book = synced_book()
    assert book.apply_diff(version, [lv(100, 9)], [], 2000) is Applied.STALE
    assert book.bids()[0] == (D(100), D(1)) and book.version == 10 and book.updated_ms == 1000


def test_a_crossed_book_is_a_gap() -> None:
    book = synced_book()
    assert book.apply_diff(11, [lv(101, 1)], [], 2000) is Applied.GAP  # bid == best ask
    assert book.needs_snapshot and book.resync_reason is Resync.CROSSED and book.gaps == 1
    assert book.apply_diff(12, [], [lv(103, 1)], 2001) is Applied.BUFFERED
    # a bid just below the ask is not crossed
    other = synced_book()
    assert other.apply_diff(11, [lv("100.99", 1)], [], 2000) is Applied.APPLIED


def test_resync_replays_what_came_during_the_gap() -> None:
    book = synced_book()
    book.apply_diff(11, [lv(101, 1)], [], 2000)  # crossed
    book.apply_diff(14, [], [lv(105, 2)], 2001)
    assert book.apply_snapshot(snap(13, [(100, 1)], [(104, 1)]), 2002)
    assert book.version == 14 and book.asks() == [(D(104), D(1)), (D(105), D(2))]
    assert book.bids() == [(D(100), D(1))]


def test_a_named_previous_version_that_does_not_match_is_a_gap() -> None:
    book = synced_book()
    assert book.apply_diff(12, [lv(98, 1)], [], 2000, prev_version=10) is Applied.APPLIED
    assert book.apply_diff(15, [lv(97, 1)], [], 2001, prev_version=13) is Applied.GAP
    assert book.resync_reason is Resync.VERSION_GAP and book.needs_snapshot
    # the diff that revealed the gap is replayed after a snapshot at its base
    assert book.apply_snapshot(snap(13, [(100, 1)], [(101, 1)]), 2002)
    assert book.version == 15 and book.bids() == [(D(100), D(1)), (D(97), D(1))]


def test_a_buffered_diff_whose_base_is_after_the_snapshot_means_another_gap() -> None:
    book = LocalBook("X")
    book.apply_diff(20, [lv(5, 1)], [], 1, prev_version=18)
    assert book.apply_snapshot(snap(15, [(4, 1)], [(6, 1)]), 2)
    assert book.needs_snapshot and book.resync_reason is Resync.VERSION_GAP and book.gaps == 1
    assert book.apply_snapshot(snap(18, [(4, 2)], [(6, 1)]), 3)
    assert book.version == 20 and book.bids() == [(D(5), D(1)), (D(4), D(2))]


def test_a_buffered_diff_starting_before_the_snapshot_still_applies() -> None:
    book = LocalBook("X")
    book.apply_diff(20, [lv(5, 1)], [], 1, prev_version=14)
    assert book.apply_snapshot(snap(15, [(4, 1)], [(6, 1)]), 2)
    assert not book.needs_snapshot and book.version == 20 and book.best_bid() == D(5)


def test_a_snapshot_that_crosses_after_replay_asks_again() -> None:
    book = LocalBook("X")
    book.apply_diff(20, [lv(7, 1)], [], 1)
    assert book.apply_snapshot(snap(15, [(4, 1)], [(6, 1)]), 2)
    assert book.needs_snapshot and book.resync_reason is Resync.CROSSED


def test_an_older_snapshot_is_ignored_and_a_newer_one_taken_over() -> None:
    book = synced_book()
    book.apply_diff(12, [lv(98, 1)], [], 2000)
    assert not book.apply_snapshot(snap(11, [(1, 1)], [(2, 1)]), 2001)
    assert book.version == 12 and book.best_bid() == D(100)
    assert book.apply_snapshot(snap(30, [(90, 1)], [(95, 1)]), 2002)
    assert book.version == 30 and book.bids() == [(D(90), D(1))] and book.updated_ms == 2002
    assert book.gaps == 0 and book.snapshots == 2


def test_a_snapshot_at_the_same_version_checks_the_book() -> None:
    book = synced_book()
    # agrees (a shallower snapshot only covers its own depth)
    assert book.apply_snapshot(snap(10, [(100, 1)], [(101, 1)]), 1500)
    assert book.gaps == 0 and book.snapshots == 1 and book.updated_ms == 1500
    # disagrees: a gap, and the snapshot wins
    assert book.apply_snapshot(snap(10, [(100, 1), (99, 5)], [(101, 1)]), 1600)
    assert book.gaps == 1 and book.snapshots == 2
    assert book.bids() == [(D(100), D(1)), (D(99), D(5))] and book.asks() == [(D(101), D(1))]


def test_snapshot_comparison_of_empty_sides() -> None:
    book = LocalBook("X")
    book.apply_snapshot(snap(3, [], [(5, 1)]), 1)
    assert book.apply_snapshot(snap(3, [], [(5, 1)]), 2) and book.gaps == 0
    assert book.apply_snapshot(snap(3, [(1, 1)], [(5, 1)]), 3) and book.gaps == 1
    assert book.apply_snapshot(snap(3, [], [(5, 1)]), 4) and book.gaps == 2
    assert book.bids() == []


def test_snapshot_levels_with_zero_quantity_are_not_kept() -> None:
    book = LocalBook("X")
    book.apply_snapshot(snap(3, [(1, 0), (2, 1)], [(5, 0)]), 1)
    assert book.bids() == [(D(2), D(1))] and book.asks() == []


def test_invalidate_waits_for_a_snapshot_and_keeps_what_it_shows() -> None:
    book = synced_book()
    book.invalidate()
    assert book.needs_snapshot and book.resync_reason is Resync.INVALIDATED
    assert book.best_bid() == D(100)  # still readable
    assert book.apply_diff(11, [lv(98, 1)], [], 1) is Applied.BUFFERED
    book.invalidate()  # a second call does not clear the buffer again
    assert book.apply_snapshot(snap(10, [(100, 1)], [(101, 1)]), 2)
    assert book.best_bid() == D(100) and book.bids()[-1] == (D(98), D(1)) and book.version == 11


def test_a_full_buffer_drops_the_oldest_and_refuses_older_snapshots() -> None:
    book = LocalBook("X", buffer_limit=2)
    for v in (11, 12, 13):
        book.apply_diff(v, [lv(v, 1)], [], v)
    assert not book.apply_snapshot(snap(10, [], [(50, 1)]), 20)  # diff 11 was lost
    assert book.needs_snapshot
    assert book.apply_snapshot(snap(11, [], [(50, 1)]), 21)
    assert book.version == 13 and book.bids() == [(D(13), D(1)), (D(12), D(1))]


def test_buffer_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"^buffer_limit must be at least 1$"):
        LocalBook("X", buffer_limit=0)
    assert LocalBook("X", buffer_limit=1).buffer_limit == 1


# --- the property: snapshot + diffs equals the exchange's book ------------------------


class ExchangeModel:
    """A book on the exchange side: every change bumps the version; a push
    carries every level touched since the previous push, at its current qty."""

    def __init__(self) -> None:
        self.bids: dict[Decimal, Decimal] = {}
        self.asks: dict[Decimal, Decimal] = {}
        self.version = 0
        self.touched: dict[tuple[str, Decimal], None] = {}

    def change(self, side: str, price: int, qty: int) -> None:
        book = self.bids if side == "b" else self.asks
        p = D(price)
        if qty:
            book[p] = D(qty)
        else:
            book.pop(p, None)
        self.version += 1
        self.touched[(side, p)] = None

    def push(self) -> tuple[int, list[StreamLevel], list[StreamLevel]]:
        bids = [StreamLevel(p, self.bids.get(p, D(0))) for s, p in self.touched if s == "b"]
        asks = [StreamLevel(p, self.asks.get(p, D(0))) for s, p in self.touched if s == "a"]
        self.touched = {}
        return self.version, bids, asks

    def snapshot(self) -> Depth:
        return Depth(
            last_update_id=self.version,
            bids=[DepthLevel(p, q) for p, q in sorted(self.bids.items(), reverse=True)],
            asks=[DepthLevel(p, q) for p, q in sorted(self.asks.items())],
        )


change = st.tuples(st.sampled_from("ba"), st.integers(1, 12), st.integers(0, 3))
# a step is a change, a push, or (only once) the snapshot request
step = st.one_of(change, st.just("push"), st.just("snapshot"))


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=80), st.integers(0, 10))
def test_snapshot_plus_diffs_equals_the_exchange_book(steps: list[Any], subscribe_after: int) -> None:
    """Subscribe (after some pushes nobody saw), snapshot at a random moment,
    then follow the diffs: the local book equals the exchange's at its version."""
    exchange = ExchangeModel()
    book = LocalBook("X")
    pushes_seen = 0
    snapshot_taken = False
    for item in [*steps, "push", "snapshot", "push"]:
        if item == "push":
            version, bids, asks = exchange.push()
            pushes_seen += 1
            if pushes_seen > subscribe_after:
                book.apply_diff(version, bids, asks, version)
        elif item == "snapshot":
            if not snapshot_taken and pushes_seen > subscribe_after:
                assert book.apply_snapshot(exchange.snapshot(), 0)
                snapshot_taken = True
        else:
            side, price, qty = item
            exchange.change(side, price if side == "b" else price + 20, qty)
    if book.needs_snapshot:  # the stream only started with the very last push
        book.apply_snapshot(exchange.snapshot(), 0)
    assert not book.needs_snapshot
    assert book.version == exchange.version
    assert dict(book.bids()) == exchange.bids and dict(book.asks()) == exchange.asks


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(change, min_size=1, max_size=4), min_size=2, max_size=20), st.data())
def test_a_lost_diff_with_a_previous_version_is_always_seen(
    batches: list[list[tuple[str, int, int]]], data: st.DataObject
) -> None:
    exchange = ExchangeModel()
    book = LocalBook("X")
    book.apply_snapshot(exchange.snapshot(), 0)
    lost = data.draw(st.integers(0, len(batches) - 2))
    previous = 0
    for index, batch in enumerate(batches):
        for side, price, qty in batch:
            exchange.change(side, price if side == "b" else price + 20, qty)
        version, bids, asks = exchange.push()
        if index != lost:
            result = book.apply_diff(version, bids, asks, version, prev_version=previous)
            if index == lost + 1:
                assert result is Applied.GAP and book.needs_snapshot
        previous = version
    assert book.needs_snapshot and book.resync_reason is Resync.VERSION_GAP
    book.apply_snapshot(exchange.snapshot(), 1)
    assert dict(book.bids()) == exchange.bids and dict(book.asks()) == exchange.asks


# --- stall detection ---------------------------------------------------------------------


def test_stall_watch_boundaries() -> None:
    watch = StallWatch(1000, cadences=3)
    assert watch.limit_ms == 3000
    assert not watch.stalled(10**9) and watch.deadline_ms() is None  # not started
    watch.start(10_000)
    assert watch.deadline_ms() == 13_000
    assert not watch.stalled(13_000)  # exactly three cadences: not yet
    assert watch.stalled(13_001)
    watch.seen(12_000)
    assert not watch.stalled(15_000) and watch.stalled(15_001)
    watch.seen(11_000)  # an older receipt never moves it back
    assert watch.last_ms == 12_000
    watch.start(20_000)
    assert watch.last_ms == 20_000


def test_stall_watch_default_and_bad_values() -> None:
    assert StallWatch(500).limit_ms == 1500
    watch = StallWatch(1)
    watch.seen(5)
    assert watch.last_ms == 5
    for bad in ((0, 3), (100, 0), (-1, 3)):
        with pytest.raises(ValueError, match=r"^cadence_ms and cadences must be positive$"):
            StallWatch(bad[0], cadences=bad[1])
    assert StallWatch(1, cadences=1).limit_ms == 1


def test_a_diff_that_moves_the_version_without_levels_is_a_gap() -> None:
    book = synced_book()
    assert book.apply_diff(10, [], [], 2000) is Applied.STALE  # quiet second: same version
    assert book.apply_diff(14, [], [], 2001) is Applied.GAP
    assert book.resync_reason is Resync.VERSION_GAP and book.gaps == 1
    assert book.version == 10 and book.updated_ms == 1000


def test_an_empty_buffered_diff_newer_than_the_snapshot_is_a_gap() -> None:
    book = LocalBook("X")
    book.apply_diff(12, [], [], 1)
    assert book.apply_snapshot(snap(11, [(4, 1)], [(6, 1)]), 2)
    assert book.needs_snapshot and book.resync_reason is Resync.VERSION_GAP


def test_empty_advances_can_be_allowed() -> None:
    book = LocalBook("X", empty_advance_is_gap=False)
    assert book.empty_advance_is_gap is False and LocalBook("Y").empty_advance_is_gap is True
    book.apply_snapshot(snap(3, [(4, 1)], [(6, 1)]), 1)
    assert book.apply_diff(5, [], [], 2) is Applied.APPLIED and book.version == 5


def test_sync_flags_are_booleans_and_gaps_add_up() -> None:
    book = synced_book()
    assert book.synced is True
    book.invalidate()
    assert book.synced is False
    book = synced_book()
    book.apply_diff(11, [lv(101, 1)], [], 1)  # crossed
    assert book.synced is False and book.gaps == 1
    book.apply_snapshot(snap(20, [(100, 1)], [(101, 1)]), 2)
    book.apply_diff(21, [lv(101, 1)], [], 3)  # crossed again
    assert book.gaps == 2


def test_a_shallower_snapshot_at_the_same_version_agrees_with_a_deeper_book() -> None:
    book = LocalBook("X")
    book.apply_snapshot(snap(10, [(100, 1), (99, 2), (98, 3)], [(101, 1), (102, 2), (103, 3)]), 1)
    assert book.apply_snapshot(snap(10, [(100, 1), (99, 2), (97, 0)], [(101, 1), (102, 2), (104, 0)]), 2)
    assert book.gaps == 0 and book.snapshots == 1
    assert book.apply_snapshot(snap(10, [(100, 1), (99, 2)], [(101, 1), (102, 5)]), 3)
    assert book.gaps == 1 and book.asks() == [(D(101), D(1)), (D(102), D(5))]


def test_depth_limits_both_sides() -> None:
    book = synced_book()
    depth = book.depth(1)
    assert len(depth.bids) == 1 and len(depth.asks) == 1
    assert [(x.price, x.qty) for x in book.depth().asks] == [(D(101), D(1)), (D(102), D(3))]


def test_after_an_overflow_and_a_resync_older_snapshots_are_judged_afresh() -> None:
    book = LocalBook("X", buffer_limit=1)
    book.apply_diff(11, [lv(1, 1)], [], 1)
    book.apply_diff(12, [lv(2, 1)], [], 2)  # 11 dropped
    assert book.apply_snapshot(snap(12, [(2, 1)], [(9, 1)]), 3)
    book.invalidate()
    assert book.apply_snapshot(snap(12, [(2, 1)], [(9, 1)]), 4)  # the old overflow no longer counts
