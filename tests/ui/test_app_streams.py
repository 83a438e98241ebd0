"""The console on streams: live data from the demo sandbox's streams, REST as the fallback.

The harness's sandbox has a fixed clock for what it stamps on data; the
streams still push on real time, and the hand-over to polling waits on real
time too, so these tests wait on conditions (bounded) rather than on the clock.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

from support.app_harness import make_test_app, wait_for_data, wait_until
from support.sandbox import DOC_API_KEY, DOC_API_SECRET

from jextui.api.client import JexClient
from jextui.secret import Secret

SYMBOL = "BTCUSDT"


def _recording(client: JexClient) -> list[str]:
    """Every REST call the console's own client makes from now on, by name."""
    calls: list[str] = []
    original = client._call

    async def recording(name: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return await original(name, *args, **kwargs)

    client._call = recording  # type: ignore[method-assign]
    return calls


def _streams_word(app: Any) -> str:
    text = app.main.panes.status.plain_text()
    return text.split("streams: ", 1)[1].split()[0] if "streams: " in text else ""


async def test_another_clients_order_appears_in_open_orders_from_the_stream_without_polling(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        session = app.session
        assert session.streaming is not None and session.sandbox is not None and session.client is not None
        await wait_until(pilot, lambda: _streams_word(app) == "live", what="streams: live on the status bar")
        assert session.worker is not None
        streamed = session.worker.plan
        assert streamed.feed("open_orders") is None and streamed.feed("account") is None  # left to the streams
        assert streamed.feed("book") is not None  # its snapshot is still polled, into the local book
        calls = _recording(session.client)

        other = JexClient(session.sandbox.base_url, DOC_API_KEY, Secret(DOC_API_SECRET), time_ms=app.clock.now_ms)
        async with other:
            bid = app.store.best_bid_ask(SYMBOL)[0]
            assert bid is not None
            price = (bid * Decimal("0.9")).quantize(Decimal("0.01"))
            placed = await other.new_order(SYMBOL, "BUY", Decimal("0.01"), price, type="LIMIT", time_in_force="GTC")
            order_id = int(placed.order_id)

            def listed() -> bool:
                return any(int(o.order_id) == order_id for o in app.store.orders_of(SYMBOL))

            await wait_until(pilot, listed, timeout_s=5, what="the other client's order in open orders")
            assert any(str(order_id) in line for line in app.main.panes.open_orders.plain_lines())
            assert "open_orders" not in calls  # the stream told it, not a poll

            await other.cancel_order(SYMBOL, order_id)
            await wait_until(pilot, lambda: not listed(), timeout_s=5, what="the cancelled order gone")
            assert "open_orders" not in calls


async def test_book_and_trades_come_from_the_streams(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: _streams_word(app) == "live", what="streams: live")
        session = app.session
        assert session.client is not None and session.sandbox is not None
        calls = _recording(session.client)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        before = app.store.depth[SYMBOL]
        other = JexClient(session.sandbox.base_url, DOC_API_KEY, Secret(DOC_API_SECRET), time_ms=app.clock.now_ms)
        async with other:  # a buy that takes the best ask: a trade, and the ask level changes
            await other.new_order(SYMBOL, "BUY", Decimal("0.001"), ask, type="LIMIT", time_in_force="IOC")

        def traded() -> bool:
            return any(t.price == ask for t in app.store.trades.get(SYMBOL, ()))

        await wait_until(pilot, traded, timeout_s=5, what="the trade on the tape")
        await wait_until(
            pilot, lambda: app.store.depth[SYMBOL].asks != before.asks, timeout_s=5, what="the book's asks moved"
        )
        assert "trades" not in calls and "historical_trades" not in calls


async def test_a_stream_drop_shows_polling_then_live_again(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: _streams_word(app) == "live", what="streams: live")
        session = app.session
        assert session.sandbox is not None and session.worker is not None and session.client is not None
        calls = _recording(session.client)
        session.sandbox.set_faults(stream_drop=True)
        try:
            await wait_until(pilot, lambda: _streams_word(app) == "polling", timeout_s=10, what="streams: polling")
            await wait_until(
                pilot,
                lambda: "open_orders" in calls and "klines" in calls,
                timeout_s=10,
                what="open orders and candles polled meanwhile",
            )
        finally:
            session.sandbox.set_faults(stream_drop=False)
        await wait_until(pilot, lambda: _streams_word(app) == "live", timeout_s=15, what="streams: live again")
        await asyncio.sleep(0.5)  # any poll already sent has answered
        calls.clear()
        await asyncio.sleep(1.5)  # three book periods: nothing of the streamed feeds is polled now
        assert not {"open_orders", "account", "klines", "ticker_price"} & set(calls), calls


async def test_streams_false_polls_as_before(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        session = app.session
        assert session.streaming is None and session.worker is not None
        assert "streams:" not in app.main.panes.status.plain_text()
        plan = session.worker.plan
        assert all(plan.feed(kind) is not None for kind in ("book", "trades", "klines", "open_orders", "account"))


async def test_a_fill_reported_twice_by_the_stream_is_announced_once(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: _streams_word(app) == "live", what="streams: live")
        session = app.session
        assert session.sandbox is not None
        announced = app.trading.fills.announcer.announced
        other = JexClient(session.sandbox.base_url, DOC_API_KEY, Secret(DOC_API_SECRET), time_ms=app.clock.now_ms)
        session.sandbox.set_faults(stream_duplicate=True)  # every stream message twice
        async with other:
            ask = app.store.best_bid_ask(SYMBOL)[1]
            assert ask is not None
            placed = await other.new_order(SYMBOL, "BUY", Decimal("0.001"), ask, type="LIMIT", time_in_force="IOC")
            order_id = str(int(placed.order_id))

            def mine() -> list[str]:
                return [text for text in announced if f"order {order_id}" in text]

            await wait_until(pilot, lambda: bool(mine()), timeout_s=5, what="the fill announced")
            await asyncio.sleep(0.5)  # the duplicates have come meanwhile
            assert len(mine()) == 1 and mine()[0].startswith("Filled"), mine()
