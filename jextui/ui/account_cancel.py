"""`C` across symbols: ask which scope, confirm with the count and the symbols, cancel one by one.

* The scope (:class:`~jextui.ui.screens.cancel_scope.CancelScopeScreen`):
  the active symbol's open orders, or every open order on the account.
* The confirmation names how many orders and on which symbols.
* The active symbol's scope uses the trading controller's own cancel-all
  (the symbol's list is read fresh first).  The account's scope cancels the
  orders the account-wide book holds, one by one within the order-rate limit
  (:func:`jextui.trading.bulk_cancel.cancel_orders`), each cancel written to
  the order journal first like any other; each outcome is logged, every one
  that did not cancel is said by itself, and a summary closes.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from jextui.api.errors import JexError
from jextui.trading.account_orders import OpenOrder
from jextui.trading.bulk_cancel import CANCELLED, CancelOutcome, cancel_orders, summary

if TYPE_CHECKING:
    from jextui.api.client import JexClient
    from jextui.session import Session
    from jextui.trading.submit import OrderSubmitter
    from jextui.ui.account_orders_watch import AccountOrdersWatch
    from jextui.ui.notifications import FillAnnouncer, FillWatcher
    from jextui.ui.screens.cancel_scope import CancelScope
    from jextui.ui.trading_deps import ConsoleServices

__all__ = ["CancelHost", "ask_cancel_all", "symbols_text", "EACH_OUTCOME_SAID_UP_TO"]

log = logging.getLogger("jextui.trading.ui")

EACH_OUTCOME_SAID_UP_TO = 5  # more cancelled orders than this: one summary instead of one line each


class CancelHost(Protocol):
    """What the account-wide cancel needs of the trading controller (its cancels)."""

    @property
    def console(self) -> ConsoleServices: ...

    @property
    def announcer(self) -> FillAnnouncer: ...

    @property
    def fills(self) -> FillWatcher: ...

    @property
    def session(self) -> Session: ...

    @property
    def client(self) -> JexClient | None: ...

    @property
    def active_symbol(self) -> str | None: ...

    def trading_off_reason(self) -> str | None: ...

    def _tell_journal_problem(self, problem: str) -> None: ...

    def _cancel_all(self, submitter: OrderSubmitter, symbol: str) -> Coroutine[Any, Any, None]: ...


def symbols_text(orders: Sequence[Any], shown: int = 6) -> str:
    """``BTCUSDT, ETHUSDT and 3 more``: the symbols the orders are on."""
    names = sorted({str(order.symbol) for order in orders})
    if len(names) <= shown:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"


def ask_cancel_all(controller: CancelHost, watch: AccountOrdersWatch) -> None:
    """`C`: which scope, then the confirmation, then the cancels (in a worker)."""
    from jextui.ui.screens.cancel_scope import CancelScopeScreen

    reason = controller.trading_off_reason()
    if reason is not None:
        controller.announcer.say(f"Cannot cancel: trading is off ({reason})", severity="error")
        return
    symbol = controller.active_symbol
    book = watch.book
    everything = book.rows(symbol)
    on_symbol = book.rows(symbol, only_active=True) if symbol is not None else []
    if not everything:
        text = "No open orders on the account to cancel."
        if not book.can_say_no_orders and book.unexplained_lines():
            text = f"No open order found to cancel yet ({book.unexplained_lines()[0]})."
        controller.announcer.say(text)
        return

    def scoped(scope: CancelScope | None) -> None:
        if scope is None:
            return
        orders = on_symbol if scope == "symbol" else everything
        if not orders:
            controller.announcer.say(f"No open orders on {symbol} to cancel.")
            return
        _confirm(controller, watch, scope, list(orders))

    symbols = len({order.symbol for order in everything})
    controller.console.push_screen(CancelScopeScreen(symbol, len(on_symbol), len(everything), symbols), scoped)


def _confirm(controller: CancelHost, watch: AccountOrdersWatch, scope: CancelScope, orders: list[OpenOrder]) -> None:
    from jextui.ui.screens.confirm import ConfirmScreen

    count = len(orders)
    plural = "s" if count != 1 else ""
    where = symbols_text(orders)
    lines = [f"{count} open order{plural} on {where} will be cancelled, one by one."]
    if scope == "symbol":
        lines.append("Orders on other symbols are not touched.")
        title = f"Cancel all open orders on {orders[0].symbol}?"
    else:
        lines.append("Every open order found on the account, whatever its symbol.")
        title = f"Cancel all {count} open order{plural} on the account?"

    def answered(confirmed: bool | None) -> None:
        submitter = controller.session.submitter
        if not confirmed or submitter is None:
            return
        if scope == "symbol":
            controller.console.run_worker(
                controller._cancel_all(submitter, orders[0].symbol), group="trading-cancels", exit_on_error=False
            )
        else:
            controller.console.run_worker(
                _cancel_everything(controller, watch, submitter, orders), group="trading-cancels", exit_on_error=False
            )

    controller.console.push_screen(
        ConfirmScreen(title, lines, yes_label="Cancel them all", no_label="Keep them", danger=True), answered
    )


class _NotConfirmed(JexError):
    """A journalled cancel whose outcome the exchange did not confirm."""


class _JournalledCancels:
    """What :func:`cancel_orders` needs of a client, with each cancel journalled by the submitter."""

    def __init__(self, submitter: OrderSubmitter, client: Any, controller: CancelHost) -> None:
        self._submitter = submitter
        self._controller = controller
        self.rate = client.rate

    async def cancel_order(self, symbol: str, order_id: int) -> Any:
        outcome = await self._submitter.cancel(symbol, order_id)
        self._controller._tell_journal_problem(outcome.journal_problem)
        if outcome.result is not None:  # the fill watcher learns the final state (its cancel is said here)
            self._controller.fills.observe_order(outcome.result, announce_cancel=False)
            return outcome.result
        if outcome.error is not None:
            raise outcome.error
        raise _NotConfirmed(outcome.message, outcome_unknown=outcome.cancelled is None)


async def _cancel_everything(
    controller: CancelHost, watch: AccountOrdersWatch, submitter: OrderSubmitter, orders: list[OpenOrder]
) -> list[CancelOutcome]:
    client = controller.client
    if client is None:
        controller.announcer.say("Cannot cancel: not connected.", severity="error")
        return []
    count = len(orders)

    def each(outcome: CancelOutcome) -> None:
        log.info("cancel across symbols: %s", outcome.message)
        watch.render()
        if outcome.result != CANCELLED or count <= EACH_OUTCOME_SAID_UP_TO:
            severity = "information" if outcome.ok else "warning"
            controller.announcer.say(outcome.message, title="Cancel", severity=severity)

    try:
        outcomes = await cancel_orders(
            _JournalledCancels(submitter, client, controller), orders, book=watch.book, on_outcome=each
        )
    except Exception as error:
        log.exception("cancelling across symbols failed unexpectedly")
        controller.announcer.say(f"Cancel all: {error}", title="Cancel all", severity="error")
        return []
    done = sum(1 for outcome in outcomes if outcome.ok)
    severity = "information" if done == count else "warning"
    controller.announcer.say(
        f"Cancel all on the account ({count} on {symbols_text(orders)}): {summary(outcomes)}.",
        title="Cancel all",
        severity=severity,
    )
    watch.render()
    watch.refresh_now()
    controller.session.refresh_now("open_orders", "account")
    return outcomes
