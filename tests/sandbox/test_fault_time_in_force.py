"""The sandbox fault switch that ignores timeInForce: every new order becomes GTC."""

from __future__ import annotations

from typing import Any

import pytest
from support.sandbox import shared_http

from jextui.sandbox.cli import _config_from, build_parser
from jextui.sandbox.faults import FaultSettings

http = shared_http()
ORDER = "/api/v1/spot/order"


def far_ioc_buy(server: Any) -> dict[str, str]:
    bid = server.exchange.engine.depth("BTCUSDT", 5)[1][0][0]
    return {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "IOC",
        "quantity": "0.01",
        "price": f"{bid - 100}",
        "newOrderRespType": "RESULT",
    }


def test_admin_switch_turns_an_ioc_order_into_a_resting_gtc_one(make_sandbox: Any, signed_request: Any) -> None:
    server = make_sandbox(admin=True)
    admin = f"{server.base_url}/admin/faults"
    normal = signed_request(server, "POST", ORDER, far_ioc_buy(server)).json()
    assert (normal["timeInForce"], normal["status"]) == ("IOC", "CANCELED")

    assert http.post(admin, json={"ignore_time_in_force": True}).json()["ignore_time_in_force"] is True
    ignored = signed_request(server, "POST", ORDER, far_ioc_buy(server)).json()
    assert (ignored["timeInForce"], ignored["status"]) == ("GTC", "NEW")

    http.post(admin, json={"ignore_time_in_force": False})
    again = signed_request(server, "POST", ORDER, far_ioc_buy(server)).json()
    assert (again["timeInForce"], again["status"]) == ("IOC", "CANCELED")


def test_admin_switch_refuses_a_non_boolean(make_sandbox: Any) -> None:
    server = make_sandbox(admin=True)
    response = http.post(f"{server.base_url}/admin/faults", json={"ignore_time_in_force": "yes"})
    assert response.status_code == 400 and "ignore_time_in_force must be true or false" in response.json()["msg"]
    assert http.get(f"{server.base_url}/admin/faults").json()["ignore_time_in_force"] is False


def test_the_cli_flag_sets_it() -> None:
    parser = build_parser()
    on = _config_from(parser.parse_args(["--fault-ignore-tif"]), parser)
    off = _config_from(parser.parse_args([]), parser)
    assert on.fault_settings().ignore_time_in_force is True  # type: ignore[attr-defined]
    assert off.fault_settings().ignore_time_in_force is False  # type: ignore[attr-defined]
    assert "--fault-ignore-tif" in parser.format_help()


def test_it_is_not_a_per_request_fault() -> None:
    settings = FaultSettings(ignore_time_in_force=True)
    assert not settings.any_per_request and settings.as_dict()["ignore_time_in_force"] is True
    with pytest.raises(ValueError, match="true or false"):
        FaultSettings(ignore_time_in_force=1)  # type: ignore[arg-type]
