"""The documented signing test vectors (docs/protocol.md#signing), and the client
producing them itself."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from support import spec_json as fx
from support.api_fake import KEY, SECRET, VECTOR_TIMESTAMP, FakeClock, FakeExchange, split_signature

from jextui.api import JexClient
from jextui.api.signing import sign, total_params, verify

VECTOR_1_PARAMS = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)
VECTOR_1_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
VECTOR_2_QUERY = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
VECTOR_2_BODY = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
VECTOR_2_SIGNATURE = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"


def test_vector_1_all_in_the_query_string() -> None:
    assert sign(SECRET, total_params(VECTOR_1_PARAMS, "")) == VECTOR_1_SIGNATURE


def test_vector_1_all_in_the_body() -> None:
    assert sign(SECRET, total_params("", VECTOR_1_PARAMS)) == VECTOR_1_SIGNATURE


def test_vector_2_mixed_query_and_body() -> None:
    message = total_params(VECTOR_2_QUERY, VECTOR_2_BODY)
    assert message == (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    )
    assert sign(SECRET, message) == VECTOR_2_SIGNATURE


def test_verify_accepts_upper_case_and_rejects_a_wrong_signature() -> None:
    assert verify(SECRET, VECTOR_1_PARAMS, VECTOR_1_SIGNATURE.upper())
    assert not verify(SECRET, VECTOR_1_PARAMS + "0", VECTOR_1_SIGNATURE)
    assert not verify(SECRET.lower(), VECTOR_1_PARAMS, VECTOR_1_SIGNATURE)  # case sensitive


async def test_client_produces_the_vector_1_signature(
    client: JexClient, exchange: FakeExchange, clock: FakeClock
) -> None:
    """Given the vector's parameters and timestamp, the client sends the
    vector's exact body and signature."""
    assert clock.now == VECTOR_TIMESTAMP  # and the fake server agrees: offset 0
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    await client.new_order("LTCBTC", "BUY", D("1"), D("0.1"))
    sent = exchange.last
    assert sent.raw_query == ""
    assert sent.raw_body == f"{VECTOR_1_PARAMS}&signature={VECTOR_1_SIGNATURE}"
    assert sent.headers["X-JEX-APIKEY"] == KEY


async def test_client_signs_the_query_string_on_get(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/spot/order", fx.GET_ORDER)
    await client.get_order("LTCBTC", 2208)
    message, signature = split_signature(exchange.last)
    assert message == "symbol=LTCBTC&orderId=2208&recvWindow=5000&timestamp=1499827319559"
    assert signature == sign(SECRET, message)
    assert exchange.last.raw_body == ""


@pytest.mark.parametrize("asset", ["BTC", "a&b=c%", "币"])
async def test_signature_covers_the_exact_encoded_bytes(client: JexClient, exchange: FakeExchange, asset: str) -> None:
    """Characters that need percent-encoding are signed as they are sent."""
    exchange.on("GET", "/wapi/v1/depositAddress", fx.DEPOSIT_ADDRESS)
    await client.deposit_address(asset)
    message, signature = split_signature(exchange.last)
    assert verify(SECRET, message, signature)
    assert exchange.last.query_dict["asset"] == asset
