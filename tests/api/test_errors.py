"""Error answers become the right typed error, with words the user can act on."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from support.api_fake import BASE, KEY, FakeClock, FakeExchange

from jextui.api import (
    ApiError,
    AuthError,
    BadRequest,
    InsufficientBalance,
    InvalidArgument,
    InvalidSymbol,
    IpBanned,
    JexClient,
    JexError,
    MissingCredentials,
    OrderRejected,
    RateLimited,
    ServerError,
    TimestampError,
    UnknownOrder,
)
from jextui.api.errors import error_from_response

BALANCE = "Account has insufficient balance for requested action."

MAPPING = [
    # status, code, msg, is_order, expected class, outcome unknown
    (400, -1002, "unauthorized", False, AuthError, False),
    (400, -1022, "Signature for this request is not valid.", False, AuthError, False),
    (401, -2014, "API-key format invalid.", False, AuthError, False),
    (401, -2015, "Invalid API-key, IP, or permissions for action.", True, AuthError, False),
    (403, None, "Forbidden", False, AuthError, False),
    (401, None, "Unauthorized", False, AuthError, False),
    (400, -1021, "Timestamp for this request is outside of the recvWindow.", False, TimestampError, False),
    (400, -1102, "Mandatory parameter 'symbol' was not sent.", False, BadRequest, False),
    (400, -1100, "Illegal characters found in parameter 'symbol'.", False, BadRequest, False),
    (400, -1120, "Invalid interval.", False, BadRequest, False),
    (400, -1121, "Invalid symbol.", False, InvalidSymbol, False),
    (400, -1111, "Precision is over the maximum defined for this asset.", False, BadRequest, False),
    (400, -1111, "Precision is over the maximum defined for this asset.", True, OrderRejected, False),
    (400, -1129, "error scale in parameter 'price', should be scale no more than '2'", True, OrderRejected, False),
    (400, -2010, BALANCE, True, InsufficientBalance, False),
    (400, -1010, BALANCE, True, InsufficientBalance, False),
    (400, -2010, "Market is closed.", True, OrderRejected, False),
    (400, -2010, "Price * QTY is zero or less.", True, OrderRejected, False),
    (400, -9000, "Filter failure: LOT_SIZE", True, OrderRejected, False),
    (400, -9000, "Filter failure: MIN_NOTIONAL", True, OrderRejected, False),
    (400, -1013, "Filter failure: PRICE_FILTER", True, OrderRejected, False),
    (400, -2019, "has reach max order number", True, OrderRejected, False),
    (400, -1014, "Unsupported order combination", True, OrderRejected, False),
    (400, -2011, "Unknown order sent.", False, UnknownOrder, False),
    (400, -1010, "Unknown order sent.", False, UnknownOrder, False),
    (400, -2012, "Order does not exist.", False, UnknownOrder, False),
    (400, -2013, "Order does not exist.", False, UnknownOrder, False),
    (429, -1003, "Too many requests; current limit is 1200 requests per minute.", False, RateLimited, False),
    (418, -1003, "Way too many requests; IP banned.", False, IpBanned, False),
    (500, None, "Internal Server Error", False, ServerError, False),
    (500, None, "Internal Server Error", True, ServerError, True),
    (503, -1016, "Service shutting down.", True, ServerError, True),
    (400, -1006, "Unexpected response; order status unknown.", False, ServerError, True),
    (400, -1007, "Timeout waiting for response; order status unknown.", True, ServerError, True),
    (400, -1001, "Internal error; unable to process your request. Please try again.", False, ServerError, False),
    (400, -8003, "Withdrawal address invalid.", False, ApiError, False),
    (404, None, "Not Found", False, ApiError, False),
]


@pytest.mark.parametrize(("status", "code", "msg", "is_order", "cls", "unknown"), MAPPING)
def test_error_mapping(status: int, code: int | None, msg: str, is_order: bool, cls: type, unknown: bool) -> None:
    error = error_from_response(status=status, code=code, msg=msg, endpoint="/api/v1/spot/order", is_order=is_order)
    assert type(error) is cls
    assert (error.status, error.code, error.msg) == (status, code, msg)
    assert error.outcome_unknown is unknown
    assert error.hint and error.hint.endswith(".")
    assert "/api/v1/spot/order" in str(error) and msg in str(error)
    if unknown:
        assert "UNKNOWN" in str(error)


def test_every_error_is_a_jex_error() -> None:
    for *_, cls, _unknown in MAPPING:
        assert issubclass(cls, JexError)
    assert issubclass(InsufficientBalance, OrderRejected)
    assert issubclass(InvalidSymbol, BadRequest)


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "msg"),
    [
        (400, {"code": -1121, "msg": "Invalid symbol."}, InvalidSymbol, -1121, "Invalid symbol."),
        (401, {"code": -2015, "msg": "Invalid API-key."}, AuthError, -2015, "Invalid API-key."),
        (502, "<html><body>Bad gateway</body></html>", ServerError, None, "Bad Gateway"),
        (400, "not json at all", ApiError, None, "Bad Request"),
        (400, "", ApiError, None, "Bad Request"),
        (400, [1, 2, 3], ApiError, None, "Bad Request"),
        (400, {"msg": "something odd"}, ApiError, None, "something odd"),
        (200, {"code": -1121, "msg": "Invalid symbol."}, InvalidSymbol, -1121, "Invalid symbol."),
    ],
)
async def test_error_bodies_through_the_client(
    public_client: JexClient,
    exchange: FakeExchange,
    status: int,
    body: object,
    cls: type[ApiError],
    code: int | None,
    msg: str,
) -> None:
    exchange.on("GET", "/api/v1/spot/depth", body, status=status)  # type: ignore[arg-type]
    with pytest.raises(cls) as caught:
        await public_client.depth("NOPE")
    error = caught.value
    assert type(error) is cls
    assert (error.code, error.msg, error.endpoint) == (code, msg, "/api/v1/spot/depth")
    assert error.status == status


async def test_insufficient_balance_on_an_order(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("POST", "/api/v1/spot/order", {"code": -2010, "msg": BALANCE}, status=400)
    with pytest.raises(InsufficientBalance) as caught:
        await client.new_order("JEXBTC", "BUY", D("1000"), D("1"))
    assert caught.value.outcome_unknown is False  # rejected: certainly not placed
    assert "balance" in caught.value.hint


async def test_unknown_order_on_cancel(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("DELETE", "/api/v1/spot/order", {"code": -2011, "msg": "Unknown order sent."}, 400)
    with pytest.raises(UnknownOrder):
        await client.cancel_order("JEXBTC", 1)


# --- refused before sending ----------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda jex: jex.account(),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), D("1")),
        lambda jex: jex.historical_trades("JEXBTC"),
        lambda jex: jex.start_user_stream(),
        lambda jex: jex.asset_detail(),
    ],
)
async def test_keyed_endpoints_without_credentials_send_nothing(
    public_client: JexClient, exchange: FakeExchange, call: object
) -> None:
    with pytest.raises(MissingCredentials) as caught:
        await call(public_client)  # type: ignore[operator]
    assert exchange.sent == []
    assert "API key" in str(caught.value) and caught.value.hint


async def test_a_key_without_secret_reads_market_data_but_cannot_sign(exchange: FakeExchange, clock: FakeClock) -> None:
    exchange.on("GET", "/api/v1/spot/historicalTrades", "[]")
    async with JexClient(BASE, KEY, transport=exchange.transport(), time_ms=clock) as jex:
        assert jex.has_api_key and not jex.has_credentials
        assert await jex.historical_trades("JEXBTC") == []
        with pytest.raises(MissingCredentials, match="secret"):
            await jex.account()
    assert [s.path for s in exchange.sent] == ["/api/v1/spot/historicalTrades"]


@pytest.mark.parametrize(
    "call",
    [
        lambda jex: jex.new_order("JEXBTC", "BUY", 1.5, D("1")),  # float money
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), D("NaN")),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("-1"), D("1")),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("0"), D("1")),
        lambda jex: jex.new_order("JEXBTC", "HOLD", D("1"), D("1")),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), D("1"), time_in_force="DAY"),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), D("1"), resp_type="FULL"),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), "abc"),
        lambda jex: jex.new_order("JEXBTC", "BUY", D("1"), D("1"), recv_window=60001),
        lambda jex: jex.new_order("", "BUY", D("1"), D("1")),
        lambda jex: jex.depth("JEX BTC"),
        lambda jex: jex.depth("JEXBTC", limit=-5),
        lambda jex: jex.depth("JEXBTC", limit=True),
        lambda jex: jex.klines("JEXBTC", "2m"),
        lambda jex: jex.get_order("JEXBTC", "12"),
        lambda jex: jex.keepalive_user_stream(""),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    client: JexClient, exchange: FakeExchange, call: object
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await call(client)  # type: ignore[operator]
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, JexError)
    assert exchange.sent == []


async def test_a_test_order_is_rejected_like_an_order_but_never_unknown(
    client: JexClient, exchange: FakeExchange
) -> None:
    scale = "error scale in parameter 'price', should be scale no more than '8'"
    exchange.on("POST", "/api/v1/spot/order/test", {"code": -1129, "msg": scale}, status=400)
    with pytest.raises(OrderRejected):
        await client.test_order("JEXBTC", "BUY", D("1"), D("0.000000001"))
    exchange.routes.clear()
    exchange.on("POST", "/api/v1/spot/order/test", "", status=503)
    with pytest.raises(ServerError) as caught:
        await client.test_order("JEXBTC", "BUY", D("1"), D("1"))
    assert caught.value.outcome_unknown is False  # a test order never places anything
