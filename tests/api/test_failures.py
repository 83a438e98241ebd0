"""Network failures and 5xx: typed errors, no retries, and honest words about
whether an order may have been placed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import httpx
import pytest
from support import spec_json as fx
from support.api_fake import FakeExchange

from jextui.api import (
    ConnectionFailed,
    JexClient,
    JexError,
    RequestTimeout,
    ServerError,
    TransportError,
)

ORDER_PATH = "/api/v1/spot/order"


def raiser(exc_type: type[httpx.RequestError], text: str = "boom") -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type(text, request=request)

    return handler


async def place(client: JexClient) -> object:
    return await client.new_order("JEXBTC", "BUY", D("1"), D("0.00001464"))


@pytest.mark.parametrize(
    ("exc_type", "cls"),
    [
        (httpx.ReadTimeout, RequestTimeout),
        (httpx.WriteTimeout, RequestTimeout),
        (httpx.RemoteProtocolError, ConnectionFailed),
        (httpx.ReadError, ConnectionFailed),
    ],
)
async def test_order_timeout_or_drop_is_not_retried_and_flagged_unknown(
    client: JexClient, exchange: FakeExchange, exc_type: type[httpx.RequestError], cls: type[JexError]
) -> None:
    exchange.on_call("POST", ORDER_PATH, raiser(exc_type))
    exchange.on("POST", ORDER_PATH, fx.ORDER_ACK)  # a retry would succeed: it must not happen
    with pytest.raises(cls) as caught:
        await place(client)
    error = caught.value
    assert error.outcome_unknown is True
    assert "UNKNOWN" in str(error) and "may or may not have been placed" in str(error)
    assert "open orders" in error.hint
    assert len(exchange.requests_to(ORDER_PATH)) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_order_5xx_is_not_retried_and_flagged_unknown(
    client: JexClient, exchange: FakeExchange, status: int
) -> None:
    exchange.on("POST", ORDER_PATH, "<html>oops</html>", status=status)
    exchange.on("POST", ORDER_PATH, fx.ORDER_ACK)
    with pytest.raises(ServerError) as caught:
        await place(client)
    assert caught.value.outcome_unknown is True
    assert caught.value.status == status
    assert "UNKNOWN" in str(caught.value)
    assert len(exchange.requests_to(ORDER_PATH)) == 1


async def test_order_that_could_not_connect_was_not_sent(client: JexClient, exchange: FakeExchange) -> None:
    await client.sync_time()
    exchange.on_call("POST", ORDER_PATH, raiser(httpx.ConnectError, "[Errno 111] Connection refused"))
    with pytest.raises(ConnectionFailed) as caught:
        await place(client)
    assert caught.value.outcome_unknown is False
    assert "not sent" in str(caught.value)
    assert len(exchange.requests_to(ORDER_PATH)) == 1


async def test_read_failures_are_not_retried_either(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/account", "", status=500)
    exchange.on("GET", "/api/v1/account", fx.ACCOUNT)
    with pytest.raises(ServerError) as caught:
        await client.account()
    assert caught.value.outcome_unknown is False  # not an order: nothing to be unsure about
    assert len(exchange.requests_to("/api/v1/account")) == 1


@pytest.mark.parametrize(
    ("exc_type", "cls"),
    [
        (httpx.ConnectTimeout, RequestTimeout),
        (httpx.PoolTimeout, RequestTimeout),
        (httpx.ReadTimeout, RequestTimeout),
        (httpx.ConnectError, ConnectionFailed),
        (httpx.RemoteProtocolError, ConnectionFailed),
        (httpx.UnsupportedProtocol, TransportError),
        (httpx.DecodingError, TransportError),
        (httpx.ProxyError, TransportError),
    ],
)
async def test_every_transport_failure_becomes_a_jex_error(
    public_client: JexClient, exchange: FakeExchange, exc_type: type[httpx.RequestError], cls: type[JexError]
) -> None:
    exchange.on_call("GET", "/api/v1/ping", raiser(exc_type, "detail with https://x/?signature=ab"))
    with pytest.raises(JexError) as caught:
        await public_client.ping()
    assert isinstance(caught.value, cls)
    assert caught.value.outcome_unknown is False
    assert caught.value.endpoint == "/api/v1/ping"  # type: ignore[attr-defined]
    assert "signature" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_a_real_timeout_is_a_request_timeout(exchange: FakeExchange) -> None:
    """An actual slow answer (not a raised exception) ends in RequestTimeout."""
    import asyncio

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, content=b"{}")

    class SlowTransport(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            timeout = request.extensions["timeout"]["read"]
            try:
                return await asyncio.wait_for(slow(request), timeout)
            except TimeoutError:
                raise httpx.ReadTimeout("timed out", request=request) from None

    async with JexClient("https://x.test", transport=SlowTransport(), timeout=0.05) as jex:
        with pytest.raises(RequestTimeout, match=r"x\.test: no answer in time"):
            await jex.ping()


async def test_a_closed_client_raises_a_transport_error(exchange: FakeExchange) -> None:
    jex = JexClient("https://x.test", transport=exchange.transport())
    await jex.aclose()
    with pytest.raises(TransportError, match="closed"):
        await jex.ping()
    assert exchange.sent == []


async def test_an_order_cancelled_in_flight_is_reported_as_unknown(
    exchange: FakeExchange, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from support.api_fake import BASE, KEY, SECRET, FakeClock

    from jextui.api import RequestEvent

    started = asyncio.Event()

    async def never_answers(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        raise AssertionError("unreachable")

    exchange.on_call("POST", ORDER_PATH, never_answers)  # type: ignore[arg-type]
    events: list[RequestEvent] = []
    clock = FakeClock()
    async with JexClient(
        BASE, KEY, SECRET, transport=exchange.transport(), time_ms=clock, on_event=events.append
    ) as jex:
        task = asyncio.create_task(place(jex))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert events[-1].is_order and events[-1].status is None
    assert events[-1].error is not None and "UNKNOWN" in events[-1].error
    assert "UNKNOWN" in caplog.text
