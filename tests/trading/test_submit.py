"""Submitting from a ticket: write-ahead, answers in words, unknown outcomes never resent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import trading_fakes as fakes
from support.trading_fakes import FakeExchange, symbol_info

from jextui.trading.journal import (
    ACCEPTED,
    FAILED,
    KIND_TEST_ORDER,
    NOT_PLACED,
    PENDING,
    REJECTED,
    RESOLVED,
    UNKNOWN,
    JournalError,
    OrderJournal,
)
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest, OrderTicket

D = Decimal


def buy_ticket(price: str = "100", qty: str = "1") -> OrderTicket:
    return OrderTicket.for_symbol("BUY", symbol_info(), price_text=price, quantity_text=qty,
                                  free_balances={"USDT": D("10000")}, last_price=D("100"))


class NoSleep:
    """Stands in for asyncio.sleep: time passes on the fake clock instead."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.now += int(seconds * 1000)


@pytest.fixture
def sleeper(clock) -> NoSleep:
    return NoSleep(clock)


@pytest.fixture
def submitter(exchange: FakeExchange, journal: OrderJournal, clock, sleeper) -> OrderSubmitter:
    reconciler = Reconciler(exchange, journal, now_ms=clock.now_ms, sleep=sleeper)
    return OrderSubmitter(exchange, journal, clock, reconciler=reconciler)


async def test_the_intent_is_committed_before_the_order_is_sent(submitter, exchange, journal) -> None:
    outcome = await submitter.submit(buy_ticket())
    assert exchange.journal_states_seen_at_send == [["PENDING"]]
    assert outcome.kind == OutcomeKind.ACCEPTED
    assert outcome.order_id == 100 and outcome.order_status == "NEW" and outcome.placed is True
    assert outcome.message == "BUY 1 BTCUSDT @ 100: placed, order 100, NEW."
    entry = journal.get(outcome.entry.id)
    assert (entry.state, entry.order_id, entry.order_status) == (ACCEPTED, 100, "NEW")


async def test_the_order_goes_out_as_limit_with_a_result_response(submitter, exchange) -> None:
    ticket = buy_ticket("100.05", "0.5")
    ticket.time_in_force = "IOC"
    await submitter.submit(ticket)
    [(symbol, side, quantity, price, options)] = exchange.new_order_calls
    assert (symbol, side, quantity, price) == ("BTCUSDT", "BUY", D("0.5"), D("100.05"))
    assert options == {"type": "LIMIT", "time_in_force": "IOC", "resp_type": "RESULT"}


async def test_an_invalid_ticket_sends_and_journals_nothing(submitter, exchange, journal) -> None:
    outcome = await submitter.submit(buy_ticket(price="100.03"))
    assert outcome.kind == OutcomeKind.INVALID and outcome.placed is False
    assert outcome.field_errors == {"price": "The price must be a multiple of the tick size 0.05 (e.g. 100 or 100.05)."}
    assert outcome.message.startswith("Not sent: The price must be a multiple")
    assert exchange.new_order_calls == [] and journal.entries() == []


async def test_a_rejection_is_said_in_words_with_its_code(submitter, exchange, journal) -> None:
    exchange.order_script.append(fakes.INSUFFICIENT)
    outcome = await submitter.submit(buy_ticket())
    assert outcome.kind == OutcomeKind.REJECTED and outcome.placed is False
    assert outcome.error_code == -2010
    assert outcome.message == (
        "BUY 1 BTCUSDT @ 100: Not enough free balance for this order; nothing was placed. "
        "Reduce the quantity or cancel open orders that lock funds."
    )
    entry = journal.get(outcome.entry.id)
    assert (entry.state, entry.error_code) == (REJECTED, -2010)


@pytest.mark.parametrize("failure", [fakes.TIMEOUT_AFTER, fakes.DROP_AFTER, fakes.SERVER_ERROR_AFTER])
async def test_a_lost_answer_is_never_resent_and_the_order_is_found(submitter, exchange, journal, failure) -> None:
    exchange.order_script.append(failure)
    outcome = await submitter.submit(buy_ticket())
    assert len(exchange.new_order_calls) == 1
    assert len(exchange.orders) == 1
    assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True
    assert outcome.order_id == 100
    assert "the order was not resent" in outcome.message
    assert "the order did reach the exchange (order 100, NEW)" in outcome.message
    entry = journal.get(outcome.entry.id)
    assert (entry.state, entry.order_id) == (RESOLVED, 100)
    assert [e.state for e in journal.events(entry.id)] == ["PENDING", "UNKNOWN", "RESOLVED"]


@pytest.mark.parametrize("failure", [fakes.DROP_BEFORE, fakes.SERVER_ERROR_BEFORE])
async def test_a_lost_request_is_confirmed_not_placed_after_the_grace_period(
    submitter, exchange, journal, sleeper, failure
) -> None:
    exchange.order_script.append(failure)
    outcome = await submitter.submit(buy_ticket())
    assert len(exchange.new_order_calls) == 1 and exchange.orders == {}
    assert outcome.kind == OutcomeKind.NOT_PLACED and outcome.placed is False
    assert "was NOT placed: no matching order on the exchange" in outcome.message
    assert sleeper.slept == [6.0]  # one more look once recvWindow + 1 s had passed
    assert journal.get(outcome.entry.id).state == NOT_PLACED


async def test_when_the_exchange_cannot_be_asked_the_outcome_stays_unknown(submitter, exchange, journal) -> None:
    exchange.order_script.append(fakes.DROP_AFTER)
    exchange.read_failures = 10
    outcome = await submitter.submit(buy_ticket())
    assert outcome.kind == OutcomeKind.UNKNOWN and outcome.placed is None
    assert "outcome still unknown, could not check yet" in outcome.message
    assert len(exchange.new_order_calls) == 1
    assert journal.get(outcome.entry.id).state == UNKNOWN


async def test_a_dry_run_goes_to_order_test_and_says_so(submitter, exchange, journal) -> None:
    outcome = await submitter.submit(buy_ticket(), dry_run=True)
    assert outcome.kind == OutcomeKind.TEST_PASSED and outcome.dry_run and outcome.placed is False
    assert outcome.message == "Dry run passed: the exchange would accept BUY 1 BTCUSDT @ 100 (nothing was placed)."
    assert exchange.new_order_calls == [] and len(exchange.test_order_calls) == 1
    entry = journal.get(outcome.entry.id)
    assert (entry.kind, entry.state) == (KIND_TEST_ORDER, ACCEPTED)


async def test_a_refused_or_unanswered_dry_run_places_nothing(submitter, exchange, journal) -> None:
    exchange.order_script.extend([fakes.REJECT, fakes.TIMEOUT_AFTER])
    refused = await submitter.submit(buy_ticket(), dry_run=True)
    unanswered = await submitter.submit(buy_ticket(), dry_run=True)
    assert refused.kind == unanswered.kind == OutcomeKind.TEST_FAILED
    assert refused.message.startswith("Dry run (nothing placed): the exchange would refuse this order. The quantity")
    assert unanswered.message.startswith("Dry run (nothing placed): no answer from the exchange.")
    assert [journal.get(o.entry.id).state for o in (refused, unanswered)] == [REJECTED, FAILED]
    assert journal.needing_reconciliation() == []  # a dry run is never an open question


async def test_a_prepared_request_can_be_submitted(submitter, exchange) -> None:
    outcome = await submitter.submit(OrderRequest("BTCUSDT", "SELL", D("101"), D("2"), "FOK"))
    assert outcome.kind == OutcomeKind.ACCEPTED
    assert exchange.new_order_calls[0][4]["time_in_force"] == "FOK"


async def test_cancel_and_its_refusal(submitter, exchange, journal) -> None:
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    done = await submitter.cancel("BTCUSDT", placed.order_id)
    assert (done.kind, done.cancelled, done.status) == (OutcomeKind.ACCEPTED, True, "CANCELED")
    assert done.message == "Order 100 on BTCUSDT cancelled (CANCELED)."
    again = await submitter.cancel("BTCUSDT", placed.order_id)
    assert again.kind == OutcomeKind.REJECTED and again.cancelled is False
    assert again.order_gone and not done.order_gone  # a race lost to a fill, not a failure
    assert again.message == "Cancel of order 100 refused: The order is no longer open (already filled or cancelled)."
    assert [journal.get(o.entry.id).state for o in (done, again)] == [ACCEPTED, REJECTED]


async def test_a_cancel_whose_answer_is_lost_is_checked_not_resent(submitter, exchange, journal) -> None:
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    exchange.cancel_script.append(fakes.DROP_AFTER)
    outcome = await submitter.cancel("BTCUSDT", placed.order_id)
    assert len(exchange.cancel_calls) == 1
    assert (outcome.kind, outcome.cancelled) == (OutcomeKind.RESOLVED, True)
    assert outcome.message == "Order 100 on BTCUSDT: the cancel took effect."
    other = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    exchange.cancel_script.append(fakes.DROP_BEFORE)
    missed = await submitter.cancel("BTCUSDT", other.order_id)
    assert (missed.kind, missed.cancelled) == (OutcomeKind.RESOLVED, False)
    assert missed.message == "Order 101 on BTCUSDT: the order is NEW: the cancel did not take effect."
    assert journal.get(missed.entry.id).state == RESOLVED


async def test_cancel_all_goes_one_by_one_and_reports_each(submitter, exchange) -> None:
    first = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    second = exchange.place("BTCUSDT", "SELL", D("1"), D("110"))
    elsewhere = exchange.place("ETHUSDT", "BUY", D("1"), D("10"))
    gone = fakes.order(999)  # listed, but already closed on the exchange
    outcomes = await submitter.cancel_all("BTCUSDT", [first, gone, second, elsewhere])
    assert [(o.order_id, o.kind) for o in outcomes] == [
        (first.order_id, OutcomeKind.ACCEPTED), (999, OutcomeKind.REJECTED), (second.order_id, OutcomeKind.ACCEPTED)
    ]
    assert exchange.orders[elsewhere.order_id].status == "NEW"


async def test_nothing_is_sent_when_the_journal_cannot_be_written(submitter, exchange, journal) -> None:
    journal.close()
    outcome = await submitter.submit(buy_ticket())
    assert outcome.kind == OutcomeKind.NOT_SENT and outcome.placed is False
    assert outcome.message.startswith("Not sent: the order journal could not be written")
    assert exchange.new_order_calls == []
    dry = await submitter.submit(buy_ticket(), dry_run=True)
    assert dry.kind == OutcomeKind.NOT_SENT and exchange.test_order_calls == []


async def test_a_journal_failure_after_sending_still_reports_the_answer(submitter, exchange, journal, monkeypatch):
    def broken(*args, **kwargs):
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "mark_accepted", broken)
    outcome = await submitter.submit(buy_ticket())
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id == 100
    assert journal.get(outcome.entry.id).state == PENDING  # reconciled at the next start


async def test_a_cancel_goes_out_even_when_the_journal_cannot_be_written(submitter, exchange, journal) -> None:
    placed = exchange.place("BTCUSDT", "BUY", D("1"), D("100"))
    journal.close()
    outcome = await submitter.cancel("BTCUSDT", placed.order_id)
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.entry is None
    assert exchange.orders[placed.order_id].status == "CANCELED"
