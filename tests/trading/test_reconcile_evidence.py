"""What a contested or undecided reconciliation tells the user, word for word, and what it writes down.

A lost answer whose lookalike order the journal already links to another
request must not be settled either way; the notification is the only thing
that tells the user which order to look at, so its words are pinned here.

These run on the scripted exchange (``FakeExchange``), not the sandbox: the
lookalikes must carry times chosen to the millisecond against the intent
(exactly the tolerance apart, two at one instant), and a full page of 500
history rows is set up in a moment; the sandbox stamps every order with its
own clock, so neither can be arranged there.
"""

from __future__ import annotations

from decimal import Decimal

from support.trading_fakes import FakeExchange

from jextui.trading.journal import SAME_ORDER_TOLERANCE_MS, UNKNOWN, OrderAlreadyClaimed, OrderJournal
from jextui.trading.reconcile import Reconciler

D = Decimal
SYMBOL = "BTCUSDT"


def held_without_time(journal: OrderJournal, exchange: FakeExchange, clock, price: str) -> int:
    """An order the exchange answered for another request whose creation time is unknown."""
    holder = journal.record_order_intent(SYMBOL, "BUY", D(price), D("1"), "GTC", created_ms=clock.now)
    order = exchange.place(SYMBOL, "BUY", D("1"), D(price), time=clock.now)
    journal.mark_accepted(holder.id, order_id=order.order_id, order_status="NEW")
    return int(order.order_id)


def lost(journal: OrderJournal, clock, price: str = "100") -> str:
    entry = journal.record_order_intent(SYMBOL, "BUY", D(price), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(entry.id, "timeout")
    return entry.id


async def test_one_contested_order_is_named_in_the_singular(exchange: FakeExchange, journal, clock) -> None:
    order_id = held_without_time(journal, exchange, clock, "100")
    entry_id = lost(journal, clock)
    clock.now += 60_000

    report = await Reconciler(exchange, journal).reconcile(entry_id)

    why = (
        f"order {order_id} on {SYMBOL} matches this request, but the journal links it to another "
        "request, so it may or may not be this one"
    )
    entry = journal.get(entry_id)
    assert report.message == (
        f"{entry.describe()}: outcome still UNKNOWN: {why}. It may have been placed; do not send it again "
        f"before looking at order {order_id} in order history (H). It is looked up again automatically."
    )
    assert (entry.state, entry.message, entry.attempts) == (UNKNOWN, why, 1)
    assert report.entry == entry and not report.settled and report.order is None


async def test_two_contested_orders_are_both_named_in_the_plural(exchange: FakeExchange, journal, clock) -> None:
    first = held_without_time(journal, exchange, clock, "100")
    second = held_without_time(journal, exchange, clock, "100")
    entry_id = lost(journal, clock)
    clock.now += 60_000

    report = await Reconciler(exchange, journal).reconcile(entry_id)

    ids = f"{first}, {second}"
    why = (
        f"orders {ids} on {SYMBOL} match this request, but the journal links them to another "
        "request, so it may or may not be this one"
    )
    entry = journal.get(entry_id)
    assert report.message == (
        f"{entry.describe()}: outcome still UNKNOWN: {why}. It may have been placed; do not send it again "
        f"before looking at order {ids} in order history (H). It is looked up again automatically."
    )
    assert (entry.state, entry.message) == (UNKNOWN, why)


async def test_each_undecided_look_is_counted_and_its_reason_kept(exchange: FakeExchange, journal, clock) -> None:
    entry_id = lost(journal, clock)
    reconciler = Reconciler(exchange, journal)

    first = await reconciler.reconcile(entry_id)  # inside the grace period: nothing seen yet
    second = await reconciler.reconcile(entry_id)

    reason = "not visible on the exchange yet; looking again shortly"
    assert first.message == f"{first.entry.describe()}: outcome still unknown, {reason}."
    assert (first.entry.attempts, second.entry.attempts) == (1, 2)
    assert journal.get(entry_id).message == reason


async def test_an_order_whose_time_differs_by_exactly_the_tolerance_is_still_the_owners(
    exchange: FakeExchange, journal, clock
) -> None:
    """Creation times that differ by the tolerance (1 s) or less are one order, not a reused id."""
    order = exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now)
    holder = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(
        holder.id, order_id=order.order_id, order_status="NEW", order_time_ms=int(order.time) - SAME_ORDER_TOLERANCE_MS
    )
    entry_id = lost(journal, clock)
    clock.now += 60_000

    report = await Reconciler(exchange, journal).reconcile(entry_id)

    assert report.order is None  # the exchange's answer gave that order to the holder
    assert journal.get(holder.id).id_reused_ms is None and journal.get(holder.id).order_id == order.order_id


async def test_a_found_order_is_journalled_with_its_creation_time(exchange: FakeExchange, journal, clock) -> None:
    """The creation time is what later tells this order from another that gets the same id."""
    order = exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now + 250)
    entry_id = lost(journal, clock)
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.placed is True
    assert journal.get(entry_id).order_time_ms == int(order.time) == clock.now + 250


async def test_after_an_order_the_exchange_gave_to_another_request_the_next_lookalike_is_claimed(
    exchange: FakeExchange, journal, clock
) -> None:
    taken = exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now)  # the nearer in time
    holder = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(holder.id, order_id=taken.order_id, order_status="NEW", order_time_ms=int(taken.time))
    free = exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now + 400)
    entry_id = lost(journal, clock)

    report = await Reconciler(exchange, journal).reconcile(entry_id)

    assert report.order is not None and report.order.order_id == free.order_id
    assert journal.get(entry_id).order_id == free.order_id


async def test_an_order_claimed_between_the_read_and_the_write_is_contested(
    exchange: FakeExchange, journal, clock, monkeypatch
) -> None:
    order = exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now)
    entry_id = lost(journal, clock)
    clock.now += 60_000

    def taken_meanwhile(entry, *, order_id, **kwargs):
        raise OrderAlreadyClaimed(f"order {order_id} already belongs to another journal entry")

    monkeypatch.setattr(journal, "mark_resolved", taken_meanwhile)
    report = await Reconciler(exchange, journal).reconcile(entry_id)

    assert not report.settled and journal.get(entry_id).state == UNKNOWN
    assert f"order {order.order_id} on {SYMBOL} matches this request" in report.message


async def test_a_full_history_page_says_where_to_look(exchange: FakeExchange, journal, clock) -> None:
    for index in range(500):
        exchange.place(SYMBOL, "SELL", D("1"), D(200 + index), time=clock.now)
    entry_id = lost(journal, clock)
    clock.now += 60_000
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    reason = "the exchange's order history is longer than one page; look it up in order history"
    assert report.message == f"{report.entry.describe()}: outcome still unknown, {reason}."
    assert journal.get(entry_id).message == reason


async def test_not_placed_is_journalled_with_its_reason(exchange: FakeExchange, journal, clock) -> None:
    entry_id = lost(journal, clock)
    clock.now += 60_000
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.placed is False
    assert report.message == f"{report.entry.describe()} was NOT placed: no matching order on the exchange."
    assert journal.get(entry_id).message == "no matching order on the exchange"
