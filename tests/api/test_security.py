"""The secret (and the signature, and the full key) never show up in reprs,
error texts or logs; credentials only travel over https or to loopback."""

from __future__ import annotations

import logging
import traceback
from decimal import Decimal as D

import httpx
import pytest
from support import spec_json as fx
from support.api_fake import BASE, KEY, SECRET, FakeClock, FakeExchange, split_signature

from jextui.api import (
    InsecureTransport,
    InvalidArgument,
    JexClient,
    JexError,
    RequestEvent,
    Secret,
)


def assert_hidden(text: str, *signatures: str) -> None:
    assert SECRET not in text
    assert KEY not in text
    for signature in signatures:
        assert signature not in text


def error_texts(error: BaseException) -> str:
    parts = [str(error), repr(error), getattr(error, "hint", "")]
    parts += traceback.format_exception(error)
    return "\n".join(parts)


def test_client_repr_masks_the_key_and_hides_the_secret() -> None:
    jex = JexClient(BASE, KEY, Secret(SECRET))
    for text in (repr(jex), str(jex), f"{jex}", repr(jex.rate), repr(jex.clock)):
        assert_hidden(text)
    assert "vmPU…" in repr(jex) and jex.masked_api_key == "vmPU…"
    assert jex.has_credentials


async def test_errors_never_carry_secret_key_or_signature(client: JexClient, exchange: FakeExchange) -> None:
    exchange.on("GET", "/api/v1/account", {"code": -1022, "msg": "Signature for this request is not valid."}, 400)
    exchange.on("POST", "/api/v1/spot/order", "", status=500)

    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError(f"dropped {request.url}", request=request)

    exchange.on_call("DELETE", "/api/v1/spot/order", drop)
    exchange.on("GET", "/wapi/v1/tradeFee", {"unexpected": True})
    calls = (
        client.account(),
        client.new_order("JEXBTC", "BUY", D("1"), D("1")),
        client.cancel_order("JEXBTC", 5),
        client.trade_fee(),
    )
    for call in calls:
        with pytest.raises(JexError) as caught:
            await call
        signature = split_signature(exchange.last)[1]
        assert_hidden(error_texts(caught.value), signature)
        assert "?" not in str(caught.value)  # no URL with its query string


async def test_logs_never_carry_secret_key_or_signature(
    exchange: FakeExchange, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # another test may have run the console's logging set-up, which quietens httpx
    caplog.set_level(logging.DEBUG, logger="httpx")
    events: list[RequestEvent] = []
    exchange.on("GET", "/api/v1/account", fx.ACCOUNT)
    exchange.on("POST", "/api/v1/spot/order", fx.ORDER_ACK)
    exchange.on("DELETE", "/api/v1/spot/order", {"code": -2011, "msg": "Unknown order sent."}, 400)
    signatures = []
    async with JexClient(
        BASE, KEY, SECRET, transport=exchange.transport(), time_ms=clock, on_event=events.append
    ) as jex:
        await jex.account()
        signatures.append(split_signature(exchange.last)[1])
        await jex.new_order("JEXBTC", "BUY", D("1"), D("1"))
        signatures.append(split_signature(exchange.last)[1])
        with pytest.raises(JexError):
            await jex.cancel_order("JEXBTC", 9)
        signatures.append(split_signature(exchange.last)[1])
    assert_hidden(caplog.text, *signatures)
    assert_hidden("\n".join(repr(e) for e in events), *signatures)
    ours = [r.getMessage() for r in caplog.records if r.name == "jextui.api"]
    assert any("GET /api/v1/account -> 200" in line and "weight 1" in line for line in ours)
    assert any("DELETE /api/v1/spot/order -> 400" in line and "UnknownOrder" in line for line in ours)
    # the HTTP library's own request line is kept, with the signature masked
    assert "signature=***" in caplog.text


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:9000", "http://127.8.0.1"]
)
def test_credentials_over_http_to_loopback_are_allowed(url: str) -> None:
    assert JexClient(url, KEY, SECRET).has_credentials


@pytest.mark.parametrize("url", ["http://api.jex.com", "http://10.0.0.5:8080", "http://localhost.evil.com"])
def test_credentials_over_plain_http_are_refused(url: str) -> None:
    with pytest.raises(InsecureTransport) as caught:
        JexClient(url, KEY, SECRET)
    assert_hidden(error_texts(caught.value))
    assert "https" in caught.value.hint
    with pytest.raises(InsecureTransport):
        JexClient(url, KEY)  # a key alone is a credential too
    assert JexClient(url, KEY, SECRET, allow_insecure=True).has_credentials
    assert not JexClient(url).has_credentials  # public data over http is fine


@pytest.mark.parametrize("bad", ["ftp://api.jex.com", "api.jex.com", "https://", "https://x.test/?a=1"])
def test_bad_base_urls_are_refused(bad: str) -> None:
    with pytest.raises(InvalidArgument):
        JexClient(bad)


def test_a_malformed_key_is_refused_without_echoing_it() -> None:
    bad_key = KEY + "\r\nX-Evil: 1"
    with pytest.raises(InvalidArgument) as caught:
        JexClient(BASE, bad_key, SECRET)
    assert KEY not in error_texts(caught.value)
