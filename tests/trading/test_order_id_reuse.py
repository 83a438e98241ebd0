"""An exchange that hands out an order id twice, and journal claims that conflict.

The story these tests guard: an order journalled with id N, the exchange
restarted without its memory, a later order got id N again and filled.  The
console must record the second order, and must never conclude that an order
which reached the exchange was "NOT placed".

The scripted exchange (``FakeExchange``) hands out an id a second time at
will and places lookalikes at chosen instants; the sandbox never reuses an
id while it runs (its restart without a state file is covered against the
real sandbox in ``test_sandbox_restart_journal``), so these stay scripted.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from support.trading_fakes import DROP_AFTER, FakeExchange

from jextui.api.models import Side
from jextui.trading.journal import (
    ACCEPTED,
    NOT_PLACED,
    PENDING,
    RESOLVED,
    UNKNOWN,
    JournalError,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_read import read_entries
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest

D = Decimal
SYMBOL = "BTCUSDT"


def request(price: str = "100", qty: str = "1", side: Side = "BUY") -> OrderRequest:
    return OrderRequest(symbol=SYMBOL, side=side, price=D(price), quantity=D(qty), time_in_force="GTC")


def restart_without_memory(exchange: FakeExchange) -> None:
    """What a sandbox without ``--state`` did on restart: all orders gone, ids counted from the start again."""
    exchange.orders.clear()
    exchange.next_id = 100


def next_run(journal_path: Path, exchange: FakeExchange, clock) -> OrderJournal:
    """The journal as the console's next start opens it (a new session)."""
    return OrderJournal(
        journal_path, base_url=exchange.base_url, account=account_identity("demo-key"), now_ms=clock.now_ms
    )


# --- the journal ------------------------------------------------------------------------


def test_a_second_direct_answer_with_the_same_id_is_recorded_and_the_older_row_marked(journal, clock) -> None:
    first = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(first.id, order_id=7, order_status="NEW", order_time_ms=clock.now)
    clock.now += 60_000
    second = journal.record_order_intent(SYMBOL, "SELL", D("101"), D("2"), "GTC", created_ms=clock.now)

    saved = journal.mark_accepted(second.id, order_id=7, order_status="FILLED", order_time_ms=clock.now)

    assert (saved.state, saved.order_id, saved.order_status) == (ACCEPTED, 7, "FILLED")
    older = journal.get(first.id)
    assert (older.state, older.order_id) == (ACCEPTED, 7)  # still names its own, earlier order
    assert older.id_reused_ms is not None and not older.holds_live_claim
    assert journal.claim_owner(SYMBOL, 7) == journal.get(second.id)
    assert any("gave order id 7 to a later order" in event.detail for event in journal.events(first.id))


def test_a_guessed_claim_gives_way_to_a_direct_answer(journal, clock) -> None:
    guessed = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(guessed.id, "timeout")
    journal.mark_resolved(guessed.id, order_id=9, order_status="NEW", message="found", order_time_ms=clock.now)
    answered = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(answered.id, order_id=9, order_status="NEW", order_time_ms=clock.now)
    assert journal.get(guessed.id).state == UNKNOWN and journal.get(guessed.id).order_id is None
    assert journal.claim_owner(SYMBOL, 9).id == answered.id


def test_a_journal_of_the_first_schema_is_upgraded_and_still_readable(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE journal (id TEXT PRIMARY KEY, kind TEXT NOT NULL, base_url TEXT NOT NULL,
            account TEXT NOT NULL, session TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT, price TEXT,
            quantity TEXT, time_in_force TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
            state TEXT NOT NULL, order_id INTEGER, order_status TEXT, error_code INTEGER,
            message TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX journal_one_claim_per_order ON journal (base_url, account, symbol, order_id)
            WHERE kind = 'ORDER' AND order_id IS NOT NULL;
        CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry_id TEXT NOT NULL,
            at_ms INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
        INSERT INTO journal VALUES ('old', 'ORDER', 'http://x', 'public', 's', 'BTCUSDT', 'BUY', '1', '1', 'GTC',
            1, 1, 'ACCEPTED', 5, 'NEW', NULL, 'accepted', 0);
    """)
    db.commit()
    db.close()
    assert [e.order_time_ms for e in read_entries(path)] == [None]  # read-only, before any upgrade

    with OrderJournal(path, base_url="http://x") as journal:
        newer = journal.record_order_intent("BTCUSDT", "BUY", D("1"), D("1"), "GTC", created_ms=99)
        journal.mark_accepted(newer.id, order_id=5, order_status="NEW", order_time_ms=99)
        assert journal.get("old").id_reused_ms is not None
    assert {e.id: e.order_id for e in read_entries(path)} == {"old": 5, newer.id: 5}


def test_an_order_row_keeps_the_latest_state_the_console_learns(journal, clock) -> None:
    entry = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("2"), "GTC", created_ms=clock.now)
    journal.mark_accepted(entry.id, order_id=11, order_status="NEW", order_time_ms=clock.now)
    clock.now += 1_000
    journal.note_order_status(SYMBOL, 11, "PARTIALLY_FILLED", executed_qty=D("0.5"))
    partly = journal.get(entry.id)
    assert (partly.state, partly.order_status, partly.executed_qty, partly.status_ms) == (
        ACCEPTED,
        "PARTIALLY_FILLED",
        D("0.5"),
        clock.now,
    )
    clock.now += 1_000
    journal.note_order_status(SYMBOL, 11, "FILLED", executed_qty=D("2"))
    filled = journal.get(entry.id)
    assert (filled.order_status, filled.executed_qty, filled.status_ms) == ("FILLED", D("2"), clock.now)
    assert journal.note_order_status(SYMBOL, 12, "FILLED") is None  # no row claims it: nothing changes


async def test_an_accepted_cancel_updates_the_cancelled_orders_row(exchange: FakeExchange, journal, clock) -> None:
    submitter = OrderSubmitter(exchange, journal)
    placed = await submitter.submit(request())
    assert placed.kind == OutcomeKind.ACCEPTED and placed.entry is not None
    clock.now += 2_000
    cancelled = await submitter.cancel(SYMBOL, placed.order_id or 0)
    assert cancelled.cancelled is True
    row = journal.get(placed.entry.id)
    assert (row.state, row.order_status, row.status_ms) == (ACCEPTED, "CANCELED", clock.now)


# --- the submitter ----------------------------------------------------------------------


async def test_an_order_that_gets_a_reused_id_is_journalled_and_never_reported_not_placed(
    exchange: FakeExchange, journal, journal_path: Path, clock
) -> None:
    submitter = OrderSubmitter(exchange, journal)
    first = await submitter.submit(request("100"))
    assert first.kind == OutcomeKind.ACCEPTED
    restart_without_memory(exchange)
    clock.now += 30_000
    exchange.fill_on_place = D("1")
    second = await submitter.submit(request("100"))

    assert second.kind == OutcomeKind.ACCEPTED and second.order_id == first.order_id  # the id came back
    assert second.journal_problem == ""
    assert second.entry is not None and journal.get(second.entry.id).state == ACCEPTED
    assert journal.get(second.entry.id).order_status == "FILLED"

    clock.now += 60_000
    later = next_run(journal_path, exchange, clock)
    reports = await Reconciler(exchange, later).reconcile_pending()
    assert reports == []  # nothing was left open
    assert NOT_PLACED not in {entry.state for entry in later.entries()}


async def test_a_lost_answer_finds_its_order_although_an_older_row_holds_the_same_id(
    exchange: FakeExchange, journal, journal_path: Path, clock
) -> None:
    submitter = OrderSubmitter(exchange, journal)
    await submitter.submit(request("100"))
    restart_without_memory(exchange)
    clock.now += 30_000
    exchange.fill_on_place = D("1")
    exchange.order_script.append(DROP_AFTER)  # the order fills, its answer is lost

    outcome = await submitter.submit(request("100"))

    assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True
    assert outcome.entry is not None and journal.get(outcome.entry.id).state == RESOLVED
    assert "NOT placed" not in outcome.message


async def test_a_row_left_pending_by_a_killed_run_is_found_despite_a_reused_id(
    exchange: FakeExchange, journal, journal_path: Path, clock
) -> None:
    submitter = OrderSubmitter(exchange, journal)
    await submitter.submit(request("100"))
    restart_without_memory(exchange)
    clock.now += 30_000
    # the console was killed after writing its intent; the order reached the exchange and filled
    left = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    filled = exchange.place(SYMBOL, "BUY", D("1"), D("100"))
    exchange.set_order(filled.order_id, status="FILLED", executed_qty=D("1"))
    clock.now += 60_000

    later = next_run(journal_path, exchange, clock)
    [report] = await Reconciler(exchange, later).reconcile_pending()
    assert report.placed is True and report.order is not None and report.order.order_id == filled.order_id
    assert later.get(left.id).state == RESOLVED


# --- contested and incomplete evidence ----------------------------------------------------


async def test_a_match_held_by_a_row_of_unknown_time_leaves_the_entry_unknown_with_words(
    exchange: FakeExchange, journal, clock
) -> None:
    holder = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    order = exchange.place(SYMBOL, "BUY", D("1"), D("100"))
    journal.mark_accepted(holder.id, order_id=order.order_id, order_status="NEW")  # no creation time known
    lost = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(lost.id, "timeout")
    clock.now += 60_000

    report = await Reconciler(exchange, journal).reconcile(lost.id)

    assert not report.settled and report.placed is None
    assert journal.get(lost.id).state == UNKNOWN
    assert f"order {order.order_id}" in report.message and "NOT placed" not in report.message
    assert "order history" in report.message


async def test_a_match_only_guessed_for_another_entry_is_contested_not_absent(
    exchange: FakeExchange, journal, clock
) -> None:
    exchange.place(SYMBOL, "BUY", D("1"), D("100"), time=clock.now + 10)
    first = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    second = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    for entry in (first, second):
        journal.mark_unknown(entry.id, "timeout")
    clock.now += 60_000

    reports = await Reconciler(exchange, journal).reconcile_pending()

    assert [r.placed for r in reports] == [True, None]  # one found it, the other cannot know
    assert journal.get(second.id).state == UNKNOWN


async def test_a_full_history_page_is_no_proof_of_absence(exchange: FakeExchange, journal, clock) -> None:
    for index in range(500):
        exchange.place(SYMBOL, "SELL", D("1"), D(200 + index), time=clock.now)
    lost = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(lost.id, "timeout")
    clock.now += 60_000
    report = await Reconciler(exchange, journal).reconcile(lost.id)
    assert not report.settled and journal.get(lost.id).state == UNKNOWN


async def test_with_complete_evidence_an_absent_order_is_still_not_placed(
    exchange: FakeExchange, journal, clock
) -> None:
    lost = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(lost.id, "timeout")
    clock.now += 60_000
    report = await Reconciler(exchange, journal).reconcile(lost.id)
    assert report.settled and report.placed is False and journal.get(lost.id).state == NOT_PLACED


# --- a journal that fails after the order went out ----------------------------------------


class _FailingAnswers(OrderJournal):
    """A journal whose disk fails once the intent is written (the answers cannot be saved)."""

    def mark_accepted(self, entry_id: str, **kwargs):
        raise JournalError("disk I/O error")


async def test_a_journal_failure_after_sending_is_told_not_only_logged(
    exchange: FakeExchange, journal_path: Path, clock
) -> None:
    failing = _FailingAnswers(
        journal_path, base_url=exchange.base_url, account=account_identity("demo-key"), now_ms=clock.now_ms
    )
    outcome = await OrderSubmitter(exchange, failing).submit(request())
    assert outcome.kind == OutcomeKind.ACCEPTED  # the order is placed: that is said
    assert "could not record" in outcome.journal_problem and "disk I/O error" in outcome.journal_problem
    assert outcome.entry is not None and failing.get(outcome.entry.id).state == PENDING


@pytest.mark.parametrize("status", ["CANCELED", "FILLED"])
async def test_the_journal_listing_shows_the_latest_state(journal, journal_path: Path, clock, status: str) -> None:
    from jextui.trading.journal_cli import format_table

    entry = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(entry.id, order_id=3, order_status="NEW", order_time_ms=clock.now)
    journal.note_order_status(SYMBOL, 3, status)
    assert f"ACCEPTED {status}" in format_table(read_entries(journal_path))
    assert "ACCEPTED NEW" not in format_table(read_entries(journal_path))


async def test_a_reused_id_is_recognised_by_other_terms_even_within_the_same_second(
    exchange: FakeExchange, journal, clock
) -> None:
    submitter = OrderSubmitter(exchange, journal)
    await submitter.submit(request("90"))  # rests at 90 with id 100
    restart_without_memory(exchange)
    clock.now += 200  # a restart quicker than the time tolerance
    exchange.fill_on_place = D("1")
    exchange.order_script.append(DROP_AFTER)
    outcome = await submitter.submit(request("100"))  # gets id 100 again, fills, answer lost
    assert outcome.kind == OutcomeKind.RESOLVED and outcome.order_id == 100, outcome.message
