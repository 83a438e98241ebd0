"""Every endpoint's live JSON against the spec's example: same keys, same JSON types, recursively.

The oracle is the example blocks of the spec (``spec_examples/*.json``, see
the README there), not our own Structs.  Rules of the comparison:

* objects have exactly the example's keys (one documented relaxation: a
  symbol filter object carries the example's keys for its ``filterType`` plus
  other documented filter fields, all strings);
* arrays whose example elements all share one JSON type are lists: every live
  element is compared with the first example element (the live list must not
  be empty, or nothing would be checked); arrays of mixed types (a kline, a
  depth level) are tuples: same length, same type at each position;
* JSON numbers are one type (``1`` and ``0.5`` alike); booleans are not numbers;
* ``assetDetail`` is a mapping asset → object: every value is compared with
  the example's first value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.sandbox import DOC_API_KEY, DOC_API_SECRET, send_signed, shared_http
from support.spec_json import spec_example as _example

from jextui.sandbox.responses import fmt

http = shared_http()

FILTER_FIELDS = {"filterType", "minPrice", "maxPrice", "tickSize", "minQty", "maxQty", "stepSize", "minNotional"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _filters_mismatches(example: list[Any], live: Any, path: str) -> list[str]:
    if not isinstance(live, list) or not live:
        return [f"{path}: expected a non-empty array of filters, got {live!r}"]
    by_type = {item["filterType"]: item for item in example}
    problems: list[str] = []
    for index, item in enumerate(live):
        where = f"{path}[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("filterType"), str):
            problems.append(f"{where}: a filter must be an object with a filterType")
            continue
        required = set(by_type.get(item["filterType"], {"filterType": ""}))
        if missing := required - set(item):
            problems.append(f"{where}: missing {sorted(missing)}")
        if unknown := set(item) - FILTER_FIELDS:
            problems.append(f"{where}: undocumented fields {sorted(unknown)}")
        problems += [f"{where}.{key}: expected string" for key, value in item.items() if not isinstance(value, str)]
    return problems


def shape_mismatches(
    example: Any, live: Any, path: str = "$", *, mapping_paths: frozenset[str] = frozenset()
) -> list[str]:
    """Where ``live`` differs from ``example`` in keys or JSON types (empty when it matches)."""
    expected, got = _json_type(example), _json_type(live)
    if expected != got:
        return [f"{path}: expected {expected}, got {got} ({live!r:.60})"]
    if isinstance(example, dict):
        if path in mapping_paths:
            model = next(iter(example.values()))
            if not live:
                return [f"{path}: empty mapping, nothing to compare"]
            return [
                problem
                for key, value in live.items()
                for problem in shape_mismatches(model, value, f"{path}.{key}", mapping_paths=mapping_paths)
            ]
        problems = []
        if missing := set(example) - set(live):
            problems.append(f"{path}: missing keys {sorted(missing)}")
        if extra := set(live) - set(example):
            problems.append(f"{path}: unexpected keys {sorted(extra)}")
        for key in set(example) & set(live):
            if key == "filters":
                problems += _filters_mismatches(example[key], live[key], f"{path}.{key}")
            else:
                problems += shape_mismatches(example[key], live[key], f"{path}.{key}", mapping_paths=mapping_paths)
        return problems
    if isinstance(example, list):
        if not example:
            return []
        if len({_json_type(item) for item in example}) > 1:  # a positional tuple
            if len(live) != len(example):
                return [f"{path}: expected {len(example)} elements, got {len(live)}"]
            return [
                problem
                for index, (model, value) in enumerate(zip(example, live, strict=True))
                for problem in shape_mismatches(model, value, f"{path}[{index}]", mapping_paths=mapping_paths)
            ]
        if not live:
            return [f"{path}: empty array, nothing to compare"]
        return [
            problem
            for index, value in enumerate(live)
            for problem in shape_mismatches(example[0], value, f"{path}[{index}]", mapping_paths=mapping_paths)
        ]
    return []


# --- the oracle checks itself -------------------------------------------------------------


def test_oracle_catches_a_missing_key_a_wrong_type_and_a_short_tuple() -> None:
    example = {"a": "1", "b": [[1, "x", []]], "c": True}
    assert shape_mismatches(example, {"a": "2", "b": [[5, "y", []]], "c": False}) == []
    assert shape_mismatches(example, {"a": 2, "b": [[5, "y", []]], "c": False}) == [
        "$.a: expected string, got number (2)"
    ]
    assert shape_mismatches(example, {"a": "2", "b": [[5, "y"]], "c": False}) == ["$.b[0]: expected 3 elements, got 2"]
    assert shape_mismatches(example, {"a": "2", "b": [], "c": False}) == ["$.b: empty array, nothing to compare"]
    assert shape_mismatches(example, {"a": "2", "b": [[5, "y", []]], "c": 1})[0].startswith("$.c: expected boolean")
    assert shape_mismatches(example, {"a": "2", "b": [[5, "y", []]]}) == ["$: missing keys ['c']"]


# --- every endpoint ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(request: pytest.FixtureRequest) -> Any:
    """One sandbox with a little history on the demo account: open, filled and canceled orders."""
    from jextui.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(simulate=False, api_key=DOC_API_KEY, api_secret=DOC_API_SECRET)).start()
    request.addfinalizer(server.close)
    return server


@pytest.fixture(scope="module")
def orders(live: Any) -> dict[str, Any]:
    """A resting order, a filled one and a canceled one on JEXBTC (the spec's example symbol)."""
    book = http.get(f"{live.base_url}/api/v1/spot/ticker/bookTicker", params={"symbol": "JEXBTC"}).json()
    base = {"symbol": "JEXBTC", "type": "LIMIT", "timeInForce": "GTC", "quantity": "200"}
    resting = send_signed(
        live, "POST", "/api/v1/spot/order", {**base, "side": "BUY", "price": "0.00000100", "newOrderRespType": "ACK"}
    ).json()
    filled = send_signed(
        live,
        "POST",
        "/api/v1/spot/order",
        {**base, "side": "BUY", "price": book["askPrice"], "newOrderRespType": "RESULT"},
    ).json()
    to_cancel = send_signed(live, "POST", "/api/v1/spot/order", {**base, "side": "BUY", "price": "0.00000101"}).json()
    canceled = send_signed(
        live, "DELETE", "/api/v1/spot/order", {"symbol": "JEXBTC", "orderId": to_cancel["orderId"]}
    ).json()
    return {"resting": resting, "filled": filled, "canceled": canceled}


def _public(live: Any, path: str, **params: Any) -> Any:
    response = http.get(f"{live.base_url}{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _user(live: Any, method: str, path: str, **params: Any) -> Any:
    response = send_signed(live, method, path, params)
    assert response.status_code == 200, response.text
    return response.json()


def _check(example_name: str, value: Any, **kwargs: Any) -> None:
    assert shape_mismatches(_example(example_name), value, **kwargs) == []


def test_general_endpoints(live: Any) -> None:
    _check("ping", _public(live, "/api/v1/ping"))
    _check("time", _public(live, "/api/v1/time"))
    info = _public(live, "/api/v1/exchangeInfo")
    _check("exchange_info", info)
    assert {"BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"} <= {
        item["symbol"] for item in info["spotSymbols"]
    }
    spot_filters = {item["filterType"] for item in info["spotSymbols"][0]["filters"]}
    assert spot_filters == {"PRICE_FILTER", "LOT_SIZE", "MIN_NOTIONAL"}


def test_market_data_endpoints(live: Any, orders: dict[str, Any]) -> None:
    depth = _public(live, "/api/v1/spot/depth", symbol="JEXBTC", limit=5)
    _check("depth", depth)
    assert len(depth["bids"]) == len(depth["asks"]) == 5
    _check("trades", _public(live, "/api/v1/spot/trades", symbol="JEXBTC"))
    historical = http.get(
        f"{live.base_url}/api/v1/spot/historicalTrades",
        params={"symbol": "JEXBTC"},
        headers={"X-JEX-APIKEY": live.api_key},
    ).json()
    _check("historical_trades", historical)
    for interval in ("1m", "1h", "1w"):
        _check("klines", _public(live, "/api/v1/spot/klines", symbol="JEXBTC", interval=interval, limit=3))
    _check("avg_price", _public(live, "/api/v1/spot/avgPrice", symbol="JEXBTC"))


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/spot/ticker/24hr", "ticker_24hr"),
        ("/api/v1/spot/ticker/price", "ticker_price"),
        ("/api/v1/spot/ticker/bookTicker", "book_ticker"),
    ],
)
def test_tickers_for_one_symbol_and_for_all(live: Any, path: str, name: str) -> None:
    _check(name, _public(live, path, symbol="BNBBTC"))
    everything = _public(live, path)
    _check(f"{name}_all", everything)
    assert len(everything) >= 8


def test_order_endpoints(live: Any, orders: dict[str, Any]) -> None:
    _check("order_ack", orders["resting"])
    _check("order_result", orders["filled"])
    assert orders["filled"]["status"] == "FILLED"
    _check("order_cancel", orders["canceled"])
    _check(
        "order_test",
        _user(
            live,
            "POST",
            "/api/v1/spot/order/test",
            symbol="JEXBTC",
            side="BUY",
            type="LIMIT",
            quantity="200",
            price="0.00000100",
        ),
    )
    order = _user(live, "GET", "/api/v1/spot/order", symbol="JEXBTC", orderId=orders["filled"]["orderId"])
    _check("order_get", order)
    _check("open_orders", _user(live, "GET", "/api/v1/spot/openOrders", symbol="JEXBTC"))
    history = _user(live, "GET", "/api/v1/spot/historyOrders", symbol="JEXBTC")
    _check("history_orders", history)
    assert {"NEW", "FILLED", "CANCELED"} <= {item["status"] for item in history}


def test_account_and_wallet_endpoints(live: Any) -> None:
    _check("account", _user(live, "GET", "/api/v1/account"))
    _check("asset_detail", _user(live, "GET", "/wapi/v1/assetDetail"), mapping_paths=frozenset({"$"}))
    _check("deposit_address", _user(live, "GET", "/wapi/v1/depositAddress", asset="BTC"))
    _check("deposit_history", _user(live, "GET", "/wapi/v1/depositHistory"))
    _check("trade_fee", _user(live, "GET", "/wapi/v1/tradeFee"))
    _check("trade_fee", _user(live, "GET", "/wapi/v1/tradeFee", symbol="JEXBTC"))
    _check("withdraw_history", _user(live, "GET", "/wapi/v1/withdrawHistory"))


def test_user_stream_endpoints(live: Any) -> None:
    url = f"{live.base_url}/api/v1/userDataStream"
    started = http.post(url, headers={"X-JEX-APIKEY": live.api_key}).json()
    _check("user_stream_start", started)
    kept = http.put(url, params={"listenKey": started["listenKey"]}, headers={"X-JEX-APIKEY": live.api_key}).json()
    _check("ping", kept)  # {}


def test_decimals_are_strings_at_the_symbol_precision(live: Any) -> None:
    depth = _public(live, "/api/v1/spot/depth", symbol="BTCUSDT", limit=5)
    price, qty, _ = depth["bids"][0]
    assert len(price.split(".")[1]) == 2 and len(qty.split(".")[1]) == 6
    kline = _public(live, "/api/v1/spot/klines", symbol="JEXBTC", interval="1m", limit=1)[0]
    assert len(kline[1].split(".")[1]) == 8


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12, places=12),
    st.integers(min_value=0, max_value=8),
)
def test_decimal_strings_are_exact_plain_and_padded(value: Decimal, places: int) -> None:
    text = fmt(value, places)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == value  # never rounded
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert decimals >= places
