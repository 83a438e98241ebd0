"""Fuzzing the parameter parsing and the signed-request path: never a 500, always a documented JSON error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.sandbox import DOC_API_KEY, DOC_API_SECRET
from support.spec_json import DOCUMENTED_CODES

from jextui.api.signing import sign
from jextui.sandbox.app import ENDPOINTS

PARAM_NAMES = [
    "symbol",
    "side",
    "type",
    "timeInForce",
    "quantity",
    "price",
    "newOrderRespType",
    "recvWindow",
    "timestamp",
    "orderId",
    "startTime",
    "endTime",
    "limit",
    "fromId",
    "interval",
    "asset",
    "status",
    "listenKey",
    "signature",
]
SYMBOLS = ["BTCUSDT", "LTCBTC", "JEXBTC", "btcusdt", "NOPE", ""]
ENUMS = ["BUY", "SELL", "LIMIT", "MARKET", "GTC", "IOC", "FOK", "ACK", "RESULT", "1m", "1w", "BTC", "USDT"]

values = st.one_of(
    st.sampled_from(SYMBOLS + ENUMS),
    st.integers(min_value=-10, max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=30),
    st.text(alphabet="0123456789.-+eE", max_size=25),
)
param_sets = st.dictionaries(st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=8)), values, max_size=9)
VALID = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "IOC",
    "quantity": "0.01",
    "price": "1000.00",
    "orderId": "1",
    "interval": "1m",
    "asset": "BTC",
    "limit": "5",
}


@st.composite
def mutated_valid_params(draw: st.DrawFn) -> dict[str, str]:
    """A valid parameter set with a few names dropped and a few values replaced: reaches deep validation."""
    params = {name: value for name, value in VALID.items() if draw(st.integers(0, 9)) > 0}
    for name in draw(st.lists(st.sampled_from(PARAM_NAMES[:-2]), max_size=3)):
        params[name] = draw(values)
    return params


endpoints = st.sampled_from(ENDPOINTS)


@pytest.fixture(scope="module")
def fuzz_target() -> Iterator[tuple[Any, httpx.Client]]:
    """One sandbox for the whole module, with limits out of the way."""
    from jextui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        simulate=False,
        api_key=DOC_API_KEY,
        api_secret=DOC_API_SECRET,
        weight_per_minute=10**9,
        raw_requests_per_5m=10**9,
        orders_per_second=10**9,
        orders_per_day=10**9,
    )
    with SandboxServer(config) as server, httpx.Client(base_url=server.base_url) as client:
        yield server, client


def _assert_documented(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"code", "msg"}
        assert body["code"] in DOCUMENTED_CODES
        assert isinstance(body["msg"], str) and body["msg"]


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(endpoint=endpoints, params=param_sets, with_key=st.booleans(), in_body=st.booleans())
def test_unsigned_garbage_never_breaks_the_server(
    fuzz_target: tuple[Any, httpx.Client], endpoint: Any, params: dict[str, str], with_key: bool, in_body: bool
) -> None:
    _server, client = fuzz_target
    text = urlencode(params)
    headers = {"X-JEX-APIKEY": DOC_API_KEY} if with_key else {}
    if in_body and endpoint.method != "GET":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = client.request(endpoint.method, endpoint.path, content=text, headers=headers)
    else:
        response = client.request(endpoint.method, f"{endpoint.path}?{text}", headers=headers)
    _assert_documented(response)


@FUZZ
@given(
    endpoint=endpoints,
    params=st.one_of(param_sets, mutated_valid_params()),
    split=st.integers(min_value=0, max_value=12),
)
def test_validly_signed_garbage_gets_a_documented_answer(
    fuzz_target: tuple[Any, httpx.Client], endpoint: Any, params: dict[str, str], split: int
) -> None:
    server, client = fuzz_target
    params = {name: value for name, value in params.items() if name not in ("timestamp", "signature")}
    items = [*list(params.items()), ("timestamp", str(server.clock.now_ms()))]
    query = urlencode(items[:split]) if endpoint.method != "GET" else urlencode(items)
    body = urlencode(items[split:]) if endpoint.method != "GET" else ""
    signature = sign(DOC_API_SECRET, query + body)
    separator = "&" if query else ""
    url = f"{endpoint.path}?{query}{separator}signature={signature}"
    response = client.request(
        endpoint.method,
        url,
        content=body,
        headers={"X-JEX-APIKEY": DOC_API_KEY, "Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_documented(response)


raw_bytes = st.binary(max_size=60)


@FUZZ
@given(endpoint=endpoints, query=raw_bytes, body=raw_bytes, key=st.text(max_size=70))
def test_raw_bytes_never_break_the_server(
    fuzz_target: tuple[Any, httpx.Client], endpoint: Any, query: bytes, body: bytes, key: str
) -> None:
    _server, client = fuzz_target
    # every byte percent-encoded, so non-UTF-8 sequences reach the parser
    encoded = "".join(f"%{byte:02X}" if byte not in b"=&" else chr(byte) for byte in query)
    headers = {"X-JEX-APIKEY": quote(key, safe="")} if key else {}
    response = client.request(endpoint.method, f"{endpoint.path}?{encoded}", content=body, headers=headers)
    _assert_documented(response)
