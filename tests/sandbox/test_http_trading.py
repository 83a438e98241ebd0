"""Orders over HTTP: fills, partial fills, cancels and fees move balances exactly."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx
import pytest
from support.sandbox import shared_http

http = shared_http()

SYMBOL = "BTCUSDT"
ORDER = "/api/v1/spot/order"
FEE_UNIT = Decimal("0.00000001")


class Trader:
    """One API key of the sandbox, speaking raw signed HTTP."""

    def __init__(self, server: Any, signed_request: Any, key: str, secret: str) -> None:
        self.server, self._send, self.key, self.secret = server, signed_request, key, secret

    def request(
        self, method: str, path: str, params: dict[str, Any] | None = None, where: str = "query"
    ) -> httpx.Response:
        return self._send(self.server, method, path, params, key=self.key, secret=self.secret, where=where)

    def ok(self, method: str, path: str, params: dict[str, Any] | None = None, where: str = "query") -> Any:
        response = self.request(method, path, params, where)
        assert response.status_code == 200, response.text
        return response.json()

    def order(self, side: str, qty: Decimal, price: Decimal, tif: str = "GTC", resp: str = "RESULT") -> Any:
        params = {
            "symbol": SYMBOL,
            "side": side,
            "type": "LIMIT",
            "timeInForce": tif,
            "quantity": str(qty),
            "price": str(price),
            "newOrderRespType": resp,
        }
        return self.ok("POST", ORDER, params, where="body")

    def balances(self) -> dict[str, tuple[Decimal, Decimal]]:
        account = self.ok("GET", "/api/v1/account")
        return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in account["spotBalances"]}

    def fees(self) -> tuple[Decimal, Decimal]:
        (row,) = self.ok("GET", "/wapi/v1/tradeFee", {"symbol": SYMBOL})
        return Decimal(str(row["maker"])), Decimal(str(row["taker"]))


@pytest.fixture
def traders(sandbox: Any, signed_request: Any) -> tuple[Trader, Trader]:
    maker = Trader(sandbox, signed_request, sandbox.api_key, sandbox.api_secret)
    taker = Trader(sandbox, signed_request, *sandbox.add_api_key("second-trader"))
    return maker, taker


def _inside_spread(server: Any) -> Decimal:
    """A price strictly inside the quiet book's spread: an order there rests alone at the top."""
    book = http.get(f"{server.base_url}/api/v1/spot/ticker/bookTicker", params={"symbol": SYMBOL}).json()
    bid, ask = Decimal(book["bidPrice"]), Decimal(book["askPrice"])
    tick = Decimal("0.01")
    assert ask - bid >= 2 * tick, "the seeded book needs a spread of at least two ticks"
    return ask - tick


def _fee(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(FEE_UNIT, rounding=ROUND_DOWN)


def test_resting_order_locks_funds_and_cancel_releases_them(traders: tuple[Trader, Trader]) -> None:
    maker, _ = traders
    before = maker.balances()
    price = _inside_spread(maker.server)
    placed = maker.order("BUY", Decimal("0.01"), price)
    assert placed["status"] == "NEW" and isinstance(placed["orderId"], int)
    locked = maker.balances()
    assert locked["USDT"] == (before["USDT"][0] - price * Decimal("0.01"), before["USDT"][1] + price * Decimal("0.01"))
    canceled = maker.ok("DELETE", ORDER, {"symbol": SYMBOL, "orderId": placed["orderId"]})
    assert canceled["status"] == "CANCELED" and canceled["orderId"] == placed["orderId"]
    assert isinstance(canceled["orderId"], int)
    assert maker.balances() == before


def test_partial_fill_then_cancel_moves_both_accounts_exactly(traders: tuple[Trader, Trader]) -> None:
    maker, taker = traders
    maker_fee, taker_fee = maker.fees()
    assert (maker_fee, taker_fee) == taker.fees()
    m0, t0 = maker.balances(), taker.balances()
    price = _inside_spread(maker.server)
    qty, hit = Decimal("0.010000"), Decimal("0.004000")

    resting = maker.order("SELL", qty, price)
    filled = taker.order("BUY", hit, price)
    assert filled["status"] == "FILLED"
    assert Decimal(filled["executedQty"]) == hit
    assert Decimal(filled["cummulativeQuoteQty"]) == hit * price

    view = maker.ok("GET", ORDER, {"symbol": SYMBOL, "orderId": resting["orderId"]})
    assert view["orderId"] == str(resting["orderId"])
    assert view["status"] == "PARTIALLY_FILLED"
    assert Decimal(view["executedQty"]) == hit

    quote = hit * price
    m1, t1 = maker.balances(), taker.balances()
    assert m1["BTC"] == (m0["BTC"][0] - qty, m0["BTC"][1] + qty - hit)
    assert m1["USDT"] == (m0["USDT"][0] + quote - _fee(quote, maker_fee), m0["USDT"][1])
    assert t1["BTC"] == (t0["BTC"][0] + hit - _fee(hit, taker_fee), t0["BTC"][1])
    assert t1["USDT"] == (t0["USDT"][0] - quote, t0["USDT"][1])

    canceled = maker.ok("DELETE", ORDER, {"symbol": SYMBOL, "orderId": resting["orderId"]})
    assert canceled["status"] == "CANCELED"
    assert Decimal(canceled["executedQty"]) == hit
    assert maker.balances()["BTC"] == (m0["BTC"][0] - hit, m0["BTC"][1])


def test_ioc_fills_what_it_can_and_cancels_the_rest(traders: tuple[Trader, Trader]) -> None:
    maker, taker = traders
    price = _inside_spread(maker.server)
    maker.order("SELL", Decimal("0.003"), price)
    t0 = taker.balances()
    result = taker.order("BUY", Decimal("0.005"), price, tif="IOC")
    assert result["status"] == "CANCELED"
    assert Decimal(result["executedQty"]) == Decimal("0.003")
    t1 = taker.balances()
    assert t1["USDT"] == (t0["USDT"][0] - Decimal("0.003") * price, t0["USDT"][1])


def test_fok_that_cannot_fill_changes_nothing(traders: tuple[Trader, Trader]) -> None:
    maker, taker = traders
    price = _inside_spread(maker.server)
    maker.order("SELL", Decimal("0.003"), price)
    m0, t0 = maker.balances(), taker.balances()
    result = taker.order("BUY", Decimal("0.005"), price, tif="FOK")
    assert result["status"] == "CANCELED" and Decimal(result["executedQty"]) == 0
    assert (maker.balances(), taker.balances()) == (m0, t0)


def test_open_and_history_orders_list_orders_with_string_ids(traders: tuple[Trader, Trader]) -> None:
    maker, _ = traders
    price = _inside_spread(maker.server)
    first = maker.order("BUY", Decimal("0.001"), price - Decimal("1"), resp="ACK")
    second = maker.order("BUY", Decimal("0.002"), price - Decimal("2"), resp="ACK")
    assert set(first) == {"symbol", "orderId", "transactTime"}
    maker.ok("DELETE", ORDER, {"symbol": SYMBOL, "orderId": first["orderId"]})
    open_orders = maker.ok("GET", "/api/v1/spot/openOrders", {"symbol": SYMBOL})
    assert [o["orderId"] for o in open_orders] == [str(second["orderId"])]
    history = maker.ok("GET", "/api/v1/spot/historyOrders", {"symbol": SYMBOL})
    statuses = {o["orderId"]: o["status"] for o in history}
    assert statuses[str(first["orderId"])] == "CANCELED"
    assert statuses[str(second["orderId"])] == "NEW"
    after = maker.ok("GET", "/api/v1/spot/historyOrders", {"symbol": SYMBOL, "orderId": second["orderId"]})
    assert [o["orderId"] for o in after] == [str(second["orderId"])]


def test_test_order_is_checked_but_not_placed(traders: tuple[Trader, Trader]) -> None:
    maker, _ = traders
    before = maker.balances()
    params = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"}
    assert maker.ok("POST", f"{ORDER}/test", params) == {}
    assert maker.ok("GET", "/api/v1/spot/openOrders", {"symbol": SYMBOL}) == []
    assert maker.balances() == before
    too_big = dict(params, quantity="9000", price="999999.99")
    response = maker.request("POST", f"{ORDER}/test", too_big)
    assert (response.status_code, response.json()["code"]) == (400, -2010)


@pytest.mark.parametrize(
    "changes, code, msg",
    [
        ({"price": "2000000.00"}, -9000, "Filter failure: PRICE_FILTER"),
        ({"quantity": "0.000001"}, -9000, "Filter failure: LOT_SIZE"),
        ({"quantity": "0.00001", "price": "100.00"}, -9000, "Filter failure: MIN_NOTIONAL"),
        ({"price": "1000.001"}, -1129, "error scale in parameter 'price', should be scale no more than '2'"),
        ({"quantity": "0.0000001"}, -1129, "error scale in parameter 'quantity', should be scale no more than '6'"),
        ({"quantity": "9000", "price": "999999.99"}, -2010, "Account has insufficient balance for requested action."),
        ({"price": "0"}, -2010, "Price * QTY is zero or less."),
    ],
)
def test_engine_rejections_carry_the_documented_code(
    traders: tuple[Trader, Trader], changes: dict[str, str], code: int, msg: str
) -> None:
    maker, _ = traders
    params = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00", **changes}
    response = maker.request("POST", ORDER, params)
    assert response.status_code == 400
    assert response.json() == {"code": code, "msg": msg}
    assert "X-MBX-ORDER-COUNT-1S" in response.headers


def test_unknown_and_closed_orders(traders: tuple[Trader, Trader]) -> None:
    maker, taker = traders
    missing = maker.request("GET", ORDER, {"symbol": SYMBOL, "orderId": 987654321})
    assert (missing.status_code, missing.json()) == (400, {"code": -2013, "msg": "Order does not exist."})
    price = _inside_spread(maker.server)
    mine = maker.order("BUY", Decimal("0.001"), price)
    theirs = taker.request("DELETE", ORDER, {"symbol": SYMBOL, "orderId": mine["orderId"]})
    assert theirs.json()["code"] == -2013  # another account's order does not exist for you
    maker.ok("DELETE", ORDER, {"symbol": SYMBOL, "orderId": mine["orderId"]})
    again = maker.request("DELETE", ORDER, {"symbol": SYMBOL, "orderId": mine["orderId"]})
    assert (again.status_code, again.json()["code"]) == (400, -2011)


def test_depth_shows_a_new_order_at_once_and_forgets_it_on_cancel(traders: tuple[Trader, Trader]) -> None:
    maker, _ = traders
    url = f"{maker.server.base_url}/api/v1/spot/depth"
    before = http.get(url, params={"symbol": SYMBOL, "limit": 5}).json()
    price = _inside_spread(maker.server)
    placed = maker.order("SELL", Decimal("0.5"), price)
    during = http.get(url, params={"symbol": SYMBOL, "limit": 5}).json()
    assert during["asks"][0][:2] == [str(price), "0.500000"]
    assert during["lastUpdateId"] > before["lastUpdateId"]
    maker.ok("DELETE", ORDER, {"symbol": SYMBOL, "orderId": placed["orderId"]})
    after = http.get(url, params={"symbol": SYMBOL, "limit": 5}).json()
    assert after["asks"] == before["asks"] and after["bids"] == before["bids"]
    assert after["lastUpdateId"] > during["lastUpdateId"]
