"""Journal writes (committed with an fsync each) run off the event loop, in order.

A journal whose every transaction is slow stands in for a slow disk; the
exchange is the real sandbox.  While an order is journalled, sent and
recorded, a ticker task on the same loop keeps running; the intent is on disk
before the request leaves; and a failing write still reaches the user.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.api.client import JexClient
from jextui.trading.journal import ACCEPTED, PENDING, JournalError, OrderJournal, account_identity
from jextui.trading.journal_read import read_entries
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderTicket

SYMBOL = "BTCUSDT"
SLOW_WRITE_S = 0.15


class SlowJournal(OrderJournal):
    """Every transaction takes SLOW_WRITE_S longer (a thread sleep, like a slow fsync)."""

    fail_marks = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.intent_prices: list[Decimal] = []  # in the order the intents were written

    def record_order_intent(self, symbol, side, price, *args, **kwargs):
        entry = super().record_order_intent(symbol, side, price, *args, **kwargs)
        self.intent_prices.append(price)
        return entry

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        time.sleep(SLOW_WRITE_S)
        with super()._transaction() as db:
            yield db

    def mark_accepted(self, entry_id: str, **fields):
        if self.fail_marks:
            raise JournalError("disk full")
        return super().mark_accepted(entry_id, **fields)


class Ticker:
    """Counts how often a task on the loop got to run while something else was awaited."""

    def __init__(self) -> None:
        self.ticks = 0
        self.longest_gap = 0.0

    async def run(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            self.longest_gap = max(self.longest_gap, now - last)
            last = now
            self.ticks += 1


class WatchedClient:
    """The sandbox client, noting what the journal file held when each order went out."""

    def __init__(self, client: JexClient, path: Path) -> None:
        self._client = client
        self._path = path
        self.on_disk_at_send: list[list[str]] = []

    def __getattr__(self, name: str):
        return getattr(self._client, name)

    async def new_order(self, *args, **kwargs):
        self.on_disk_at_send.append([entry.state for entry in read_entries(self._path)])
        return await self._client.new_order(*args, **kwargs)


@pytest.fixture
async def client(sandbox) -> AsyncIterator[JexClient]:
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as opened:
        await opened.sync_time()
        yield opened


async def resting_buy(client: JexClient) -> OrderTicket:
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
    )
    assert ticket.prefill_price(book.bid_price) and ticket.nudge_price(-100)
    assert ticket.validate() == {}
    return ticket


@pytest.fixture
def journal(tmp_path: Path, client: JexClient, sandbox) -> Iterator[SlowJournal]:
    opened = SlowJournal(
        tmp_path / "journal.sqlite3", base_url=client.base_url, account=account_identity(sandbox.api_key)
    )
    yield opened
    opened.close()


async def submit_while_ticking(submitter: OrderSubmitter, ticket: OrderTicket):
    ticker = Ticker()
    ticking = asyncio.create_task(ticker.run())
    try:
        outcome = await submitter.submit(ticket)
    finally:
        ticking.cancel()
    return outcome, ticker


async def test_slow_journal_writes_leave_the_loop_running_and_keep_their_order(
    client: JexClient, journal: SlowJournal, tmp_path: Path
) -> None:
    watched = WatchedClient(client, journal.path)
    submitter = OrderSubmitter(watched, journal)
    outcome, ticker = await submit_while_ticking(submitter, await resting_buy(client))
    assert outcome.kind == OutcomeKind.ACCEPTED, outcome.message
    # Two slow writes (intent, answer) took at least 2 * SLOW_WRITE_S; on the loop they
    # would have stopped the ticker for SLOW_WRITE_S each.
    assert ticker.ticks >= 10
    assert ticker.longest_gap < SLOW_WRITE_S
    # Write-ahead: the intent was committed before the order went out, the answer after.
    assert watched.on_disk_at_send == [[PENDING]]
    [entry] = read_entries(journal.path)
    assert (entry.state, entry.order_id) == (ACCEPTED, outcome.order_id)
    await client.cancel_order(SYMBOL, int(outcome.order_id))


async def test_a_failing_slow_write_still_reaches_the_user(client: JexClient, journal: SlowJournal) -> None:
    journal.fail_marks = True
    submitter = OrderSubmitter(client, journal)
    outcome, ticker = await submit_while_ticking(submitter, await resting_buy(client))
    assert outcome.kind == OutcomeKind.ACCEPTED
    assert "could not record this answer (disk full)" in outcome.journal_problem
    assert ticker.ticks >= 5
    assert [entry.state for entry in read_entries(journal.path)] == [PENDING]
    await client.cancel_order(SYMBOL, int(outcome.order_id))


async def test_calls_queued_on_the_journal_run_in_the_order_they_were_made(journal: SlowJournal) -> None:
    prices = [Decimal(text) for text in ("100", "101", "102", "103")]
    intents = [
        journal.call(journal.record_order_intent, SYMBOL, "BUY", price, Decimal("1"), "GTC", created_ms=1_000)
        for price in prices
    ]
    # Awaited in the reverse order: the writes still happen in the order they were asked for.
    recorded = [await intent for intent in reversed(intents)]
    assert [entry.price for entry in reversed(recorded)] == prices
    assert journal.intent_prices == prices


async def test_a_closed_journal_refuses_calls_in_words(journal: SlowJournal) -> None:
    journal.close()
    with pytest.raises(JournalError, match="is closed"):
        journal.call(journal.get, "nothing")
