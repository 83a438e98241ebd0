"""Soak: the console for half an hour with 20 watched symbols and a restless user.

The real console (demo mode: an in-process sandbox with its living market,
12 synthetic symbols besides the 8 built-in ones) runs headless under
Textual's pilot (``App.run_test``) at 160x48.  Every ``--pace`` seconds the
"user" does something picked at random: jump to another symbol, open and
close the help, the symbol search, an account screen or the grid view,
switch the kline interval or the chart, cycle the focus, toggle privacy,
place a small resting order through the ticket, cancel one (``c``) or all
(``C``).  At the end (or on Ctrl-C) a table reports:

* resident memory at the start (first data on screen), at the end, and the
  process's peak (``VmHWM``); asyncio tasks at the start and the end;
* 429 / 418 answers the client received (goal: 0);
* every warning and error logged, and every error notification shown, by
  kind; unexpected exceptions in the user's actions; the app's exit code;
* the actions done, orders placed and cancelled.

    python benchmarks/soak.py [--minutes 30] [--pace 1.0] [--seed 7] [--json FILE]

Not a test: it takes half an hour and measures; ``--minutes 0.5`` is a
quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import random
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from jextui.api.models import SymbolInfo
from jextui.config import RefreshPeriods, Settings
from jextui.logs import setup_logging
from jextui.sandbox import SandboxConfig
from jextui.sandbox.symbols import DEFAULT_SYMBOLS, synthetic_symbols
from jextui.session import SessionOptions
from jextui.ui.app import AppOptions, JexApp
from jextui.ui.screens.ticket import TicketScreen

SIZE = (160, 48)
EXTRA_SYMBOLS = 12  # 8 built in + 12 synthetic = 20 watched symbols
MAX_OPEN_ORDERS = 6
ACCOUNT_KEYS = ("H", "M", "A", "D", "I", "W", "F")
_LIMITED = re.compile(r"-> (429|418)\b")


# --- what is measured -----------------------------------------------------------------


def _status_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def rss_mib() -> float:
    return _status_kib("VmRSS") / 1024


def peak_rss_mib() -> float:
    return _status_kib("VmHWM") / 1024


class LogTally(logging.Handler):
    """Counts the warnings and errors logged, by kind, and the 429/418 answers."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.by_kind: collections.Counter[str] = collections.Counter()
        self.limited = 0
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        if _LIMITED.search(message):
            self.limited += 1
        if record.levelno >= logging.ERROR:
            self.errors += 1
        kind = re.sub(r"\d+", "N", message.splitlines()[0])[:110]
        self.by_kind[f"{record.levelname} {record.name}: {kind}"] += 1


@dataclass
class Report:
    minutes: float
    symbols: int
    seed: int
    actions: int = 0
    actions_by_kind: dict[str, int] = field(default_factory=dict)
    orders_placed: int = 0
    orders_refused: int = 0
    cancels: int = 0
    rss_start_mib: float = 0.0
    rss_end_mib: float = 0.0
    rss_peak_mib: float = 0.0
    tasks_start: int = 0
    tasks_end: int = 0
    limited_answers: int = 0
    errors_logged: int = 0
    warnings_by_kind: dict[str, int] = field(default_factory=dict)
    error_notifications: list[str] = field(default_factory=list)
    action_failures: list[str] = field(default_factory=list)
    exit_code: int | None = None


# --- the console -------------------------------------------------------------------------


def watched_symbols(seed: int) -> tuple[str, ...]:
    return tuple(spec.symbol for spec in DEFAULT_SYMBOLS) + tuple(
        spec.symbol for spec in synthetic_symbols(EXTRA_SYMBOLS, seed)
    )


def make_app(folder: Path, seed: int) -> JexApp:
    data = folder / "data"
    settings = Settings(
        profile_name="demo",
        demo=True,
        base_url=None,
        api_key=None,
        api_secret=None,
        allow_insecure_http=False,
        watchlist=watched_symbols(seed),
        theme="jextui-dark",
        refresh=RefreshPeriods(),
        weight_share=0.8,
        confirm_orders=False,
        bell=False,
        fat_finger_pct=Decimal(5),
        config_path=folder / "config" / "config.toml",
        log_path=folder / "log" / "jextui.log",
        data_dir=data,
        log_level="INFO",
        themes_dir=folder / "config" / "themes",
        state_path=data / "state.json",
        journal_path=data / "journal.sqlite",
    )
    sandbox = SandboxConfig(seed=seed, extra_symbols=EXTRA_SYMBOLS, simulate=True)
    return JexApp(settings, options=AppOptions(session=SessionOptions(sandbox_config=sandbox)))


async def wait_for(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def _ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def small_order(info: SymbolInfo, bid: Decimal) -> tuple[Decimal, Decimal]:
    """A BUY a few ticks under the best bid, worth about twice the minimum notional."""
    tick = step = min_qty = min_notional = None
    for item in info.filters:
        tick = item.tick_size or tick
        step = item.step_size or step
        min_qty = item.min_qty or min_qty
        min_notional = item.min_notional or min_notional
    tick = tick or Decimal(1).scaleb(-info.quote_precision)
    step = step or Decimal(1).scaleb(-info.base_asset_precision)
    price = bid - tick * 3
    if price <= 0:
        price = bid
    quantity = _ceil_to(max(min_qty or step, (min_notional or Decimal(0)) * 2 / price), step)
    return price, quantity


class User:
    """Random keyboard actions on the running console."""

    def __init__(self, pilot: Any, report: Report, rng: random.Random) -> None:
        self.pilot = pilot
        self.app: JexApp = pilot.app
        self.report = report
        self.rng = rng
        self.actions = [
            (self.jump, 4),
            (self.grid, 1),
            (self.help, 1),
            (self.search, 1),
            (self.account_screen, 2),
            (self.interval, 1),
            (self.chart, 1),
            (self.focus, 2),
            (self.privacy, 1),
            (self.order, 3),
            (self.cancel_one, 2),
            (self.cancel_all, 1),
        ]

    async def act(self) -> None:
        action = self.rng.choices([a for a, _ in self.actions], weights=[w for _, w in self.actions])[0]
        name = action.__name__
        self.report.actions += 1
        self.report.actions_by_kind[name] = self.report.actions_by_kind.get(name, 0) + 1
        try:
            await self.back_to_main()
            await action()
        except Exception as error:
            self.report.action_failures.append(f"{name}: {type(error).__name__}: {error}"[:200])

    async def back_to_main(self) -> None:
        for _ in range(4):
            if self.app.screen is self.app.main:
                return
            await self.pilot.press("escape")
            await self.pilot.pause()

    async def press(self, *keys: str, wait: float = 0.2) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause(wait)

    async def jump(self) -> None:
        await self.press(str(self.rng.randint(1, 9)), wait=0.5)

    async def grid(self) -> None:
        await self.press("g", wait=self.rng.uniform(0.5, 3))
        await self.press("g")

    async def help(self) -> None:
        await self.press("question_mark", wait=0.5)
        await self.press("escape")

    async def search(self) -> None:
        await self.press("slash", wait=0.3)
        await self.press(*self.rng.choice(["btc", "eth", "sym0", "jex", "usdt"]), wait=0.3)
        await self.press("escape")

    async def account_screen(self) -> None:
        await self.press(self.rng.choice(ACCOUNT_KEYS), wait=self.rng.uniform(0.5, 2))
        await self.press("escape")

    async def interval(self) -> None:
        await self.press(self.rng.choice(["left_square_bracket", "right_square_bracket"]))

    async def chart(self) -> None:
        await self.press("v")

    async def focus(self) -> None:
        await self.press(self.rng.choice(["tab", "shift+tab"]))

    async def privacy(self) -> None:
        await self.press("p", wait=0.5)
        await self.press("p")

    async def order(self) -> None:
        app = self.app
        symbol = app.active_symbol
        info = app.store.symbol_info(symbol) if symbol else None
        bid, _ = app.store.best_bid_ask(symbol) if symbol else (None, None)
        if symbol is None or info is None or bid is None or len(app.store.orders_of(symbol)) >= MAX_OPEN_ORDERS:
            return
        price, quantity = small_order(info, bid)
        await self.press("b", wait=0.3)
        ticket = app.screen
        if not isinstance(ticket, TicketScreen):
            return
        await wait_for(lambda: ticket.ticket.free_balances is not None, 5)
        for name, value in (("price", price), ("quantity", quantity)):
            widget = ticket.query_one(f"#{name}")
            widget.focus()
            widget.value = f"{value:f}"  # type: ignore[attr-defined]  # the widget is an Input
        await self.press("enter")
        await wait_for(lambda: bool(ticket.result_text) and not ticket.in_flight, 15)
        if ticket.result_text.startswith("PLACED"):
            self.report.orders_placed += 1
        else:
            self.report.orders_refused += 1
        await self.press("escape")

    async def cancel_one(self) -> None:
        if not self.app.main.panes.open_orders.orders:
            return
        self.app.main.focus_pane("open_orders")
        await self.press(self.rng.choice(["down", "up", "home"]))
        await self.press("c", wait=1.0)
        self.report.cancels += 1

    async def cancel_all(self) -> None:
        if len(self.app.main.panes.open_orders.orders) < 3:
            return
        await self.press("C", wait=0.3)
        await self.press("y", wait=1.5)
        self.report.cancels += 1


# --- the run -------------------------------------------------------------------------------


async def soak(minutes: float, pace_s: float, seed: int) -> Report:
    report = Report(minutes=minutes, symbols=len(watched_symbols(seed)), seed=seed)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="jextui-soak-") as folder:
        app = make_app(Path(folder), seed)
        setup_logging("INFO", app.settings.log_path)
        tally = LogTally()
        logging.getLogger().addHandler(tally)
        notify = app.notify

        def counting_notify(message: str, *args: Any, **kwargs: Any) -> None:
            if kwargs.get("severity") == "error":
                report.error_notifications.append(str(message)[:160])
            notify(message, *args, **kwargs)

        app.notify = counting_notify  # type: ignore[method-assign]  # counts the notifications
        async with app.run_test(size=SIZE) as pilot:

            def showing_data() -> bool:  # the panes are installed once start-up has finished
                return app.started and app.main.panes.book.has_data and app.main.panes.watchlist.has_data

            if not await wait_for(showing_data, 30):
                raise SystemExit("the console showed no data within 30 s")
            await pilot.pause(2)
            report.rss_start_mib, report.tasks_start = rss_mib(), len(asyncio.all_tasks())
            user = User(pilot, report, rng)
            end = time.monotonic() + minutes * 60
            next_line = time.monotonic() + 60
            while time.monotonic() < end:
                await user.act()
                await pilot.pause(max(0.05, rng.uniform(0.5, 1.5) * pace_s))
                if time.monotonic() >= next_line:
                    next_line += 60
                    elapsed = minutes * 60 - (end - time.monotonic())
                    print(
                        f"  {elapsed / 60:5.1f} min: {report.actions} actions, RSS {rss_mib():.0f} MiB, "
                        f"{len(asyncio.all_tasks())} tasks, {tally.limited} x 429/418, "
                        f"{tally.errors} errors",
                        flush=True,
                    )
            await user.back_to_main()
            await pilot.pause(2)
            report.rss_end_mib, report.tasks_end = rss_mib(), len(asyncio.all_tasks())
        report.exit_code = app.return_code
        logging.getLogger().removeHandler(tally)
    report.rss_peak_mib = peak_rss_mib()
    report.limited_answers = tally.limited
    report.errors_logged = tally.errors
    report.warnings_by_kind = dict(tally.by_kind.most_common())
    return report


def print_table(report: Report) -> None:
    rows = [
        ("duration", f"{report.minutes:g} min", "", ""),
        ("watched symbols", str(report.symbols), "", ""),
        (
            "resident memory (MiB)",
            f"{report.rss_start_mib:.0f}",
            f"{report.rss_end_mib:.0f}",
            f"peak {report.rss_peak_mib:.0f}",
        ),
        ("asyncio tasks", str(report.tasks_start), str(report.tasks_end), ""),
        ("429/418 answers (goal 0)", "", str(report.limited_answers), ""),
        ("errors logged", "", str(report.errors_logged), ""),
        ("warnings logged", "", str(sum(report.warnings_by_kind.values()) - report.errors_logged), ""),
        ("error notifications", "", str(len(report.error_notifications)), ""),
        ("actions (failed)", "", f"{report.actions} ({len(report.action_failures)})", ""),
        ("orders placed / refused", "", f"{report.orders_placed} / {report.orders_refused}", ""),
        ("cancel actions", "", str(report.cancels), ""),
        ("app ended", "", "normally" if report.exit_code in (None, 0) else f"exit code {report.exit_code}", ""),
    ]
    print(f"\n{'metric':<28} {'start':>8} {'end':>14} {'':>10}")
    for name, start, end, extra in rows:
        print(f"{name:<28} {start:>8} {end:>14} {extra:>10}")
    if report.warnings_by_kind:
        print("\nwarnings and errors by kind:")
        for kind, count in list(report.warnings_by_kind.items())[:15]:
            print(f"  {count:6d}  {kind}")
    for title, lines in (
        ("error notifications", report.error_notifications),
        ("failed actions", report.action_failures),
    ):
        if lines:
            print(f"\n{title} (first 10 of {len(lines)}):")
            for line in lines[:10]:
                print(f"  {line}")
    print("\nactions:", ", ".join(f"{k} {v}" for k, v in sorted(report.actions_by_kind.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    parser.add_argument("--pace", type=float, default=1.0, help="mean seconds between two user actions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    print(
        f"soak: {args.minutes:g} min, {len(watched_symbols(args.seed))} watched symbols, "
        f"an action every ~{args.pace:g} s (seed {args.seed})",
        flush=True,
    )
    report = asyncio.run(soak(args.minutes, args.pace, args.seed))
    print_table(report)
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2))
    healthy = (
        report.limited_answers == 0
        and report.errors_logged == 0
        and not report.error_notifications
        and report.exit_code in (None, 0)
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
