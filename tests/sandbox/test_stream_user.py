"""The user data stream over a real WebSocket: order reports, balance changes, listenKey life."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from support.streams import (
    best,
    cancel,
    closed_with,
    collect,
    connect,
    listen_key,
    place,
    receive,
    receive_until,
    user_stream_call,
)

from jextui.sandbox.clock import FixedClock

REPORT_FIELDS = {"E", "e", "s", "S", "q", "p", "X", "i", "z", "Z", "O"}
BALANCE_FIELDS = {"a", "f", "l", "T", "W", "D"}


def _reports(events: list[Any], order_id: int) -> list[tuple[str, str]]:
    return [(e["X"], e["z"]) for e in events if e["e"] == "execSpotReport" and e["i"] == order_id]


def _balances(events: list[Any]) -> dict[str, tuple[Decimal, Decimal]]:
    """Balances as the stream last told them."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for event in events:
        if event["e"] == "accountSpotInfo":
            for bal in event["B"]:
                out[bal["a"]] = (Decimal(bal["f"]), Decimal(bal["l"]))
    return out


def _engine_balances(server: Any, account: str = "demo") -> dict[str, tuple[Decimal, Decimal]]:
    return {asset: (bal.free, bal.locked) for asset, bal in server.call(lambda ex: ex.engine.balances(account)).items()}


async def test_new_partial_fill_and_cancel_are_reported_with_balances(sandbox: Any) -> None:
    maker_key, _secret = sandbox.add_api_key("other")  # a second account trades against the demo account
    assert maker_key
    bid, _ask = best(sandbox)
    first_price, second_price = bid + Decimal("0.01"), bid + Decimal("0.02")  # inside the spread: the best bid
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        resting = place(sandbox, "BUY", first_price, "0.3")
        place(sandbox, "SELL", first_price, "0.1", account="other")  # fills 0.1 of it: partial
        place(sandbox, "SELL", first_price, "0.2", account="other")  # the rest: filled
        second = place(sandbox, "BUY", second_price, "0.4")
        place(sandbox, "SELL", second_price, "0.1", account="other")
        cancel(sandbox, second.order_id)  # cancelled after a partial fill
        third = place(sandbox, "BUY", "999.00", "0.1")
        cancel(sandbox, third.order_id)
        events = await collect(ws, 1.0)
    assert _reports(events, resting.order_id) == [
        ("NEW", "0.000000"),
        ("PARTIALLY_FILLED", "0.100000"),
        ("FILLED", "0.300000"),
    ]
    assert _reports(events, second.order_id) == [
        ("NEW", "0.000000"),
        ("PARTIALLY_FILLED", "0.100000"),
        ("CANCLEFILLED", "0.100000"),
    ]
    assert _reports(events, third.order_id) == [("NEW", "0.000000"), ("CANCELED", "0.000000")]
    now = sandbox.clock.now_ms()
    for event in events:
        assert isinstance(event["E"], int) and now - 10_000 < event["E"] <= now
        if event["e"] == "execSpotReport":
            assert set(event) == REPORT_FIELDS and event["s"] == "BTCUSDT" and event["S"] == "BUY"
        else:
            assert set(event) == {"e", "E", "m", "t", "u", "B"} and event["e"] == "accountSpotInfo"
            assert event["B"] and all(set(bal) == BALANCE_FIELDS for bal in event["B"])
    filled = next(e for e in events if e["e"] == "execSpotReport" and e["X"] == "FILLED")
    assert (Decimal(filled["q"]), Decimal(filled["p"]), Decimal(filled["Z"])) == (
        Decimal("0.3"),
        first_price,
        first_price * Decimal("0.3"),
    )
    # the balances the stream reported are the engine's, for every asset it mentioned
    told = _balances(events)
    actual = _engine_balances(sandbox)
    assert {"USDT", "BTC"} <= set(told) and all(told[asset] == actual[asset] for asset in told)
    assert len([e for e in events if e["e"] == "accountSpotInfo"]) >= 6  # one per balance change


async def test_a_marketable_order_is_reported_new_then_filled(sandbox: Any) -> None:
    _bid, ask = best(sandbox)
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        order = place(sandbox, "BUY", ask, "0.000100")
        events = await collect(ws, 0.5)
    assert [x for x, _z in _reports(events, order.order_id)] == ["NEW", "FILLED"]
    assert [e["e"] for e in events][-1] == "accountSpotInfo"


async def test_ioc_and_fok_that_cannot_fill(sandbox: Any) -> None:
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        ioc = place(sandbox, "BUY", "1000.00", "0.1", tif="IOC")
        fok = place(sandbox, "BUY", "1000.00", "0.1", tif="FOK")
        events = await collect(ws, 0.5)
    assert [x for x, _z in _reports(events, ioc.order_id)] == ["NEW", "CANCELED"]
    assert [x for x, _z in _reports(events, fok.order_id)] == ["FAIL"]  # refused whole: nothing locked
    assert not [e for e in events if e["e"] == "accountSpotInfo"]  # locked and released at once: no change


async def test_other_accounts_orders_are_not_reported(sandbox: Any) -> None:
    sandbox.add_api_key("other")
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        place(sandbox, "BUY", "1000.00", "0.1", account="other")
        assert await collect(ws, 0.4) == [] and ws.protocol.close_rcvd is None


async def test_orders_over_rest_are_reported(sandbox: Any, signed_request: Any) -> None:
    async with connect(sandbox, f"/ws/{listen_key(sandbox)}") as ws:
        response = signed_request(
            sandbox,
            "POST",
            "/api/v1/spot/order",
            {"symbol": "ETHUSDT", "side": "SELL", "type": "LIMIT", "quantity": "1", "price": "99999"},
        )
        assert response.status_code == 200, response.text
        report = await receive_until(ws, lambda e: e["e"] == "execSpotReport")
        info = await receive_until(ws, lambda e: e["e"] == "accountSpotInfo")
    assert (report["s"], report["S"], report["X"], report["i"]) == (
        "ETHUSDT",
        "SELL",
        "NEW",
        response.json()["orderId"],
    )
    assert [bal["a"] for bal in info["B"]] == ["ETH"] and info["B"][0]["l"] == "1.00000000"


async def test_combined_stream_carries_the_listen_key_too(sandbox: Any) -> None:
    key = listen_key(sandbox)
    async with connect(sandbox, f"/stream?streams=btcusdt@spotDepth5/{key}") as ws:
        place(sandbox, "BUY", "1000.00", "0.1")
        message = await receive_until(ws, lambda m: m["stream"] == key)
    assert message["data"]["e"] == "execSpotReport"


async def test_unknown_listen_key_is_refused(sandbox: Any) -> None:
    async with connect(sandbox, "/ws/" + "x" * 60) as ws:
        code, reason = await closed_with(ws)
    assert code == 1008 and "unknown stream or listenKey" in reason


async def test_deleting_the_key_closes_its_streams(sandbox: Any) -> None:
    key = listen_key(sandbox)
    async with connect(sandbox, f"/ws/{key}") as first, connect(sandbox, f"/stream?streams={key}") as second:
        await asyncio.sleep(0.1)
        assert user_stream_call(sandbox, "DELETE", key).json() == {}
        assert await closed_with(first) == (1008, "listenKey deleted")
        assert await closed_with(second) == (1008, "listenKey deleted")


async def test_key_expires_without_keepalive_and_closes_the_stream(make_sandbox: Any) -> None:
    server = make_sandbox(listen_key_ttl_ms=1500)
    key = listen_key(server)
    async with connect(server, f"/ws/{key}") as ws:
        for _ in range(3):  # keepalives hold it open past its lifetime
            await asyncio.sleep(0.7)
            assert user_stream_call(server, "PUT", key).status_code == 200
        place(server, "BUY", "1000.00", "0.1")
        assert (await receive(ws))["X"] == "NEW"
        code, reason = await closed_with(ws, timeout=5.0)
    assert (code, reason) == (1008, "listenKey expired")
    assert user_stream_call(server, "PUT", key).json()["code"] == -1125
    async with connect(server, f"/ws/{key}") as ws:
        assert (await closed_with(ws))[0] == 1008


async def test_key_expiry_follows_the_sandbox_clock(make_sandbox: Any) -> None:
    clock = FixedClock(1_700_000_000_000)
    server = make_sandbox(clock=clock)
    key = listen_key(server)
    async with connect(server, f"/ws/{key}") as ws:
        clock.advance(59 * 60 * 1000)
        assert await collect(ws, 0.3) == [] and ws.protocol.close_rcvd is None  # still open at 59 minutes
        clock.advance(60 * 1000)
        assert await closed_with(ws) == (1008, "listenKey expired")


async def test_a_second_post_answers_the_same_key(sandbox: Any) -> None:
    assert listen_key(sandbox) == listen_key(sandbox)
