"""Fault injection: latency, 5xx, malformed JSON, dropped connections, clock skew, and the admin endpoint."""

from __future__ import annotations

import json
from typing import Any, Literal

import httpx
import pytest
from support.sandbox import shared_http

from jextui.sandbox.clock import FixedClock

http = shared_http()

ORDER = "/api/v1/spot/order"
ORDER_PARAMS = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"}


def _open_orders(server: Any) -> list[Any]:
    return server.call(lambda ex: ex.engine.open_orders("demo", "BTCUSDT"))


def test_latency_delays_the_answer_past_a_short_client_timeout(make_sandbox: Any) -> None:
    server = make_sandbox(fault_latency_ms=400)
    with pytest.raises(httpx.ReadTimeout):
        http.get(f"{server.base_url}/api/v1/ping", timeout=0.05)
    server.set_faults(latency_ms=0)
    assert http.get(f"{server.base_url}/api/v1/ping", timeout=5).status_code == 200


def test_5xx_answers_a_json_server_error(make_sandbox: Any) -> None:
    server = make_sandbox(fault_5xx_rate=1.0)
    statuses = set()
    for _ in range(12):
        response = http.get(f"{server.base_url}/api/v1/time")
        statuses.add(response.status_code)
        assert response.json()["code"] in (-1000, -1001, -1007)
    assert statuses <= {500, 502, 503, 504} and len(statuses) > 1


def test_malformed_answer_is_a_200_with_broken_json(make_sandbox: Any) -> None:
    server = make_sandbox(fault_malformed_rate=1.0)
    response = http.get(f"{server.base_url}/api/v1/spot/depth", params={"symbol": "BTCUSDT"})
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_drop_closes_the_connection_without_an_answer(make_sandbox: Any) -> None:
    server = make_sandbox(fault_drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(f"{server.base_url}/api/v1/ping")


@pytest.mark.parametrize("kind", ["5xx", "drop"])
def test_fault_after_the_engine_still_places_the_order(make_sandbox: Any, signed_request: Any, kind: str) -> None:
    rates = {"fault_5xx_rate": 1.0} if kind == "5xx" else {"fault_drop_rate": 1.0}
    server = make_sandbox(fault_phase="after", **rates)
    try:
        response = signed_request(server, "POST", ORDER, ORDER_PARAMS)
        assert response.status_code >= 500
    except httpx.RemoteProtocolError:
        assert kind == "drop"
    placed = _open_orders(server)
    assert len(placed) == 1  # exactly one order reached the engine although the client never heard of it
    assert (placed[0].side, str(placed[0].price)) == ("BUY", "1000.00")


@pytest.mark.parametrize("kind", ["5xx", "drop"])
def test_fault_before_the_engine_places_nothing(make_sandbox: Any, signed_request: Any, kind: str) -> None:
    rates = {"fault_5xx_rate": 1.0} if kind == "5xx" else {"fault_drop_rate": 1.0}
    server = make_sandbox(fault_phase="before", **rates)
    with pytest.raises(httpx.RemoteProtocolError) if kind == "drop" else _no_error():
        response = signed_request(server, "POST", ORDER, ORDER_PARAMS)
        assert response.status_code >= 500
    assert _open_orders(server) == []


class _no_error:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> Literal[False]:
        return False


def test_faults_limited_to_a_path_and_a_count(make_sandbox: Any, signed_request: Any) -> None:
    server = make_sandbox(fault_drop_rate=1.0, fault_phase="after", fault_paths=(ORDER,), fault_limit=1)
    assert http.get(f"{server.base_url}/api/v1/ping").status_code == 200  # other paths untouched
    with pytest.raises(httpx.RemoteProtocolError):
        signed_request(server, "POST", ORDER, ORDER_PARAMS)
    assert signed_request(server, "POST", ORDER, ORDER_PARAMS).status_code == 200  # only the first one
    assert len(_open_orders(server)) == 2


def test_random_phase_and_rates_are_reproducible_with_the_seed(make_sandbox: Any) -> None:
    def outcomes(server: Any) -> list[object]:
        seen: list[object] = []
        for _ in range(30):
            try:
                seen.append(http.get(f"{server.base_url}/api/v1/ping").status_code)
            except httpx.RemoteProtocolError:
                seen.append("drop")
        return seen

    settings = {"fault_5xx_rate": 0.3, "fault_drop_rate": 0.3, "fault_seed": 7}
    first, second = outcomes(make_sandbox(**settings)), outcomes(make_sandbox(**settings))
    assert first == second
    assert {"drop", 200} <= set(first)


def test_clock_skew_moves_server_time_and_the_timestamp_check(make_sandbox: Any, signed_request: Any) -> None:
    clock = FixedClock(1_600_000_000_000)
    server = make_sandbox(clock=clock, clock_skew_ms=10_000)
    assert http.get(f"{server.base_url}/api/v1/time").json() == {"serverTime": 1_600_000_010_000}
    late = signed_request(server, "GET", "/api/v1/account", timestamp=clock.now_ms())
    assert late.json()["code"] == -1021  # the client's clock is 10 s behind the server's
    server.set_faults(clock_skew_ms=0)
    assert signed_request(server, "GET", "/api/v1/account", timestamp=clock.now_ms()).status_code == 200


def test_admin_endpoint_is_absent_without_admin(sandbox: Any) -> None:
    for method in ("GET", "POST"):
        response = http.request(method, f"{sandbox.base_url}/admin/faults", json={"drop_rate": 1})
        assert response.status_code == 404
    assert http.get(f"{sandbox.base_url}/api/v1/ping").status_code == 200


def test_admin_endpoint_changes_faults_while_running(make_sandbox: Any) -> None:
    server = make_sandbox(admin=True)
    admin = f"{server.base_url}/admin/faults"
    assert http.get(admin).json()["error_5xx_rate"] == 0.0
    changed = http.post(admin, json={"error_5xx_rate": 1.0, "phase": "before"})
    assert changed.status_code == 200
    assert changed.json()["error_5xx_rate"] == 1.0
    assert http.get(f"{server.base_url}/api/v1/ping").status_code >= 500
    assert http.get(admin).status_code == 200  # the admin endpoint itself is never faulted
    http.post(admin, json={"error_5xx_rate": 0})
    assert http.get(f"{server.base_url}/api/v1/ping").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"drop_rate": 2},
        {"drop_rate": "x"},
        {"latency_ms": -1},
        {"unknown": 1},
        {"phase": "sometimes"},
        [1, 2],
        {"drop_rate": 0.6, "error_5xx_rate": 0.6},
    ],
)
def test_admin_endpoint_refuses_bad_settings(make_sandbox: Any, payload: Any) -> None:
    server = make_sandbox(admin=True)
    response = http.post(f"{server.base_url}/admin/faults", json=payload)
    assert response.status_code == 400
    assert response.json()["code"] == -1100
    assert http.get(f"{server.base_url}/admin/faults").json()["drop_rate"] == 0.0


def test_set_faults_refuses_unknown_names(sandbox: Any) -> None:
    with pytest.raises(ValueError, match="unknown fault setting"):
        sandbox.set_faults(explode=True)
