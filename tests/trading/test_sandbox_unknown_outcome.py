"""Against the real sandbox: a lost answer never duplicates an order, and the journal resolves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.api.client import JexClient
from jextui.api.errors import ConnectionFailed
from jextui.api.models import Order, OrderResult
from jextui.trading.fills import FillEventKind, FillTracker
from jextui.trading.journal import NOT_PLACED, RESOLVED, OrderJournal, account_identity
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderTicket

ORDER_PATH = "/api/v1/spot/order"
SYMBOL = "BTCUSDT"


@pytest.fixture
async def client(sandbox) -> AsyncIterator[JexClient]:
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as opened:
        await opened.sync_time()
        yield opened


def open_journal(path: Path, client: JexClient, sandbox) -> OrderJournal:
    return OrderJournal(path, base_url=client.base_url, account=account_identity(sandbox.api_key))


async def resting_buy(client: JexClient) -> OrderTicket:
    """A BUY ticket one dollar under the best bid: it rests on the book."""
    info = next(s for s in (await client.exchange_info()).spot_symbols if s.symbol == SYMBOL)
    book = await client.book_ticker(SYMBOL)
    account = await client.account()
    ticket = OrderTicket.for_symbol(
        "BUY",
        info,
        quantity_text="0.01",
        best_bid=book.bid_price,
        best_ask=book.ask_price,
        last_price=book.bid_price,
        free_balances={b.asset: b.free for b in account.spot_balances},
        fee=(await client.trade_fee(SYMBOL))[0],
    )
    assert ticket.prefill_price(book.bid_price) and ticket.nudge_price(-100)
    assert ticket.validate() == {}
    return ticket


def ours(orders: list[Order], price: Decimal | None) -> list[Order]:
    return [o for o in orders if o.side == "BUY" and o.price == price and o.orig_qty == Decimal("0.01")]


@pytest.mark.parametrize(
    ("fault", "reached_engine"),
    [
        ({"drop_rate": 1.0, "phase": "after"}, True),
        ({"error_5xx_rate": 1.0, "phase": "after"}, True),
        ({"malformed_rate": 1.0}, True),
        ({"drop_rate": 1.0, "phase": "before"}, False),
        ({"error_5xx_rate": 1.0, "phase": "before"}, False),
    ],
    ids=["drop-after", "5xx-after", "malformed", "drop-before", "5xx-before"],
)
async def test_a_lost_answer_leaves_at_most_one_order_and_the_journal_says_which(
    sandbox, client, tmp_path, fault, reached_engine
) -> None:
    journal = open_journal(tmp_path / "journal.sqlite", client, sandbox)
    ticket = await resting_buy(client)
    price = ticket.price
    sandbox.set_faults(paths=(ORDER_PATH,), limit=1, **fault)
    # grace 0: the request is over when the look happens, so nothing found means not placed
    submitter = OrderSubmitter(client, journal, reconciler=Reconciler(client, journal, grace_ms=0))

    outcome = await submitter.submit(ticket)

    on_exchange = ours(await client.open_orders(SYMBOL), price)
    assert outcome.error is not None
    if reached_engine:
        assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True
        assert len(on_exchange) == 1
        assert outcome.entry is not None
        entry = journal.get(outcome.entry.id)
        assert (entry.state, entry.order_id) == (RESOLVED, int(on_exchange[0].order_id))
    else:
        assert outcome.kind == OutcomeKind.NOT_PLACED and outcome.placed is False
        assert on_exchange == []
        assert outcome.entry is not None and journal.get(outcome.entry.id).state == NOT_PLACED
    journal.close()


async def test_a_dropped_answer_is_a_connection_failure_resolved_without_resending(sandbox, client, tmp_path) -> None:
    journal = open_journal(tmp_path / "journal.sqlite", client, sandbox)
    ticket = await resting_buy(client)
    sandbox.set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)
    outcome = await OrderSubmitter(client, journal).submit(ticket)
    assert isinstance(outcome.error, ConnectionFailed)
    assert outcome.kind == OutcomeKind.RESOLVED
    assert len(ours(await client.open_orders(SYMBOL), ticket.price)) == 1
    assert outcome.entry is not None
    assert [e.state for e in journal.events(outcome.entry.id)] == ["PENDING", "UNKNOWN", "RESOLVED"]
    journal.close()


async def test_after_a_restart_an_unresolved_intent_is_resolved_at_start(sandbox, client, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    ticket = await resting_buy(client)
    request = ticket.order_request()
    assert request is not None

    first_run = open_journal(path, client, sandbox)
    sent = first_run.record_order_intent(
        SYMBOL, "BUY", request.price, request.quantity, "GTC", created_ms=client.clock.now_ms()
    )
    sandbox.set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)
    with pytest.raises(ConnectionFailed):
        await client.new_order(SYMBOL, "BUY", request.quantity, request.price, resp_type="RESULT")
    never_sent = first_run.record_order_intent(
        SYMBOL, "BUY", request.price, Decimal("0.02"), "GTC", created_ms=client.clock.now_ms() - 60_000
    )
    first_run.close()  # the app dies before recording either answer

    restarted = open_journal(path, client, sandbox)
    reports = await Reconciler(client, restarted).reconcile_pending()
    assert [(r.entry.id, r.entry.state) for r in reports] == [(never_sent.id, NOT_PLACED), (sent.id, RESOLVED)]
    on_exchange = ours(await client.open_orders(SYMBOL), request.price)
    assert len(on_exchange) == 1
    assert restarted.get(sent.id).order_id == int(on_exchange[0].order_id)
    restarted.close()


async def test_a_fill_is_announced_and_a_lost_cancel_is_checked(sandbox, client, tmp_path) -> None:
    journal = open_journal(tmp_path / "journal.sqlite", client, sandbox)
    submitter = OrderSubmitter(client, journal)
    tracker = FillTracker()
    info = next(s for s in (await client.exchange_info()).spot_symbols if s.symbol == SYMBOL)
    book = await client.book_ticker(SYMBOL)
    crossing = OrderTicket.for_symbol(
        "BUY", info, quantity_text="0.001", best_ask=book.ask_price, best_bid=book.bid_price, time_in_force="IOC"
    )
    crossing.prefill_price()
    filled = await submitter.submit(crossing)
    assert filled.kind == OutcomeKind.ACCEPTED and filled.order_status == "FILLED"
    assert isinstance(filled.result, OrderResult)
    assert [e.kind for e in tracker.track(filled.result)] == [FillEventKind.FILLED]

    resting = await submitter.submit(await resting_buy(client))
    sandbox.set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)
    assert resting.order_id is not None
    cancelled = await submitter.cancel(SYMBOL, resting.order_id)
    assert cancelled.kind == OutcomeKind.RESOLVED and cancelled.cancelled is True
    assert resting.order_id not in {int(o.order_id) for o in await client.open_orders(SYMBOL)}
    journal.close()
