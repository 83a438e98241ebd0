"""Cancels from the keyboard: one order, the newest order, or all of them.

A part of :class:`~jextui.ui.trading_actions.TradingController` (it is mixed
into it): ``c`` cancels the selected order at once when it is in view in the
focused pane and otherwise asks, naming the newest; ``C`` asks which scope
(the active symbol, or the whole account) and then for a confirmation.  Every
cancel goes through the session's one submitter, so it is journalled; its
answer is announced, observed for fills, and handed to the account-wide open
orders.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jextui.api.models import Order
from jextui.trading.errors_text import describe_error
from jextui.trading.submit import OrderSubmitter
from jextui.ui import order_handling
from jextui.ui.notifications import FillAnnouncer, FillWatcher
from jextui.ui.trading_deps import ConsoleServices, TradingDeps

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.market_store import MarketStore
    from jextui.session import Session

__all__ = ["CancelActions"]

log = logging.getLogger("jextui.trading.ui")


class CancelActions:
    """The trading controller's cancels (a mixin: the controller provides what is declared here)."""

    deps: TradingDeps
    console: ConsoleServices
    announcer: FillAnnouncer
    fills: FillWatcher
    _cancelling: set[int]

    if TYPE_CHECKING:  # provided by TradingController

        @property
        def private(self) -> bool: ...

        @property
        def session(self) -> Session: ...

        @property
        def client(self) -> JexClient | None: ...

        @property
        def store(self) -> MarketStore: ...

        @property
        def active_symbol(self) -> str | None: ...

        def trading_off_reason(self) -> str | None: ...

        def _tell_journal_problem(self, problem: str) -> None: ...

        def _refresh_orders(self) -> None: ...

        def _reread_detail_of(self, order_id: int) -> None: ...

    # ------------------------------------------------------------------ cancels

    def cancel_by_key(self) -> None:
        """``c``: at once when the selected order is in view in the focused pane; else ask, naming the newest."""
        from jextui.ui.screens.confirm import ConfirmScreen

        if self.deps.order_in_view():
            self.cancel_selected()
            return
        listed = list(self.deps.listed_orders())
        order = order_handling.newest_order(listed)
        if order is None:
            self.announcer.say("There is no open order to cancel.", severity="warning")
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.cancel_order(order)
            else:
                self.announcer.say(f"Nothing cancelled; order {int(order.order_id)} stays.")

        precision = self.store.precision(order.symbol)
        lines = order_handling.cancel_question_lines(
            order, private=self.private, count=len(listed), precision=precision
        )
        self.console.push_screen(
            ConfirmScreen(
                "Cancel the newest order?",
                lines,
                yes_label="Cancel it",
                no_label="Keep it",
                yes_keys=("y",),
                danger=True,
            ),
            answered,
        )

    def cancel_selected(self) -> None:
        order = self.deps.selected_order()
        if order is None:
            self.announcer.say(
                "No open order is selected: Tab to the open-orders pane and pick one with ↑/↓.", severity="warning"
            )
            return
        self.cancel_order(order)

    def cancel_order(self, order: Order) -> None:
        """Cancel one order (the outcome is announced)."""
        reason = self.trading_off_reason()
        submitter = self.session.submitter
        if reason is not None or submitter is None:
            self.announcer.say(f"Cannot cancel: trading is off ({reason or 'no journal'})", severity="error")
            return
        order_id = int(order.order_id)
        if order_id in self._cancelling:
            self.announcer.say(f"Order {order_id} is already being cancelled.", severity="warning")
            return
        self._cancelling.add(order_id)
        self.console.run_worker(
            self._cancel(submitter, order.symbol, order_id), group="trading-cancels", exit_on_error=False
        )

    async def _cancel(self, submitter: OrderSubmitter, symbol: str, order_id: int) -> None:
        try:
            outcome = await submitter.cancel(symbol, order_id)
        except Exception as error:
            log.exception("cancel failed unexpectedly")
            self.announcer.say(f"Cancel of order {order_id}: {describe_error(error)}", title="Cancel", severity="error")
            return
        finally:
            self._cancelling.discard(order_id)
        self._tell_journal_problem(outcome.journal_problem)
        if outcome.result is not None:
            self.fills.observe_order(outcome.result, announce_cancel=False)
        self._tell_account_orders(outcome)
        if outcome.cancelled:
            severity = "information"
        elif outcome.cancelled is None or outcome.order_gone:  # unknown, or a fill won the race
            severity = "warning"
        else:
            severity = "error"
        self.announcer.say(outcome.message, title="Cancel", severity=severity)
        self._refresh_orders()
        self._reread_detail_of(order_id)

    def _tell_account_orders(self, outcome: Any) -> None:
        """A cancel's answer goes to the account-wide open orders (a gone order leaves them)."""
        watch = self.deps.account_orders
        if watch is None:
            return
        if outcome.result is not None:
            watch.on_order_update(outcome.result)
        elif outcome.order_gone:
            watch.book.forget(int(outcome.order_id))
            watch.render()

    def cancel_all(self) -> None:
        """``C``: which scope (the active symbol, or the whole account), then a confirmation."""
        if self.deps.account_orders is not None:
            from jextui.ui.account_cancel import ask_cancel_all

            ask_cancel_all(self, self.deps.account_orders)
            return
        self._cancel_all_of_symbol()

    def _cancel_all_of_symbol(self) -> None:
        from jextui.ui.screens.confirm import ConfirmScreen

        reason = self.trading_off_reason()
        if reason is not None:
            self.announcer.say(f"Cannot cancel: trading is off ({reason})", severity="error")
            return
        symbol = self.active_symbol
        if symbol is None:
            self.announcer.say("Choose a symbol first.", severity="warning")
            return
        orders = self.store.orders_of(symbol)
        if not orders:
            self.announcer.say(f"No open orders on {symbol} to cancel.")
            return

        def answered(confirmed: bool | None) -> None:
            submitter = self.session.submitter
            if confirmed and submitter is not None:
                self.console.run_worker(
                    self._cancel_all(submitter, symbol), group="trading-cancels", exit_on_error=False
                )

        count = len(orders)
        lines = [
            f"{count} open order{'s' if count != 1 else ''} on {symbol} will be cancelled, one by one.",
            "Orders on other symbols are not touched.",
        ]
        self.console.push_screen(
            ConfirmScreen(
                f"Cancel all open orders on {symbol}?",
                lines,
                yes_label="Cancel them all",
                no_label="Keep them",
                danger=True,
            ),
            answered,
        )

    async def _cancel_all(self, submitter: OrderSubmitter, symbol: str) -> None:
        client = self.client
        try:
            orders = await client.open_orders(symbol) if client is not None else []
        except Exception:  # fall back on the last list the feed delivered
            orders = list(self.store.orders_of(symbol))
        try:
            outcomes = await submitter.cancel_all(symbol, orders)
        except Exception as error:
            log.exception("cancel-all failed unexpectedly")
            self.announcer.say(f"Cancel all on {symbol}: {describe_error(error)}", title="Cancel all", severity="error")
            return
        for outcome in outcomes:
            if outcome.result is not None:
                self.fills.observe_order(outcome.result, announce_cancel=False)
            self._tell_account_orders(outcome)
        text, title, severity = _cancel_all_summary(symbol, outcomes)
        self.announcer.say(text, title=title, severity=severity)
        self._refresh_orders()


def _cancel_all_summary(symbol: str, outcomes: Sequence[Any]) -> tuple[str, str, str]:
    """(sentence, title, severity) reporting how many of the open orders were cancelled."""
    total = len(outcomes)
    if total == 0:
        return f"No open orders on {symbol} were left to cancel.", "Cancel all", "information"
    cancelled = sum(1 for outcome in outcomes if outcome.cancelled is True)
    unknown = sum(1 for outcome in outcomes if outcome.cancelled is None)
    refused = total - cancelled - unknown
    text = f"Cancelled {cancelled} of {total} open order{'s' if total != 1 else ''} on {symbol}."
    if refused:
        text += f" {refused} could not be cancelled (already filled or closed)."
    if unknown:
        text += f" {unknown} cancel(s) got no answer: check the open orders."
    severity = "information" if cancelled == total else "warning"
    return text, "Cancel all", severity
