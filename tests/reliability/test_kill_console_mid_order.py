"""kill -9 of the console while an order is in flight; restart; the journal agrees with the exchange.

Real processes and real time: a ``jextui sandbox`` process (with and without
``--state``; with it, the sandbox is restarted too), and either the real
console in a pseudo-terminal (keys ``b``, a quantity, Enter, ``y``; the next
start is the real console again) or a child process that places an order
the way the console does (the trading layer: journal first, then the
request).  The order's answer is held back by injected latency, the
child is killed with SIGKILL while it waits, and the next start's
reconciliation (what ``TradingActions.startup`` runs) must leave the journal
agreeing with the exchange: the order found when the engine has it, NOT
placed only when it does not, nothing left unknown.

``phase="after"``: the engine took the order before the answer was delayed.
``phase="before"``: the request was still waiting when the child died;
whether the exchange still goes on with it is its own affair (this sandbox
drops it), and the journal must match either way.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from support.sandbox import DOC_API_KEY, DOC_API_SECRET

from jextui.api.client import JexClient
from jextui.trading.journal import (
    ACCEPTED,
    KIND_ORDER,
    NOT_PLACED,
    RESOLVED,
    JournalError,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_read import read_entries
from jextui.trading.reconcile import Reconciler

ROOT = Path(__file__).resolve().parents[2]
SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"
LATENCY_MS = 2_500

CONSOLE = textwrap.dedent("""
    import asyncio, os, sys
    from decimal import Decimal
    from jextui.api.client import JexClient
    from jextui.trading.journal import OrderJournal, account_identity
    from jextui.trading.submit import OrderSubmitter
    from jextui.trading.ticket import OrderRequest

    async def main(base_url, journal_path, price):
        key, secret = os.environ["JEX_API_KEY"], os.environ["JEX_API_SECRET"]
        async with JexClient(base_url, key, secret) as client:
            await client.sync_time()
            journal = OrderJournal(journal_path, base_url=client.base_url, account=account_identity(key))
            order = OrderRequest(symbol="BTCUSDT", side="BUY", price=Decimal(price), quantity=Decimal("0.001"),
                                 time_in_force="GTC")
            outcome = await OrderSubmitter(client, journal).submit(order)
            print("ANSWERED", outcome.kind, flush=True)

    asyncio.run(main(*sys.argv[1:]))
""")


class SandboxProcess:
    """``jextui sandbox`` in a child process."""

    def __init__(self, tmp_path: Path, state: Path | None, port: int = 0) -> None:
        args = [
            sys.executable,
            "-m",
            "jextui",
            "sandbox",
            "--quiet",
            "--seed",
            "1",
            "--port",
            str(port),
            "--api-key",
            DOC_API_KEY,
            "--api-secret",
            DOC_API_SECRET,
            "--admin",
        ]
        if state is not None:
            args += ["--state", str(state)]
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path
        )
        assert self.process.stdout is not None
        banner = ""
        deadline = time.monotonic() + 30
        while "Ctrl-C" not in banner and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            banner += line
        match = re.search(r"(http://127\.0\.0\.1:(\d+))", banner)
        assert match is not None, f"the sandbox did not start: {banner!r}"
        self.base_url, self.port = match.group(1), int(match.group(2))

    def set_faults(self, **settings: object) -> None:
        answer = httpx.post(f"{self.base_url}/admin/faults", content=json.dumps(settings), timeout=10)
        assert answer.status_code == 200, answer.text

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def sandboxes(tmp_path: Path) -> Iterator[list[SandboxProcess]]:
    started: list[SandboxProcess] = []
    yield started
    for sandbox in started:
        sandbox.stop()


def wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def journal_orders(path: Path) -> list:  # type: ignore[type-arg]
    try:
        return [e for e in read_entries(path) if e.kind == KIND_ORDER]
    except (FileNotFoundError, JournalError):  # not there yet, or being created
        return []


async def reconcile_until_settled(base_url: str, path: Path) -> list[str]:
    """The next start's reconciliation, looked again until nothing is open (the grace period passes)."""
    messages: list[str] = []
    async with JexClient(base_url, DOC_API_KEY, DOC_API_SECRET) as client:
        await client.sync_time()
        with OrderJournal(path, base_url=client.base_url, account=account_identity(DOC_API_KEY)) as journal:
            deadline = time.monotonic() + 40
            while True:
                reports = await Reconciler(client, journal).reconcile_pending()
                messages += [report.message for report in reports]
                if all(report.settled for report in reports):
                    return messages
                assert time.monotonic() < deadline, f"still unsettled: {messages[-3:]}"
                time.sleep(1)


async def exchange_orders_at(base_url: str, price: Decimal) -> list:  # type: ignore[type-arg]
    async with JexClient(base_url, DOC_API_KEY, DOC_API_SECRET) as client:
        await client.sync_time()
        found = {int(o.order_id): o for o in await client.history_orders(SYMBOL)}
        found.update({int(o.order_id): o for o in await client.open_orders(SYMBOL)})
    return [o for o in found.values() if o.price == price and o.side == "BUY"]


@pytest.mark.parametrize("with_state", [False, True], ids=["no-state", "state"])
@pytest.mark.parametrize("phase", ["after", "before"])
async def test_kill_9_of_the_console_mid_order_leaves_a_journal_that_agrees_with_the_exchange(
    tmp_path: Path, sandboxes: list[SandboxProcess], with_state: bool, phase: str
) -> None:
    state = tmp_path / "sandbox.sqlite" if with_state else None
    sandbox = SandboxProcess(tmp_path, state)
    sandboxes.append(sandbox)
    async with JexClient(sandbox.base_url, DOC_API_KEY, DOC_API_SECRET) as client:
        bid = (await client.book_ticker(SYMBOL)).bid_price
    price = (bid * Decimal("0.8")).quantize(Decimal("0.01"))  # rests far below the market
    journal = tmp_path / "journal.sqlite"
    sandbox.set_faults(latency_ms=LATENCY_MS, paths=[ORDER_PATH], phase=phase)

    env = dict(os.environ, PYTHONPATH=str(ROOT), JEX_API_KEY=DOC_API_KEY, JEX_API_SECRET=DOC_API_SECRET)
    console = subprocess.Popen(
        [sys.executable, "-c", CONSOLE, sandbox.base_url, str(journal), f"{price:f}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    try:
        wait_for(lambda: any(e.state == "PENDING" for e in journal_orders(journal)), 30, "the order's intent")
        time.sleep(0.5)  # the request is out, its answer held back by the latency
        assert console.poll() is None, "the order was answered before the kill"
        console.send_signal(signal.SIGKILL)
        assert console.wait(10) == -signal.SIGKILL
    finally:
        if console.poll() is None:
            console.kill()
        console.communicate()
    time.sleep(LATENCY_MS / 1000 + 0.5)  # anything the sandbox still had in hand is done
    sandbox.set_faults(latency_ms=0, paths=[])

    if with_state:  # the exchange restarts too, from its state file, on the same address
        sandbox.stop()
        sandbox = SandboxProcess(tmp_path, state, port=sandbox.port)
        sandboxes.append(sandbox)

    messages = await reconcile_until_settled(sandbox.base_url, journal)

    [entry] = [e for e in journal_orders(journal) if e.price == price]
    on_exchange = await exchange_orders_at(sandbox.base_url, price)
    assert len(on_exchange) <= 1, "an order was placed twice"
    if on_exchange:
        assert entry.state in (RESOLVED, ACCEPTED), (entry.state, messages)
        assert entry.order_id == int(on_exchange[0].order_id)
        assert all("NOT placed" not in text for text in messages)
    else:
        assert entry.state == NOT_PLACED, (entry.state, messages)
    if phase == "after":
        assert on_exchange, "the engine took the order before its answer was held back"


# --- the real console, in a pseudo-terminal ----------------------------------------------------

BENCHMARKS = ROOT / "benchmarks"


def _pty_tools():
    sys.path.insert(0, str(BENCHMARKS))
    import _pty

    return _pty


def start_console(tmp_path: Path, base_url: str):
    """``jextui --base-url`` on a 160x48 pseudo-terminal, its folders under ``tmp_path``; waits for a live book."""
    pty = _pty_tools()
    env = pty.isolated_env(os.environ, str(tmp_path / "console"))
    env.update(PYTHONPATH=str(ROOT), JEX_API_KEY=DOC_API_KEY, JEX_API_SECRET=DOC_API_SECRET)
    process = pty.spawn(
        [sys.executable, "-m", "jextui", "--base-url", base_url], cols=160, rows=48, env=env, cwd=str(tmp_path)
    )
    screen = pty.Screen(160, 48)
    ready = process.watch(screen, {"book": pty.shows_live_book}, timeout=60)
    assert "book" in ready, "the console never showed a live book:\n" + screen.text()
    process.send(b"\x1b")  # a key that does nothing here: the very first one after start may be lost
    process.drain(1.0)
    return process, screen, Path(env["JEXTUI_DATA_DIR"])


def console_journal(data_dir: Path) -> Path:
    found = list(data_dir.rglob("journal*.sqlite"))
    return found[0] if found else data_dir / "journal.sqlite"


@pytest.mark.parametrize("with_state", [False, True], ids=["no-state", "state"])
async def test_kill_9_of_the_real_console_mid_order_then_its_next_start_agrees_with_the_exchange(
    tmp_path: Path, sandboxes: list[SandboxProcess], with_state: bool
) -> None:
    state = tmp_path / "sandbox.sqlite" if with_state else None
    sandbox = SandboxProcess(tmp_path, state)
    sandboxes.append(sandbox)
    sandbox.set_faults(latency_ms=LATENCY_MS, paths=[ORDER_PATH], phase="after")
    console, _screen, data_dir = start_console(tmp_path, sandbox.base_url)
    try:
        console.send(b"b")  # a BUY ticket, its price from the book, the quantity field focused
        console.drain(1.0)
        console.send(b"0.001")
        console.drain(0.5)
        console.send(b"\r")  # send: a confirmation first
        console.drain(0.5)
        console.send(b"y")
        wait_for(
            lambda: any(e.state == "PENDING" for e in journal_orders(console_journal(data_dir))),
            30,
            "the order's intent in the console's journal",
        )
        time.sleep(0.5)
        os.kill(console.pid, signal.SIGKILL)
        console.wait(10)
    finally:
        console.close()
    time.sleep(LATENCY_MS / 1000 + 0.5)
    sandbox.set_faults(latency_ms=0, paths=[])
    journal = console_journal(data_dir)
    [entry] = journal_orders(journal)
    assert entry.state == "PENDING"  # the answer never reached the killed console

    if with_state:
        sandbox.stop()
        sandbox = SandboxProcess(tmp_path, state, port=sandbox.port)
        sandboxes.append(sandbox)

    console, _screen, _ = start_console(tmp_path, sandbox.base_url)  # the next start reconciles
    try:
        wait_for(
            lambda: journal_orders(journal)[0].state not in ("PENDING", "UNKNOWN"),
            60,
            "the next start to settle the order",
        )
    finally:
        console.stop()
        console.close()
    [entry] = journal_orders(journal)
    on_exchange = await exchange_orders_at(sandbox.base_url, entry.price)
    assert len(on_exchange) == 1, "the engine took the order once"
    assert entry.state == RESOLVED and entry.order_id == int(on_exchange[0].order_id)
    assert entry.order_status == on_exchange[0].status
