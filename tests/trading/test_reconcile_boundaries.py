"""Reconciliation at its edges: the time window, ties between lookalikes, the
history look-back, the second look of ``settle``, and lost cancels.

On the scripted exchange (``FakeExchange``) with a scripted clock: every
edge here is a millisecond (an order exactly at the skew, one past it, two
equally near), a history view that lags the open-orders view, and waits
counted without waiting; the sandbox stamps orders with its own running
clock and keeps its two views in step, so it cannot hold these cases; nor
does its REST answer ever say CANCLEFILLED (only its stream does).  The
same paths against the sandbox, lost cancels included: ``test_reconcile``
and ``test_sandbox_unknown_outcome``.
"""

from __future__ import annotations

from decimal import Decimal

from support.trading_fakes import FakeExchange

from jextui.trading.journal import RESOLVED, UNKNOWN, OrderAlreadyClaimed, OrderJournal
from jextui.trading.reconcile import DEFAULT_GRACE_MS, DEFAULT_SKEW_MS, Reconciler

D = Decimal


def lost_intent(journal: OrderJournal, *, created_ms: int, side: str = "BUY", tif: str = "GTC") -> str:
    entry = journal.record_order_intent("BTCUSDT", side, D("100"), D("1"), tif, created_ms=created_ms)
    journal.mark_unknown(entry.id, "connection dropped")
    return entry.id


def test_the_defaults_are_recv_window_plus_a_second_and_five_seconds_of_skew() -> None:
    assert (DEFAULT_GRACE_MS, DEFAULT_SKEW_MS) == (6_000, 5_000)


async def test_an_order_exactly_at_either_edge_of_the_window_is_ours(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    clock.now = created + 2_000
    early = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created - 5_000)  # created - skew
    late = exchange.place("BTCUSDT", "SELL", D("1"), D("100"), time=clock.now + 5_000)  # now + skew
    buy, sell = lost_intent(journal, created_ms=created), lost_intent(journal, created_ms=created, side="SELL")
    reconciler = Reconciler(exchange, journal, skew_ms=5_000)
    assert (await reconciler.reconcile(buy)).order.order_id == early.order_id  # type: ignore[union-attr]
    assert (await reconciler.reconcile(sell)).order.order_id == late.order_id  # type: ignore[union-attr]


async def test_an_order_one_millisecond_outside_the_window_is_not(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    clock.now = created + 2_000
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created - 5_001)
    exchange.place("BTCUSDT", "SELL", D("1"), D("100"), time=clock.now + 5_001)
    buy, sell = lost_intent(journal, created_ms=created), lost_intent(journal, created_ms=created, side="SELL")
    reconciler = Reconciler(exchange, journal, skew_ms=5_000)
    for entry_id in (buy, sell):
        report = await reconciler.reconcile(entry_id)
        assert not report.settled and report.order is None
        assert journal.get(entry_id).state == UNKNOWN


async def test_of_two_lookalikes_the_nearer_in_time_is_claimed(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created - 300)
    nearer = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created + 200)
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created + 250)
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created))
    assert report.order is not None and report.order.order_id == nearer.order_id


async def test_of_two_lookalikes_equally_near_the_older_order_is_claimed(
    exchange: FakeExchange, journal, clock
) -> None:
    created = clock.now
    older = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created + 100)
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created - 100)
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created))
    assert report.order is not None and report.order.order_id == older.order_id


async def test_an_order_without_a_time_in_force_matches_any(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), "", time=created)
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created, tif="IOC"))
    assert report.order is not None and report.order.order_id == placed.order_id


async def test_the_asked_time_in_force_ranks_first_but_another_never_rules_an_order_out(
    exchange: FakeExchange, journal, clock
) -> None:
    created = clock.now
    # nearer in time but GTC, against an IOC at the same terms a little further: the IOC is ours
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), "GTC", time=created + 10)
    asked = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), "IOC", time=created + 400)
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created, tif="IOC"))
    assert report.order is not None and report.order.order_id == asked.order_id
    # only a GTC lookalike (an exchange that ignored the IOC): it is ours, never "NOT placed"
    kept = exchange.place("BTCUSDT", "SELL", D("1"), D("100"), "GTC", time=created + 20)
    report = await Reconciler(exchange, journal).reconcile(
        lost_intent(journal, created_ms=created, side="SELL", tif="FOK")
    )
    assert report.settled and report.order is not None and report.order.order_id == kept.order_id


async def test_the_history_is_read_from_the_skew_before_the_intent(exchange: FakeExchange, journal, clock) -> None:
    asked: list[int | None] = []
    history = exchange.history_orders

    async def recording_history(symbol, *, start_time=None, **kwargs):
        asked.append(start_time)
        return await history(symbol, start_time=start_time, **kwargs)

    exchange.history_orders = recording_history  # type: ignore[method-assign]
    reconciler = Reconciler(exchange, journal, skew_ms=7_000)
    await reconciler.reconcile(lost_intent(journal, created_ms=clock.now))
    await reconciler.reconcile(lost_intent(journal, created_ms=3_000))  # near the epoch: never before it
    assert asked == [clock.now - 7_000, 0]


async def test_a_filled_order_gone_from_the_open_list_is_found_in_the_history(
    exchange: FakeExchange, journal, clock
) -> None:
    created = clock.now
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created)
    exchange.set_order(placed.order_id, status="FILLED", executed_qty=D("1"))
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created))
    assert report.order is not None and report.order.status == "FILLED"


async def test_the_open_orders_view_wins_over_an_older_history_row(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created)
    stale = exchange.set_order(placed.order_id, status="NEW")
    fresh = exchange.set_order(placed.order_id, status="PARTIALLY_FILLED", executed_qty=D("0.5"))
    history = exchange.history_orders

    async def lagging_history(symbol, *, start_time=None, **kwargs):  # the history still says NEW
        return [stale if o.order_id == placed.order_id else o for o in await history(symbol, start_time=start_time)]

    exchange.history_orders = lagging_history  # type: ignore[method-assign]
    report = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=created))
    assert report.order == fresh


async def test_an_order_claimed_meanwhile_is_skipped_for_the_next_lookalike(
    exchange: FakeExchange, journal, clock, monkeypatch
) -> None:
    created = clock.now
    first = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created)
    second = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created + 300)
    entry_id = lost_intent(journal, created_ms=created)
    claim = journal.mark_resolved

    def taken_by_another(entry, *, order_id, **kwargs):
        if order_id == first.order_id:  # another look claimed it between our read and our write
            raise OrderAlreadyClaimed(f"order {order_id} already belongs to another journal entry")
        return claim(entry, order_id=order_id, **kwargs)

    monkeypatch.setattr(journal, "mark_resolved", taken_by_another)
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.order is not None and report.order.order_id == second.order_id
    assert journal.get(entry_id).order_id == second.order_id


# --- settle: how many looks, how long between them ----------------------------------------


async def test_settle_waits_until_the_grace_period_is_over_and_looks_again(
    exchange: FakeExchange, journal, clock
) -> None:
    created = clock.now
    entry_id = lost_intent(journal, created_ms=created)
    clock.now = created + 1_500
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += int(seconds * 1000)
        exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created + 1_000)  # shows up meanwhile

    report = await Reconciler(exchange, journal, grace_ms=6_000, sleep=sleep).settle(entry_id)
    assert slept == [4.5]  # until created + grace
    assert report.settled and report.placed is True
    entry = journal.get(entry_id)
    assert (entry.state, entry.attempts) == (RESOLVED, 2)  # two looks recorded


async def test_settle_never_waits_longer_than_the_grace_period(exchange: FakeExchange, journal, clock) -> None:
    entry_id = lost_intent(journal, created_ms=clock.now + 60_000)  # a clock far ahead of the exchange's
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    await Reconciler(exchange, journal, grace_ms=6_000, sleep=sleep).settle(entry_id, looks=3)
    assert slept == [6.0, 6.0]  # three looks, two waits, each capped


async def test_settle_with_one_look_does_not_wait(exchange: FakeExchange, journal, clock) -> None:
    entry_id = lost_intent(journal, created_ms=clock.now)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    report = await Reconciler(exchange, journal, sleep=sleep).settle(entry_id, looks=1)
    assert slept == [] and not report.settled
    assert journal.get(entry_id).attempts == 1


async def test_settle_stops_looking_once_settled(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created)
    entry_id = lost_intent(journal, created_ms=created)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    report = await Reconciler(exchange, journal, sleep=sleep).settle(entry_id, looks=5)
    assert report.placed is True and slept == []


# --- answered questions, and cancels ----------------------------------------------------------


async def test_an_answered_intent_is_not_looked_up_again(exchange: FakeExchange, journal, clock) -> None:
    entry = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_rejected(entry.id, code=-2010, message="insufficient balance")
    exchange.read_failures = 5  # any look would fail
    report = await Reconciler(exchange, journal).reconcile(entry.id)
    assert report.settled and report.order is None and report.placed is False
    assert report.message == "BUY 1 BTCUSDT @ 100: already settled (REJECTED)."
    assert exchange.read_failures == 5


async def test_a_cancel_whose_order_is_gone_or_cancel_filled_is_settled(exchange: FakeExchange, journal) -> None:
    gone = journal.record_cancel_intent("BTCUSDT", 4242)
    journal.mark_unknown(gone.id, "timeout")
    report = await Reconciler(exchange, journal).reconcile(gone.id)
    assert report.entry.id == gone.id and report.settled is True
    entry = journal.get(gone.id)
    assert (entry.state, entry.order_id, entry.order_status, entry.message) == (
        RESOLVED,
        4242,
        None,
        "the order no longer exists on the exchange",
    )
    partly = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    exchange.set_order(partly.order_id, status="CANCLEFILLED", executed_qty=D("0.4"))
    cancel = journal.record_cancel_intent("BTCUSDT", partly.order_id)
    journal.mark_unknown(cancel.id, "timeout")
    done = await Reconciler(exchange, journal).reconcile(cancel.id)
    assert done.message == f"Order {partly.order_id} on BTCUSDT: the cancel took effect."
    assert journal.get(cancel.id).order_status == "CANCLEFILLED"


async def test_every_unsettled_report_says_so_plainly(exchange: FakeExchange, journal, clock) -> None:
    in_flight = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    waiting = await Reconciler(exchange, journal).reconcile(in_flight.id)
    assert waiting.settled is False and waiting.entry.id == in_flight.id
    assert waiting.message == "BUY 1 BTCUSDT @ 100: the request is still in flight."
    unseen = await Reconciler(exchange, journal).reconcile(lost_intent(journal, created_ms=clock.now))
    assert unseen.settled is False


async def test_an_intent_left_pending_by_an_earlier_run_is_marked_unknown_first(
    exchange: FakeExchange, journal, journal_path, clock
) -> None:
    earlier = OrderJournal(journal_path, base_url=exchange.base_url, account=journal.account)
    left = earlier.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    earlier.close()
    await Reconciler(exchange, journal).reconcile(left.id)
    assert [(e.state, e.detail) for e in journal.events(left.id)][:2] == [
        ("PENDING", "intent written"),
        ("UNKNOWN", "left without an answer by an earlier run"),
    ]


async def test_journal_failures_are_logged_with_what_they_concern(
    exchange: FakeExchange, journal, clock, monkeypatch, caplog
) -> None:
    from jextui.trading.journal import JournalError

    lost_intent(journal, created_ms=clock.now)

    def broken(*args, **kwargs):
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "note_attempt", broken)
    with caplog.at_level("ERROR", logger="jextui.trading"):
        [report] = await Reconciler(exchange, journal).reconcile_pending()
    assert report.settled is False
    assert "cannot update the order journal for BUY 1 BTCUSDT @ 100: disk full" in caplog.messages
    monkeypatch.setattr(journal, "needing_reconciliation", broken)
    caplog.clear()
    with caplog.at_level("ERROR", logger="jextui.trading"):
        assert await Reconciler(exchange, journal).reconcile_pending() == []
    assert caplog.messages == ["cannot read the order journal to reconcile: disk full"]


async def test_settle_looks_twice_by_default_and_does_not_wait_once_the_grace_is_over(
    exchange: FakeExchange, journal, clock
) -> None:
    entry_id = lost_intent(journal, created_ms=clock.now - 60_000)
    exchange.read_failures = 10  # the exchange cannot be asked at all
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    report = await Reconciler(exchange, journal, sleep=sleep).settle(entry_id)
    assert slept == [0.0] and report.settled is False
    assert journal.get(entry_id).attempts == 2


class _NoClockClient:
    """An exchange client that keeps no clock of its own: the reconciler uses the wall clock."""

    def __init__(self, inner: FakeExchange, clock: object = None) -> None:
        self._inner = inner
        if clock is not None:
            self.clock = clock

    async def open_orders(self, symbol):
        return await self._inner.open_orders(symbol)

    async def history_orders(self, symbol, *, start_time=None):
        return await self._inner.history_orders(symbol, start_time=start_time)

    async def get_order(self, symbol, order_id):
        return await self._inner.get_order(symbol, order_id)


async def test_without_an_exchange_clock_the_wall_clock_decides(exchange: FakeExchange, journal) -> None:
    import time

    wall_now = time.time_ns() // 1_000_000
    for client in (_NoClockClient(exchange), _NoClockClient(exchange, clock=object())):
        recent = lost_intent(journal, created_ms=wall_now - 1_000)  # inside the grace period
        assert (await Reconciler(client, journal).reconcile(recent)).settled is False
        placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=wall_now - 500)
        report = await Reconciler(client, journal).reconcile(recent)
        assert report.order is not None and report.order.order_id == placed.order_id
