"""Parameter parsing and validation over HTTP: the documented codes and messages, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.sandbox import shared_http

http = shared_http()

ORDER = "/api/v1/spot/order"
GOOD_ORDER = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "0.01",
    "price": "1000.00",
}


def _get(server: Any, path: str, params: Any = None) -> httpx.Response:
    return http.get(f"{server.base_url}{path}", params=params)


def _code(response: httpx.Response) -> int:
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["code"]


# --- public endpoints ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, params, code, msg",
    [
        ("/api/v1/spot/depth", {}, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
        (
            "/api/v1/spot/depth",
            {"symbol": ""},
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        ),
        ("/api/v1/spot/depth", {"symbol": "NOPE"}, -1121, "Invalid symbol."),
        (
            "/api/v1/spot/depth",
            {"symbol": "btc usdt"},
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        ),
        ("/api/v1/spot/depth", {"symbol": "nope"}, -1121, "Invalid symbol."),
        (
            "/api/v1/spot/depth",
            {"symbol": "BTCUSDT", "limit": "7"},
            -1100,
            "Illegal characters found in parameter 'limit'; legal range is '5, 10, 20, 50, 60'.",
        ),
        (
            "/api/v1/spot/depth",
            {"symbol": "BTCUSDT", "limit": "ten"},
            -1100,
            "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,19}$'.",
        ),
        ("/api/v1/spot/depth", {"symbol": "BTCUSDT", "limit": ""}, -1105, "Parameter 'limit' was empty."),
        (
            "/api/v1/spot/trades",
            {"symbol": "BTCUSDT", "limit": "61"},
            -1100,
            "Illegal characters found in parameter 'limit'; legal range is '1 - 60'.",
        ),
        (
            "/api/v1/spot/klines",
            {"symbol": "BTCUSDT"},
            -1102,
            "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
        ),
        ("/api/v1/spot/klines", {"symbol": "BTCUSDT", "interval": "2m"}, -1120, "Invalid interval."),
        (
            "/api/v1/spot/klines",
            {"symbol": "BTCUSDT", "interval": "1m", "limit": "1001"},
            -1100,
            "Illegal characters found in parameter 'limit'; legal range is '1 - 1000'.",
        ),
        (
            "/api/v1/spot/klines",
            {"symbol": "BTCUSDT", "interval": "1m", "startTime": "2000", "endTime": "1000"},
            -1127,
            "endTime must be greater than or equal to startTime.",
        ),
        (
            "/api/v1/spot/klines",
            {"symbol": "BTCUSDT", "interval": "1m", "startTime": "-5"},
            -1100,
            "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,19}$'.",
        ),
        (
            "/api/v1/spot/klines",
            {"symbol": "BTCUSDT", "interval": "1m", "endTime": "99999999999999999999"},
            -1100,
            "Illegal characters found in parameter 'endTime'; legal range is '^[0-9]{1,19}$'.",
        ),
        ("/api/v1/spot/ticker/24hr", {"symbol": "NOPE"}, -1121, "Invalid symbol."),
        (
            "/api/v1/spot/ticker/price",
            {"symbol": "bad symbol"},
            -1100,
            "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
        ),
    ],
)
def test_public_parameter_errors(sandbox: Any, path: str, params: dict[str, str], code: int, msg: str) -> None:
    response = _get(sandbox, path, params)
    assert response.status_code == 400
    assert response.json() == {"code": code, "msg": msg}


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/v1/spot/depth", {"symbol": "btcusdt", "limit": "5"}),
        ("/api/v1/spot/ticker/24hr", {"symbol": "BtcUsdt"}),
        ("/api/v1/spot/ticker/price", {"symbol": "ethbtc"}),
        ("/api/v1/spot/ticker/bookTicker", {"symbol": "ltcBTC"}),
        ("/api/v1/spot/trades", {"symbol": "jexusdt", "limit": "3"}),
        ("/api/v1/spot/klines", {"symbol": "btcusdt", "interval": "1m", "limit": "2"}),
        ("/api/v1/spot/avgPrice", {"symbol": "dashusdt"}),
    ],
)
def test_symbol_in_any_case_is_read_as_its_uppercase(sandbox: Any, path: str, params: dict[str, str]) -> None:
    lower = _get(sandbox, path, params)
    upper = _get(sandbox, path, {**params, "symbol": params["symbol"].upper()})
    assert lower.status_code == upper.status_code == 200, lower.text
    body = lower.json()
    if isinstance(body, dict) and "symbol" in body:
        assert body["symbol"] == params["symbol"].upper()
    if path.endswith("/depth"):
        assert body["lastUpdateId"] <= upper.json()["lastUpdateId"]


def test_lowercase_symbol_places_and_lists_the_canonical_order(sandbox: Any, signed_request: Any) -> None:
    placed = signed_request(sandbox, "POST", ORDER, {**GOOD_ORDER, "symbol": "btcusdt"})
    assert placed.status_code == 200, placed.text
    assert placed.json()["symbol"] == "BTCUSDT"
    listed = signed_request(sandbox, "GET", "/api/v1/spot/openOrders", {"symbol": "btcUSDT"})
    assert listed.status_code == 200, listed.text
    assert [order["symbol"] for order in listed.json()] == ["BTCUSDT"]
    assert len(sandbox.call(lambda ex: ex.engine.open_orders("demo", "BTCUSDT"))) == 1


def test_repeated_parameter_is_refused(sandbox: Any) -> None:
    response = http.get(f"{sandbox.base_url}/api/v1/spot/depth?symbol=BTCUSDT&symbol=ETHUSDT")
    assert response.json() == {"code": -1101, "msg": "Duplicate values for a parameter detected."}


def test_too_many_parameters_are_refused(sandbox: Any) -> None:
    query = "&".join(f"p{i}=1" for i in range(100))
    response = http.get(f"{sandbox.base_url}/api/v1/ping?{query}")
    assert (response.status_code, _code(response)) == (400, -1101)


def test_bad_percent_encoding_is_refused(sandbox: Any) -> None:
    response = http.get(f"{sandbox.base_url}/api/v1/spot/depth?symbol=%ff%fe")
    assert response.json() == {"code": -1100, "msg": "Illegal characters found in a parameter."}


def test_unknown_parameters_are_ignored(sandbox: Any) -> None:
    response = _get(sandbox, "/api/v1/spot/depth", {"symbol": "BTCUSDT", "limit": "5", "extra": "x"})
    assert response.status_code == 200
    assert len(response.json()["bids"]) <= 5


def test_unknown_path_is_a_json_404(sandbox: Any) -> None:
    for path in ("/nope", "/api/v1/ping/", "/api/v2/ping", "/admin/faults"):
        response = http.get(f"{sandbox.base_url}{path}")
        assert response.status_code == 404
        assert response.json() == {"code": -1020, "msg": "This operation is not supported."}


def test_wrong_method_is_a_json_405(sandbox: Any) -> None:
    response = http.post(f"{sandbox.base_url}/api/v1/spot/depth")
    assert response.status_code == 405
    assert _code(response) == -1020


def test_oversized_body_is_refused(sandbox: Any) -> None:
    response = http.post(
        f"{sandbox.base_url}{ORDER}", content=b"a=" + b"1" * 70_000, headers={"X-JEX-APIKEY": sandbox.api_key}
    )
    assert response.status_code == 413
    assert _code(response) == -1101


# --- order parameters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, code, msg",
    [
        ({"side": "HOLD"}, -1117, "Invalid side."),
        ({"side": ""}, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed."),
        ({"type": "ICEBERG"}, -1116, "Invalid orderType."),
        ({"type": "MARKET"}, -1014, "Unsupported order combination."),
        ({"timeInForce": "GTX"}, -1115, "Invalid timeInForce."),
        ({"quantity": "1e3"}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
        ({"quantity": "-1"}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
        ({"price": "NaN"}, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
        ({"price": "1." + "0" * 21}, -1111, "Precision is over the maximum defined for this asset."),
        (
            {"newOrderRespType": "FULL"},
            -1100,
            "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT'.",
        ),
        ({"symbol": "XYZ"}, -1121, "Invalid symbol."),
    ],
)
def test_order_parameter_errors(
    sandbox: Any, signed_request: Any, changes: dict[str, str], code: int, msg: str
) -> None:
    response = signed_request(sandbox, "POST", ORDER, {**GOOD_ORDER, **changes})
    assert (response.status_code, response.json()) == (400, {"code": code, "msg": msg})
    assert sandbox.call(lambda ex: ex.engine.open_orders("demo", "BTCUSDT")) == []


def test_missing_order_parameter_is_named(sandbox: Any, signed_request: Any) -> None:
    for name in ("symbol", "side", "type", "quantity", "price"):
        params = {key: value for key, value in GOOD_ORDER.items() if key != name}
        response = signed_request(sandbox, "POST", ORDER, params)
        assert response.json()["code"] == -1102
        assert f"'{name}'" in response.json()["msg"]


def test_time_in_force_defaults_to_gtc(sandbox: Any, signed_request: Any) -> None:
    params = {key: value for key, value in GOOD_ORDER.items() if key != "timeInForce"}
    response = signed_request(sandbox, "POST", ORDER, {**params, "newOrderRespType": "RESULT"})
    assert response.status_code == 200, response.text
    assert response.json()["timeInForce"] == "GTC"


def test_query_string_wins_over_the_body(sandbox: Any) -> None:
    from urllib.parse import urlencode

    from jextui.api.signing import sign

    body = urlencode(
        {**GOOD_ORDER, "quantity": "0.02", "newOrderRespType": "RESULT", "timestamp": sandbox.clock.now_ms()}
    )
    query = "quantity=0.03"
    signature = sign(sandbox.api_secret, query + body)
    response = http.post(
        f"{sandbox.base_url}{ORDER}?{query}&signature={signature}",
        content=body,
        headers={"X-JEX-APIKEY": sandbox.api_key, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["origQty"] == "0.030000"


def test_get_request_body_is_ignored(sandbox: Any) -> None:
    response = http.request(
        "GET", f"{sandbox.base_url}/api/v1/spot/depth?symbol=BTCUSDT&limit=5", content=b"symbol=ETHUSDT&limit=oops"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path, params, code",
    [
        ("/api/v1/spot/order", {"symbol": "BTCUSDT"}, -1102),
        ("/api/v1/spot/order", {"symbol": "BTCUSDT", "orderId": "12x"}, -1102),
        ("/api/v1/spot/openOrders", {"symbol": "BTCUSDT", "limit": "501"}, -1100),
        ("/api/v1/spot/historyOrders", {"symbol": "BTCUSDT", "startTime": "5", "endTime": "4"}, -1127),
        ("/wapi/v1/depositAddress", {}, -1102),
        ("/wapi/v1/depositAddress", {"asset": "NOPE"}, -8006),
        ("/wapi/v1/depositHistory", {"status": "3"}, -1100),
        ("/wapi/v1/withdrawHistory", {"status": "7"}, -1100),
        ("/wapi/v1/withdrawHistory", {"startTime": "0", "endTime": str(91 * 86_400_000)}, -1127),
        ("/wapi/v1/tradeFee", {"symbol": "NOPE"}, -1121),
    ],
)
def test_user_data_parameter_errors(
    sandbox: Any, signed_request: Any, path: str, params: dict[str, str], code: int
) -> None:
    response = signed_request(sandbox, "GET", path, params)
    assert response.status_code == 400
    assert _code(response) == code


def test_user_stream_needs_a_known_listen_key(sandbox: Any) -> None:
    headers = {"X-JEX-APIKEY": sandbox.api_key}
    url = f"{sandbox.base_url}/api/v1/userDataStream"
    missing = http.put(url, headers=headers)
    assert _code(missing) == -1102
    unknown = http.put(url, params={"listenKey": "x" * 60}, headers=headers)
    assert unknown.json() == {"code": -1125, "msg": "This listenKey does not exist."}
