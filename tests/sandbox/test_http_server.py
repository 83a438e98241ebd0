"""The in-process server: start, stop, restart, context manager, call(), keys, user streams, silence."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET, shared_http

from jextui.sandbox import SandboxConfig, SandboxServer

http = shared_http()


def _ping(server: Any) -> int:
    return http.get(f"{server.base_url}/api/v1/ping").status_code


def test_starts_on_a_free_loopback_port(sandbox: Any) -> None:
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert sandbox.port > 0
    assert sandbox.running
    assert _ping(sandbox) == 200
    assert (sandbox.api_key, sandbox.api_secret) == (DOC_API_KEY, DOC_API_SECRET)


def test_two_sandboxes_side_by_side(make_sandbox: Any) -> None:
    first, second = make_sandbox(), make_sandbox()
    assert first.port != second.port
    assert _ping(first) == _ping(second) == 200


def test_stop_closes_the_port_and_restart_keeps_port_and_state(sandbox: Any, signed_request: Any) -> None:
    params = {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"}
    order_id = signed_request(sandbox, "POST", "/api/v1/spot/order", params).json()["orderId"]
    port = sandbox.port
    sandbox.stop()
    assert not sandbox.running
    with pytest.raises(httpx.ConnectError):
        http.get(f"{sandbox.base_url}/api/v1/ping")
    sandbox.start()
    assert sandbox.port == port
    view = signed_request(sandbox, "GET", "/api/v1/spot/order", {"symbol": "ETHUSDT", "orderId": order_id})
    assert view.json()["status"] == "NEW"
    sandbox.restart()
    assert sandbox.port == port and _ping(sandbox) == 200


def test_a_kept_alive_client_survives_a_restart(sandbox: Any) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        assert client.get("/api/v1/ping").status_code == 200
        sandbox.restart()
        assert client.get("/api/v1/ping").status_code == 200


def test_context_manager_starts_and_stops() -> None:
    server = SandboxServer(SandboxConfig(simulate=False))
    with server as running:
        assert running is server and _ping(server) == 200
    assert not server.running
    server.stop()  # stopping twice is harmless


def test_generated_credentials_work_and_are_not_in_repr(signed_request: Any) -> None:
    with SandboxServer(SandboxConfig(simulate=False, readonly_key=True)) as server:
        assert len(server.api_key) == len(server.api_secret) == 64
        assert server.api_key != server.readonly_api_key
        assert server.api_secret not in repr(server) and server.api_secret not in repr(server.config)
        assert signed_request(server, "GET", "/api/v1/account").status_code == 200


def test_call_runs_on_the_server_loop(sandbox: Any) -> None:
    symbols = sandbox.call(lambda ex: sorted(ex.engine.symbols))
    assert {"BTCUSDT", "ETHUSDT", "LTCBTC", "JEXBTC"} <= set(symbols)


def test_add_api_key_opens_a_funded_account(sandbox: Any, signed_request: Any) -> None:
    key, secret = sandbox.add_api_key("alice")
    account = signed_request(sandbox, "GET", "/api/v1/account", key=key, secret=secret).json()
    assert any(float(balance["free"]) > 0 for balance in account["spotBalances"])


def test_bad_config_is_refused() -> None:
    for bad in (
        {"port": 70000},
        {"api_key": "only-a-key"},
        {"fault_drop_rate": 1.5},
        {"weight_per_minute": 0},
        {"fault_phase": "sometimes"},
        {"api_key": "bad key", "api_secret": "x"},
    ):
        with pytest.raises(ValueError):
            SandboxConfig(**bad)


def test_port_in_use_is_reported(sandbox: Any) -> None:
    clash = SandboxServer(SandboxConfig(simulate=False, port=sandbox.port))
    try:
        with pytest.raises(OSError):
            clash.start()
    finally:
        clash.close()


def test_the_server_prints_nothing(capfd: pytest.CaptureFixture[str], make_sandbox: Any) -> None:
    server = make_sandbox(fault_drop_rate=0.5)
    for _ in range(6):
        with contextlib.suppress(httpx.RemoteProtocolError):
            http.get(f"{server.base_url}/api/v1/spot/depth?symbol=BTCUSDT")
    server.stop()
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_user_data_stream_lifecycle(sandbox: Any) -> None:
    url = f"{sandbox.base_url}/api/v1/userDataStream"
    headers = {"X-JEX-APIKEY": sandbox.api_key}
    assert http.post(url).json()["code"] == -2014  # the key header is required
    listen_key = http.post(url, headers=headers).json()["listenKey"]
    assert isinstance(listen_key, str) and len(listen_key) >= 32
    assert http.post(url, headers=headers).json()["listenKey"] == listen_key  # one per account, extended
    assert http.put(url, params={"listenKey": listen_key}, headers=headers).json() == {}
    assert (
        http.request(
            "DELETE",
            url,
            content=f"listenKey={listen_key}",
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        ).json()
        == {}
    )
    gone = http.put(url, params={"listenKey": listen_key}, headers=headers)
    assert (gone.status_code, gone.json()["code"]) == (400, -1125)


def test_listen_key_expires_after_an_hour(make_sandbox: Any) -> None:
    from jextui.sandbox.clock import FixedClock

    clock = FixedClock(1_600_000_000_000)
    server = make_sandbox(clock=clock)
    url = f"{server.base_url}/api/v1/userDataStream"
    headers = {"X-JEX-APIKEY": server.api_key}
    listen_key = http.post(url, headers=headers).json()["listenKey"]
    clock.advance(59 * 60_000)
    assert http.put(url, params={"listenKey": listen_key}, headers=headers).status_code == 200  # extended
    clock.advance(59 * 60_000)
    assert http.put(url, params={"listenKey": listen_key}, headers=headers).status_code == 200
    clock.advance(61 * 60_000)
    assert http.put(url, params={"listenKey": listen_key}, headers=headers).json()["code"] == -1125


def test_listen_key_of_another_account_does_not_exist(sandbox: Any) -> None:
    url = f"{sandbox.base_url}/api/v1/userDataStream"
    listen_key = http.post(url, headers={"X-JEX-APIKEY": sandbox.api_key}).json()["listenKey"]
    other_key, _ = sandbox.add_api_key("bob")
    response = http.put(url, params={"listenKey": listen_key}, headers={"X-JEX-APIKEY": other_key})
    assert response.json()["code"] == -1125


def test_the_simulated_market_moves_by_itself(make_sandbox: Any) -> None:
    import time

    server = make_sandbox(simulate=True, tick_ms=20)
    url = f"{server.base_url}/api/v1/spot/depth?symbol=BTCUSDT&limit=5"
    first = http.get(url).json()["lastUpdateId"]
    deadline = time.monotonic() + 10
    while http.get(url).json()["lastUpdateId"] == first:
        assert time.monotonic() < deadline, "the book never changed"
        time.sleep(0.02)
