"""The scripted exchange's order history pages the way the sandbox's do.

The reconciliation tests that stay on ``FakeExchange`` lean on its
``history_orders``: the same orders, asked the same way, must come back as
the sandbox answers them (at most 500 a page, the newest page unless an
order id is given, ``startTime``/``endTime`` inclusive, a bad limit refused).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest
from support.trading_fakes import FakeExchange

from jextui.api.client import JexClient
from jextui.api.errors import ApiError

SYMBOL = "BTCUSDT"


async def test_the_fake_pages_its_history_as_the_sandbox_does(sandbox_client: JexClient) -> None:
    client = sandbox_client
    bid = (await client.book_ticker(SYMBOL)).bid_price
    for step in range(1, 5):
        await client.new_order(SYMBOL, "BUY", Decimal("0.01"), bid - step * 10)
    real = await client.history_orders(SYMBOL)
    assert len(real) == 4
    fake = FakeExchange()
    for placed in reversed(real):  # stored in another order: the fake must sort them itself
        fake.orders[int(placed.order_id)] = msgspec.structs.replace(placed, order_id=int(placed.order_id))
    ids = [int(o.order_id) for o in real]
    times = [o.time for o in real]

    queries: list[dict[str, Any]] = [
        {},
        {"limit": 2},
        {"limit": 500},
        {"start_time": times[1]},
        {"end_time": times[2]},
        {"start_time": times[1], "end_time": times[2]},
        {"order_id": ids[1]},
        {"order_id": ids[1], "limit": 2},
        {"start_time": times[-1] + 1},
    ]
    for query in queries:
        from_sandbox = [int(o.order_id) for o in await client.history_orders(SYMBOL, **query)]
        from_fake = [int(o.order_id) for o in await fake.history_orders(SYMBOL, **query)]
        assert from_fake == from_sandbox, query
    for limit in (0, 501):
        with pytest.raises(ApiError) as real_refusal:
            await client.history_orders(SYMBOL, limit=limit)
        with pytest.raises(ApiError) as fake_refusal:
            await fake.history_orders(SYMBOL, limit=limit)
        assert fake_refusal.value.code == real_refusal.value.code == -1100


async def test_the_fakes_page_holds_at_most_500_orders_the_newest() -> None:
    fake = FakeExchange()
    for index in range(502):
        fake.place(SYMBOL, "SELL", Decimal("1"), Decimal(200 + index), time=1_000 + index)
    page = await fake.history_orders(SYMBOL)
    assert len(page) == 500 and page[0].time == 1_002 and page[-1].time == 1_501
    assert [o.time for o in await fake.history_orders(SYMBOL, start_time=1_500)] == [1_500, 1_501]
