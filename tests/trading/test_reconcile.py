"""Reconciling UNKNOWN intents against the exchange's open orders and history.

Most tests run against the in-process sandbox: its orders are real, its
faults make the exchange unreachable, and an intent's creation time is set
relative to the times the sandbox gave its orders.  Two stay on the
scripted exchange (``FakeExchange``), because the sandbox stamps each order
with its own clock and cannot hold orders of chosen times: the lookalikes of
one instant beside one placed a minute before the intent (an order on the
other side at the same price would also trade), and two identical orders
whose times are set against two identical intents.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.trading_fakes import FakeExchange

from jextui.api.client import JexClient
from jextui.trading.journal import (
    NOT_PLACED,
    PENDING,
    RESOLVED,
    UNKNOWN,
    JournalEntry,
    JournalError,
    OrderJournal,
    account_identity,
)
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


# --- against the sandbox ------------------------------------------------------------------------

SYMBOL = "BTCUSDT"
QTY = D("0.01")


class ShiftedClock:
    """The sandbox's time, moved on by the test: the reconciler's "now"."""

    def __init__(self, client: JexClient) -> None:
        self.client = client
        self.ahead_ms = 0

    def now_ms(self) -> int:
        return self.client.clock.now_ms() + self.ahead_ms


@pytest.fixture
def now(sandbox_client: JexClient) -> ShiftedClock:
    return ShiftedClock(sandbox_client)


@pytest.fixture
def real_journal(tmp_path: Path, sandbox_client: JexClient, sandbox: Any) -> Iterator[OrderJournal]:
    opened = OrderJournal(
        tmp_path / "real" / "journal.sqlite",
        base_url=sandbox_client.base_url,
        account=account_identity(sandbox.api_key),
    )
    yield opened
    opened.close()


def recorded(journal: OrderJournal, entry_id: str) -> JournalEntry:
    entry = journal.get(entry_id)
    assert entry is not None
    return entry


async def resting_price(client: JexClient) -> Decimal:
    return (await client.book_ticker(SYMBOL)).bid_price - D("100")


def lost(
    journal: OrderJournal, price: Decimal, created_ms: int, *, side: str = "BUY", tif: str = "GTC", qty: Decimal = QTY
) -> str:
    entry = journal.record_order_intent(SYMBOL, side, price, qty, tif, created_ms=created_ms)
    journal.mark_unknown(entry.id, "connection dropped")
    return entry.id


async def test_a_filled_order_is_found_in_the_history(sandbox_client: JexClient, real_journal: OrderJournal) -> None:
    client = sandbox_client
    ask = (await client.book_ticker(SYMBOL)).ask_price
    small = D("0.001")  # within what the best ask offers
    created = client.clock.now_ms()
    filled = await client.new_order(SYMBOL, "BUY", small, ask, time_in_force="IOC", resp_type="RESULT")
    assert getattr(filled, "status", None) == "FILLED" and await client.open_orders(SYMBOL) == []  # traded at once
    entry_id = lost(real_journal, ask, created, tif="IOC", qty=small)
    report = await Reconciler(client, real_journal).reconcile(entry_id)
    assert report.placed is True and report.order is not None and report.order.order_id == filled.order_id
    assert recorded(real_journal, entry_id).order_status == "FILLED"


async def test_an_order_already_owned_by_an_answered_intent_is_not_claimed(
    sandbox_client: JexClient, real_journal: OrderJournal, now: ShiftedClock
) -> None:
    client = sandbox_client
    price = await resting_price(client)
    created = client.clock.now_ms()
    answered = real_journal.record_order_intent(SYMBOL, "BUY", price, QTY, "GTC", created_ms=created)
    owned = await client.new_order(SYMBOL, "BUY", QTY, price)
    real_journal.mark_accepted(
        answered.id, order_id=int(owned.order_id), order_status="NEW", order_time_ms=owned.transact_time
    )
    entry_id = lost(real_journal, price, created)
    now.ahead_ms = 10_000
    report = await Reconciler(client, real_journal, now_ms=now.now_ms).reconcile(entry_id)
    assert report.settled and report.placed is False
    assert recorded(real_journal, entry_id).state == NOT_PLACED


async def test_nothing_matching_means_not_placed_but_only_after_the_grace_period(
    sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    client = sandbox_client
    price = await resting_price(client)
    words = f"BUY 0.01 BTCUSDT @ {price.normalize():,f}"  # grouped, as in the panes
    created = client.clock.now_ms()
    entry_id = lost(real_journal, price, created)
    since = [5_999]  # the reconciler's "now", frozen to the millisecond: created + since[0]
    reconciler = Reconciler(client, real_journal, grace_ms=6_000, now_ms=lambda: created + since[0])
    early = await reconciler.reconcile(entry_id)
    assert not early.settled and early.placed is None
    assert early.message == f"{words}: outcome still unknown, not visible on the exchange yet; looking again shortly."
    assert recorded(real_journal, entry_id).state == UNKNOWN
    since[0] = 6_000  # the grace period is over exactly now
    late = await reconciler.reconcile(entry_id)
    assert late.settled and late.placed is False
    assert late.message == f"{words} was NOT placed: no matching order on the exchange."
    assert recorded(real_journal, entry_id).state == NOT_PLACED


async def test_an_unreachable_exchange_leaves_the_question_open(
    sandbox: Any, sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    client = sandbox_client
    entry_id = lost(real_journal, await resting_price(client), client.clock.now_ms() - 60_000)
    sandbox.set_faults(error_5xx_rate=1.0, phase="before", paths=("/api/v1/spot/openOrders",), limit=1)
    report = await Reconciler(client, real_journal).reconcile(entry_id)
    assert not report.settled
    assert "outcome still unknown, could not check yet (The exchange " in report.message  # the 5xx told in words
    assert recorded(real_journal, entry_id).state == UNKNOWN
    assert (await Reconciler(client, real_journal).reconcile(entry_id)).placed is False


async def test_an_intent_left_pending_by_a_crash_is_resolved_at_start(
    sandbox_client: JexClient, sandbox: Any, tmp_path: Path, now: ShiftedClock
) -> None:
    client = sandbox_client
    path = tmp_path / "crash" / "journal.sqlite"
    account = account_identity(sandbox.api_key)
    price = await resting_price(client)
    crashed_run = OrderJournal(path, base_url=client.base_url, account=account)
    sent = crashed_run.record_order_intent(SYMBOL, "BUY", price, QTY, "GTC", created_ms=client.clock.now_ms())
    await client.new_order(SYMBOL, "BUY", QTY, price)  # it reached the engine; then the app died
    never_sent = crashed_run.record_order_intent(
        SYMBOL, "SELL", price + 500, QTY, "GTC", created_ms=client.clock.now_ms()
    )
    other_exchange = OrderJournal(path, base_url="https://elsewhere.example", account=account)
    foreign = other_exchange.record_order_intent(SYMBOL, "BUY", price, QTY, "GTC", created_ms=client.clock.now_ms())
    crashed_run.close()
    other_exchange.close()

    now.ahead_ms = 30_000
    restarted = OrderJournal(path, base_url=client.base_url, account=account)
    try:
        reports = await Reconciler(client, restarted, now_ms=now.now_ms).reconcile_pending()
        assert [(r.entry.id, r.placed) for r in reports] == [(sent.id, True), (never_sent.id, False)]
        assert recorded(restarted, sent.id).state == RESOLVED
        assert [e.state for e in restarted.events(sent.id)] == [PENDING, UNKNOWN, RESOLVED]
        assert recorded(restarted, foreign.id).state == PENDING  # another exchange's: left alone
        assert await Reconciler(client, restarted, now_ms=now.now_ms).reconcile_pending() == []
    finally:
        restarted.close()


async def test_the_own_in_flight_request_is_not_reconciled(
    sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    client = sandbox_client
    in_flight = real_journal.record_order_intent(
        SYMBOL, "BUY", await resting_price(client), QTY, "GTC", created_ms=client.clock.now_ms()
    )
    report = await Reconciler(client, real_journal).reconcile(in_flight.id)
    assert not report.settled and "still in flight" in report.message
    assert recorded(real_journal, in_flight.id).state == PENDING


async def test_a_cancel_left_unknown_reads_the_order_back(
    sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    gone = real_journal.record_cancel_intent(SYMBOL, 4242)  # no such order on the sandbox
    real_journal.mark_unknown(gone.id, "timeout")
    report = await Reconciler(sandbox_client, real_journal).reconcile(gone.id)
    assert report.settled and report.message == "Order 4242 no longer exists on the exchange."


async def test_a_broken_journal_does_not_break_the_start(sandbox_client: JexClient, real_journal: OrderJournal) -> None:
    real_journal.close()
    assert await Reconciler(sandbox_client, real_journal).reconcile_pending() == []


async def test_a_journal_update_failure_leaves_the_entry_open(
    sandbox_client: JexClient, real_journal: OrderJournal, monkeypatch: pytest.MonkeyPatch
) -> None:
    price = await resting_price(sandbox_client)
    entry_id = lost(real_journal, price, sandbox_client.clock.now_ms())

    def broken(*args: object, **kwargs: object) -> None:
        raise JournalError("disk full")

    monkeypatch.setattr(real_journal, "note_attempt", broken)
    [report] = await Reconciler(sandbox_client, real_journal).reconcile_pending()
    assert not report.settled and report.entry.id == entry_id
    assert report.message == (
        f"BUY 0.01 BTCUSDT @ {price.normalize():,f}: outcome still unknown (the journal could not be updated)."
    )


async def test_a_lost_cancel_whose_check_fails_stays_open_and_counts_the_look(
    sandbox: Any, sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    client = sandbox_client
    placed = await client.new_order(SYMBOL, "BUY", QTY, await resting_price(client))
    order_id = int(placed.order_id)
    cancel = real_journal.record_cancel_intent(SYMBOL, order_id)
    real_journal.mark_unknown(cancel.id, "timeout")
    sandbox.set_faults(error_5xx_rate=1.0, phase="before", paths=("/api/v1/spot/order",), limit=1)
    report = await Reconciler(client, real_journal).reconcile(cancel.id)
    assert not report.settled and report.placed is None
    assert report.message.startswith(
        f"cancel order {order_id} on BTCUSDT: outcome still unknown, could not check yet (The exchange "
    )
    entry = recorded(real_journal, cancel.id)
    assert (entry.state, entry.attempts, entry.order_id) == (UNKNOWN, 1, order_id)


async def test_a_lost_cancel_that_took_effect_or_not_says_which(
    sandbox_client: JexClient, real_journal: OrderJournal
) -> None:
    client = sandbox_client
    price = await resting_price(client)
    kept = int((await client.new_order(SYMBOL, "BUY", QTY, price)).order_id)
    gone = int((await client.new_order(SYMBOL, "BUY", QTY, price - 1)).order_id)
    await client.cancel_order(SYMBOL, gone)  # the cancel reached the exchange; its answer was lost
    reports = {}
    for order_id in (kept, gone):
        cancel = real_journal.record_cancel_intent(SYMBOL, order_id)
        real_journal.mark_unknown(cancel.id, "timeout")
        reports[order_id] = await Reconciler(client, real_journal).reconcile(cancel.id)
    assert reports[kept].message == f"Order {kept} on BTCUSDT: the order is NEW: the cancel did not take effect."
    assert reports[gone].message == f"Order {gone} on BTCUSDT: the cancel took effect."
    assert all(r.settled and r.placed is None for r in reports.values())
    for order_id in (kept, gone):
        [entry] = [e for e in real_journal.entries() if e.order_id == order_id]
        assert entry.state == RESOLVED and entry.order_id == order_id  # the order id is kept
