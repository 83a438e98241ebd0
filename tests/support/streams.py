"""Helpers for the stream tests: a real ``websockets`` client against the in-process sandbox."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from support.sandbox import shared_http

WAIT_S = 10.0
"""Longest a test waits for something that should come within a second or two."""


def connect(server: Any, path: str, **options: Any) -> Any:
    """``async with connect(server, "/ws/btcusdt@spotTrade") as ws``."""
    return websockets.connect(f"{server.stream_url}{path}", open_timeout=WAIT_S, **options)


async def receive(ws: ClientConnection, timeout: float = WAIT_S) -> Any:
    """The next message, decoded."""
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def receive_until(ws: ClientConnection, accept: Callable[[Any], bool], timeout: float = WAIT_S) -> Any:
    """Skip messages until one satisfies ``accept``; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("the expected stream message did not come")
        message = await receive(ws, left)
        if accept(message):
            return message


async def collect(ws: ClientConnection, seconds: float) -> list[Any]:
    """Every message received during ``seconds`` (or until the server closes the connection)."""
    messages: list[Any] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            messages.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
        except (TimeoutError, websockets.ConnectionClosed):
            break
    return messages


async def closed_with(ws: ClientConnection, timeout: float = WAIT_S) -> tuple[int | None, str]:
    """Read until the server closes; the close code and reason it sent."""
    try:
        async with asyncio.timeout(timeout):
            async for _ in ws:
                pass
    except websockets.ConnectionClosed:
        pass
    received = ws.protocol.close_rcvd
    return (received.code, received.reason) if received is not None else (None, "")


def listen_key(server: Any) -> str:
    response = shared_http().post(f"{server.base_url}/api/v1/userDataStream", headers={"X-JEX-APIKEY": server.api_key})
    assert response.status_code == 200, response.text
    return str(response.json()["listenKey"])


def user_stream_call(server: Any, method: str, key: str) -> Any:
    return shared_http().request(
        method,
        f"{server.base_url}/api/v1/userDataStream",
        params={"listenKey": key},
        headers={"X-JEX-APIKEY": server.api_key},
    )


def best(server: Any, symbol: str = "BTCUSDT") -> tuple[Decimal, Decimal]:
    """(best bid, best ask) of the sandbox's book."""
    bid, ask = server.call(lambda ex: ex.engine.best_bid_ask(symbol))
    return bid[0], ask[0]


def place(
    server: Any,
    side: str,
    price: Decimal | str,
    qty: Decimal | str,
    *,
    account: str = "demo",
    symbol: str = "BTCUSDT",
    tif: str = "GTC",
) -> Any:
    """Place an order on the sandbox's engine (on its loop); the order in its state after placement."""
    order, _fills = server.call(
        lambda ex: ex.engine.place_order(account, symbol, side, Decimal(price), Decimal(qty), tif)
    )
    return order


def cancel(server: Any, order_id: int, *, account: str = "demo", symbol: str = "BTCUSDT") -> Any:
    return server.call(lambda ex: ex.engine.cancel_order(account, symbol, order_id))


def rest_depth(server: Any, symbol: str = "BTCUSDT", limit: int = 60) -> Any:
    response = shared_http().get(f"{server.base_url}/api/v1/spot/depth", params={"symbol": symbol, "limit": limit})
    assert response.status_code == 200
    return response.json()
