"""Server-time offset: half-RTT compensation, automatic first sync, and the
-1021 re-sync-and-resend-once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal as D

import httpx
import pytest
from support import spec_json as fx
from support.api_fake import SECRET, FakeClock, FakeExchange, reply, split_signature

from jextui.api import AuthError, JexClient, OrderAck, ServerClock, TimestampError
from jextui.api.signing import verify

TOO_OLD = {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}


def slow_time_answer(
    clock: FakeClock, server_time: int, there: int, back: int
) -> Callable[[httpx.Request], httpx.Response]:
    """/api/v1/time that takes ``there`` ms to arrive and ``back`` ms to return."""

    def handler(request: httpx.Request) -> httpx.Response:
        clock.advance(there)
        response = reply({"serverTime": server_time})
        clock.advance(back)
        return response

    return handler


def test_record_sync_uses_the_midpoint_of_the_round_trip() -> None:
    local = FakeClock(1_000_000)
    server_clock = ServerClock(local)
    assert server_clock.synced is False and server_clock.now_ms() == 1_000_000
    offset = server_clock.record_sync(1_000_000, 2_000_000, 1_000_100)
    assert offset == 2_000_000 - 1_000_050
    assert (server_clock.offset_ms, server_clock.rtt_ms, server_clock.synced) == (999_950, 100, True)
    local.advance(100)
    assert server_clock.now_ms() == 1_000_100 + 999_950


async def test_sync_time_compensates_half_the_round_trip(
    public_client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    start = clock.now
    exchange.on_call("GET", "/api/v1/time", slow_time_answer(clock, start + 5_000, 30, 70))
    offset = await public_client.sync_time()
    # sent at start, answered at start+100: the server read its clock at ~start+50
    assert offset == 4_950
    assert public_client.clock.offset_ms == 4_950 and public_client.clock.rtt_ms == 100
    assert public_client.clock.now_ms() == clock.now + 4_950


async def test_signed_requests_use_the_server_time_estimate(
    client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    exchange.on("GET", "/api/v1/time", {"serverTime": clock.now - 2_000})  # local clock is fast
    exchange.on("GET", "/api/v1/account", fx.ACCOUNT)
    await client.account()
    assert exchange.last.query_dict["timestamp"] == str(clock.now - 2_000)


async def test_the_first_signed_call_syncs_once(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/account", fx.ACCOUNT)
    exchange.on("GET", "/api/v1/spot/openOrders", fx.OPEN_ORDERS)
    await asyncio.gather(client.account(), client.open_orders("JEXBTC"), client.account())
    assert len(exchange.requests_to("/api/v1/time")) == 1
    assert exchange.sent[0].path == "/api/v1/time"


async def test_minus_1021_resyncs_and_resends_once(client: JexClient, exchange: FakeExchange, clock: FakeClock) -> None:
    await client.sync_time()  # offset 0
    exchange.on("POST", "/api/v1/spot/order", TOO_OLD, status=400)
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    exchange.on("GET", "/api/v1/time", {"serverTime": clock.now + 5_000})  # the server moved on
    ack = await client.new_order("JEXBTC", "BUY", D("1"), D("1"))
    assert isinstance(ack, OrderAck) and ack.order_id == 28
    first, second = exchange.requests_to("/api/v1/spot/order")
    assert int(second.body_dict["timestamp"]) == int(first.body_dict["timestamp"]) + 5_000
    assert first.body_dict["signature"] != second.body_dict["signature"]
    for sent in (first, second):
        assert verify(SECRET, *split_signature(sent))
    assert len(exchange.requests_to("/api/v1/time")) == 2  # initial sync + one re-sync
    assert client.clock.offset_ms == 5_000


async def test_minus_1021_twice_gives_up_with_a_timestamp_error(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/account", TOO_OLD, status=400)
    with pytest.raises(TimestampError) as caught:
        await client.account()
    assert "clock" in caught.value.hint
    assert len(exchange.requests_to("/api/v1/account")) == 2  # sent once more, not again
    assert len(exchange.requests_to("/api/v1/time")) == 2


async def test_other_errors_are_not_resent(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/account", {"code": -1022, "msg": "Signature invalid."}, status=400)
    with pytest.raises(AuthError):
        await client.account()
    assert len(exchange.requests_to("/api/v1/account")) == 1
