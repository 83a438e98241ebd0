"""Cancelling every open order on the account, symbol after symbol, one order at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from support.open_orders import cancel, fill_part, resting_order, synthetic

from jextui.api import JexClient
from jextui.api.errors import (
    AuthError,
    ConnectionFailed,
    IpBanned,
    OrderRejected,
    RateLimited,
    UnknownOrder,
)
from jextui.api.limits import RateState
from jextui.trading.account_orders import AccountOrders, OpenOrder
from jextui.trading.bulk_cancel import (
    ALREADY_CLOSED,
    CANCELLED,
    FAILED,
    NOT_SENT,
    CancelOutcome,
    cancel_orders,
    summary,
)
from jextui.trading.order_discovery import OrderDiscovery


@pytest.fixture
def server(make_sandbox: Callable[..., Any]) -> Any:
    return make_sandbox(extra_symbols=10)


@pytest.fixture
async def client(server: Any) -> AsyncIterator[JexClient]:
    async with JexClient(server.base_url, server.api_key, server.api_secret) as jex:
        yield jex


async def test_cancel_all_across_symbols_reports_each_outcome(server: Any, client: JexClient) -> None:
    placed = [
        resting_order(server, symbol, side, ticks_away=5 + i)
        for symbol in ("ETHUSDT", "LTCBTC", synthetic(3))
        for side in ("BUY", "SELL")
        for i in range(2)
    ]
    book = AccountOrders(watched_symbols=["ETHUSDT"])
    discovery = OrderDiscovery(client, book)
    assert (await discovery.discover()).explained and len(book) == 12
    gone = placed[0]
    cancel(server, gone)  # cancelled elsewhere after it was found
    filled = resting_order(server, synthetic(4), "SELL", ticks_away=-1)
    await discovery.refresh()
    assert len(book) == 12 and book.get(gone.order_id) is None
    cancel(server, placed[1])  # the book does not know yet
    fill_part(server, filled, filled.orig_qty)  # filled just before its cancel
    heard: list[CancelOutcome] = []
    outcomes = await cancel_orders(client, book.rows("ETHUSDT"), book=book, per_second=50, on_outcome=heard.append)
    assert heard == outcomes and len(outcomes) == 12
    assert [o.symbol for o in outcomes[:3]] == ["ETHUSDT"] * 3  # the active symbol first
    by_id = {o.order_id: o for o in outcomes}
    assert by_id[placed[1].order_id].result == ALREADY_CLOSED
    assert by_id[filled.order_id].result == ALREADY_CLOSED
    assert "no longer open" in by_id[filled.order_id].message
    done = [o for o in outcomes if o.result == CANCELLED]
    assert len(done) == 10 and all(o.status == "CANCELED" and o.ok for o in done)
    assert done[0].message == f"ETHUSDT #{done[0].order_id} canceled"
    assert summary(outcomes) == "10 cancelled · 2 already closed"
    assert len(book) == 0
    report = await discovery.refresh()
    assert report.explained and book.can_say_no_orders and book.title("ETHUSDT") == "no open orders"
    account = await client.account()
    assert all(b.locked == 0 for b in account.spot_balances)


class Scripted:
    """A client whose cancel answers are scripted per order id."""

    def __init__(self, answers: dict[int, Exception | None]) -> None:
        self.answers = answers
        self.sent: list[int] = []
        self.rate = RateState()

    async def cancel_order(self, symbol: str, order_id: int) -> Any:
        self.sent.append(order_id)
        outcome = self.answers.get(order_id)
        if outcome is not None:
            raise outcome
        return SimpleNamespace(
            symbol=symbol,
            order_id=order_id,
            side="BUY",
            price=D(1),
            orig_qty=D(1),
            executed_qty=D(0),
            status="CANCELED",
        )


def resting(order_id: int, symbol: str = "AUSDT") -> OpenOrder:
    return OpenOrder(symbol, order_id, "BUY", D(1), D(1), D(0), "NEW")


def api_error(cls: type, code: int = -1, msg: str = "x") -> Exception:
    if cls in (RateLimited, IpBanned):
        return cls(retry_after=10.0, code=code, msg=msg, status=429, endpoint="/api/v1/spot/order")
    if cls is ConnectionFailed:
        return cls("connection reset", endpoint="/api/v1/spot/order")
    return cls(code=code, msg=msg, status=400, endpoint="/api/v1/spot/order")


@pytest.mark.parametrize("cls", [RateLimited, IpBanned, AuthError])
async def test_being_told_to_wait_leaves_the_rest_unsent(cls: type) -> None:
    client = Scripted({2: api_error(cls)})
    outcomes = await cancel_orders(client, [resting(1), resting(2), resting(3), resting(4)], per_second=100)
    assert client.sent == [1, 2]
    assert [o.result for o in outcomes] == [CANCELLED, NOT_SENT, NOT_SENT, NOT_SENT]
    assert [(o.symbol, o.order_id) for o in outcomes] == [("AUSDT", 1), ("AUSDT", 2), ("AUSDT", 3), ("AUSDT", 4)]
    assert outcomes[1].message.startswith("not sent: ") and outcomes[2].message == outcomes[1].message
    assert not outcomes[1].ok and outcomes[0].ok
    assert summary(outcomes) == "1 cancelled · 3 not sent"


async def test_failures_are_reported_and_the_others_still_cancelled() -> None:
    client = Scripted(
        {
            1: api_error(ConnectionFailed),
            2: api_error(OrderRejected, -1013, "nope"),
            3: api_error(UnknownOrder, -2011, "Unknown order sent."),
        }
    )
    book = AccountOrders({})
    for order_id in (1, 2, 3, 4):
        book.apply_update(resting(order_id))
    outcomes = await cancel_orders(client, [resting(1), resting(2), resting(3), resting(4)], book=book, per_second=100)
    assert [o.result for o in outcomes] == [FAILED, FAILED, ALREADY_CLOSED, CANCELLED]
    assert [(o.symbol, o.order_id) for o in outcomes] == [("AUSDT", 1), ("AUSDT", 2), ("AUSDT", 3), ("AUSDT", 4)]
    assert outcomes[0].message == (
        f"AUSDT #1: {api_error(ConnectionFailed).message}; "  # type: ignore[attr-defined]
        "it may or may not be cancelled, refresh to see"
    )
    assert "may or may not" not in outcomes[1].message and outcomes[1].message.startswith("AUSDT #2: ")
    assert outcomes[2].status is None and outcomes[3].status == "CANCELED"
    assert [o.order_id for o in book.orders] == [1, 2]  # the failed ones stay: they may still be open
    assert summary(outcomes) == "1 cancelled · 1 already closed · 2 failed"
    assert summary([]) == "nothing to cancel"


async def test_cancels_are_paced_within_the_order_rate_limit() -> None:
    client = Scripted({})
    client.rate.order_limit_1s = 3
    now = [100.0]
    slept: list[float] = []
    sent_at: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    outcomes = await cancel_orders(
        client,
        [resting(i) for i in range(1, 8)],
        monotonic=lambda: now[0],
        sleep=sleep,
        on_outcome=lambda _: sent_at.append(now[0]),
    )
    assert [o.result for o in outcomes] == [CANCELLED] * 7
    assert slept == [1.0, 1.0] and sent_at == [100.0] * 3 + [101.0] * 3 + [102.0]
    slept.clear()
    await cancel_orders(client, [resting(i) for i in range(1, 4)], per_second=1, monotonic=lambda: now[0], sleep=sleep)
    assert slept == [1.0, 1.0]
