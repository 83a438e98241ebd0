"""Stream faults (drop, stall, gap, reorder, duplicate), pings and connection lifetimes."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
import websockets
from support.sandbox import shared_http
from support.streams import (
    best,
    closed_with,
    collect,
    connect,
    listen_key,
    place,
    receive,
    receive_until,
    rest_depth,
)
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.uri import parse_uri


async def _cut(ws: Any) -> Any:
    """Read until the connection ends; the close frame the server sent (None: cut without one)."""
    with pytest.raises(websockets.ConnectionClosed):
        async with asyncio.timeout(10):
            while True:
                await ws.recv()
    return ws.protocol.close_rcvd


async def test_drop_cuts_open_connections_and_new_ones_until_cleared(sandbox: Any) -> None:
    async with (
        connect(sandbox, "/ws/btcusdt@spotDepth5") as market,
        connect(sandbox, f"/ws/{listen_key(sandbox)}") as user,
    ):
        await receive(market)
        sandbox.set_faults(stream_drop=True)
        assert await _cut(market) is None  # no close frame: the connection was cut
        assert await _cut(user) is None  # an idle user stream too
    async with connect(sandbox, "/ws/btcusdt@spotDepth5") as again:
        assert await _cut(again) is None
    sandbox.set_faults(stream_drop=False)
    async with connect(sandbox, "/ws/btcusdt@spotDepth5") as healthy:
        assert set(await receive(healthy)) == {"bids", "asks"}


async def test_stall_keeps_the_connection_open_and_sends_nothing(sandbox: Any) -> None:
    async with connect(sandbox, "/stream?streams=btcusdt@spotDepth5/btcusdt@spotDepth") as ws:
        await receive(ws)
        sandbox.set_faults(stream_stall=True)
        await collect(ws, 0.2)  # what was already on its way
        assert await collect(ws, 2.2) == []
        await asyncio.wait_for(await ws.ping(), 5)  # still alive: pings are answered
        sandbox.set_faults(stream_stall=False)
        assert (await receive(ws))["stream"].startswith("btcusdt@spotDepth")


async def test_gap_leaves_changes_out_of_the_diff_stream(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/btcusdt@spotDepth") as ws:
        before = await receive(ws)
        snapshot = rest_depth(sandbox)
        assert snapshot["lastUpdateId"] == before["v"]
        sandbox.set_faults(stream_gap=True)
        bid, _ask = best(sandbox)
        place(sandbox, "BUY", bid + Decimal("0.01"), "0.01")  # a change the stream will never carry
        skipped_to = sandbox.call(lambda ex: ex.engine.last_update_id("BTCUSDT"))
        after = await receive_until(ws, lambda d: d["v"] >= skipped_to)
        sandbox.set_faults(stream_gap=False)
    assert (after["b"], after["a"]) == ([], [])  # the version moved on, the change is missing
    assert after["v"] > before["v"]


async def test_reorder_swaps_user_events(sandbox: Any) -> None:
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        place(sandbox, "BUY", "1000.00", "0.1")
        natural = [message["e"] for message in await collect(ws, 0.5)]
        sandbox.set_faults(stream_reorder=True)
        place(sandbox, "BUY", "1000.00", "0.1")
        swapped = await collect(ws, 0.8)
    assert natural == ["execSpotReport", "accountSpotInfo"]
    assert [message["e"] for message in swapped] == ["accountSpotInfo", "execSpotReport"]
    assert swapped[0]["E"] >= swapped[1]["E"]  # E still tells the true order


async def test_reorder_still_delivers_a_lone_event(sandbox: Any) -> None:
    sandbox.set_faults(stream_reorder=True)
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        fok = place(sandbox, "BUY", "1000.00", "0.1", tif="FOK")  # one event only: FAIL
        lone = await receive(ws, timeout=2.0)  # held for a partner that never comes, then sent
    assert (lone["i"], lone["X"]) == (fok.order_id, "FAIL")


async def test_duplicate_sends_every_message_twice(sandbox: Any) -> None:
    sandbox.set_faults(stream_duplicate=True)
    async with connect(sandbox, f"/stream?streams=btcusdt@spotDepth5/{listen_key(sandbox)}") as ws:
        place(sandbox, "BUY", "1000.00", "0.1")
        messages = await collect(ws, 1.6)
    user = [m for m in messages if m["stream"] != "btcusdt@spotDepth5"]
    market = [m for m in messages if m["stream"] == "btcusdt@spotDepth5"]
    assert len(user) == 4 and user[0] == user[1] and user[2] == user[3]
    assert len(market) >= 2 and market[0] == market[1]


async def test_admin_endpoint_switches_stream_faults_live(make_sandbox: Any) -> None:
    server = make_sandbox(admin=True, fault_stream_stall=True)
    assert server.state.faults.settings.stream_stall
    async with connect(server, "/ws/btcusdt@spotDepth5") as ws:
        assert await collect(ws, 1.5) == []
        answer = shared_http().post(f"{server.base_url}/admin/faults", content=json.dumps({"stream_stall": False}))
        assert answer.status_code == 200 and answer.json()["stream_stall"] is False
        assert set(await receive(ws)) == {"bids", "asks"}
    bad = shared_http().post(f"{server.base_url}/admin/faults", content=json.dumps({"stream_gap": "yes"}))
    assert bad.status_code == 400 and "stream_gap must be true or false" in bad.json()["msg"]


async def test_connection_lifetime_can_be_shortened(make_sandbox: Any) -> None:
    server = make_sandbox(stream_lifetime_ms=700)
    async with connect(server, "/ws/btcusdt@spotDepth5") as ws:
        assert await closed_with(ws) == (1001, "connection lifetime reached")


async def test_pings_are_answered_by_a_live_client(make_sandbox: Any) -> None:
    server = make_sandbox(stream_ping_interval_ms=100, stream_pong_timeout_ms=300)
    async with connect(server, "/ws/btcusdt@spotDepth5", ping_interval=None) as ws:
        assert len(await collect(ws, 2.2)) >= 2  # the client's pongs keep it open through many pings
        assert ws.protocol.close_rcvd is None


async def test_a_client_that_never_pongs_is_dropped(make_sandbox: Any) -> None:
    server = make_sandbox(stream_ping_interval_ms=100, stream_pong_timeout_ms=300)
    protocol = ClientProtocol(parse_uri(f"{server.stream_url}/ws/btcusdt@spotDepth5"))
    reader, writer = await asyncio.open_connection(server.host, server.port)
    protocol.send_request(protocol.connect())
    writer.write(b"".join(protocol.data_to_send()))
    pings = 0
    try:
        async with asyncio.timeout(10):
            while data := await reader.read(65536):
                protocol.receive_data(data)
                pings += sum(1 for event in protocol.events_received() if getattr(event, "opcode", None) is Opcode.PING)
                protocol.data_to_send()  # thrown away: the pongs never leave
    finally:
        writer.close()
    assert pings == 1  # one ping, no pong: no second ping, the connection is closed
    assert protocol.close_rcvd is not None and protocol.close_rcvd.code == 1011
