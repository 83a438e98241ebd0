"""Time in force verified: an IOC/FOK order answered as resting is cancelled at once and journalled.

Against the in-process sandbox with its switch that ignores timeInForce
(every order answered and kept as GTC), its dropped connections, and a fill
arranged between the answer and the cancel.  One test keeps the scripted
exchange (``FakeExchange``): an answer lost for an order that the exchange
lists as IOC yet NEW; the sandbox's switch lists such an order as GTC, so it
cannot put that order on the list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.trading_fakes import DROP_AFTER, FakeExchange

from jextui.api.client import JexClient
from jextui.api.models import OrderId, OrderResult
from jextui.trading.journal import (
    ACCEPTED,
    KIND_CANCEL,
    KIND_ORDER,
    REJECTED,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_read import read_entries
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest
from jextui.trading.time_in_force import time_in_force_problem

SYMBOL = "BTCUSDT"
D = Decimal


def result(tif: str, status: str) -> OrderResult:
    return OrderResult(
        symbol=SYMBOL,
        order_id=OrderId(7),
        transact_time=1,
        price=D("1"),
        orig_qty=D("1"),
        executed_qty=D("0"),
        cummulative_quote_qty=D("0"),
        status=status,
        time_in_force=tif,
        type="LIMIT",
        side="BUY",
    )


@pytest.mark.parametrize(
    ("asked", "echoed", "status", "words"),
    [
        ("IOC", "GTC", "NEW", "answered timeInForce GTC (status NEW) for this IOC order"),
        ("FOK", "GTC", "FILLED", "answered timeInForce GTC (status FILLED) for this FOK order"),
        ("IOC", "IOC", "NEW", "left this IOC order NEW, still on the book"),
        ("FOK", "FOK", "PARTIALLY_FILLED", "left this FOK order PARTIALLY_FILLED"),
        ("IOC", "IOC", "CANCELED", None),
        ("IOC", "IOC", "FILLED", None),
        ("FOK", "FOK", "EXPIRED", None),
        ("GTC", "GTC", "NEW", None),  # a resting GTC order is what was asked
    ],
)
def test_the_echo_and_the_status_are_checked(asked: str, echoed: str, status: str, words: str | None) -> None:
    problem = time_in_force_problem(asked, result(echoed, status))
    assert (problem is None) if words is None else (problem is not None and words in problem)


def test_an_answer_without_time_in_force_or_status_cannot_be_trusted_for_ioc() -> None:
    class Ack:
        order_id = 7

    assert "may rest" in (time_in_force_problem("IOC", Ack()) or "")
    assert time_in_force_problem("GTC", Ack()) is None
    assert time_in_force_problem("IOC", None) is None  # nothing placed: nothing to check


# --- against the sandbox with the switch that ignores timeInForce ----------------------


@pytest.fixture
def client(sandbox_client: JexClient) -> JexClient:
    return sandbox_client


def journal_for(path: Path, client: JexClient, sandbox) -> OrderJournal:
    return OrderJournal(path, base_url=client.base_url, account=account_identity(sandbox.api_key))


async def below_the_bid(client: JexClient) -> Decimal:
    book = await client.book_ticker(SYMBOL)
    return book.bid_price - D("100")


@pytest.mark.parametrize("tif", ["IOC", "FOK"])
async def test_an_ignored_time_in_force_is_cancelled_at_once_and_journalled(sandbox, client, tmp_path, tif) -> None:
    sandbox.set_faults(ignore_time_in_force=True)
    price = await below_the_bid(client)  # as IOC/FOK it would expire; as GTC it rests
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)
    outcome = await OrderSubmitter(client, journal).submit(OrderRequest(SYMBOL, "BUY", price, D("0.01"), tif))

    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.placed
    assert isinstance(outcome.result, OrderResult) and outcome.result.time_in_force == "GTC"
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.cancelled and cancel.status == "CANCELED"
    order_id = outcome.order_id
    assert f"answered timeInForce GTC (status NEW) for this {tif} order" in outcome.message
    assert "It was cancelled at once (CANCELED)" in outcome.message
    assert [o for o in await client.open_orders(SYMBOL) if int(o.order_id) == order_id] == []
    assert (await client.get_order(SYMBOL, order_id)).status == "CANCELED"
    journal.close()

    rows = read_entries(tmp_path / "journal.sqlite")
    cancel_rows = [r for r in rows if r.kind == KIND_CANCEL and r.order_id == order_id]
    order_rows = [r for r in rows if r.kind == KIND_ORDER and r.order_id == order_id]
    assert len(cancel_rows) == 1 and len(order_rows) == 1
    assert cancel_rows[0].state == ACCEPTED and order_rows[0].time_in_force == tif
    assert f"answered timeInForce GTC (status NEW) for this {tif} order; cancelled at once" in cancel_rows[0].message


async def test_a_partly_filled_remainder_left_resting_is_cancelled_too(sandbox, client, tmp_path) -> None:
    sandbox.set_faults(ignore_time_in_force=True)
    depth = await client.depth(SYMBOL, limit=5)
    best = depth.asks[0]
    quantity = best.qty + D("0.01")  # more than the best level holds, priced at it: a remainder is left
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)
    request = OrderRequest(SYMBOL, "BUY", best.price, quantity, "IOC", places=(2, 6))  # BTCUSDT's grid, as a ticket's
    outcome = await OrderSubmitter(client, journal).submit(request)
    journal.close()
    assert isinstance(outcome.result, OrderResult) and outcome.result.status == "PARTIALLY_FILLED"
    assert outcome.time_in_force_cancel is not None and outcome.time_in_force_cancel.cancelled
    assert f"{best.qty:,.6f} had filled before that" in outcome.message  # at the quantity's six decimals
    assert [o for o in await client.open_orders(SYMBOL) if int(o.order_id) == outcome.order_id] == []


async def test_with_the_switch_off_nothing_is_cancelled(sandbox, client, tmp_path) -> None:
    price = await below_the_bid(client)
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)
    outcome = await OrderSubmitter(client, journal).submit(OrderRequest(SYMBOL, "BUY", price, D("0.01"), "IOC"))
    journal.close()
    assert isinstance(outcome.result, OrderResult) and outcome.result.status == "CANCELED"  # the exchange expired it
    assert outcome.time_in_force_cancel is None
    assert [r.kind for r in read_entries(tmp_path / "journal.sqlite")] == [KIND_ORDER]


async def test_a_gtc_order_is_never_cancelled_by_the_check(sandbox, client, tmp_path) -> None:
    sandbox.set_faults(ignore_time_in_force=True)
    price = await below_the_bid(client)
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)
    outcome = await OrderSubmitter(client, journal).submit(OrderRequest(SYMBOL, "BUY", price, D("0.01"), "GTC"))
    journal.close()
    assert outcome.time_in_force_cancel is None
    assert [int(o.order_id) for o in await client.open_orders(SYMBOL)] == [outcome.order_id]


# --- the cancel itself failing (the sandbox's faults, and a fill arranged before the cancel) ---------

ORDER_PATH = "/api/v1/spot/order"  # placing, looking up and cancelling alike


class AfterEachAnswer:
    """The real client; ``then`` runs right after each new order's answer came back, before the console acts."""

    def __init__(self, client: JexClient, then: Callable[[Any], Awaitable[None]]) -> None:
        self._client = client
        self._then = then

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def new_order(self, *args: Any, **kwargs: Any) -> Any:
        answer = await self._client.new_order(*args, **kwargs)
        await self._then(answer)
        return answer


async def test_a_cancel_that_finds_the_order_gone_is_said_and_journalled(
    sandbox: Any, client: JexClient, tmp_path: Path
) -> None:
    sandbox.set_faults(ignore_time_in_force=True)
    book = await client.book_ticker(SYMBOL)
    price = book.bid_price + D("0.01")  # the best bid of all, so the seller below meets this order first
    assert price < book.ask_price
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)

    async def filled_before_the_cancel(answer: Any) -> None:  # a seller takes the whole order at its price
        await client.new_order(SYMBOL, "SELL", D("0.01"), price, time_in_force="GTC")
        assert (await client.get_order(SYMBOL, int(answer.order_id))).status == "FILLED"

    racing = AfterEachAnswer(client, filled_before_the_cancel)
    outcome = await OrderSubmitter(racing, journal).submit(OrderRequest(SYMBOL, "BUY", price, D("0.01"), "IOC"))
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.REJECTED and cancel.cancelled is False
    assert "answered timeInForce GTC (status NEW) for this IOC order" in outcome.message
    assert "did not succeed" in outcome.message
    assert "no longer open" in outcome.message
    assert cancel.message == (
        f"Cancel of order {outcome.order_id} refused: the order is no longer open (already filled or cancelled)"
    )
    rows = [e for e in journal.entries() if e.kind == KIND_CANCEL]
    assert len(rows) == 1 and rows[0].state == REJECTED and "cancelled at once: refused" in rows[0].message
    journal.close()


async def test_a_cancel_that_never_left_is_reported_for_a_look_at_open_orders(
    sandbox: Any, client: JexClient, tmp_path: Path
) -> None:
    sandbox.set_faults(ignore_time_in_force=True)
    price = await below_the_bid(client)
    journal = journal_for(tmp_path / "journal.sqlite", client, sandbox)
    cancels: list[str] = []

    async def the_next_request_is_lost(answer: Any) -> None:  # the cancel's connection dies before it arrives
        sandbox.set_faults(ignore_time_in_force=True, drop_rate=1.0, phase="before", paths=(ORDER_PATH,), limit=1)

    racing = AfterEachAnswer(client, the_next_request_is_lost)
    original_cancel = client.cancel_order

    async def counted_cancel(symbol: str, order_id: int) -> Any:
        cancels.append(f"{symbol}:{order_id}")
        return await original_cancel(symbol, order_id)

    racing.cancel_order = counted_cancel  # type: ignore[attr-defined]
    outcome = await OrderSubmitter(racing, journal).submit(OrderRequest(SYMBOL, "BUY", price, D("0.01"), "FOK"))
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancels == [f"{SYMBOL}:{outcome.order_id}"]  # looked up, never resent
    assert cancel.kind in (OutcomeKind.UNKNOWN, OutcomeKind.RESOLVED) and cancel.cancelled is not True
    assert "answered timeInForce GTC (status NEW) for this FOK order" in outcome.message
    assert outcome.message.endswith("did not take effect.): check open orders.")
    # the order still rests on the exchange: the trader is pointed at the open orders
    assert [int(o.order_id) for o in await client.open_orders(SYMBOL)] == [outcome.order_id]
    journal.close()


# The one case left on the scripted exchange: an answer that echoes IOC yet says NEW.  The sandbox's
# switch answers GTC for every order, and an order listed as GTC is not taken for an IOC request when
# the answer was lost, so only a scripted exchange can put a NEW IOC order on the list.
async def test_an_ioc_order_found_resting_after_a_lost_answer_is_cancelled_too(
    journal: OrderJournal, exchange: FakeExchange
) -> None:
    exchange.order_script.append(DROP_AFTER)  # placed (resting, NEW), but the answer is lost
    submitter = OrderSubmitter(exchange, journal, reconciler=Reconciler(exchange, journal, grace_ms=0))
    outcome = await submitter.submit(OrderRequest(SYMBOL, "BUY", D("100"), D("1"), "IOC"))
    assert outcome.kind == OutcomeKind.RESOLVED and outcome.found is not None
    assert outcome.time_in_force_cancel is not None and outcome.time_in_force_cancel.cancelled
    assert exchange.orders[outcome.order_id].status == "CANCELED"  # type: ignore[index]
    assert outcome.message.startswith("The answer was lost") and "the order was not resent" in outcome.message
    assert "But the exchange left this IOC order NEW" in outcome.message
    assert outcome.message.endswith("It was cancelled at once (CANCELED).")
