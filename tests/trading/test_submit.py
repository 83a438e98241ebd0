"""Submitting from a ticket: write-ahead, answers in words, unknown outcomes never resent.

Every test runs against the real in-process sandbox; lost answers and lost
requests are the sandbox's own faults (a dropped connection, a 5xx or a late
answer, before or after the engine took the order).  The client is wrapped
only to write down what was sent and what the journal held at that moment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from jextui.api.client import JexClient
from jextui.api.models import OrderResult, SymbolInfo
from jextui.trading.journal import (
    ACCEPTED,
    FAILED,
    KIND_CANCEL,
    KIND_TEST_ORDER,
    NOT_PLACED,
    PENDING,
    REJECTED,
    RESOLVED,
    UNKNOWN,
    JournalEntry,
    JournalError,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_read import read_entries
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import CancelOutcome, OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest, OrderTicket, SymbolRules

D = Decimal
SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"
TEST_ORDER_PATH = "/api/v1/spot/order/test"
QTY = D("0.01")
UNFILLED_AND_CLOSED = ("CANCELED", "EXPIRED")  # an IOC or FOK order that found nothing to trade with


class Recorded:
    """The real client; each order request is written down with the journal's states for it at that moment."""

    def __init__(self, client: JexClient, journal_path: Path) -> None:
        self._client = client
        self._journal_path = journal_path
        self.new_order_calls: list[tuple[str, str, Decimal, Decimal, dict[str, Any]]] = []
        self.test_order_calls: list[tuple[str, str, Decimal, Decimal, dict[str, Any]]] = []
        self.cancel_calls: list[tuple[str, int]] = []
        self.journal_states_at_send: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def new_order(self, symbol: str, side: str, quantity: Decimal, price: Decimal, **options: Any) -> Any:
        self.new_order_calls.append((symbol, side, quantity, price, options))
        # a connection of its own: only what was committed is seen
        self.journal_states_at_send.append(
            [
                e.state
                for e in read_entries(self._journal_path)
                if (e.symbol, e.side, e.quantity, e.price) == (symbol, side, quantity, price)
            ]
        )
        return await self._client.new_order(symbol, side, quantity, price, **options)

    async def test_order(self, symbol: str, side: str, quantity: Decimal, price: Decimal, **options: Any) -> Any:
        self.test_order_calls.append((symbol, side, quantity, price, options))
        return await self._client.test_order(symbol, side, quantity, price, **options)

    async def cancel_order(self, symbol: str, order_id: int) -> Any:
        self.cancel_calls.append((symbol, int(order_id)))
        return await self._client.cancel_order(symbol, order_id)


class NoSleep:
    """Stands in for asyncio.sleep: the reconciler's clock moves on instead of the test waiting."""

    def __init__(self, client: JexClient) -> None:
        self.client = client
        self.slept: list[float] = []
        self.skipped_ms = 0

    def now_ms(self) -> int:
        return self.client.clock.now_ms() + self.skipped_ms

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.skipped_ms += int(seconds * 1000)


@pytest.fixture
async def client(sandbox: Any) -> AsyncIterator[JexClient]:
    # a short timeout, so that the sandbox's late answer is a lost one
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret, timeout=2.0) as opened:
        await opened.sync_time()
        yield opened


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.sqlite"


@pytest.fixture
def journal(journal_path: Path, client: JexClient, sandbox: Any) -> Any:
    opened = OrderJournal(journal_path, base_url=client.base_url, account=account_identity(sandbox.api_key))
    yield opened
    opened.close()


@pytest.fixture
def exchange(client: JexClient, journal_path: Path) -> Recorded:
    return Recorded(client, journal_path)


@pytest.fixture
def sleeper(client: JexClient) -> NoSleep:
    return NoSleep(client)


@pytest.fixture
def submitter(exchange: Recorded, journal: OrderJournal, sleeper: NoSleep) -> OrderSubmitter:
    reconciler = Reconciler(exchange, journal, now_ms=sleeper.now_ms, sleep=sleeper)
    return OrderSubmitter(exchange, journal, reconciler=reconciler)


@pytest.fixture
async def info(client: JexClient) -> SymbolInfo:
    return next(s for s in (await client.exchange_info()).spot_symbols if s.symbol == SYMBOL)


def rules(info: SymbolInfo) -> SymbolRules:
    return OrderTicket.for_symbol("BUY", info).rules


async def resting_buy(client: JexClient, info: SymbolInfo, *, qty: Decimal = QTY, **context: Any) -> OrderTicket:
    """A BUY ticket a hundred ticks under the best bid: it rests on the book."""
    book = await client.book_ticker(SYMBOL)
    context.setdefault("free_balances", {b.asset: b.free for b in (await client.account()).spot_balances})
    ticket = OrderTicket.for_symbol(
        "BUY",
        info,
        quantity_text=f"{qty}",
        best_bid=book.bid_price,
        best_ask=book.ask_price,
        last_price=book.bid_price,
        **context,
    )
    assert ticket.prefill_price(book.bid_price) and ticket.nudge_price(-100)
    assert ticket.validate() == {}
    return ticket


def recorded(journal: OrderJournal, outcome: SubmitOutcome | CancelOutcome) -> JournalEntry:
    """The journal's entry for ``outcome``, as it stands now."""
    assert outcome.entry is not None
    entry = journal.get(outcome.entry.id)
    assert entry is not None
    return entry


async def ours(client: JexClient, price: Decimal | None, qty: Decimal = QTY) -> list[Any]:
    """Our open BUY orders at ``price`` on the sandbox."""
    return [o for o in await client.open_orders(SYMBOL) if o.side == "BUY" and o.price == price and o.orig_qty == qty]


async def test_an_ioc_kept_as_gtc_whose_answer_is_lost_is_found_not_called_not_placed_and_cancelled(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    """An exchange that ignores timeInForce lists the IOC order as a resting GTC one: the look-up
    after a lost answer still recognises it (an order that reached the exchange is never called NOT
    placed), and the time-in-force check then cancels it at once."""
    ticket = await resting_buy(client, info)
    request = ticket.order_request()
    assert request is not None
    ioc = OrderRequest(request.symbol, request.side, request.price, request.quantity, "IOC")
    sandbox.set_faults(ignore_time_in_force=True)
    sandbox.set_faults(ignore_time_in_force=True, paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="after")
    outcome = await submitter.submit(ioc)
    assert len(exchange.new_order_calls) == 1
    assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True, outcome.message
    assert outcome.found is not None and outcome.found.time_in_force == "GTC"
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.cancelled
    assert await ours(client, ioc.price) == []  # nothing left resting
    assert (await client.get_order(SYMBOL, outcome.order_id)).status == "CANCELED"  # type: ignore[arg-type]
    entry = recorded(journal, outcome)
    assert (entry.state, entry.order_id) == (RESOLVED, outcome.order_id)


async def test_the_intent_is_committed_before_the_order_is_sent(
    submitter: OrderSubmitter, exchange: Recorded, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    ticket = await resting_buy(client, info)
    outcome = await submitter.submit(ticket)
    assert exchange.journal_states_at_send == [[PENDING]]
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_status == "NEW" and outcome.placed is True
    [placed] = await ours(client, ticket.price)
    assert outcome.order_id == int(placed.order_id)
    price = ticket.price
    assert price is not None and price >= 1000  # shown grouped, at the symbol's two decimals
    assert outcome.message == f"BUY 0.010000 BTCUSDT @ {price:,.2f}: placed, order {placed.order_id}, NEW."
    entry = recorded(journal, outcome)
    assert (entry.state, entry.order_id, entry.order_status) == (ACCEPTED, int(placed.order_id), "NEW")


async def test_the_order_goes_out_as_limit_with_a_result_response(
    submitter: OrderSubmitter, exchange: Recorded, client: JexClient, info: SymbolInfo
) -> None:
    ticket = await resting_buy(client, info, qty=D("0.5"))
    ticket.time_in_force = "IOC"
    outcome = await submitter.submit(ticket)
    [(symbol, side, quantity, price, options)] = exchange.new_order_calls
    assert (symbol, side, quantity, price) == (SYMBOL, "BUY", D("0.5"), ticket.price)
    assert options == {"type": "LIMIT", "time_in_force": "IOC", "resp_type": "RESULT"}
    # the exchange took it as IOC: nothing crossed, so nothing rests
    assert outcome.order_status in UNFILLED_AND_CLOSED and await ours(client, ticket.price, D("0.5")) == []


async def test_an_invalid_ticket_sends_and_journals_nothing(
    submitter: OrderSubmitter, exchange: Recorded, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    ticket = await resting_buy(client, info)
    tick = rules(info).price_grid
    assert ticket.price is not None
    ticket.price_text = f"{ticket.price + tick / 2}"
    outcome = await submitter.submit(ticket)
    assert outcome.kind == OutcomeKind.INVALID and outcome.placed is False
    assert list(outcome.field_errors) == ["price"]
    assert outcome.message == f"Not sent: {outcome.field_errors['price']}"
    assert exchange.new_order_calls == [] and journal.entries() == []
    assert await client.open_orders(SYMBOL) == []


async def test_a_rejection_is_said_in_words_with_its_code(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    free_usdt = next(b.free for b in (await client.account()).spot_balances if b.asset == "USDT")
    ticket = await resting_buy(client, info, qty=D("0.01"), free_balances={"USDT": free_usdt * 1000})
    assert ticket.price is not None
    step = rules(info).quantity_grid
    ticket.quantity_text = f"{(free_usdt * 2 / ticket.price).quantize(step)}"  # the console's balance was stale
    assert ticket.validate() == {}
    outcome = await submitter.submit(ticket)
    assert outcome.kind == OutcomeKind.REJECTED and outcome.placed is False
    assert outcome.error_code == -2010
    assert outcome.message.endswith(
        ": Not enough free balance for this order; nothing was placed. "
        "Reduce the quantity or cancel open orders that lock funds."
    )
    entry = recorded(journal, outcome)
    assert (entry.state, entry.error_code) == (REJECTED, -2010)
    assert await client.open_orders(SYMBOL) == []


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"latency_ms": 3_000, "phase": "after"}, "timeout: no answer in time"),
        ({"drop_rate": 1.0, "phase": "after"}, "connection dropped or failed before an answer"),
        ({"error_5xx_rate": 1.0, "phase": "after"}, "exchange error HTTP 5"),
        ({"malformed_rate": 1.0, "phase": "after"}, "the answer could not be read"),
    ],
    ids=["late-answer", "dropped-answer", "5xx-answer", "malformed-answer"],
)
async def test_a_lost_answer_is_never_resent_and_the_order_is_found(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
    fault: dict[str, Any],
    reason: str,
) -> None:
    ticket = await resting_buy(client, info)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, **fault)
    outcome = await submitter.submit(ticket)
    assert len(exchange.new_order_calls) == 1
    [placed] = await ours(client, ticket.price)
    assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True
    assert outcome.order_id == int(placed.order_id)
    assert outcome.message.startswith(f"The answer was lost ({reason}")
    assert "); the order was not resent. " in outcome.message
    assert f"the order did reach the exchange (order {placed.order_id}, NEW)" in outcome.message
    entry = recorded(journal, outcome)
    assert (entry.state, entry.order_id) == (RESOLVED, int(placed.order_id))
    assert [e.state for e in journal.events(entry.id)] == ["PENDING", "UNKNOWN", "RESOLVED"]


@pytest.mark.parametrize("fault", [{"drop_rate": 1.0}, {"error_5xx_rate": 1.0}], ids=["dropped", "5xx"])
async def test_a_lost_request_is_confirmed_not_placed_after_the_grace_period(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    sleeper: NoSleep,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
    fault: dict[str, Any],
) -> None:
    ticket = await resting_buy(client, info)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, phase="before", **fault)
    outcome = await submitter.submit(ticket)
    assert len(exchange.new_order_calls) == 1 and await client.open_orders(SYMBOL) == []
    assert outcome.kind == OutcomeKind.NOT_PLACED and outcome.placed is False
    assert "was NOT placed: no matching order on the exchange" in outcome.message
    # one more look, once recvWindow + 1 s had passed since the intent (the exact wait: test_reconcile_boundaries)
    entry = recorded(journal, outcome)
    assert len(sleeper.slept) == 1 and 0 < sleeper.slept[0] <= 6.0
    assert sleeper.now_ms() >= entry.created_ms + 6_000
    assert entry.state == NOT_PLACED


async def test_when_the_exchange_cannot_be_asked_the_outcome_stays_unknown(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    ticket = await resting_buy(client, info)
    sandbox.set_faults(drop_rate=1.0, phase="after")  # every answer lost, the order's and the look-ups'
    outcome = await submitter.submit(ticket)
    sandbox.set_faults(drop_rate=0.0)
    assert outcome.kind == OutcomeKind.UNKNOWN and outcome.placed is None
    assert "outcome still unknown, could not check yet" in outcome.message
    assert len(exchange.new_order_calls) == 1
    assert recorded(journal, outcome).state == UNKNOWN
    assert len(await ours(client, ticket.price)) == 1  # it did reach the exchange: not for the console to say yet


async def test_a_dry_run_goes_to_order_test_and_says_so(
    submitter: OrderSubmitter, exchange: Recorded, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    ticket = await resting_buy(client, info)
    outcome = await submitter.submit(ticket, dry_run=True)
    assert outcome.kind == OutcomeKind.TEST_PASSED and outcome.dry_run and outcome.placed is False
    assert outcome.message.startswith("Dry run passed: the exchange would accept BUY 0.010000 BTCUSDT @ ")
    assert outcome.message.endswith(" (nothing was placed).")
    assert exchange.new_order_calls == [] and len(exchange.test_order_calls) == 1
    assert await client.open_orders(SYMBOL) == []
    entry = recorded(journal, outcome)
    assert (entry.kind, entry.state) == (KIND_TEST_ORDER, ACCEPTED)


async def test_a_refused_or_unanswered_dry_run_places_nothing(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo, sandbox: Any
) -> None:
    ticket = await resting_buy(client, info)
    assert ticket.price is not None
    off_step = OrderRequest(SYMBOL, "BUY", ticket.price, QTY + rules(info).quantity_grid / 2, "GTC")
    refused = await submitter.submit(off_step, dry_run=True)
    sandbox.set_faults(paths=(TEST_ORDER_PATH,), limit=1, drop_rate=1.0, phase="before")
    unanswered = await submitter.submit(ticket, dry_run=True)
    assert refused.kind == unanswered.kind == OutcomeKind.TEST_FAILED
    assert refused.message.startswith(
        "Dry run (nothing placed): the exchange would refuse this order. Too many decimals in 'quantity'"
    )
    assert unanswered.message.startswith("Dry run (nothing placed): no answer from the exchange.")
    assert [recorded(journal, o).state for o in (refused, unanswered)] == [REJECTED, FAILED]
    assert all(o.dry_run and o.error is not None and o.placed is False for o in (refused, unanswered))
    assert recorded(journal, refused).error_code == getattr(refused.error, "code", None) is not None
    assert journal.needing_reconciliation() == []  # a dry run is never an open question
    assert await client.open_orders(SYMBOL) == []


async def test_a_prepared_request_can_be_submitted(
    submitter: OrderSubmitter, exchange: Recorded, client: JexClient, info: SymbolInfo
) -> None:
    book = await client.book_ticker(SYMBOL)
    far_above = book.ask_price + 100 * rules(info).price_grid
    outcome = await submitter.submit(OrderRequest(SYMBOL, "SELL", far_above, QTY, "FOK"))
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_status in UNFILLED_AND_CLOSED  # all or nothing
    assert exchange.new_order_calls[0][4]["time_in_force"] == "FOK"
    [sent] = [o for o in await client.history_orders(SYMBOL) if o.order_id == outcome.order_id]
    assert (sent.side, sent.price, sent.time_in_force) == ("SELL", far_above, "FOK")


async def test_cancel_and_its_refusal(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    order_id = placed.order_id
    assert order_id is not None
    done = await submitter.cancel(SYMBOL, order_id)
    assert (done.kind, done.cancelled, done.status) == (OutcomeKind.ACCEPTED, True, "CANCELED")
    assert done.message == f"Order {order_id} on BTCUSDT cancelled (CANCELED)."
    again = await submitter.cancel(SYMBOL, order_id)
    assert again.kind == OutcomeKind.REJECTED and again.cancelled is False
    assert again.order_gone and not done.order_gone  # a race lost to a fill, not a failure
    assert again.message == (
        f"Cancel of order {order_id} refused: The order is no longer open (already filled or cancelled)."
    )
    assert [recorded(journal, o).state for o in (done, again)] == [ACCEPTED, REJECTED]
    assert await client.open_orders(SYMBOL) == []


async def test_a_cancel_whose_answer_is_lost_is_checked_not_resent(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    first = await submitter.submit(await resting_buy(client, info))
    assert first.order_id is not None
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="after")
    outcome = await submitter.cancel(SYMBOL, first.order_id)
    assert exchange.cancel_calls == [(SYMBOL, first.order_id)]
    assert (outcome.kind, outcome.cancelled) == (OutcomeKind.RESOLVED, True)
    assert outcome.message == f"Order {first.order_id} on BTCUSDT: the cancel took effect."
    other = await submitter.submit(await resting_buy(client, info))
    assert other.order_id is not None
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="before")
    missed = await submitter.cancel(SYMBOL, other.order_id)
    assert (missed.kind, missed.cancelled) == (OutcomeKind.RESOLVED, False)
    assert missed.message == f"Order {other.order_id} on BTCUSDT: the order is NEW: the cancel did not take effect."
    assert recorded(journal, missed).state == RESOLVED
    assert [int(o.order_id) for o in await client.open_orders(SYMBOL)] == [other.order_id]


async def test_cancel_all_goes_one_by_one_and_reports_each(
    submitter: OrderSubmitter, client: JexClient, info: SymbolInfo
) -> None:
    first = await submitter.submit(await resting_buy(client, info))
    gone = await submitter.submit(await resting_buy(client, info, qty=D("0.02")))
    second = await submitter.submit(await resting_buy(client, info, qty=D("0.03")))
    assert first.order_id is not None and gone.order_id is not None and second.order_id is not None
    listed = await client.open_orders(SYMBOL)
    await client.cancel_order(SYMBOL, gone.order_id)  # listed, but already closed on the exchange
    eth = next(s for s in (await client.exchange_info()).spot_symbols if s.symbol == "ETHUSDT")
    eth_book = await client.book_ticker("ETHUSDT")
    eth_price = eth_book.bid_price - 100 * rules(eth).price_grid
    eth_qty = (D("20") / eth_price).quantize(rules(eth).quantity_grid, rounding=ROUND_UP)  # over the minimum total
    await client.new_order("ETHUSDT", "BUY", eth_qty, eth_price)
    [elsewhere] = await client.open_orders("ETHUSDT")
    by_id = {int(o.order_id): o for o in listed}
    in_order = [by_id[first.order_id], by_id[gone.order_id], by_id[second.order_id]]
    outcomes = await submitter.cancel_all(SYMBOL, [*in_order, elsewhere])
    assert [(o.order_id, o.kind) for o in outcomes] == [
        (first.order_id, OutcomeKind.ACCEPTED),
        (gone.order_id, OutcomeKind.REJECTED),
        (second.order_id, OutcomeKind.ACCEPTED),
    ]
    assert await client.open_orders(SYMBOL) == []
    assert [int(o.order_id) for o in await client.open_orders("ETHUSDT")] == [int(elsewhere.order_id)]


async def test_nothing_is_sent_when_the_journal_cannot_be_written(
    submitter: OrderSubmitter, exchange: Recorded, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    ticket = await resting_buy(client, info)
    journal.close()
    outcome = await submitter.submit(ticket)
    assert outcome.kind == OutcomeKind.NOT_SENT and outcome.placed is False
    assert outcome.message.startswith("Not sent: the order journal could not be written")
    assert exchange.new_order_calls == [] and await client.open_orders(SYMBOL) == []
    dry = await submitter.submit(ticket, dry_run=True)
    assert dry.kind == OutcomeKind.NOT_SENT and exchange.test_order_calls == []


async def test_a_journal_failure_after_sending_still_reports_the_answer(
    submitter: OrderSubmitter,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise JournalError("disk full")

    ticket = await resting_buy(client, info)
    monkeypatch.setattr(journal, "mark_accepted", broken)
    outcome = await submitter.submit(ticket)
    [placed] = await ours(client, ticket.price)
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id == int(placed.order_id)
    assert recorded(journal, outcome).state == PENDING  # reconciled at the next start


async def test_a_cancel_goes_out_even_when_the_journal_cannot_be_written(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    journal.close()
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.entry is None
    assert await client.open_orders(SYMBOL) == []


# --- the journal or the task failing around a request ------------------------------------------


def journal_errors(caplog: pytest.LogCaptureFixture, start: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.getMessage().startswith(start)]


async def test_the_answer_is_recorded_with_its_time_and_executed_quantity(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    outcome = await submitter.submit(await resting_buy(client, info))
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.journal_problem == ""
    assert isinstance(outcome.result, OrderResult)
    entry = recorded(journal, outcome)
    assert (entry.order_time_ms, entry.executed_qty) == (outcome.result.transact_time, D("0"))


async def test_a_journal_failure_after_the_answer_is_told_to_the_trader_and_logged(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = exchange.new_order

    async def journal_closes_with_the_answer(*args: Any, **kwargs: Any) -> Any:
        answer = await real(*args, **kwargs)
        journal.close()
        return answer

    exchange.new_order = journal_closes_with_the_answer  # type: ignore[method-assign]
    outcome = await submitter.submit(await resting_buy(client, info))
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.entry is not None
    what = outcome.entry.describe()
    assert outcome.journal_problem.startswith("The order journal could not record this answer (")
    assert outcome.journal_problem.endswith(
        f"is closed); the journal still shows {what} as unanswered and it is checked against the exchange "
        "at the next start."
    )
    [line] = journal_errors(caplog, "order journal update failed")
    assert line.startswith(f"order journal update failed for {what}: ") and line.endswith("is closed")


async def test_a_lost_answer_the_journal_cannot_follow_stays_unknown_and_says_so(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = exchange.new_order

    async def journal_closes_while_waiting(*args: Any, **kwargs: Any) -> Any:  # the intent is on disk
        journal.close()
        return await real(*args, **kwargs)

    exchange.new_order = journal_closes_while_waiting  # type: ignore[method-assign]
    ticket = await resting_buy(client, info)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="after")
    outcome = await submitter.submit(ticket)
    assert outcome.kind == OutcomeKind.UNKNOWN and outcome.placed is None and outcome.error is not None
    assert outcome.message == (
        "The answer was lost (connection dropped or failed before an answer); the order was not resent. "
        "Its outcome is UNKNOWN: check open orders; it is checked again at the next start."
    )
    assert outcome.journal_problem.startswith("The order journal could not be updated (")
    assert outcome.journal_problem.endswith("is closed).")
    assert outcome.entry is not None and outcome.entry.state == PENDING  # still open on disk
    [line] = journal_errors(caplog, "order journal failed while reconciling")
    assert line.startswith(f"order journal failed while reconciling {outcome.entry.describe()}: ")
    assert len(await ours(client, ticket.price)) == 1  # it did reach the exchange


async def interrupted(task: asyncio.Task[Any], sent: list[Any]) -> None:
    """Cancel ``task`` once its request has gone out (the sandbox holds the answer back)."""
    for _ in range(500):
        if sent:
            break
        await asyncio.sleep(0.01)
    assert sent, "the request never left"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_order_interrupted_while_waiting_is_journalled_unknown(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    ticket = await resting_buy(client, info)
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, latency_ms=1_500, phase="before")
    await interrupted(asyncio.create_task(submitter.submit(ticket)), exchange.new_order_calls)
    [entry] = journal.entries()
    assert (entry.state, entry.message) == (UNKNOWN, "interrupted while waiting for the answer")


async def test_a_dry_run_interrupted_while_waiting_is_journalled_failed(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    ticket = await resting_buy(client, info)
    sandbox.set_faults(paths=(TEST_ORDER_PATH,), limit=1, latency_ms=1_500, phase="before")
    await interrupted(asyncio.create_task(submitter.submit(ticket, dry_run=True)), exchange.test_order_calls)
    [entry] = journal.entries()
    assert (entry.state, entry.message) == (FAILED, "dry run interrupted (nothing was placed)")
    assert journal.needing_reconciliation() == []


async def test_a_cancel_interrupted_while_waiting_is_journalled_unknown(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, latency_ms=1_500, phase="before")
    await interrupted(asyncio.create_task(submitter.cancel(SYMBOL, placed.order_id)), exchange.cancel_calls)
    [entry] = [e for e in journal.entries() if e.kind == KIND_CANCEL]
    assert (entry.state, entry.order_id, entry.message) == (
        UNKNOWN,
        placed.order_id,
        "interrupted while waiting for the answer",
    )


async def test_a_cancel_is_recorded_with_its_status_and_a_refusal_with_its_code(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    done = await submitter.cancel(SYMBOL, placed.order_id)
    assert done.result is not None and done.journal_problem == ""
    assert recorded(journal, done).order_status == "CANCELED"
    order_row = recorded(journal, placed)  # the cancelled order's own row follows
    assert (order_row.order_status, order_row.executed_qty) == ("CANCELED", D("0"))
    again = await submitter.cancel(SYMBOL, placed.order_id)
    code = getattr(again.error, "code", None)
    assert isinstance(code, int) and recorded(journal, again).error_code == code


async def test_a_cancel_sent_without_the_journal_says_so(
    submitter: OrderSubmitter,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    journal.close()
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.cancelled and outcome.entry is None
    assert outcome.journal_problem.startswith("The order journal could not record this cancel (")
    assert outcome.journal_problem.endswith("is closed); it was sent anyway.")
    [line] = journal_errors(caplog, "order journal not writable")
    assert line.startswith(f"order journal not writable; cancelling order {placed.order_id} anyway: ")


async def test_a_lost_cancel_answer_without_the_journal_points_at_the_open_orders(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo, sandbox: Any
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    journal.close()
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="before")
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    assert (outcome.kind, outcome.symbol, outcome.order_id, outcome.entry) == (
        OutcomeKind.UNKNOWN,
        SYMBOL,
        placed.order_id,
        None,
    )
    assert outcome.cancelled is None and outcome.error is not None
    assert outcome.message == f"Cancel of order {placed.order_id}: the answer was lost; check open orders."
    assert [int(o.order_id) for o in await client.open_orders(SYMBOL)] == [placed.order_id]


async def test_a_lost_cancel_answer_the_journal_cannot_follow_points_at_the_open_orders(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    sandbox: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    real = exchange.cancel_order

    async def journal_closes_while_waiting(symbol: str, order_id: int) -> Any:  # the intent is on disk
        journal.close()
        return await real(symbol, order_id)

    exchange.cancel_order = journal_closes_while_waiting  # type: ignore[method-assign]
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="before")
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    assert (outcome.kind, outcome.symbol, outcome.order_id) == (OutcomeKind.UNKNOWN, SYMBOL, placed.order_id)
    assert outcome.cancelled is None and outcome.error is not None
    assert outcome.entry is not None and outcome.entry.state == PENDING and outcome.entry.order_id == placed.order_id
    assert outcome.message == f"Cancel of order {placed.order_id}: the answer was lost; check open orders."
    [line] = journal_errors(caplog, "order journal failed while checking a cancel")
    assert line.startswith(f"order journal failed while checking a cancel of order {placed.order_id}: ")


async def test_a_dry_run_the_journal_cannot_record_is_not_sent_and_logged(
    submitter: OrderSubmitter,
    exchange: Recorded,
    journal: OrderJournal,
    client: JexClient,
    info: SymbolInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ticket = await resting_buy(client, info)
    journal.close()
    outcome = await submitter.submit(ticket, dry_run=True)
    assert outcome.kind == OutcomeKind.NOT_SENT and outcome.dry_run and outcome.error is not None
    assert outcome.message.startswith("Not sent: the order journal could not be written (")
    assert outcome.message.endswith("is closed).") and exchange.test_order_calls == []
    [line] = journal_errors(caplog, "order journal not writable, order not sent: ")
    assert line.endswith("is closed")


# --- what the journal keeps of a cancel, and whom its outcome names --------------------------------------


async def test_a_cancel_row_keeps_its_time_its_replace_and_what_had_filled(
    exchange: Recorded, journal: OrderJournal, client: JexClient, info: SymbolInfo, sleeper: NoSleep
) -> None:
    """The cancel's intent carries the exchange-time clock's reading and the replace it is a step of;
    its answer records the order's status and the quantity that had filled; the outcome names the
    symbol and the order it was about."""
    at = 1_790_000_123_456
    reconciler = Reconciler(exchange, journal, now_ms=sleeper.now_ms, sleep=sleeper)
    submitter = OrderSubmitter(exchange, journal, lambda: at, reconciler=reconciler)
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    assert recorded(journal, placed).created_ms == at
    placed_row = recorded(journal, placed)
    assert placed_row.price is not None and placed_row.quantity is not None
    journal.record_replace("replace-7", SYMBOL, "BUY", placed.order_id, placed_row.price, placed_row.quantity)
    done = await submitter.cancel(SYMBOL, placed.order_id, replace_id="replace-7")
    assert (done.symbol, done.order_id, done.kind, done.status) == (
        SYMBOL,
        placed.order_id,
        OutcomeKind.ACCEPTED,
        "CANCELED",
    )
    row = recorded(journal, done)
    assert (row.kind, row.symbol, row.order_id, row.created_ms, row.replace_id) == (
        KIND_CANCEL,
        SYMBOL,
        placed.order_id,
        at,
        "replace-7",
    )
    assert (row.state, row.order_status) == (ACCEPTED, "CANCELED")
    order_row = recorded(journal, placed)  # the cancelled order's own row follows, with what had filled
    assert done.result is not None
    assert (order_row.order_status, order_row.executed_qty) == ("CANCELED", done.result.executed_qty)


async def test_a_lost_cancel_answer_names_the_order_and_its_state_once_checked(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo, sandbox: Any
) -> None:
    """A cancel whose answer was lost is settled by looking: the outcome names the symbol, the order,
    and the status the look found; the journal row is RESOLVED with it."""
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="after")
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    assert (outcome.symbol, outcome.order_id, outcome.kind, outcome.status) == (
        SYMBOL,
        placed.order_id,
        OutcomeKind.RESOLVED,
        "CANCELED",
    )
    row = recorded(journal, outcome)
    assert (row.state, row.order_status) == (RESOLVED, "CANCELED")
    assert outcome.error is not None  # the lost answer is kept: it is why the look was needed


async def test_a_lost_cancel_answer_that_cannot_be_checked_stays_unknown_with_no_status(
    submitter: OrderSubmitter, journal: OrderJournal, client: JexClient, info: SymbolInfo, sandbox: Any
) -> None:
    placed = await submitter.submit(await resting_buy(client, info))
    assert placed.order_id is not None
    sandbox.set_faults(paths=(ORDER_PATH,), limit=None, drop_rate=1.0, phase="after")  # every look is lost too
    outcome = await submitter.cancel(SYMBOL, placed.order_id)
    sandbox.set_faults(drop_rate=0.0)
    assert (outcome.symbol, outcome.order_id, outcome.kind, outcome.status, outcome.cancelled) == (
        SYMBOL,
        placed.order_id,
        OutcomeKind.UNKNOWN,
        None,
        None,
    )
    assert recorded(journal, outcome).state == UNKNOWN
