"""``jextui sandbox`` on the command line: banner, serving, Ctrl-C, bad flags."""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET, send_signed, shared_http

from jextui.sandbox.cli import main
from jextui.sandbox.clock import SystemClock

http = shared_http()


def test_serves_prints_credentials_and_stops_cleanly_on_ctrl_c(run_cli: Any) -> None:
    run = run_cli(
        "--port", "0", "--quiet", "--api-key", DOC_API_KEY, "--api-secret", DOC_API_SECRET, "--readonly-key", "--admin"
    )
    base_url = run.base_url()
    assert DOC_API_KEY in run.out and DOC_API_SECRET in run.out
    assert "read-only key" in run.out and "/admin/faults" in run.out
    assert http.get(f"{base_url}/api/v1/ping").json() == {}
    assert http.get(f"{base_url}/admin/faults").status_code == 200
    status, out, err = run.finish(signal.SIGINT)
    assert status == 0
    assert "stopped" in out
    assert err == ""


def test_generates_credentials_and_stops_on_sigterm(run_cli: Any) -> None:
    run = run_cli("--quiet", "--seed", "3", "--symbols", "2", "--fault-latency", "5")
    base_url = run.base_url()
    key = re.search(r"demo API key:\s+(\w+)", run.out)
    assert key is not None and len(key.group(1)) == 64
    info = http.get(f"{base_url}/api/v1/exchangeInfo").json()
    assert {"SYM001USDT", "SYM002USDT"} <= {item["symbol"] for item in info["spotSymbols"]}
    assert http.get(f"{base_url}/admin/faults").status_code == 404  # no --admin
    status, _, err = run.finish(signal.SIGTERM)
    assert (status, err) == (0, "")


def test_busy_port_is_reported_without_a_traceback(run_cli: Any, sandbox: Any) -> None:
    status, _, err = run_cli("--quiet", "--port", str(sandbox.port)).finish()
    assert status == 1
    assert "cannot listen" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "out of range"),
        (["--port", "http"], "not a whole number"),
        (["--fault-5xx", "1.5"], "between 0 and 1"),
        (["--fault-drop", "lots"], "between 0 and 1"),
        (["--fault-latency", "-1"], "out of range"),
        (["--api-key", "abc"], "--api-key and --api-secret go together"),
        (["--api-key", "bad key", "--api-secret", "x"], "letters and digits"),
        (["--weight-limit", "0"], "out of range"),
        (["--fault-phase", "sometimes"], "invalid choice"),
        (["--fault-5xx", "0.6", "--fault-drop", "0.6"], "add up to at most 1"),
        (["--state", "/no/such/folder/state.db"], "does not exist"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_flags_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_help_lists_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in (
        "--port",
        "--seed",
        "--symbols",
        "--quiet",
        "--api-key",
        "--readonly-key",
        "--state",
        "--admin",
        "--fault-latency",
        "--fault-5xx",
        "--fault-malformed",
        "--fault-drop",
        "--clock-skew",
        "--weight-limit",
        "--orders-per-second",
        "--ban-after",
        "--fault-limit",
        "--fault-path",
    ):
        assert flag in out


@dataclass
class _Remote:
    """A sandbox run by the CLI, as ``send_signed`` needs it."""

    base_url: str
    api_key: str = DOC_API_KEY
    api_secret: str = DOC_API_SECRET
    clock: SystemClock = field(default_factory=SystemClock)


def test_state_file_keeps_orders_across_runs(run_cli: Any, tmp_path: Path) -> None:
    args = (
        "--quiet",
        "--state",
        str(tmp_path / "sandbox.db"),
        "--api-key",
        DOC_API_KEY,
        "--api-secret",
        DOC_API_SECRET,
    )
    first = run_cli(*args)
    params = {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"}
    order_id = send_signed(_Remote(first.base_url()), "POST", "/api/v1/spot/order", params).json()["orderId"]
    assert first.finish(signal.SIGINT)[0] == 0

    second = run_cli(*args)
    view = send_signed(
        _Remote(second.base_url()), "GET", "/api/v1/spot/order", {"symbol": "ETHUSDT", "orderId": order_id}
    )
    assert view.json()["status"] == "NEW"
    assert second.finish(signal.SIGINT)[0] == 0


def test_unreadable_state_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = tmp_path / "not-a-database.db"
    state.write_bytes(b"this is not SQLite" * 100)
    assert main(["--quiet", "--state", str(state)]) == 1
    err = capsys.readouterr().err
    assert "cannot start" in err and "Traceback" not in err
