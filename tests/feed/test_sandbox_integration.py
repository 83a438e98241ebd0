"""The feed worker polling a real sandbox exchange through the real client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from jextui.api import JexClient, RequestEvent
from jextui.api.errors import RateLimited
from jextui.feed import (
    AccountUpdate,
    BookTickersUpdate,
    BookUpdate,
    ExchangeInfoUpdate,
    FeedEvent,
    FeedFailed,
    FeedWorker,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    SparklineUpdate,
    StatusUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.sandbox.clock import FixedClock

WATCHED = ["BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT"]
PANES = (
    BookUpdate,
    TradesUpdate,
    KlinesUpdate,
    PricesUpdate,
    TickersUpdate,
    BookTickersUpdate,
    SparklineUpdate,
    AccountUpdate,
    OpenOrdersUpdate,
    ExchangeInfoUpdate,
)


async def run_until(worker: FeedWorker, done: Callable[[], bool], *, limit_s: float = 15.0) -> None:
    """Run the worker until ``done()`` (``limit_s`` only guards against a hang)."""
    task = asyncio.create_task(worker.run())
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while not done():
            assert not task.done(), "the worker's run() ended"
            assert loop.time() < deadline, "the expected events never came"
            await asyncio.sleep(0.02)
    finally:
        worker.stop()
        await task


def seen(events: list[FeedEvent], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


async def test_every_pane_fills_from_a_real_sandbox(sandbox: Any) -> None:
    events: list[FeedEvent] = []
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        worker = FeedWorker(client, events.append, active_symbol="BTCUSDT", watchlist=WATCHED)

        def complete() -> bool:
            statuses = seen(events, StatusUpdate)
            return (
                all(seen(events, kind) for kind in PANES)
                and bool(statuses)
                and (statuses[-1].connection == "online" and statuses[-1].used_weight_1m is not None)
            )

        await run_until(worker, complete)

    assert seen(events, FeedFailed) == []
    book = seen(events, BookUpdate)[-1]
    assert book.symbol == "BTCUSDT" and book.depth.bids and book.depth.asks
    assert book.depth.bids[0].price < book.depth.asks[0].price
    trades = seen(events, TradesUpdate)[-1]
    assert trades.has_side  # a key is configured: historicalTrades with the taker's side
    assert {s for e in seen(events, PricesUpdate) for s in e.prices} == set(WATCHED)
    status = seen(events, StatusUpdate)[-1]
    assert status.weight_limit == 1200 and status.clock_offset_ms is not None
    assert status.used_weight_1m <= status.budget


async def test_a_small_weight_limit_is_respected_without_a_single_429(make_sandbox: Any) -> None:
    server = make_sandbox(weight_per_minute=120)
    statuses: list[int | None] = []
    events: list[FeedEvent] = []

    def on_request(event: RequestEvent) -> None:
        statuses.append(event.status)

    async with JexClient(server.base_url, server.api_key, server.api_secret, on_event=on_request) as client:
        worker = FeedWorker(client, events.append, active_symbol="ETHUSDT", watchlist=WATCHED)

        def settled() -> bool:  # the limit is known and several books came in under it
            status = seen(events, StatusUpdate)
            return bool(status) and status[-1].weight_limit == 120 and len(seen(events, BookUpdate)) >= 3

        await run_until(worker, settled)
        plan = worker.plan

    assert 429 not in statuses and 418 not in statuses
    assert plan.budget_1m == 96
    assert plan.planned_weight_1m <= 96
    assert any(f.stretched for f in plan.feeds)  # it had to slow down to fit


async def test_after_a_429_the_worker_sends_nothing_and_says_so(make_sandbox: Any) -> None:
    # A fixed exchange clock at the start of a minute: the 429's Retry-After is a full minute.
    server = make_sandbox(weight_per_minute=20, ban_after_strikes=1000, clock=FixedClock(1_700_000_040_000))
    async with JexClient(server.base_url) as other:  # another program on the same IP uses it all
        try:
            for _ in range(30):
                await other.depth("BTCUSDT")
        except RateLimited:
            pass
    sent: list[RequestEvent] = []
    events: list[FeedEvent] = []
    async with JexClient(server.base_url, on_event=sent.append) as client:
        worker = FeedWorker(client, events.append, active_symbol="BTCUSDT", watchlist=["ETHUSDT"])

        def limited() -> bool:
            return any(s.connection == "rate-limited" for s in seen(events, StatusUpdate))

        await run_until(worker, limited)
        first_batch = len(sent)
        await run_until(worker, lambda: len(seen(events, StatusUpdate)) >= 4)  # ~3 s more

    assert first_batch >= 1 and all(e.status == 429 for e in sent)
    assert len(sent) == first_batch  # nothing at all was sent while blocked
    status = [s for s in seen(events, StatusUpdate) if s.connection == "rate-limited"][-1]
    assert status.blocked_until_ms is not None and "429" in status.message
    assert any(isinstance(f.error, RateLimited) for f in seen(events, FeedFailed))
