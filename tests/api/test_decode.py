"""Responses of the wrong shape raise a DecodeError naming the endpoint and field."""

from __future__ import annotations

import json

import pytest
from support import spec_json as fx
from support.api_fake import FakeExchange

from jextui.api import DecodeError, JexClient


def without(example: str, index: int, field: str) -> list[dict[str, object]]:
    items = json.loads(example)
    del items[index][field]
    return items


def with_value(example: str, index: int, field: str, value: object) -> list[dict[str, object]]:
    items = json.loads(example)
    items[index][field] = value
    return items


async def decode_failure(client: JexClient, exchange: FakeExchange, body: object) -> DecodeError:
    exchange.on("GET", "/api/v1/spot/trades", body)  # type: ignore[arg-type]
    with pytest.raises(DecodeError) as caught:
        await client.trades("ETHUSDT")
    return caught.value


async def test_missing_field(public_client: JexClient, exchange: FakeExchange) -> None:
    error = await decode_failure(public_client, exchange, without(fx.TRADES, 1, "qty"))
    assert (error.endpoint, error.field) == ("/api/v1/spot/trades", "$[1].qty")
    assert "missing" in error.detail
    assert "/api/v1/spot/trades" in str(error) and "$[1].qty" in str(error)


async def test_wrong_type(public_client: JexClient, exchange: FakeExchange) -> None:
    error = await decode_failure(public_client, exchange, with_value(fx.TRADES, 0, "time", "noon"))
    assert (error.endpoint, error.field) == ("/api/v1/spot/trades", "$[0].time")
    assert "Expected `int`, got `str`" in error.detail


async def test_price_that_is_not_a_number(public_client: JexClient, exchange: FakeExchange) -> None:
    error = await decode_failure(public_client, exchange, with_value(fx.TRADES, 2, "price", "abc"))
    assert error.field == "$[2].price"


async def test_not_json(public_client: JexClient, exchange: FakeExchange) -> None:
    error = await decode_failure(public_client, exchange, "<html>maintenance</html>")
    assert error.endpoint == "/api/v1/spot/trades" and error.field is None
    assert "not valid JSON" in error.detail


async def test_object_where_a_list_is_expected(public_client: JexClient, exchange: FakeExchange) -> None:
    error = await decode_failure(public_client, exchange, {"price": "1"})
    assert error.field == "$" and "array" in error.detail


async def test_missing_top_level_field(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/time", {"time": 5})
    with pytest.raises(DecodeError) as caught:
        await public_client.server_time()
    assert (caught.value.endpoint, caught.value.field) == ("/api/v1/time", "$.serverTime")


async def test_bad_order_id(client: JexClient, exchange: FakeExchange) -> None:
    order = json.loads(fx.GET_ORDER)
    order["orderId"] = "twenty"
    exchange.on("GET", "/api/v1/spot/order", order)
    with pytest.raises(DecodeError) as caught:
        await client.get_order("JEXBTC", 1)
    assert caught.value.field == "$.orderId"


async def test_short_depth_level(public_client: JexClient, exchange: FakeExchange) -> None:
    book = json.loads(fx.DEPTH)
    book["asks"][0] = ["4.00000200"]
    exchange.on("GET", "/api/v1/spot/depth", book)
    with pytest.raises(DecodeError) as caught:
        await public_client.depth("JEXBTC")
    assert caught.value.field == "$.asks[0]"


async def test_unknown_extra_fields_are_ignored(public_client: JexClient, exchange: FakeExchange) -> None:
    trades = with_value(fx.TRADES, 0, "isBestMatch", True)
    exchange.on("GET", "/api/v1/spot/trades", trades)
    assert len(await public_client.trades("ETHUSDT")) == 3


async def test_an_empty_answer_to_ping_is_accepted(public_client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/ping", "")
    await public_client.ping()
    exchange.routes.clear()
    exchange.on("GET", "/api/v1/spot/avgPrice", "")
    with pytest.raises(DecodeError):  # but not where data is expected
        await public_client.avg_price("JEXBTC")
