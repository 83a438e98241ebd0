"""Keystroke to order visible in the open-orders pane, in demo mode.

Runs the real console headless (``App.run_test``) in demo mode on an
in-process sandbox with its living market and the real clock, order
confirmation off — as a trader who switched it off would use it.  Each run:

1. press ``b`` (the ticket opens, prefilled from the book);
2. set a price below the best bid (the order rests) and a small quantity;
3. press Enter, and time until the open-orders pane lists the new order id.

Keys are sent the way the terminal driver sends them (not through the test
pilot, which waits for the whole screen to settle after each key).  It
reports three spans from the Enter keystroke — the RESULT answer shown in
the ticket, the order id in the open-orders pane's data (the feed's
refreshed open-orders answer) and the pane's next painted line — and the
``b`` keystroke to a ready ticket.  Between runs the order is cancelled
directly (not timed).

    python benchmarks/bench_order_latency.py [--runs 30] [--size 160x48]

Goal (issue 5): p50 of Enter → order in the open-orders pane <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual import events

from jextui.config import RefreshPeriods, Settings
from jextui.sandbox import SandboxConfig
from jextui.session import SessionOptions
from jextui.ui.app import AppOptions, JexApp
from jextui.ui.screens.ticket import TicketScreen

SYMBOL = "BTCUSDT"
GOAL_P50_MS = 150.0


def settings_in(directory: Path) -> Settings:
    data = directory / "data"
    return Settings(
        profile_name="demo",
        demo=True,
        base_url=None,
        api_key=None,
        api_secret=None,
        allow_insecure_http=False,
        watchlist=(SYMBOL, "ETHUSDT", "LTCBTC"),
        theme="jextui-dark",
        refresh=RefreshPeriods(),
        weight_share=0.8,
        confirm_orders=False,
        bell=False,
        fat_finger_pct=Decimal(5),
        config_path=directory / "config.toml",
        log_path=directory / "jextui.log",
        data_dir=data,
        log_level="WARNING",
        themes_dir=directory / "themes",
        state_path=data / "state.json",
        journal_path=data / "journal.sqlite",
    )


async def wait_for(condition: Any, timeout_s: float = 10.0, step_s: float = 0.001) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(step_s)


class PaneWatch:
    """Records when the open-orders pane receives an order id and when it next paints a line."""

    def __init__(self, pane: Any) -> None:
        self.pane = pane
        self.wanted: int | None = None
        self.data_at: float | None = None
        self.painted_at: float | None = None
        update, render_line = pane.update_orders, pane.render_line

        def update_orders(orders: Any) -> None:
            update(orders)
            if self.data_at is None and any(int(order.order_id) == self.wanted for order in orders):
                self.data_at = time.perf_counter()

        def painted(y: int) -> Any:
            strip = render_line(y)
            if self.data_at is not None and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return strip

        pane.update_orders = update_orders
        pane.render_line = painted

    def expect(self, order_id: int | None) -> None:
        self.wanted, self.data_at, self.painted_at = order_id, None, None


def press(app: JexApp, key: str, character: str | None) -> float:
    """Send a key the way the terminal driver does; the time it was sent."""
    event = events.Key(key, character)
    event.set_sender(app)
    sent = time.perf_counter()
    app._driver.send_message(event)  # type: ignore[union-attr]  # the app is running: it has a driver
    return sent


async def one_run(app: JexApp, watch: PaneWatch) -> dict[str, float]:
    started = press(app, "b", "b")
    await wait_for(
        lambda: (
            isinstance(app.screen, TicketScreen)
            and app.screen.ticket.free_balances is not None
            and bool(app.screen.query("#quantity"))
        )
    )
    ticket = app.screen
    assert isinstance(ticket, TicketScreen)
    ticket_ready = time.perf_counter() - started
    bid, _ = app.store.best_bid_ask(SYMBOL)
    assert bid is not None
    ticket.query_one("#price").value = f"{bid - Decimal(50):f}"  # type: ignore[attr-defined]  # an Input
    ticket.query_one("#quantity").value = "0.001"  # type: ignore[attr-defined]  # an Input
    await asyncio.sleep(0.05)

    watch.expect(None)
    sent = press(app, "enter", "\r")
    await wait_for(lambda: ticket.result_text.startswith(("PLACED", "REFUSED", "OUTCOME", "Not sent")))
    answered = time.perf_counter() - sent
    if not ticket.result_text.startswith("PLACED"):
        raise RuntimeError(f"the order was not placed: {ticket.result_text}")
    order_id = int(ticket.result_text.split("order ")[1].split(",")[0])
    watch.wanted = order_id
    if any(int(order.order_id) == order_id for order in watch.pane.orders):
        watch.data_at = watch.data_at or time.perf_counter()
    await wait_for(lambda: watch.painted_at is not None)
    assert watch.data_at is not None and watch.painted_at is not None

    press(app, "escape", None)
    client = app.session.client
    assert client is not None
    await client.cancel_order(SYMBOL, order_id)
    app.session.refresh_now("open_orders")
    await wait_for(lambda: not any(int(order.order_id) == order_id for order in watch.pane.orders))
    await asyncio.sleep(0.15)  # stay well under the sandbox's 10 orders per second
    return {"ticket": ticket_ready, "answer": answered, "store": watch.data_at - sent, "pane": watch.painted_at - sent}


async def measure(runs: int, size: tuple[int, int]) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="jextui-latency-") as directory:
        options = AppOptions(session=SessionOptions(sandbox_config=SandboxConfig(seed=11, simulate=True)))
        app = JexApp(settings_in(Path(directory)), options=options)
        results = []
        async with app.run_test(size=size):
            await wait_for(
                lambda: (
                    app.trading.trading_off_reason() is None
                    and bool(app.store.symbols)
                    and app.store.best_bid_ask(SYMBOL)[0] is not None
                    and app.store.account is not None
                ),
                timeout_s=30,
            )
            await asyncio.sleep(1.0)  # let the first polls of every pane settle
            watch = PaneWatch(app.main.panes.open_orders)
            for _ in range(runs + 2):
                results.append(await one_run(app, watch))
        return results[2:]  # two warm-up runs


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(results: list[dict[str, float]], size: tuple[int, int]) -> int:
    ms = {key: [run[key] * 1000 for run in results] for key in results[0]}
    p50, p95 = statistics.median(ms["pane"]), percentile(ms["pane"], 95)
    verdict = "meets" if p50 <= GOAL_P50_MS else "MISSES"
    print(
        f"Enter keystroke to order in the open-orders pane: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"({verdict} the goal p50 <= {GOAL_P50_MS:.0f} ms)"
    )
    print()
    print(
        f"demo mode, headless console {size[0]}x{size[1]}, living sandbox market, confirmation off, {len(results)} runs"
    )
    rows = (
        ("Enter -> order in the open-orders pane", "pane"),
        ("Enter -> order id in the pane's data", "store"),
        ("Enter -> RESULT shown in the ticket", "answer"),
        ("b -> ticket ready (prefilled, balances)", "ticket"),
    )
    print(f"{'span':<44}{'median':>9}{'95th pct':>10}{'min':>8}{'max':>8}   (ms)")
    for label, key in rows:
        values = ms[key]
        print(
            f"{label:<44}{statistics.median(values):>9.1f}{percentile(values, 95):>10.1f}"
            f"{min(values):>8.1f}{max(values):>8.1f}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs (at least 30 for the goal)")
    parser.add_argument("--size", default="160x48", help="terminal size, e.g. 80x24")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    results = asyncio.run(measure(max(1, args.runs), (width, height)))
    return report(results, (width, height))


if __name__ == "__main__":
    sys.exit(main())
