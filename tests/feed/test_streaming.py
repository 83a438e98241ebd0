"""The stream-driven feed against the sandbox's real streams: the poller's
events, the stream status, resync after a gap, reconnects, fill notices."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from jextui.api import JexClient
from jextui.api.streams import Backoff, stream_url_from_rest
from jextui.feed.events import (
    AccountUpdate,
    BookUpdate,
    FeedEvent,
    KlinesUpdate,
    OpenOrdersUpdate,
    PricesUpdate,
    TickersUpdate,
    TradesUpdate,
)
from jextui.feed.stream_events import FillsUpdate, StreamStatusUpdate
from jextui.feed.streaming import StreamingFeed

FAST = Backoff(initial_s=0.05, max_s=0.5)
SYMBOL = "BTCUSDT"
WATCHED = ["BTCUSDT", "ETHUSDT", "LTCBTC"]
ALL_LIVE = {"book", "trades", "klines", "tickers", "prices", "open_orders", "account"}


async def wait_for(done: Callable[[], Any], *, limit_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not done():
        assert loop.time() < deadline, "the expected events never came"
        await asyncio.sleep(0.02)


def seen(events: list[FeedEvent], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def last_status(events: list[FeedEvent]) -> StreamStatusUpdate | None:
    statuses = seen(events, StreamStatusUpdate)
    return statuses[-1] if statuses else None


def is_live(events: list[FeedEvent]) -> bool:
    status = last_status(events)
    return status is not None and status.state == "live" and status.live >= ALL_LIVE


class Running:
    def __init__(self, sandbox: Any, **options: Any) -> None:
        self.sandbox = sandbox
        self.events: list[FeedEvent] = []
        self.options = options

    async def __aenter__(self) -> Running:
        self.client = JexClient(self.sandbox.base_url, self.sandbox.api_key, self.sandbox.api_secret)
        await self.client.__aenter__()
        self.feed = StreamingFeed(
            self.client,
            self.events.append,
            stream_url=stream_url_from_rest(self.sandbox.base_url),
            active_symbol=SYMBOL,
            watchlist=WATCHED,
            backoff=FAST,
            **self.options,
        )
        self.task = asyncio.create_task(self.feed.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.feed.stop()
        await asyncio.wait_for(self.task, timeout=10)
        await self.client.__aexit__(None, None, None)

    async def book_matches_the_exchange(self) -> bool:
        """The latest book event equals REST depth whenever they share a version."""
        books = seen(self.events, BookUpdate)
        if not books:
            return False
        rest = await self.client.depth(SYMBOL, 20)
        ours = books[-1].depth
        if ours.last_update_id != rest.last_update_id:
            return False
        assert [(lv.price, lv.qty) for lv in ours.bids] == [(lv.price, lv.qty) for lv in rest.bids]
        assert [(lv.price, lv.qty) for lv in ours.asks] == [(lv.price, lv.qty) for lv in rest.asks]
        return True


async def check(condition: Callable[[], Any], *, limit_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not await condition():
        assert loop.time() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


async def test_every_stream_fed_pane_fills_and_the_status_goes_live(sandbox: Any) -> None:
    async with Running(sandbox) as run:
        await wait_for(lambda: is_live(run.events))
        await wait_for(
            lambda: (
                seen(run.events, BookUpdate)
                and seen(run.events, KlinesUpdate)
                and seen(run.events, TickersUpdate)
                and seen(run.events, AccountUpdate)
                and seen(run.events, OpenOrdersUpdate)
                and seen(run.events, TradesUpdate)
            )
        )
        klines = seen(run.events, KlinesUpdate)[-1]
        assert klines.symbol == SYMBOL and klines.interval == "1m" and len(klines.klines) > 1
        assert set(seen(run.events, TickersUpdate)[0].tickers) <= set(WATCHED)
        assert set().union(*(set(e.tickers) for e in seen(run.events, TickersUpdate))) == set(WATCHED)
        prices = seen(run.events, PricesUpdate)[0].prices
        assert all(isinstance(p, Decimal) for p in prices.values())
        trades = seen(run.events, TradesUpdate)[-1]
        assert trades.has_side and trades.symbol == SYMBOL and trades.trades  # the REST backfill
        ids = [t.id for t in trades.trades]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
        await check(run.book_matches_the_exchange)
        status = last_status(run.events)
        assert status is not None and status.fallback == frozenset() and status.message == "streams: live"


async def test_orders_balances_and_trades_from_another_client_arrive_by_stream(sandbox: Any) -> None:
    async with Running(sandbox) as run:
        await wait_for(lambda: is_live(run.events))
        async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as other:
            depth = await other.depth(SYMBOL, 5)
            low = depth.bids[-1].price
            placed = await other.new_order(SYMBOL, "BUY", Decimal("0.001"), low)
            await wait_for(
                lambda: any(
                    int(o.order_id) == int(placed.order_id)
                    for e in seen(run.events, OpenOrdersUpdate)
                    for o in e.orders
                )
            )
            await other.cancel_order(SYMBOL, order_id=int(placed.order_id))
            await wait_for(
                lambda: (
                    not any(
                        int(o.order_id) == int(placed.order_id) for o in seen(run.events, OpenOrdersUpdate)[-1].orders
                    )
                )
            )
            before = len(seen(run.events, TradesUpdate))
            await other.new_order(SYMBOL, "BUY", Decimal("0.001"), depth.asks[0].price, time_in_force="IOC")
            await wait_for(lambda: len(seen(run.events, TradesUpdate)) > before)
            await check(run.book_matches_the_exchange)
        balances = seen(run.events, AccountUpdate)[-1].account.spot_balances
        assert any(b.asset == "USDT" for b in balances)


async def fill_against_itself(client: JexClient, qty: Decimal) -> int:
    """Rest a sell above the book, then buy it: one maker and one taker fill."""
    depth = await client.depth(SYMBOL, 5)
    price = depth.asks[0].price - Decimal("0.01")
    assert price > depth.bids[0].price
    sell = await client.new_order(SYMBOL, "SELL", qty, price)
    await client.new_order(SYMBOL, "BUY", qty, price, time_in_force="IOC")
    return int(sell.order_id)


async def test_duplicated_and_reordered_user_events_give_one_notice_per_fill(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    async with Running(sandbox, hold_ms=400) as run:
        await wait_for(lambda: is_live(run.events))
        sandbox.set_faults(stream_duplicate=True, stream_reorder=True)
        makers = [await fill_against_itself(run.client, Decimal("0.002")) for _ in range(3)]
        await wait_for(lambda: {n.order_id for e in seen(run.events, FillsUpdate) for n in e.notices} >= set(makers))
        await asyncio.sleep(1.0)  # duplicates still in flight would show up now (none may)
        notices = [n for e in seen(run.events, FillsUpdate) for n in e.notices]
        by_order: dict[int, list[Any]] = {}
        for notice in notices:
            by_order.setdefault(notice.order_id, []).append(notice)
        assert len(by_order) == 6  # three makers, three takers
        for order_notices in by_order.values():
            assert [n.qty for n in order_notices] == [Decimal("0.002")]
            assert order_notices[0].status == "FILLED"


async def test_the_book_resyncs_after_a_gap(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    async with Running(sandbox) as run:
        await wait_for(lambda: is_live(run.events))
        await check(run.book_matches_the_exchange)
        book = run.feed._book
        assert book is not None and book.gaps == 0
        snapshots = book.snapshots
        sandbox.set_faults(stream_gap=True)
        depth = await run.client.depth(SYMBOL, 5)
        placed = await run.client.new_order(SYMBOL, "BUY", Decimal("0.001"), depth.bids[-1].price)
        await wait_for(lambda: book.gaps >= 1)
        sandbox.set_faults(stream_gap=False)
        await run.client.cancel_order(SYMBOL, order_id=int(placed.order_id))
        await wait_for(lambda: book.snapshots > snapshots and not book.needs_snapshot)
        await check(run.book_matches_the_exchange)


async def test_a_drop_means_reconnecting_then_live_with_a_resynced_book(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    async with Running(sandbox, fallback_after_s=0.3) as run:
        await wait_for(lambda: is_live(run.events))
        sandbox.set_faults(stream_drop=True)
        await wait_for(
            lambda: (
                (status := last_status(run.events)) is not None
                and status.state == "polling"
                and "book" in status.fallback
            )
        )
        sandbox.set_faults(stream_drop=False)
        await wait_for(lambda: is_live(run.events))
        states = [s.state for s in seen(run.events, StreamStatusUpdate)]
        assert "polling" in states and states[-1] == "live"
        await check(run.book_matches_the_exchange)


async def test_polling_takes_over_during_a_stall_and_stops_after(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    async with Running(sandbox, stall_after_s=1.0, fallback_after_s=0.5) as run:
        await wait_for(lambda: is_live(run.events))
        sandbox.set_faults(stream_stall=True)
        await wait_for(lambda: {"book", "trades", "klines"} <= last_status(run.events).fallback)  # type: ignore[union-attr]
        status = last_status(run.events)
        assert status is not None and status.state == "polling" and status.error is not None
        assert status.message.startswith("streams: polling")
        sandbox.set_faults(stream_stall=False)
        await wait_for(lambda: is_live(run.events))
        await check(run.book_matches_the_exchange)


async def test_switching_symbol_and_interval(sandbox: Any) -> None:
    async with Running(sandbox) as run:
        await wait_for(lambda: is_live(run.events))
        run.feed.set_active_symbol("ETHUSDT")
        run.feed.set_kline_interval("5m")
        await wait_for(
            lambda: any(e.symbol == "ETHUSDT" and e.interval == "5m" for e in seen(run.events, KlinesUpdate))
        )
        await wait_for(lambda: any(e.symbol == "ETHUSDT" for e in seen(run.events, BookUpdate)))
        await wait_for(lambda: is_live(run.events))
        assert run.feed.active_symbol == "ETHUSDT"
        tail = run.events[-5:]
        assert all(getattr(e, "symbol", "ETHUSDT") == "ETHUSDT" for e in tail if isinstance(e, BookUpdate))


async def test_after_a_drop_the_trades_missed_meanwhile_are_filled_in(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    async with Running(sandbox) as run:
        await wait_for(lambda: is_live(run.events) and seen(run.events, TradesUpdate))
        sandbox.set_faults(stream_drop=True)
        await wait_for(lambda: last_status(run.events).state != "live")  # type: ignore[union-attr]
        depth = await run.client.depth(SYMBOL, 5)
        for _ in range(3):  # trades nobody streams
            await run.client.new_order(SYMBOL, "BUY", Decimal("0.001"), depth.asks[0].price, time_in_force="IOC")
        newest = (await run.client.historical_trades(SYMBOL, 1))[0].id
        sandbox.set_faults(stream_drop=False)
        await wait_for(lambda: seen(run.events, TradesUpdate)[-1].trades[0].id == newest)
        ids = [int(t.id) for t in seen(run.events, TradesUpdate)[-1].trades]
        assert ids == list(range(ids[0], ids[0] - len(ids), -1))  # consecutive: no gap, no duplicate


async def test_without_credentials_the_market_streams_alone(sandbox: Any) -> None:
    events: list[FeedEvent] = []
    async with JexClient(sandbox.base_url) as client:
        feed = StreamingFeed(
            client,
            events.append,
            stream_url=stream_url_from_rest(sandbox.base_url),
            active_symbol=SYMBOL,
            watchlist=WATCHED,
            backoff=FAST,
        )
        task = asyncio.create_task(feed.run())
        try:
            await wait_for(
                lambda: (
                    (s := last_status(events)) is not None
                    and s.state == "live"
                    and {"book", "klines", "tickers"} <= s.live
                )
            )
            status = last_status(events)
            assert status is not None and not ({"open_orders", "account"} & (status.live | status.fallback))
            assert not seen(events, AccountUpdate) and not seen(events, OpenOrdersUpdate)
            # No backfill without a key, and a quiet market: the tape is empty, and
            # says so once the stream is live (the pane shows "no trades yet").
            assert all(not t.trades for t in seen(events, TradesUpdate))
        finally:
            feed.stop()
            await asyncio.wait_for(task, 10)
