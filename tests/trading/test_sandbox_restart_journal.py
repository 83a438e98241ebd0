"""A sandbox restarted without ``--state`` under a running journal: never "NOT placed" for a filled order.

The reproduction from the reliability report, on a real sandbox: an order is
journalled, the sandbox is restarted (same address, no state file: it may
hand out the same order ids again), another order fills there.  The console's
layers (client, journal, submitter, reconciler at the next start) must record
the fill and must never call that order not placed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jextui.api.client import JexClient
from jextui.trading.journal import ACCEPTED, NOT_PLACED, RESOLVED, OrderJournal, account_identity
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest

SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"


def journal_for(path: Path, sandbox: Any) -> OrderJournal:
    return OrderJournal(path, base_url=sandbox.base_url, account=account_identity(sandbox.api_key))


async def resting_buy(client: JexClient) -> OrderRequest:
    book = await client.book_ticker(SYMBOL)
    price = (book.bid_price * Decimal("0.9")).quantize(Decimal("0.01"))
    return OrderRequest(symbol=SYMBOL, side="BUY", price=price, quantity=Decimal("0.001"), time_in_force="GTC")


async def crossing_buy(client: JexClient) -> OrderRequest:
    book = await client.book_ticker(SYMBOL)
    return OrderRequest(symbol=SYMBOL, side="BUY", price=book.ask_price, quantity=Decimal("0.001"), time_in_force="GTC")


async def first_run(sandbox: Any, path: Path) -> int:
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        await client.sync_time()
        with journal_for(path, sandbox) as journal:
            outcome = await OrderSubmitter(client, journal).submit(await resting_buy(client))
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id is not None
    return outcome.order_id


async def test_a_fill_after_a_restart_is_journalled_and_never_called_not_placed(make_sandbox, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    before = make_sandbox()
    first_id = await first_run(before, path)
    port = before.port
    before.close()
    after = make_sandbox(port=port)  # same address, fresh memory

    async with JexClient(after.base_url, after.api_key, after.api_secret) as client:
        await client.sync_time()
        with journal_for(path, after) as journal:
            outcome = await OrderSubmitter(client, journal).submit(await crossing_buy(client))
            assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_status == "FILLED", outcome.message
            assert outcome.journal_problem == ""
            assert outcome.entry is not None
            row = journal.get(outcome.entry.id)
            assert (row.state, row.order_id, row.order_status) == (ACCEPTED, outcome.order_id, "FILLED")
            reused = outcome.order_id == first_id
        # the console's next start
        with journal_for(path, after) as journal:
            reports = await Reconciler(client, journal).reconcile_pending()
            states = {entry.state for entry in journal.entries()}
    assert reports == [] and NOT_PLACED not in states
    assert all("NOT placed" not in report.message for report in reports)
    if reused:  # the sandbox handed the id out again: the older row says so
        with journal_for(path, after) as journal:
            older = [e for e in journal.entries() if e.order_id == first_id and e.id != outcome.entry.id]
            assert older and older[0].id_reused_ms is not None


async def test_a_lost_answer_after_a_restart_finds_the_filled_order(make_sandbox, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    before = make_sandbox()
    await first_run(before, path)
    port = before.port
    before.close()
    after = make_sandbox(port=port)

    async with JexClient(after.base_url, after.api_key, after.api_secret) as client:
        await client.sync_time()
        request = await crossing_buy(client)
        after.set_faults(paths=(ORDER_PATH,), limit=1, drop_rate=1.0, phase="after")  # it fills, the answer is lost
        with journal_for(path, after) as journal:
            submitter = OrderSubmitter(client, journal, reconciler=Reconciler(client, journal, grace_ms=0))
            outcome = await submitter.submit(request)
            assert outcome.kind == OutcomeKind.RESOLVED and outcome.placed is True, outcome.message
            assert outcome.entry is not None and journal.get(outcome.entry.id).state == RESOLVED
            assert journal.get(outcome.entry.id).order_status == "FILLED"
    assert "NOT placed" not in outcome.message
