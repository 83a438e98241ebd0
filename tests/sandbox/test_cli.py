"""``jextui sandbox`` on the command line: banner, serving, Ctrl-C, bad flags."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jextui.sandbox.cli import main
from jextui.sandbox.clock import SystemClock

from conftest import DOC_API_KEY, DOC_API_SECRET, send_signed, shared_http

http = shared_http()


class CliRun:
    """``jextui sandbox`` in a child process; its stdout is read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([sys.executable, "-m", "jextui", "sandbox", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.out = ""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def read_until(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.out += line
            if re.search(pattern, line):
                return self.out
        raise AssertionError(f"never printed {pattern!r}; got {self.out!r}")

    def base_url(self) -> str:
        match = re.search(r"(http://127\.0\.0\.1:\d+)", self.read_until(r"Ctrl-C"))
        assert match is not None
        return match.group(1)

    def finish(self, sig: int | None = None, timeout: float = 20.0) -> tuple[int, str, str]:
        """Send ``sig`` (if any), wait for the end: (exit status, all stdout, stderr)."""
        if sig is not None:
            self.process.send_signal(sig)
        status = self.process.wait(timeout)
        while (line := self._lines.get(timeout=timeout)) is not None:
            self.out += line
        assert self.process.stderr is not None
        return status, self.out, self.process.stderr.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def run_cli() -> Iterator[Any]:
    runs: list[CliRun] = []

    def start(*args: str) -> CliRun:
        runs.append(CliRun(*args))
        return runs[-1]

    yield start
    for run in runs:
        run.close()


def test_serves_prints_credentials_and_stops_cleanly_on_ctrl_c(run_cli: Any) -> None:
    run = run_cli("--port", "0", "--quiet", "--api-key", DOC_API_KEY, "--api-secret", DOC_API_SECRET,
                  "--readonly-key", "--admin")
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


@pytest.mark.parametrize("args, message", [
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
])
def test_bad_flags_exit_2_with_a_clear_message(capsys: pytest.CaptureFixture[str], args: list[str],
                                               message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_help_lists_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--port", "--seed", "--symbols", "--quiet", "--api-key", "--readonly-key", "--state", "--admin",
                 "--fault-latency", "--fault-5xx", "--fault-malformed", "--fault-drop", "--clock-skew",
                 "--weight-limit", "--orders-per-second", "--ban-after", "--fault-limit", "--fault-path"):
        assert flag in out


@dataclass
class _Remote:
    """A sandbox run by the CLI, as ``send_signed`` needs it."""

    base_url: str
    api_key: str = DOC_API_KEY
    api_secret: str = DOC_API_SECRET
    clock: SystemClock = field(default_factory=SystemClock)


def test_state_file_keeps_orders_across_runs(run_cli: Any, tmp_path: Path) -> None:
    args = ("--quiet", "--state", str(tmp_path / "sandbox.db"), "--api-key", DOC_API_KEY,
            "--api-secret", DOC_API_SECRET)
    first = run_cli(*args)
    params = {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "1000.00"}
    order_id = send_signed(_Remote(first.base_url()), "POST", "/api/v1/spot/order", params).json()["orderId"]
    assert first.finish(signal.SIGINT)[0] == 0

    second = run_cli(*args)
    view = send_signed(_Remote(second.base_url()), "GET", "/api/v1/spot/order",
                       {"symbol": "ETHUSDT", "orderId": order_id})
    assert view.json()["status"] == "NEW"
    assert second.finish(signal.SIGINT)[0] == 0


def test_unreadable_state_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = tmp_path / "not-a-database.db"
    state.write_bytes(b"this is not SQLite" * 100)
    assert main(["--quiet", "--state", str(state)]) == 1
    err = capsys.readouterr().err
    assert "cannot start" in err and "Traceback" not in err
