"""Signed requests over real HTTP: the documentation's test vectors and every way to get it wrong."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.sandbox import DOC_API_KEY, DOC_TIMESTAMP, shared_http

from jextui.sandbox.clock import FixedClock

http = shared_http()

VECTOR_QUERY = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)
VECTOR_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
MIXED_QUERY = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
MIXED_BODY = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
MIXED_SIGNATURE = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ORDER = "/api/v1/spot/order"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DOC_TIMESTAMP)


@pytest.fixture
def doc_sandbox(make_sandbox: Any, clock: FixedClock) -> Any:
    """A sandbox whose clock stands at the vectors' timestamp, with a read-only key too."""
    return make_sandbox(clock=clock, readonly_key=True)


def _post(server: Any, query: str, body: str = "", key: str = DOC_API_KEY) -> httpx.Response:
    url = f"{server.base_url}{ORDER}" + (f"?{query}" if query else "")
    return http.post(url, content=body, headers={"X-JEX-APIKEY": key, **FORM})


def _error(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


# --- the documented vectors are accepted ------------------------------------------


def _assert_order_placed(server: Any, response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["symbol"] == "LTCBTC"
    assert isinstance(answer["orderId"], int)
    assert answer["transactTime"] == server.clock.now_ms()
    order = server.call(lambda ex: ex.engine.get_order("demo", "LTCBTC", answer["orderId"]))
    assert (order.side, str(order.orig_qty), order.time_in_force) == ("BUY", "1.00", "GTC")


def test_vector_all_in_the_query_string_places_the_order(doc_sandbox: Any) -> None:
    _assert_order_placed(doc_sandbox, _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}"))


def test_vector_all_in_the_body_places_the_order(doc_sandbox: Any) -> None:
    _assert_order_placed(doc_sandbox, _post(doc_sandbox, "", f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}"))


def test_vector_mixed_query_and_body_places_the_order(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, f"{MIXED_QUERY}&signature={MIXED_SIGNATURE}", MIXED_BODY)
    _assert_order_placed(doc_sandbox, response)


def test_mixed_vector_with_the_signature_in_the_body(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, MIXED_QUERY, f"{MIXED_BODY}&signature={MIXED_SIGNATURE}")
    _assert_order_placed(doc_sandbox, response)


def test_signature_is_not_case_sensitive(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE.upper()}")
    _assert_order_placed(doc_sandbox, response)


def test_timestamp_just_inside_the_window_is_accepted(doc_sandbox: Any, clock: FixedClock) -> None:
    clock.advance(5000)  # serverTime - timestamp == recvWindow
    _assert_order_placed(doc_sandbox, _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}"))


# --- and everything else is refused with the documented code -------------------------


def test_tampered_parameter_is_refused_and_nothing_is_placed(doc_sandbox: Any) -> None:
    tampered = VECTOR_QUERY.replace("quantity=1", "quantity=2")
    response = _post(doc_sandbox, f"{tampered}&signature={VECTOR_SIGNATURE}")
    assert _error(response) == (400, -1022)
    assert response.json()["msg"] == "Signature for this request is not valid."
    assert doc_sandbox.call(lambda ex: ex.engine.open_orders("demo", "LTCBTC")) == []


def test_mixed_vector_signed_as_if_joined_with_an_ampersand_is_refused(doc_sandbox: Any) -> None:
    # the body moved to the query string changes totalParams ("GTC&quantity" instead of "GTCquantity")
    response = _post(doc_sandbox, f"{MIXED_QUERY}&{MIXED_BODY}&signature={MIXED_SIGNATURE}")
    assert _error(response) == (400, -1022)


def test_tampered_signature_is_refused(doc_sandbox: Any) -> None:
    bad = VECTOR_SIGNATURE[:-1] + ("0" if VECTOR_SIGNATURE[-1] != "0" else "1")
    assert _error(_post(doc_sandbox, f"{VECTOR_QUERY}&signature={bad}")) == (400, -1022)


@pytest.mark.parametrize("signature", ["", "zz", "é" * 64])
def test_garbage_signature_is_refused(doc_sandbox: Any, signature: str) -> None:
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={signature}")
    assert response.status_code == 400
    assert response.json()["code"] in (-1022, -1102)


def test_missing_signature_names_the_parameter(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, VECTOR_QUERY)
    assert _error(response) == (400, -1102)
    assert "'signature'" in response.json()["msg"]


def test_missing_timestamp_names_the_parameter(doc_sandbox: Any) -> None:
    query = VECTOR_QUERY.replace("&timestamp=1499827319559", "")
    response = _post(doc_sandbox, f"{query}&signature={VECTOR_SIGNATURE}")
    assert _error(response) == (400, -1102)
    assert response.json()["msg"] == ("Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")


def test_expired_request_is_refused(doc_sandbox: Any, clock: FixedClock) -> None:
    clock.advance(5001)
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}")
    assert _error(response) == (400, -1021)
    assert response.json()["msg"] == "Timestamp for this request is outside of the recvWindow."


def test_request_from_the_future_is_refused(doc_sandbox: Any, clock: FixedClock) -> None:
    clock.advance(-1000)  # the timestamp is now exactly 1000 ms ahead of the server
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}")
    assert _error(response) == (400, -1021)
    assert "ahead of the server" in response.json()["msg"]


def test_request_999ms_ahead_is_accepted(doc_sandbox: Any, clock: FixedClock) -> None:
    clock.advance(-999)
    _assert_order_placed(doc_sandbox, _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}"))


def test_recv_window_above_60000_is_refused(doc_sandbox: Any, signed_request: Any) -> None:
    response = signed_request(doc_sandbox, "GET", "/api/v1/account", {"recvWindow": 60001})
    assert _error(response) == (400, -1100)
    assert "recvWindow" in response.json()["msg"]


def test_recv_window_60000_accepts_a_minute_old_request(
    doc_sandbox: Any, clock: FixedClock, signed_request: Any
) -> None:
    response = signed_request(
        doc_sandbox, "GET", "/api/v1/account", {"recvWindow": 60000}, timestamp=clock.now_ms() - 60000
    )
    assert response.status_code == 200, response.text


def test_unknown_key_is_refused(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}", key="A" * 64)
    assert _error(response) == (401, -2015)
    assert response.json()["msg"] == "Invalid API-key, IP, or permissions for action."


@pytest.mark.parametrize("key", ["", "not a key!", "k" * 129])
def test_malformed_key_is_refused(doc_sandbox: Any, key: str) -> None:
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}", key=key)
    assert _error(response) == (401, -2014)
    assert response.json()["msg"] == "API-key format invalid."


def test_missing_key_header_is_refused(doc_sandbox: Any) -> None:
    response = http.get(f"{doc_sandbox.base_url}/api/v1/account?timestamp={DOC_TIMESTAMP}&signature=00")
    assert _error(response) == (401, -2014)


def test_signature_of_another_secret_is_refused(doc_sandbox: Any, signed_request: Any) -> None:
    response = signed_request(doc_sandbox, "GET", "/api/v1/account", secret="S" * 64)
    assert _error(response) == (400, -1022)


def test_signature_sent_twice_is_refused(doc_sandbox: Any) -> None:
    response = _post(doc_sandbox, f"{VECTOR_QUERY}&signature={VECTOR_SIGNATURE}", f"signature={VECTOR_SIGNATURE}")
    assert _error(response) == (400, -1101)


# --- read-only key ------------------------------------------------------------------------


def test_read_only_key_reads_the_account(doc_sandbox: Any, signed_request: Any) -> None:
    response = signed_request(
        doc_sandbox, "GET", "/api/v1/account", key=doc_sandbox.readonly_api_key, secret=doc_sandbox.readonly_api_secret
    )
    assert response.status_code == 200, response.text
    assert response.json()["spotBalances"]


@pytest.mark.parametrize("method, path", [("POST", ORDER), ("POST", f"{ORDER}/test"), ("DELETE", ORDER)])
def test_read_only_key_is_refused_on_trade_endpoints(
    doc_sandbox: Any, signed_request: Any, method: str, path: str
) -> None:
    params = {"symbol": "LTCBTC", "side": "BUY", "type": "LIMIT", "quantity": "1", "price": "0.001", "orderId": "1"}
    response = signed_request(
        doc_sandbox, method, path, params, key=doc_sandbox.readonly_api_key, secret=doc_sandbox.readonly_api_secret
    )
    assert _error(response) == (401, -2015)
    assert doc_sandbox.call(lambda ex: ex.engine.open_orders("demo", "LTCBTC")) == []


# --- key-only endpoints -----------------------------------------------------------------------


def test_historical_trades_needs_the_key_but_no_signature(sandbox: Any) -> None:
    url = f"{sandbox.base_url}/api/v1/spot/historicalTrades?symbol=BTCUSDT"
    assert _error(http.get(url)) == (401, -2014)
    assert _error(http.get(url, headers={"X-JEX-APIKEY": "B" * 64})) == (401, -2015)
    response = http.get(url, headers={"X-JEX-APIKEY": sandbox.api_key})
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)


def test_market_endpoints_need_no_key(sandbox: Any) -> None:
    response = http.get(f"{sandbox.base_url}/api/v1/spot/depth?symbol=BTCUSDT&limit=5")
    assert response.status_code == 200
