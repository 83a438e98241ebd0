"""Real ``jextui sandbox`` processes killed with SIGKILL mid-session, then restarted.

With ``--state`` nothing the API acknowledged is lost: a resting order (and
its locked funds), a cancel and a fill are all there after ``kill -9`` right
after the answer.  With or without ``--state``, a restarted sandbox never
hands out an order id or a trade id an earlier run used.
"""

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
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET, send_signed, shared_http

from jextui.sandbox.cli import SECRET_ENV
from jextui.sandbox.clock import SystemClock

SYMBOL = "ETHUSDT"


@dataclass
class SandboxProcess:
    """One ``jextui sandbox`` process (the secret is passed in the environment, not in argv)."""

    args: tuple[str, ...]
    api_key: str = DOC_API_KEY
    api_secret: str = DOC_API_SECRET
    clock: SystemClock = field(default_factory=SystemClock)
    base_url: str = ""
    instance_id: str = ""
    banner: str = ""

    def __post_init__(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env[SECRET_ENV] = self.api_secret
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jextui", "sandbox", "--quiet", "--api-key", self.api_key, *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + 30
        while "Ctrl-C" not in self.banner:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"the sandbox did not start: {self.banner}{self._stderr()}"
            self.banner += line
        url = re.search(r"(http://127\.0\.0\.1:\d+)", self.banner)
        instance = re.search(r"instance:\s+(\w+)", self.banner)
        assert url is not None and instance is not None, self.banner
        self.base_url, self.instance_id = url.group(1), instance.group(1)

    def _stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    # --- the API -------------------------------------------------------------------------

    def signed(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        answer = send_signed(self, method, path, params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def place(self, side: str, price: str, quantity: str = "0.01") -> dict[str, Any]:
        return dict(
            self.signed(
                "POST",
                "/api/v1/spot/order",
                {
                    "symbol": SYMBOL,
                    "side": side,
                    "type": "LIMIT",
                    "quantity": quantity,
                    "price": price,
                    "newOrderRespType": "RESULT",
                },
            )
        )

    def order(self, order_id: int) -> dict[str, Any]:
        return dict(self.signed("GET", "/api/v1/spot/order", {"symbol": SYMBOL, "orderId": order_id}))

    def balances(self) -> dict[str, tuple[Decimal, Decimal]]:
        account = self.signed("GET", "/api/v1/account")
        return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in account["spotBalances"]}

    def best_ask(self) -> str:
        depth = shared_http().get(f"{self.base_url}/api/v1/spot/depth", params={"symbol": SYMBOL, "limit": 5})
        return str(depth.json()["asks"][0][0])

    def trade_ids(self) -> list[int]:
        """Every trade id the sandbox reports: its whole backfilled tape from the first id, and the newest."""
        headers = {"X-JEX-APIKEY": self.api_key}
        url = f"{self.base_url}/api/v1/spot/historicalTrades"
        pages = [
            httpx.get(url, params={"symbol": SYMBOL, "limit": 500, **extra}, headers=headers)
            for extra in ({"fromId": 0}, {})
        ]
        assert [page.status_code for page in pages] == [200, 200], pages[0].text
        return sorted({int(t["id"]) for page in pages for t in page.json()})


@pytest.fixture
def sandbox_process() -> Iterator[Any]:
    started: list[SandboxProcess] = []

    def start(*args: str) -> SandboxProcess:
        started.append(SandboxProcess(args))
        return started[-1]

    yield start
    for run in started:
        run.close()


def test_kill_9_right_after_the_answers_loses_nothing_with_a_state_file(sandbox_process: Any, tmp_path: Path) -> None:
    state = str(tmp_path / "sandbox.sqlite")
    first = sandbox_process("--state", state)
    resting = first.place("BUY", "1000.00")
    assert resting["status"] == "NEW"
    funds = first.balances()
    first.kill9()  # at once: today's periodic save would not have run yet

    second = sandbox_process("--state", state)
    assert second.instance_id == first.instance_id  # the same exchange, continued
    assert second.order(resting["orderId"])["status"] == "NEW"
    assert second.balances() == funds  # its 10 USDT are still locked
    assert funds["USDT"][1] == Decimal(10)
    canceled = second.signed("DELETE", "/api/v1/spot/order", {"symbol": SYMBOL, "orderId": resting["orderId"]})
    assert canceled["status"] == "CANCELED"
    filled = second.place("BUY", second.best_ask())
    assert filled["status"] == "FILLED"
    kept = second.place("SELL", "9000.00")
    funds = second.balances()
    second.kill9()

    third = sandbox_process("--state", state)
    assert third.order(resting["orderId"])["status"] == "CANCELED"
    assert third.order(filled["orderId"])["status"] == "FILLED"
    assert third.order(filled["orderId"])["executedQty"] == filled["executedQty"]
    assert third.order(kept["orderId"])["status"] == "NEW"
    assert third.balances() == funds  # the cancel's release, the fill's coins and the sell's lock
    later = third.place("BUY", "1000.00")
    assert later["orderId"] > max(resting["orderId"], filled["orderId"], kept["orderId"])


@pytest.mark.parametrize("with_state", [False, True], ids=["no state", "state"])
def test_a_restarted_sandbox_never_reuses_an_order_or_trade_id(
    sandbox_process: Any, tmp_path: Path, with_state: bool
) -> None:
    args = ("--state", str(tmp_path / "sandbox.sqlite")) if with_state else ()
    first = sandbox_process(*args)
    orders = [first.place("BUY", "1000.00")["orderId"], first.place("BUY", first.best_ask())["orderId"]]
    trades = first.trade_ids()
    first.kill9()

    second = sandbox_process(*args)
    assert (second.instance_id == first.instance_id) is with_state  # without a state file: a new exchange
    again = [second.place("BUY", "1000.00")["orderId"], second.place("BUY", second.best_ask())["orderId"]]
    assert min(again) > max(orders)
    new_trades = [t for t in second.trade_ids() if t not in set(trades)]
    assert new_trades and min(new_trades) > max(trades)
    if not with_state:  # a new exchange: its whole tape is new, the backfilled history included
        assert not set(second.trade_ids()) & set(trades)


def test_the_secret_from_a_file_or_the_environment_is_not_in_argv(sandbox_process: Any, tmp_path: Path) -> None:
    by_env = sandbox_process()
    secret_file = tmp_path / "secret"
    secret_file.write_text(DOC_API_SECRET + "\n")
    by_file = sandbox_process("--api-secret-file", str(secret_file))
    for run in (by_env, by_file):
        with open(f"/proc/{run.process.pid}/cmdline", "rb") as cmdline:
            assert DOC_API_SECRET.encode() not in cmdline.read()
        assert DOC_API_SECRET not in run.banner  # the banner says where it came from instead
        assert run.signed("GET", "/api/v1/account")["spotBalances"]  # and it signs requests
    assert SECRET_ENV in by_env.banner and str(secret_file) in by_file.banner


@pytest.mark.parametrize(
    "args, message",
    [
        (["--api-secret-file", "/no/such/secret"], "cannot read /no/such/secret"),
        (["--api-secret-file", "EMPTY"], "holds no secret"),
        (["--api-secret", DOC_API_SECRET, "--api-secret-file", "EMPTY"], "not both"),
        (["--api-secret-file", "BAD"], "letters and digits"),
    ],
)
def test_a_bad_secret_source_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    from jextui.sandbox.cli import main

    (tmp_path / "empty").write_text("\n")
    (tmp_path / "bad").write_text("not a secret!\n")
    args = [{"EMPTY": str(tmp_path / "empty"), "BAD": str(tmp_path / "bad")}.get(a, a) for a in args]
    assert main(["--api-key", DOC_API_KEY, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert DOC_API_SECRET not in err and "not a secret!" not in err
