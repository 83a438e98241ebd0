"""One object for the console: every alert, its evaluation and what to deliver.

:class:`AlertCenter` joins the config file's alerts (read-only here) and the
console's own (:class:`~jextui.alerts.store.AlertStore`), keeps one
:class:`~jextui.alerts.evaluate.AlertEvaluator` in step with them, and turns
each fired alert into a :class:`Delivery`: the notice text, whether to ring
the bell, the desktop-notification escape text, and the command to run.  The
UI shows the notice, writes ``bell``/``escape`` to the terminal and calls
:meth:`AlertCenter.start_command`; nothing here blocks or writes to the
terminal itself.

Alerts on a symbol the exchange does not list are left out once
:meth:`AlertCenter.set_known_symbols` has been given exchangeInfo's symbols;
the messages it returns say which.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jextui.alerts.deliver import (
    BELL,
    COMMAND_TIMEOUT_S,
    CommandOutcome,
    notice_text,
    osc_notification,
    start_alert_command,
)
from jextui.alerts.evaluate import AlertEvaluator, FiredAlert, PriceUpdate, fill_alert
from jextui.alerts.model import Alert, AlertError, unknown_symbol_messages
from jextui.alerts.store import AlertStore

__all__ = ["AlertCenter", "Delivery"]

NOTIFY_TITLE = "jextui"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the UI does for one fired alert."""

    fired: FiredAlert
    notice: str  # the in-console notice
    bell: str  # BELL or "" (write it to the terminal)
    escape: str  # OSC 9 / OSC 777 text or "" (write it to the terminal)
    command: tuple[str, ...] | None  # start with AlertCenter.start_command


class AlertCenter:
    def __init__(
        self,
        config_alerts: Collection[Alert],
        store: AlertStore,
        *,
        bell: bool = False,
        fill_alerts: bool = True,
        notify_escape: str | None = "9",
        command_timeout: float = COMMAND_TIMEOUT_S,
    ) -> None:
        self._config = list(config_alerts)
        self.store = store
        self.bell = bell
        self.fill_alerts = fill_alerts
        self.notify_escape = notify_escape  # "9", "777" or None (no desktop notification)
        self.command_timeout = command_timeout
        self._known: Collection[str] | None = None
        self._evaluator = AlertEvaluator()
        self._marked: set[str] = set()
        self._sync()

    # --- the list (alerts screen) --------------------------------------------------

    def alerts(self) -> list[Alert]:
        """Config alerts first (not editable here), then the console's, as stored."""
        return [*self._config, *self.store.list()]

    def active(self) -> list[Alert]:
        """The alerts being evaluated (those on listed symbols)."""
        return self._evaluator.alerts

    def is_armed(self, alert: Alert) -> bool:
        return self._evaluator.is_armed(alert)

    def prefill(self, symbol: str, last_price: Decimal | None) -> dict[str, Any]:
        """The add-alert form for the active symbol: ``above`` the last price."""
        table: dict[str, Any] = {"symbol": symbol}
        if last_price is not None:
            table["above"] = format(last_price, "f")
        return table

    def add(self, table: Mapping[str, Any]) -> Alert:
        """:class:`AlertError` (bad table) or ``OSError`` (not saved); nothing changes then."""
        self._check_symbol(table)
        alert = self.store.add(table)
        self._sync()
        return alert

    def edit(self, alert_id: str, table: Mapping[str, Any]) -> Alert:
        self._refuse_config(alert_id)
        self._check_symbol(table)
        alert = self.store.replace(alert_id, table)
        self._sync()
        return alert

    def delete(self, alert_id: str) -> bool:
        self._refuse_config(alert_id)
        removed = self.store.delete(alert_id)
        self._sync()
        return removed

    def _refuse_config(self, alert_id: str) -> None:
        if any(alert.id == alert_id for alert in self._config):
            raise AlertError("", f"alert {alert_id} comes from the config file: change it there")

    def _check_symbol(self, table: Mapping[str, Any]) -> None:
        symbol = str(table.get("symbol", "")).strip().upper()
        if self._known is not None and symbol and symbol not in self._known:
            raise AlertError("symbol", f"{symbol} is not a symbol of this exchange")

    def set_known_symbols(self, symbols: Collection[str]) -> list[str]:
        """Give exchangeInfo's symbols; returns one message per alert left out."""
        self._known = frozenset(symbols)
        self._sync()
        return unknown_symbol_messages(self.alerts(), self._known)

    def _sync(self) -> None:
        alerts = self.alerts()
        if self._known is not None:
            alerts = [alert for alert in alerts if alert.symbol in self._known]
        self._evaluator.set_alerts(alerts)

    # --- evaluation -------------------------------------------------------------------

    def on_price(self, update: PriceUpdate) -> list[Delivery]:
        """Every price update, pushed or polled."""
        fired = self._evaluator.evaluate(update)
        if any(f.symbol == update.symbol for f in fired):
            self._marked.add(update.symbol)
        elif update.symbol in self._marked and not any(
            not self._evaluator.is_armed(a) for a in self._evaluator.alerts if a.symbol == update.symbol
        ):
            self._marked.discard(update.symbol)  # every alert of the symbol re-armed: the mark goes
        return [self._delivery(f) for f in fired]

    def on_fill(self, event: Any, time_ms: int | None = None) -> Delivery | None:
        """A fill of one's own order (``jextui.trading.fills.FillEvent``); ``None`` when
        ``alert_fills`` is off or the event is not a fill.  ``time_ms``: when it was seen
        (default: now)."""
        kind = str(getattr(event, "kind", ""))
        if not self.fill_alerts or kind not in ("partial_fill", "filled"):
            return None
        price = event.average_price if event.average_price is not None else event.price
        when = time_ms if time_ms is not None else int(time.time() * 1000)
        fired = fill_alert(event.symbol, event.side, event.filled_now, price, when, filled=kind == "filled")
        return self._delivery(fired)

    def marked_symbols(self) -> set[str]:
        """Symbols with a fired alert not yet re-armed (the watchlist shows a mark)."""
        return set(self._marked)

    def _delivery(self, fired: FiredAlert) -> Delivery:
        escape = osc_notification(NOTIFY_TITLE, fired.text, kind=self.notify_escape) if self.notify_escape else ""
        command = fired.alert.command if fired.alert is not None else None
        return Delivery(fired, notice_text(fired), BELL if self.bell else "", escape, command)

    def start_command(
        self, delivery: Delivery, on_done: Callable[[CommandOutcome], None]
    ) -> asyncio.Task[CommandOutcome] | None:
        """Start the delivery's command in the background (on the running loop)."""
        if delivery.command is None:
            return None
        return start_alert_command(delivery.command, delivery.fired, on_done, timeout=self.command_timeout)
