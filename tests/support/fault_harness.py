"""The real console under fault injection, on virtual time.

:func:`make_fault_app` is the deterministic console of ``tests/ui/app_harness``
(seeded quiet sandbox, fixed clock, every file under ``tmp_path``) with every
pane refreshed once per :data:`PERIOD_MS` of virtual time, so "one refresh
period" means the same for every pane.  :class:`Console` drives it the way
the fault matrix needs:

* ``await console.step(n)`` moves the shared clock on by ``n`` periods, one
  period at a time, and lets the feed do what falls due (the requests it
  sends really go to the sandbox, faults and all) before the freshness marks
  are repainted;
* ``console.mark(pane)`` is what a pane's header says (age, degraded, STALE);
* ``await console.keys_answer()`` proves the event loop is not frozen: a key
  opens the help screen and another closes it;
* ``await console.place_order(...)`` trades the way a user does (``b``, price
  and quantity in the fields, Enter) and waits for the ticket's final word;
* ``await console.assert_journal_matches_exchange()`` checks the order
  journal against the sandbox engine's own record of the demo account.

The reconciler waits (between its looks at an order whose answer was lost)
in virtual time too: its sleep moves the shared clock instead of blocking
the test for the real grace period.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from jextui.config import RefreshPeriods
from jextui.sandbox.app import DEMO_ACCOUNT
from jextui.trading.journal import ACCEPTED, KIND_ORDER, NOT_PLACED, REJECTED, RESOLVED, JournalEntry
from jextui.trading.reconcile import Reconciler
from jextui.trading.submit import OrderSubmitter
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.help import HelpScreen
from jextui.ui.screens.ticket import TicketScreen
from jextui.ui.stale_ticket import STALE_TITLE
from support.app_harness import HarnessJexApp, make_test_app, wait_for_data, wait_until

__all__ = [
    "PERIOD_MS",
    "PANES",
    "SYMBOL",
    "FAULT_REFRESH",
    "Console",
    "PaneMark",
    "make_fault_app",
]

PERIOD_MS = 1000
#: Every pane's feed once a second (sparklines: the shortest period allowed, and only a pane extra).
FAULT_REFRESH = RefreshPeriods(
    book=1.0,
    trades=1.0,
    klines=1.0,
    open_orders=1.0,
    account=1.0,
    prices=1.0,
    book_tickers=1.0,
    tickers=1.0,
    sparklines=5.0,
)
PANES: tuple[str, ...] = ("watchlist", "book", "trades", "klines", "open_orders", "balances")
SYMBOL = "BTCUSDT"
_FINAL_WAIT_S = 20.0


def make_fault_app(tmp_path: Path, **sandbox_overrides: Any) -> HarnessJexApp:
    """The deterministic console with one-second refresh periods and orders sent without a confirmation."""
    # The REST fault matrix steps a fixed clock and checks every pane's age
    # against the polling rules at each step; stream frames arrive on real
    # time between steps, so with streams on what is true at a step would
    # depend on the machine's speed.  These tests are about REST (the
    # fallback); the streams' own faults are tested with streams on in
    # tests/feed/test_streaming.py and tests/ui/test_app_streams.py.
    return make_test_app(
        tmp_path, refresh=FAULT_REFRESH, confirm_orders=False, sandbox_overrides=sandbox_overrides, streams=False
    )


@dataclass(frozen=True)
class PaneMark:
    """What one pane tells its reader about its data."""

    header: str
    stale: bool
    degraded: str | None
    age_ms: int | None

    @property
    def fresh(self) -> bool:
        return not self.stale and self.degraded is None and self.age_ms is not None and self.age_ms <= PERIOD_MS


def _feed_requests_running() -> bool:
    """Whether a feed request (the worker names its tasks ``feed-<kind>``) is still running."""
    return any(task.get_name().startswith("feed-") and not task.done() for task in asyncio.all_tasks())


class Console:
    """A running fault-matrix console (see the module docstring)."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HarnessJexApp)
        self.pilot = pilot
        self.app = app
        self.clock = app.clock
        self.orders_tried = 0

    # --- parts --------------------------------------------------------------

    @property
    def sandbox(self) -> Any:
        sandbox = self.app.session.sandbox
        assert sandbox is not None, "the demo sandbox is not running"
        return sandbox

    @property
    def panes(self) -> Any:
        return self.app.main.panes

    # --- start ---------------------------------------------------------------

    async def start(self) -> None:
        """Every pane has its first data; the reconciler waits in virtual time."""
        await wait_for_data(self.pilot)
        session = self.app.session
        assert session.client is not None and session.journal is not None
        reconciler = Reconciler(session.client, session.journal, sleep=self._virtual_sleep)
        session.reconciler = reconciler
        session.submitter = OrderSubmitter(session.client, session.journal, reconciler=reconciler)
        assert all(self.mark(name).fresh for name in PANES), self.describe()

    async def _virtual_sleep(self, seconds: float) -> None:
        self.clock.advance(max(0, int(seconds * 1000)))
        await asyncio.sleep(0)

    # --- time ----------------------------------------------------------------

    async def step(self, periods: int = 1) -> None:
        """Move on ``periods`` refresh periods, one at a time, letting the feed catch up after each."""
        for _ in range(periods):
            self.clock.advance(PERIOD_MS)
            self._wake_feed()
            await self.idle()

    async def jump(self, ms: int) -> None:
        """Move the clock on without waiting for requests in flight (their answers are late)."""
        self.clock.advance(ms)
        self._wake_feed()
        await asyncio.sleep(0.05)
        await self.repaint()

    def _wake_feed(self) -> None:
        worker = self.app.session.worker
        if worker is not None:  # an unchanged watchlist is a no-op that wakes the worker
            worker.set_watchlist(self.app.watchlist)

    async def idle(self, timeout_s: float = _FINAL_WAIT_S) -> None:
        """Wait until no feed request is running (twice in a row), then repaint the marks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        quiet = 0
        while quiet < 3:
            await asyncio.sleep(0.01)
            quiet = 0 if _feed_requests_running() else quiet + 1
            if loop.time() > deadline:
                raise AssertionError(f"the feed was still busy after {timeout_s:g} s")
        await self.repaint()

    async def repaint(self) -> None:
        await self.pilot.pause()
        self.app.refresh_status_now()
        await self.pilot.pause()

    # --- what the screen says ---------------------------------------------------

    def mark(self, name: str) -> PaneMark:
        pane = self.panes.by_name(name)
        lines = pane.plain_lines()
        return PaneMark(lines[0] if lines else "", pane.stale, pane.degraded_reason, pane.age_ms)

    def panes_where(self, test: Callable[[PaneMark], bool]) -> list[str]:
        return [name for name in PANES if test(self.mark(name))]

    def describe(self) -> str:
        """Every pane's mark and the status line, for assertion messages."""
        lines = [f"{name}: {self.mark(name)}" for name in PANES]
        lines.append(f"status: {self.panes.status.plain_text()}")
        return "\n".join(lines)

    @property
    def connection(self) -> str | None:
        return self.panes.status.info.connection

    # --- keys ---------------------------------------------------------------------

    async def keys_answer(self) -> None:
        """``?`` opens the help screen and Escape closes it: the console is not frozen."""
        app = self.app
        assert app.screen is app.main
        await self.pilot.press("question_mark")
        await wait_until(self.pilot, lambda: isinstance(app.screen, HelpScreen), timeout_s=5, what="the help screen")
        await self.pilot.press("escape")
        await wait_until(self.pilot, lambda: app.screen is app.main, timeout_s=5, what="the main screen again")

    # --- trading --------------------------------------------------------------------

    def resting_buy_price(self, ticks_below_bid: int = 100) -> Decimal:
        bid, _ = self.app.store.best_bid_ask(SYMBOL)
        assert bid is not None
        return bid - Decimal("0.01") * ticks_below_bid

    async def place_order(self, price: Decimal, quantity: str = "0.001", *, final: bool = True) -> TicketScreen:
        """``b``, price and quantity filled in, Enter: out through the ticket, the journal and the client.

        With ``final`` waits (bounded) for the ticket's final word, then closes it.
        """
        app, pilot = self.app, self.pilot
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), timeout_s=5, what="the order ticket")
        ticket = app.screen
        assert isinstance(ticket, TicketScreen)
        for field, text in (("price", f"{price:f}"), ("quantity", quantity)):
            widget = ticket.query_one(f"#{field}", Input)
            widget.focus()
            widget.value = text  # what typing leaves in the field (typing itself is the ticket tests' business)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        if isinstance(app.screen, ConfirmScreen) and app.screen.question_title == STALE_TITLE:
            await pilot.press("y")  # the book is STALE under this fault: the trader sends knowingly
            await pilot.pause()
        self.orders_tried += 1
        if final:
            await self.ticket_settled(ticket)
        return ticket

    async def ticket_settled(self, ticket: TicketScreen) -> str:
        """Wait for the ticket's final word on the order (not "Sending…", not "checking…"); close it."""
        await wait_until(
            self.pilot,
            lambda: (
                bool(ticket.result_text)
                and not ticket.in_flight
                and not ticket.result_text.startswith("STALE market data")
            ),  # the flag shown at opening
            timeout_s=_FINAL_WAIT_S,
            what="the ticket's final word",
        )
        text = ticket.result_text
        shown: Screen[Any] = self.app.screen
        if shown is ticket:
            await self.pilot.press("escape")
            await wait_until(
                self.pilot, lambda: self.app.screen is self.app.main, timeout_s=5, what="the ticket closed"
            )
        return text

    def exchange_orders(self) -> list[Any]:
        """The demo account's orders as the sandbox engine records them (the ground truth)."""
        return self.sandbox.call(
            lambda exchange: [o.copy() for o in exchange.engine.stored_orders() if o.account_id == DEMO_ACCOUNT]
        )

    def journal_orders(self) -> list[JournalEntry]:
        journal = self.app.session.journal
        assert journal is not None
        return [entry for entry in journal.entries() if entry.kind == KIND_ORDER]

    async def reconcile_open_questions(self) -> None:
        """The pass the console makes over open journal questions (at start, then periodically)."""
        reconciler = self.app.session.reconciler
        assert reconciler is not None
        await reconciler.reconcile_pending()

    async def open_questions_settled_by_the_console(self, timeout_s: float = 5.0) -> None:
        """Wait (bounded) until the console itself has settled every open journal question."""
        settled = (ACCEPTED, RESOLVED, REJECTED, NOT_PLACED)
        await wait_until(
            self.pilot,
            lambda: all(entry.state in settled for entry in self.journal_orders()),
            timeout_s=timeout_s,
            what="the console to settle the orders left unknown",
        )

    def assert_journal_matches_exchange(self) -> None:
        """Exactly the orders the journal says exist are on the exchange, each claimed once; nothing else."""
        entries = self.journal_orders()
        assert len(entries) == self.orders_tried, f"one journal entry per order tried: {entries}"
        open_questions = [entry for entry in entries if entry.state not in (ACCEPTED, RESOLVED, REJECTED, NOT_PLACED)]
        assert not open_questions, f"still unknown after the exchange answers again: {open_questions}"
        claimed_ids = [entry.order_id for entry in entries if entry.state in (ACCEPTED, RESOLVED)]
        assert all(order_id is not None for order_id in claimed_ids)
        claimed = sorted(order_id for order_id in claimed_ids if order_id is not None)
        on_exchange = self.exchange_orders()
        assert sorted(order.order_id for order in on_exchange) == claimed, (entries, on_exchange)
        by_id = {order.order_id: order for order in on_exchange}
        for entry in entries:
            if entry.state in (ACCEPTED, RESOLVED):
                order = by_id[entry.order_id]
                assert (order.symbol, order.side, order.price, order.orig_qty) == (
                    entry.symbol,
                    entry.side,
                    entry.price,
                    entry.quantity,
                )
