"""Reconciling UNKNOWN intents against the exchange's open orders and history."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from support.trading_fakes import FakeExchange

from jextui.trading.journal import NOT_PLACED, PENDING, RESOLVED, UNKNOWN, OrderJournal, account_identity
from jextui.trading.reconcile import Reconciler

D = Decimal


def lost_intent(journal: OrderJournal, *, side="BUY", price="100", qty="1", tif="GTC", created_ms: int) -> str:
    entry = journal.record_order_intent("BTCUSDT", side, D(price), D(qty), tif, created_ms=created_ms)
    journal.mark_unknown(entry.id, "connection dropped")
    return entry.id


async def test_the_one_matching_order_is_found_among_lookalikes(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    exchange.place("BTCUSDT", "SELL", D("1"), D("100"), time=created)  # other side
    exchange.place("BTCUSDT", "BUY", D("2"), D("100"), time=created)  # other quantity
    exchange.place("BTCUSDT", "BUY", D("1"), D("100.05"), time=created)  # other price
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), "IOC", time=created)  # other time in force
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=created - 60_000)  # a minute too early
    ours = exchange.place("BTCUSDT", "BUY", D("1.000"), D("100.00"), time=created + 40)
    entry_id = lost_intent(journal, created_ms=created)
    clock.now += 500

    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.settled and report.placed is True
    assert report.order is not None and report.order.order_id == ours.order_id
    assert report.message == f"BUY 1 BTCUSDT @ 100: the order did reach the exchange (order {ours.order_id}, NEW)."
    entry = journal.get(entry_id)
    assert (entry.state, entry.order_id, entry.order_status) == (RESOLVED, ours.order_id, "NEW")


async def test_a_filled_order_is_found_in_the_history(exchange: FakeExchange, journal, clock) -> None:
    created = clock.now
    filled = exchange.place("BTCUSDT", "SELL", D("1"), D("100"), time=created + 5)
    exchange.set_order(filled.order_id, status="FILLED", executed_qty=D("1"))
    entry_id = lost_intent(journal, side="SELL", created_ms=created)
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.placed is True and journal.get(entry_id).order_status == "FILLED"


async def test_two_identical_intents_claim_two_different_orders(exchange: FakeExchange, journal, clock) -> None:
    start = clock.now
    # the second intent is closest in time to the first order: it must still take the other one
    first_order = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=start + 900)
    second_order = exchange.place("BTCUSDT", "BUY", D("1"), D("100"), time=start + 1_500)
    first = lost_intent(journal, created_ms=start)
    second = lost_intent(journal, created_ms=start + 1_000)
    clock.now = start + 2_000

    reports = await Reconciler(exchange, journal).reconcile_pending()
    assert [r.entry.id for r in reports] == [first, second]
    assert journal.get(first).order_id == first_order.order_id
    assert journal.get(second).order_id == second_order.order_id


async def test_an_order_already_owned_by_an_answered_intent_is_not_claimed(
    exchange: FakeExchange, journal, clock
) -> None:
    answered = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    owned = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    journal.mark_accepted(answered.id, order_id=owned.order_id, order_status="NEW", order_time_ms=owned.time)
    entry_id = lost_intent(journal, created_ms=clock.now)
    clock.now += 10_000
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert report.settled and report.placed is False
    assert journal.get(entry_id).state == NOT_PLACED


async def test_nothing_matching_means_not_placed_but_only_after_the_grace_period(
    exchange: FakeExchange, journal, clock
) -> None:
    entry_id = lost_intent(journal, created_ms=clock.now)
    reconciler = Reconciler(exchange, journal, grace_ms=6_000)
    clock.now += 1_000
    early = await reconciler.reconcile(entry_id)
    assert not early.settled and early.placed is None
    assert early.message == (
        "BUY 1 BTCUSDT @ 100: outcome still unknown, not visible on the exchange yet; looking again shortly."
    )
    assert journal.get(entry_id).state == UNKNOWN
    clock.now += 5_000
    late = await reconciler.reconcile(entry_id)
    assert late.settled and late.placed is False
    assert late.message == "BUY 1 BTCUSDT @ 100 was NOT placed: no matching order on the exchange."
    assert journal.get(entry_id).state == NOT_PLACED


async def test_an_unreachable_exchange_leaves_the_question_open(exchange: FakeExchange, journal, clock) -> None:
    entry_id = lost_intent(journal, created_ms=clock.now - 60_000)
    exchange.read_failures = 1
    report = await Reconciler(exchange, journal).reconcile(entry_id)
    assert not report.settled
    assert "could not check yet (The exchange had an internal error (HTTP 503).)" in report.message
    assert journal.get(entry_id).state == UNKNOWN
    assert (await Reconciler(exchange, journal).reconcile(entry_id)).placed is False


async def test_an_intent_left_pending_by_a_crash_is_resolved_at_start(
    exchange: FakeExchange, journal_path: Path, clock
) -> None:
    account = account_identity("demo-key")
    crashed_run = OrderJournal(journal_path, base_url=exchange.base_url, account=account)
    sent = crashed_run.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    exchange.place("BTCUSDT", "BUY", D("1"), D("100"))  # it reached the engine; then the app died
    never_sent = crashed_run.record_order_intent("BTCUSDT", "SELL", D("120"), D("1"), "GTC", created_ms=clock.now)
    other_exchange = OrderJournal(journal_path, base_url="https://elsewhere.example", account=account)
    foreign = other_exchange.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    crashed_run.close()
    other_exchange.close()

    clock.now += 30_000
    restarted = OrderJournal(journal_path, base_url=exchange.base_url, account=account)
    try:
        reports = await Reconciler(exchange, restarted, now_ms=clock.now_ms).reconcile_pending()
        assert [(r.entry.id, r.placed) for r in reports] == [(sent.id, True), (never_sent.id, False)]
        assert restarted.get(sent.id).state == RESOLVED
        assert [e.state for e in restarted.events(sent.id)] == [PENDING, UNKNOWN, RESOLVED]
        assert restarted.get(foreign.id).state == PENDING  # another exchange's intent is left alone
        assert await Reconciler(exchange, restarted, now_ms=clock.now_ms).reconcile_pending() == []
    finally:
        restarted.close()


async def test_the_own_in_flight_request_is_not_reconciled(exchange: FakeExchange, journal, clock) -> None:
    in_flight = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    report = await Reconciler(exchange, journal).reconcile(in_flight.id)
    assert not report.settled and "still in flight" in report.message
    assert journal.get(in_flight.id).state == PENDING


async def test_a_cancel_left_unknown_reads_the_order_back(exchange: FakeExchange, journal) -> None:
    gone = journal.record_cancel_intent("BTCUSDT", 4242)
    journal.mark_unknown(gone.id, "timeout")
    report = await Reconciler(exchange, journal).reconcile(gone.id)
    assert report.settled and report.message == "Order 4242 no longer exists on the exchange."


async def test_a_broken_journal_does_not_break_the_start(exchange: FakeExchange, journal, clock) -> None:
    journal.close()
    assert await Reconciler(exchange, journal).reconcile_pending() == []


async def test_a_journal_update_failure_leaves_the_entry_open(exchange: FakeExchange, journal, clock, monkeypatch):
    from jextui.trading.journal import JournalError

    entry_id = lost_intent(journal, created_ms=clock.now)

    def broken(*args, **kwargs):
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "note_attempt", broken)
    [report] = await Reconciler(exchange, journal).reconcile_pending()
    assert not report.settled and report.entry.id == entry_id
    assert report.message == "BUY 1 BTCUSDT @ 100: outcome still unknown (the journal could not be updated)."
