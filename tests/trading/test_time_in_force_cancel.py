"""The cancel at once of an IOC/FOK order left resting, step by step and when each step meets trouble.

Against the in-process sandbox with its switch that ignores timeInForce (every
order answered and kept as GTC).  The troubles are real ones: the sandbox
drops the cancel's connection (before or after the cancel took effect), the
journal file is closed under the submitter, a read-only key is refused.  The
client is wrapped only to act at the right moment (right after the order's
answer, right before the cancel).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jextui.api.client import JexClient
from jextui.api.models import OrderAck, OrderResult
from jextui.trading.errors_text import describe_error
from jextui.trading.journal import ACCEPTED, KIND_CANCEL, REJECTED, RESOLVED, UNKNOWN, OrderJournal, account_identity
from jextui.trading.journal_read import read_entries
from jextui.trading.submit import OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest
from jextui.trading.time_in_force import time_in_force_problem

SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"  # placing, looking up and cancelling alike
QTY = Decimal("0.01")
RESTING_IOC = "the exchange answered timeInForce GTC (status NEW) for this IOC order"

Hook = Callable[[], Awaitable[None]]


class Hooked:
    """The real client; ``before_cancel`` runs right before each cancel leaves, which ``cancel_with`` may send
    (another key), and ``answer_as`` reshapes each new order's answer as the exchange might have sent it."""

    def __init__(
        self,
        client: JexClient,
        *,
        before_cancel: Hook | None = None,
        cancel_with: JexClient | None = None,
        answer_as: Callable[[Any], Any] | None = None,
    ) -> None:
        self._client = client
        self._before_cancel = before_cancel
        self._cancel_with = cancel_with or client
        self._answer_as = answer_as

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def new_order(self, *args: Any, **kwargs: Any) -> Any:
        answer = await self._client.new_order(*args, **kwargs)
        return self._answer_as(answer) if self._answer_as else answer

    async def cancel_order(self, symbol: str, order_id: int) -> Any:
        if self._before_cancel is not None:
            await self._before_cancel()
        return await self._cancel_with.cancel_order(symbol, order_id)


@pytest.fixture
def ignoring(sandbox: Any) -> Any:
    sandbox.set_faults(ignore_time_in_force=True)
    return sandbox


@pytest.fixture
def journal(ignoring: Any, sandbox_client: JexClient, tmp_path: Path) -> Any:
    opened = OrderJournal(
        tmp_path / "journal.sqlite", base_url=sandbox_client.base_url, account=account_identity(ignoring.api_key)
    )
    yield opened
    opened.close()


async def resting_ioc(client: Any, journal: OrderJournal) -> tuple[SubmitOutcome, int]:
    """An IOC BUY 100 below the bid: as IOC it would expire; kept as GTC it rests until cancelled."""
    book = await client.book_ticker(SYMBOL)
    outcome = await OrderSubmitter(client, journal).submit(
        OrderRequest(SYMBOL, "BUY", book.bid_price - Decimal(100), QTY, "IOC")
    )
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id is not None and outcome.entry is not None
    return outcome, outcome.order_id


def cancel_rows(journal_file: Path) -> list[Any]:
    return [row for row in read_entries(journal_file) if row.kind == KIND_CANCEL]


async def open_ids(client: JexClient) -> list[int]:
    return [int(o.order_id) for o in await client.open_orders(SYMBOL)]


def logged(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "jextui.trading" and r.levelno == level]


async def test_the_cancel_at_once_is_told_journalled_and_logged(
    sandbox_client: JexClient, journal: OrderJournal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="jextui.trading")
    outcome, order_id = await resting_ioc(sandbox_client, journal)
    assert outcome.entry is not None
    what = outcome.entry.describe()
    assert (
        outcome.message
        == f"{what}: placed as order {order_id}, but {RESTING_IOC}. It was cancelled at once (CANCELED)."
    )
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.cancelled
    assert (cancel.kind, cancel.symbol, cancel.order_id, cancel.status) == (
        OutcomeKind.ACCEPTED,
        SYMBOL,
        order_id,
        "CANCELED",
    )
    assert cancel.message == f"Order {order_id} on {SYMBOL} cancelled (CANCELED)."
    assert cancel.result is not None and int(cancel.result.order_id) == order_id
    [row] = cancel_rows(journal.path)
    assert cancel.entry is not None and cancel.entry.id == row.id
    # the journal's cancel row says which order, what it was, and why it was cancelled
    assert (row.state, row.order_id, row.side, row.quantity, row.order_status) == (
        ACCEPTED,
        order_id,
        "BUY",
        QTY,
        "CANCELED",
    )
    assert row.price == outcome.entry.price
    assert row.message == f"{RESTING_IOC}; cancelled at once (CANCELED)"
    assert logged(caplog, logging.WARNING) == [f"order {order_id} on {SYMBOL}: {RESTING_IOC}; cancelled at once"]


async def test_an_answer_that_cannot_be_checked_is_cancelled_at_once(
    sandbox_client: JexClient, journal: OrderJournal
) -> None:
    def only_ack(answer: OrderResult) -> OrderAck:  # no timeInForce, no status, no executed quantity
        return OrderAck(symbol=answer.symbol, order_id=answer.order_id, transact_time=answer.transact_time)

    outcome, order_id = await resting_ioc(Hooked(sandbox_client, answer_as=only_ack), journal)
    assert outcome.entry is not None
    assert outcome.message == (
        f"{outcome.entry.describe()}: placed as order {order_id}, but the answer does not say the order's time in "
        "force or status, so this IOC order may rest. It was cancelled at once (CANCELED)."
    )
    assert order_id not in await open_ids(sandbox_client)


async def test_the_cancel_goes_out_though_the_journal_broke_right_after_the_answer(
    sandbox_client: JexClient, journal: OrderJournal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="jextui.trading")

    class JournalBreaksAfterTheAnswer(Hooked):
        async def new_order(self, *args: Any, **kwargs: Any) -> Any:
            answer = await super().new_order(*args, **kwargs)
            journal.close()  # the disk goes away between the answer and everything after it
            return answer

    outcome, order_id = await resting_ioc(JournalBreaksAfterTheAnswer(sandbox_client), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.ACCEPTED and cancel.cancelled and cancel.entry is None
    assert outcome.message.endswith(f"but {RESTING_IOC}. It was cancelled at once (CANCELED).")
    assert outcome.journal_problem  # the order's own answer could not be recorded either: the trader is told
    assert (await sandbox_client.get_order(SYMBOL, order_id)).status == "CANCELED"
    not_writable = [m for m in logged(caplog, logging.ERROR) if m.startswith("order journal not writable")]
    assert len(not_writable) == 1
    assert not_writable[0].startswith(f"order journal not writable; cancelling order {order_id} anyway: ")
    assert not_writable[0].endswith("is closed")
    assert cancel_rows(journal.path) == []


def test_an_answer_with_a_status_but_no_time_in_force_names_the_missing_echo() -> None:
    class NoEcho:
        time_in_force = None
        status = "NEW"

    problem = time_in_force_problem("FOK", NoEcho())
    assert problem == "the exchange answered timeInForce nothing (status NEW) for this FOK order"


async def test_a_cancel_the_journal_cannot_record_is_still_told_and_logged(
    sandbox_client: JexClient, journal: OrderJournal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="jextui.trading")

    async def journal_breaks() -> None:  # the cancel's intent is on disk; its answer will not be
        journal.close()

    outcome, order_id = await resting_ioc(Hooked(sandbox_client, before_cancel=journal_breaks), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.ACCEPTED and cancel.cancelled
    assert outcome.message.endswith(f"but {RESTING_IOC}. It was cancelled at once (CANCELED).")
    [row] = cancel_rows(journal.path)
    assert row.state == "PENDING"  # checked against the exchange at the next start
    assert cancel.entry is not None and cancel.entry.id == row.id
    update = [m for m in logged(caplog, logging.ERROR) if m.startswith("order journal update failed")]
    assert len(update) == 1
    assert update[0].startswith(f"order journal update failed for {row.describe()}: ")
    assert update[0].endswith("is closed")
    assert order_id not in await open_ids(sandbox_client)


async def test_a_cancel_answer_lost_with_the_journal_failing_too_points_at_the_open_orders(
    ignoring: Any, sandbox_client: JexClient, journal: OrderJournal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="jextui.trading")

    async def journal_and_connection_fail() -> None:  # the cancel's intent is on disk; then both go
        journal.close()
        ignoring.set_faults(drop_rate=1.0, phase="before", paths=(ORDER_PATH,), limit=1)

    hooked = Hooked(sandbox_client, before_cancel=journal_and_connection_fail)
    outcome, order_id = await resting_ioc(hooked, journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.cancelled is None and cancel.error is not None
    assert (cancel.kind, cancel.symbol, cancel.order_id) == (OutcomeKind.UNKNOWN, SYMBOL, order_id)
    lost = f"Cancel of order {order_id}: the answer was lost; check open orders."
    assert cancel.message == lost
    assert outcome.message.endswith(
        f"but {RESTING_IOC}. A cancel was sent at once, but its answer was lost: check open orders. {lost}"
    )
    assert order_id in await open_ids(sandbox_client)  # it still rests: hence the pointer to the open orders
    checking = [m for m in logged(caplog, logging.ERROR) if m.startswith("order journal failed while checking")]
    assert len(checking) == 1
    assert checking[0].startswith(f"order journal failed while checking the cancel of order {order_id}: ")
    assert checking[0].endswith("is closed")
    [row] = cancel_rows(journal.path)
    assert row.order_id == order_id and row.state == "PENDING"  # looked at again at the next start


async def test_a_cancel_answer_lost_that_no_look_can_settle_stays_unknown(
    ignoring: Any, sandbox_client: JexClient, journal: OrderJournal
) -> None:
    async def exchange_unreachable() -> None:  # the cancel and the look-up after it both lose their connection
        ignoring.set_faults(drop_rate=1.0, phase="before", paths=(ORDER_PATH,), limit=2)

    outcome, order_id = await resting_ioc(Hooked(sandbox_client, before_cancel=exchange_unreachable), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.UNKNOWN and cancel.cancelled is None
    assert "outcome still unknown" in cancel.message
    assert outcome.message.endswith(
        f"but {RESTING_IOC}. A cancel was sent at once, but its answer was lost: check open orders. {cancel.message}"
    )
    [row] = cancel_rows(journal.path)
    assert row.state == UNKNOWN and cancel.entry is not None and cancel.entry.id == row.id
    assert order_id in await open_ids(sandbox_client)


async def test_a_cancel_answer_lost_after_it_took_effect_is_found_cancelled(
    ignoring: Any, sandbox_client: JexClient, journal: OrderJournal
) -> None:
    async def answer_lost() -> None:  # the exchange cancels the order, the answer never arrives
        ignoring.set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)

    outcome, order_id = await resting_ioc(Hooked(sandbox_client, before_cancel=answer_lost), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.cancelled and cancel.error is not None
    assert (cancel.kind, cancel.symbol, cancel.order_id, cancel.status) == (
        OutcomeKind.RESOLVED,
        SYMBOL,
        order_id,
        "CANCELED",
    )
    assert cancel.message == f"Order {order_id} on {SYMBOL}: the cancel took effect."
    assert outcome.message.endswith(f"but {RESTING_IOC}. It was cancelled at once (CANCELED).")
    [row] = cancel_rows(journal.path)
    assert row.state == RESOLVED and row.order_status == "CANCELED"
    assert cancel.entry is not None and cancel.entry.id == row.id and cancel.entry.state == RESOLVED
    assert order_id not in await open_ids(sandbox_client)


@pytest.fixture
async def read_only(make_sandbox: Callable[..., Any]) -> AsyncIterator[tuple[Any, JexClient, JexClient]]:
    """A sandbox with a second key of the same account that may read but not trade."""
    server = make_sandbox(readonly_key=True)
    server.set_faults(ignore_time_in_force=True)
    async with (
        JexClient(server.base_url, server.api_key, server.api_secret) as trader,
        JexClient(server.base_url, server.readonly_api_key, server.readonly_api_secret) as reader,
    ):
        await trader.sync_time()
        await reader.sync_time()
        yield server, trader, reader


async def test_a_cancel_the_exchange_refuses_is_journalled_with_its_code(
    read_only: tuple[Any, JexClient, JexClient], tmp_path: Path
) -> None:
    server, trader, reader = read_only
    path = tmp_path / "journal.sqlite"
    with OrderJournal(path, base_url=server.base_url, account=account_identity(server.api_key)) as journal:
        # the key that sends the cancel has lost its permission to trade
        outcome, order_id = await resting_ioc(Hooked(trader, cancel_with=reader), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.REJECTED and cancel.cancelled is False
    assert cancel.error is not None
    assert (cancel.symbol, cancel.order_id) == (SYMBOL, order_id)
    code = getattr(cancel.error, "code", None)
    assert isinstance(code, int)
    words = describe_error(cancel.error)
    assert "lacks the permission" in words  # the order is open: it is the key that is refused
    assert cancel.message == f"Cancel of order {order_id} refused: {words}"
    assert outcome.message.endswith(
        f"but {RESTING_IOC}. Cancelling it at once did not succeed ({cancel.message}): check open orders."
    )
    [row] = cancel_rows(path)
    assert (row.state, row.order_id, row.error_code) == (REJECTED, order_id, code)
    assert row.message == f"{RESTING_IOC}; cancelled at once: refused: {words}"
    assert cancel.entry is not None and cancel.entry.id == row.id
    assert order_id in await open_ids(trader)


async def test_a_cancel_the_client_refuses_to_send_is_journalled_without_a_code(
    read_only: tuple[Any, JexClient, JexClient], tmp_path: Path
) -> None:
    server, trader, _reader = read_only
    path = tmp_path / "journal.sqlite"
    async with JexClient(server.base_url) as keyless:  # refuses, before sending, anything that needs a key
        with OrderJournal(path, base_url=server.base_url, account=account_identity(server.api_key)) as journal:
            outcome, order_id = await resting_ioc(Hooked(trader, cancel_with=keyless), journal)
    cancel = outcome.time_in_force_cancel
    assert cancel is not None and cancel.kind == OutcomeKind.REJECTED and cancel.cancelled is False
    assert cancel.error is not None
    assert cancel.message == f"Cancel of order {order_id} refused: {describe_error(cancel.error)}"
    assert "API key" in cancel.message
    [row] = cancel_rows(path)
    assert (row.state, row.order_id, row.error_code) == (REJECTED, order_id, None)
    assert order_id in await open_ids(trader)
