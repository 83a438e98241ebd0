"""The stream client against the sandbox's real streams: decoding, reconnects,
refusals, stalls, lifetimes, and the user stream's listenKey."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jextui.api import JexClient
from jextui.api.streams import (
    AccountSpotInfo,
    Backoff,
    DiffDepthEvent,
    ExecSpotReport,
    KlineEvent,
    ListenKeyInvalid,
    MarketStreams,
    StreamClosed,
    StreamConnection,
    StreamRefused,
    StreamStalled,
    StreamStatus,
    TickerEvent,
    UserDataStream,
    diff_depth_stream,
    kline_stream,
    stream_url_from_rest,
    ticker_stream,
    trade_stream,
)

FAST = Backoff(initial_s=0.05, max_s=0.5)


async def wait_for(done: Callable[[], bool], *, limit_s: float = 15.0) -> None:
    """Wait until ``done()`` (``limit_s`` only guards against a hang)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not done():
        assert loop.time() < deadline, "the expected condition never came"
        await asyncio.sleep(0.01)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any, int]] = []
        self.statuses: list[StreamStatus] = []

    def on_event(self, stream: str, payload: Any, received_ms: int) -> None:
        self.events.append((stream, payload, received_ms))

    def on_status(self, _streams: tuple[str, ...], status: StreamStatus) -> None:
        self.statuses.append(status)

    def of(self, kind: type) -> list[Any]:
        return [p for _, p, _ in self.events if isinstance(p, kind)]

    def states(self) -> list[str]:
        return [s.state for s in self.statuses]


async def running(streams: MarketStreams | UserDataStream) -> asyncio.Task[None]:
    return asyncio.create_task(streams.run())


async def finish(streams: MarketStreams | UserDataStream, task: asyncio.Task[None]) -> None:
    streams.stop()
    await asyncio.wait_for(task, timeout=10)


async def test_market_streams_deliver_typed_payloads(sandbox: Any) -> None:
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    streams.set_streams([kline_stream("BTCUSDT", "1m"), ticker_stream("ETHUSDT"), diff_depth_stream("BTCUSDT")])
    task = await running(streams)
    try:
        await wait_for(lambda: bool(rec.of(KlineEvent) and rec.of(TickerEvent) and rec.of(DiffDepthEvent)))
        kline = rec.of(KlineEvent)[0]
        assert kline.symbol == "BTCUSDT" and kline.bar.interval == "1m"
        assert isinstance(kline.bar.close, Decimal)
        assert rec.of(TickerEvent)[0].symbol == "ETHUSDT"
        assert rec.states()[:2] == ["connecting", "live"]
        assert streams.status_of(ticker_stream("ETHUSDT")).state == "live"  # type: ignore[union-attr]
        assert streams.status_of("nope@spotTrade") is None and streams.decode_errors == 0
    finally:
        await finish(streams, task)
    assert rec.states()[-1] == "stopped"


async def test_trades_arrive_with_ids(sandbox: Any) -> None:
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    streams.set_streams([trade_stream("BTCUSDT")])
    task = await running(streams)
    try:
        await wait_for(lambda: rec.states() == ["connecting", "live"])
        async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
            book = await client.depth("BTCUSDT", 5)
            ask = book.asks[0]
            await client.new_order("BTCUSDT", "BUY", Decimal("0.001"), ask.price, time_in_force="IOC")
        await wait_for(lambda: any(isinstance(p, list) and p for _, p, _ in rec.events))
        trade = next(p for _, p, _ in rec.events if isinstance(p, list) and p)[0]
        assert trade.symbol == "BTCUSDT" and trade.trade_id > 0 and trade.price == ask.price
    finally:
        await finish(streams, task)


async def test_a_dropped_connection_is_reopened(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    streams.set_streams([kline_stream("BTCUSDT", "1m")])
    task = await running(streams)
    try:
        await wait_for(lambda: "live" in rec.states())
        sandbox.set_faults(stream_drop=True)
        await wait_for(lambda: any(s.state in ("reconnecting", "down") for s in rec.statuses))
        failure = next(s for s in rec.statuses if s.state in ("reconnecting", "down"))
        assert isinstance(failure.error, StreamClosed) and failure.retry_in_s is not None
        sandbox.set_faults(stream_drop=False)
        before = len(rec.of(KlineEvent))
        await wait_for(lambda: rec.statuses[-1].state == "live" and len(rec.of(KlineEvent)) > before)
        assert rec.statuses[-1].connection_id >= 2
    finally:
        await finish(streams, task)


async def test_an_unknown_stream_is_refused_and_reported_down(sandbox: Any) -> None:
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    streams.set_streams(["btcusdt@noSuchStream"])
    task = await running(streams)
    try:
        await wait_for(lambda: "down" in rec.states())
        down = next(s for s in rec.statuses if s.state == "down")
        assert isinstance(down.error, StreamRefused)
        assert down.retry_in_s == FAST.max_s and rec.events == []
        assert "btcusdt@noSuchStream" in str(down.error) and down.error.hint  # the server's reason
    finally:
        await finish(streams, task)


async def test_a_stalled_connection_is_replaced(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(admin=True)
    rec = Recorder()
    streams = MarketStreams(
        stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST, stall_after_s=1.5
    )
    streams.set_streams([kline_stream("BTCUSDT", "1m")])
    task = await running(streams)
    try:
        await wait_for(lambda: bool(rec.of(KlineEvent)))
        sandbox.set_faults(stream_stall=True)
        await wait_for(lambda: any(isinstance(s.error, StreamStalled) for s in rec.statuses))
        sandbox.set_faults(stream_stall=False)
        before = len(rec.of(KlineEvent))
        await wait_for(lambda: len(rec.of(KlineEvent)) > before)
        assert rec.statuses[-1].state == "live"
    finally:
        await finish(streams, task)


async def test_the_connection_is_replaced_before_its_lifetime_ends(sandbox: Any) -> None:
    rec = Recorder()
    streams = MarketStreams(
        stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST, max_lifetime_s=0.6
    )
    streams.set_streams([kline_stream("BTCUSDT", "1m")])
    task = await running(streams)
    try:
        await wait_for(lambda: sum(1 for s in rec.statuses if s.state == "live") >= 3)
        planned = [s for s in rec.statuses if s.state == "reconnecting"]
        assert planned and all(s.error is None and s.retry_in_s == 0.0 for s in planned)
        assert rec.statuses[-1].connection_id >= 3
    finally:
        await finish(streams, task)


async def test_the_servers_lifetime_close_is_followed_by_a_reconnect(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(stream_lifetime_ms=700)
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    streams.set_streams([kline_stream("BTCUSDT", "1m")])
    task = await running(streams)
    try:
        await wait_for(lambda: sum(1 for s in rec.statuses if s.state == "live") >= 2)
        closed = next(s for s in rec.statuses if s.state == "reconnecting")
        assert isinstance(closed.error, StreamClosed) and closed.error.code == 1001
    finally:
        await finish(streams, task)


async def test_changing_the_streams_keeps_unchanged_connections(sandbox: Any) -> None:
    rec = Recorder()
    streams = MarketStreams(stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
    first = [
        kline_stream(s, "1m") for s in ("BTCUSDT", "ETHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "DASHUSDT")
    ] + [ticker_stream(s) for s in ("BTCUSDT", "ETHUSDT", "LTCBTC", "ETHBTC")]
    streams.set_streams(first)  # 11 streams: two connections
    task = await running(streams)
    try:
        await wait_for(lambda: sum(1 for s in streams.statuses().values() if s.state == "live") == 2)
        assert [len(c) for c in streams.statuses()] == [10, 1]
        kept = streams._connections[tuple(first[:10])]
        streams.set_streams(first[:10])
        await wait_for(lambda: len(streams.statuses()) == 1)
        assert streams._connections[tuple(first[:10])] is kept
        assert streams.streams == tuple(first[:10])
        rec.events.clear()
        await wait_for(lambda: {p.symbol for p in rec.of(KlineEvent)} >= {"BTCUSDT", "DASHUSDT"})
        symbols = {p.symbol for p in rec.of(TickerEvent)}
        assert "ETHBTC" not in symbols  # the dropped stream is gone
        assert streams.restart(first[0]) and not streams.restart("nope@spotTrade")
    finally:
        await finish(streams, task)


# --- the user data stream ------------------------------------------------------------------


class UserRecorder:
    def __init__(self) -> None:
        self.events: list[Any] = []
        self.statuses: list[StreamStatus] = []

    def on_event(self, event: Any, _received_ms: int) -> None:
        self.events.append(event)

    def on_status(self, status: StreamStatus) -> None:
        self.statuses.append(status)

    def lives(self) -> int:
        return sum(1 for s in self.statuses if s.state == "live")


async def test_user_stream_reports_orders_and_balances(sandbox: Any) -> None:
    rec = UserRecorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(client, stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
        assert "key" not in repr(user).lower().replace("keys_taken", "")
        task = await running(user)
        try:
            await wait_for(lambda: user.status.state == "live")
            book = await client.depth("BTCUSDT", 5)
            price = book.bids[-1].price
            placed = await client.new_order("BTCUSDT", "BUY", Decimal("0.001"), price)
            await wait_for(
                lambda: (
                    any(isinstance(e, ExecSpotReport) for e in rec.events)
                    and any(isinstance(e, AccountSpotInfo) for e in rec.events)
                )
            )
            report = next(e for e in rec.events if isinstance(e, ExecSpotReport))
            assert int(report.order_id) == int(placed.order_id) and report.status == "NEW"
            assert report.price == price and report.side == "BUY"
            info = next(e for e in rec.events if isinstance(e, AccountSpotInfo))
            assert any(b.asset == "USDT" for b in info.balances)
            await client.cancel_order("BTCUSDT", order_id=int(placed.order_id))
            await wait_for(lambda: any(isinstance(e, ExecSpotReport) and e.status == "CANCELED" for e in rec.events))
            assert user.keys_taken == 1
        finally:
            await finish(user, task)


async def test_an_expired_listen_key_is_renewed(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(listen_key_ttl_ms=800)
    rec = UserRecorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(
            client, stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST, keepalive_s=600
        )
        task = await running(user)
        try:
            await wait_for(lambda: rec.lives() >= 2 and user.keys_taken >= 2)
            expired = next(s for s in rec.statuses if s.state in ("reconnecting", "down"))
            assert isinstance(expired.error, ListenKeyInvalid)
            assert user.keepalives_sent == 0
        finally:
            await finish(user, task)


async def test_keepalives_keep_a_short_lived_key(make_sandbox: Callable[..., Any]) -> None:
    sandbox = make_sandbox(listen_key_ttl_ms=3000)
    rec = UserRecorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(
            client, stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST, keepalive_s=0.3
        )
        task = await running(user)
        try:
            await wait_for(lambda: user.keepalives_sent >= 13)  # about 4 s: longer than the key's lifetime
            assert user.keys_taken == 1 and rec.lives() == 1
        finally:
            await finish(user, task)


async def test_a_key_deleted_elsewhere_is_replaced(sandbox: Any) -> None:
    rec = UserRecorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(client, stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
        task = await running(user)
        try:
            await wait_for(lambda: user.status.state == "live")
            shared = await client.start_user_stream()  # the same account gets the same key
            await client.close_user_stream(shared)  # another client deletes it
            await wait_for(lambda: rec.lives() >= 2)
            assert user.keys_taken == 2
            assert any(isinstance(s.error, ListenKeyInvalid) for s in rec.statuses)
        finally:
            await finish(user, task)


async def test_a_keepalive_answered_with_1125_renews_the_key(sandbox: Any) -> None:
    """The key is deleted while the stream is down, so only the keepalive can notice."""
    rec = UserRecorder()

    class Rest:
        def __init__(self, client: JexClient) -> None:
            self.client = client

        async def start_user_stream(self) -> str:
            return await self.client.start_user_stream()

        async def keepalive_user_stream(self, key: str) -> None:
            await self.client.close_user_stream(key)  # gone before the keepalive arrives
            await self.client.keepalive_user_stream(key)

    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(
            Rest(client),
            stream_url_from_rest(sandbox.base_url),
            rec.on_event,
            rec.on_status,
            backoff=FAST,
            keepalive_s=0.3,
        )
        task = await running(user)
        try:
            await wait_for(lambda: user.keys_taken >= 2 and rec.lives() >= 2)
        finally:
            await finish(user, task)


async def test_without_credentials_the_user_stream_is_down_not_crashing(sandbox: Any) -> None:
    rec = UserRecorder()
    async with JexClient(sandbox.base_url) as client:
        user = UserDataStream(client, stream_url_from_rest(sandbox.base_url), rec.on_event, rec.on_status, backoff=FAST)
        task = await running(user)
        try:
            await wait_for(lambda: user.status.state == "down")
            assert isinstance(user.status.error, StreamRefused)
        finally:
            await finish(user, task)


async def test_nothing_listening_means_reconnecting_then_down(sandbox: Any) -> None:
    port = sandbox.port
    sandbox.stop()
    statuses: list[StreamStatus] = []

    async def url() -> str:
        return f"ws://127.0.0.1:{port}/ws/btcusdt@spotTrade"

    connection = StreamConnection(url, lambda f, r: None, statuses.append, label="test", backoff=FAST)
    task = asyncio.create_task(connection.run())
    try:
        await wait_for(lambda: any(s.state == "down" for s in statuses))
        attempts = [s.attempt for s in statuses if s.state in ("reconnecting", "down")]
        assert attempts[:5] == [1, 2, 3, 4, 5]
        assert [s.state for s in statuses][1:5] == ["reconnecting"] * 4
    finally:
        connection.stop()
        await asyncio.wait_for(task, 5)
    assert statuses[-1].state == "stopped"


def test_connection_arguments_are_checked() -> None:
    async def url() -> str:
        return "ws://x"

    with pytest.raises(ValueError):
        StreamConnection(url, lambda f, r: None, lambda s: None, label="x", max_lifetime_s=0)
    with pytest.raises(ValueError):
        StreamConnection(url, lambda f, r: None, lambda s: None, label="x", stall_after_s=0)


async def test_a_failing_address_lookup_is_retried_not_raised() -> None:
    statuses: list[StreamStatus] = []
    calls = 0

    async def url() -> str:
        nonlocal calls
        calls += 1
        raise RuntimeError("boom")

    connection = StreamConnection(url, lambda f, r: None, statuses.append, label="test", backoff=FAST)
    task = asyncio.create_task(connection.run())
    try:
        await wait_for(lambda: calls >= 3)
        assert all(s.state in ("connecting", "reconnecting", "down") for s in statuses)
        assert "RuntimeError" in str(statuses[-1].error)
    finally:
        connection.stop()
        await asyncio.wait_for(task, 5)


async def test_a_bad_address_is_a_refusal() -> None:
    statuses: list[StreamStatus] = []

    async def url() -> str:
        return "http://127.0.0.1:1/not-a-websocket"

    connection = StreamConnection(url, lambda f, r: None, statuses.append, label="test", backoff=FAST)
    task = asyncio.create_task(connection.run())
    try:
        await wait_for(lambda: any(s.state == "down" for s in statuses))
        assert isinstance(statuses[-1].error, StreamRefused)
    finally:
        connection.stop()
        await asyncio.wait_for(task, 5)


async def test_repeated_single_drops_of_a_quiet_stream_do_not_grow_the_backoff(
    make_sandbox: Callable[..., Any],
) -> None:
    """The account stream receives nothing while the account is idle: each drop after
    a stable second starts the backoff again from its shortest delay."""
    sandbox = make_sandbox(admin=True)
    rec = UserRecorder()
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as client:
        user = UserDataStream(
            client,
            stream_url_from_rest(sandbox.base_url),
            rec.on_event,
            rec.on_status,
            backoff=Backoff(initial_s=0.05, max_s=5.0),
        )
        task = await running(user)
        try:
            for drop in range(1, 4):
                await wait_for(lambda drop=drop: rec.lives() == drop)  # type: ignore[misc]
                await asyncio.sleep(1.1)  # stable for more than a second
                sandbox.set_faults(stream_drop=True)
                await wait_for(lambda: rec.statuses[-1].state != "live")
                sandbox.set_faults(stream_drop=False)
            await wait_for(lambda: rec.lives() == 4)
            failures = [s for s in rec.statuses if s.state in ("reconnecting", "down")]
            assert failures[0].attempt == 1
            assert all(s.retry_in_s is not None and s.retry_in_s <= 0.2 for s in failures if s.attempt == 1)
            assert [s.attempt for s in failures].count(1) == 3  # every drop starts afresh
        finally:
            await finish(user, task)
