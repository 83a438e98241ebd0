"""Rate limits over HTTP with small limits and a fixed clock: weights, 429, 418 bans, order counts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.sandbox import shared_http

from jextui.sandbox.clock import FixedClock

http = shared_http()

MINUTE_START = 1_499_827_320_000  # a minute boundary: windows are easy to reason about
ORDER = "/api/v1/spot/order"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MINUTE_START + 15_000)  # 45 s before the minute ends


def _ping(server: Any) -> httpx.Response:
    return http.get(f"{server.base_url}/api/v1/ping")


def test_every_answer_reports_the_used_weight(make_sandbox: Any, clock: FixedClock) -> None:
    server = make_sandbox(clock=clock)
    base = server.base_url
    steps = [
        (f"{base}/api/v1/ping", 1),
        (f"{base}/api/v1/spot/depth?symbol=BTCUSDT", 1),
        (f"{base}/api/v1/spot/ticker/price", 2),
        (f"{base}/api/v1/spot/ticker/bookTicker", 2),
        (f"{base}/api/v1/spot/ticker/24hr", 40),
        (f"{base}/api/v1/spot/ticker/24hr?symbol=BTCUSDT", 1),
        (f"{base}/api/v1/spot/depth?symbol=NOPE", 1),  # refused requests count too
    ]
    used = 0
    for url, weight in steps:
        response = http.get(url)
        used += weight
        assert response.headers["X-MBX-USED-WEIGHT-1M"] == str(used), url
        assert response.headers["X-MBX-USED-WEIGHT"] == str(used)
    clock.advance(60_000)
    assert _ping(server).headers["X-MBX-USED-WEIGHT-1M"] == "1"  # a new minute


def test_signed_list_endpoints_weigh_five(sandbox: Any, signed_request: Any) -> None:
    first = signed_request(sandbox, "GET", "/api/v1/spot/openOrders", {"symbol": "BTCUSDT"})
    second = signed_request(sandbox, "GET", "/api/v1/spot/historyOrders", {"symbol": "BTCUSDT"})
    assert int(second.headers["X-MBX-USED-WEIGHT-1M"]) - int(first.headers["X-MBX-USED-WEIGHT-1M"]) == 5


def test_going_over_the_weight_limit_is_a_429_until_the_minute_ends(make_sandbox: Any, clock: FixedClock) -> None:
    server = make_sandbox(clock=clock, weight_per_minute=5)
    for _ in range(5):
        assert _ping(server).status_code == 200
    refused = _ping(server)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "45"
    assert refused.json() == {"code": -1003, "msg": "Too many requests; current limit is 5 requests per minute."}
    clock.set(MINUTE_START + 60_000)  # the client waited as told
    assert _ping(server).status_code == 200


def test_requests_during_a_429_escalate_to_a_growing_ban(make_sandbox: Any, clock: FixedClock) -> None:
    server = make_sandbox(clock=clock, weight_per_minute=2, ban_seconds=120, ban_after_strikes=2)
    _ping(server), _ping(server)
    assert _ping(server).status_code == 429
    assert _ping(server).status_code == 429  # first strike: still a 429
    banned = _ping(server)  # second strike: banned
    assert banned.status_code == 418
    assert banned.headers["Retry-After"] == "120"
    assert banned.json()["code"] == -1003
    assert "banned until" in banned.json()["msg"]
    clock.advance(90_000)  # a new minute, but the ban holds
    held = _ping(server)
    assert (held.status_code, held.headers["Retry-After"]) == (418, "30")
    clock.advance(30_000)
    assert _ping(server).status_code == 200
    # a repeat offender is banned for twice as long
    _ping(server)
    assert _ping(server).status_code == 429
    _ping(server)
    second_ban = _ping(server)
    assert (second_ban.status_code, second_ban.headers["Retry-After"]) == (418, "240")


def test_raw_request_limit(make_sandbox: Any, clock: FixedClock) -> None:
    server = make_sandbox(clock=clock, raw_requests_per_5m=3)
    for _ in range(3):
        assert _ping(server).status_code == 200
    refused = _ping(server)
    assert refused.status_code == 429
    assert refused.json()["msg"] == "Too many requests; current limit is 3 requests per 5 minutes."


def _order(server: Any, signed_request: Any, price: str = "1000.00") -> httpx.Response:
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": price}
    return signed_request(server, "POST", ORDER, params)


def test_order_rate_per_second(make_sandbox: Any, clock: FixedClock, signed_request: Any) -> None:
    server = make_sandbox(clock=clock, orders_per_second=2)
    first, second = _order(server, signed_request), _order(server, signed_request)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers["X-MBX-ORDER-COUNT-1S"] == "1" and second.headers["X-MBX-ORDER-COUNT-1S"] == "2"
    assert second.headers["X-MBX-ORDER-COUNT-1D"] == "2"
    third = _order(server, signed_request)
    assert third.status_code == 429
    assert third.json() == {"code": -1015, "msg": "Too many new orders; current limit is 2 orders per second."}
    assert third.headers["Retry-After"] == "1"
    assert len(server.call(lambda ex: ex.engine.open_orders("demo", "BTCUSDT"))) == 2
    clock.advance(1000)
    fourth = _order(server, signed_request)
    assert fourth.status_code == 200
    assert (fourth.headers["X-MBX-ORDER-COUNT-1S"], fourth.headers["X-MBX-ORDER-COUNT-1D"]) == ("1", "3")


def test_order_rate_per_day(make_sandbox: Any, clock: FixedClock, signed_request: Any) -> None:
    server = make_sandbox(clock=clock, orders_per_day=2)
    _order(server, signed_request)
    clock.advance(1000)
    _order(server, signed_request)
    clock.advance(1000)
    refused = _order(server, signed_request)
    assert refused.status_code == 429
    assert refused.json()["msg"] == "Too many new orders; current limit is 2 orders per day."


def test_exchange_info_lists_the_configured_limits(make_sandbox: Any) -> None:
    server = make_sandbox(weight_per_minute=600, orders_per_second=5, orders_per_day=1000, raw_requests_per_5m=900)
    limits = http.get(f"{server.base_url}/api/v1/exchangeInfo").json()["rateLimits"]
    assert [(item["rateLimitType"], item["interval"], item["intervalNum"], item["limit"]) for item in limits] == [
        ("requestsWeight", "minute", 1, 600),
        ("orders", "second", 1, 5),
        ("orders", "day", 1, 1000),
        ("rawRequests", "minute", 5, 900),
    ]
