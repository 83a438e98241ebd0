"""What the alert keys open: the alert dialog on the active symbol, the alerts screen.

:class:`AlertKeys` is given what it needs of the console (a screen pusher,
the active symbol, its last price, a notice) and the
:class:`~jextui.ui.alerts_watch.AlertsWatch`; the app's two actions call
:meth:`AlertKeys.new_alert` and :meth:`AlertKeys.show_alerts`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from jextui.ui.alerts_watch import AlertRow, AlertsWatch

__all__ = ["AlertKeys"]


class AlertKeys:
    def __init__(
        self,
        watch: AlertsWatch,
        *,
        push_screen: Callable[..., Any],
        active_symbol: Callable[[], str | None],
        last_price: Callable[[str], Decimal | None],
        notify: Callable[..., object],
        time_zone: tzinfo | None,
    ) -> None:
        self.watch = watch
        self._push = push_screen
        self._active = active_symbol
        self._last_price = last_price
        self._notify = notify
        self._time_zone = time_zone

    def new_alert(self) -> None:
        """The alert dialog on the active symbol, prefilled with its last price."""
        from jextui.ui.screens.alert_edit import AlertEditScreen

        symbol = self._active()
        if symbol is None:
            self._notify("No active symbol: pick one (/ searches) to set an alert on it.", title="Alerts")
            return

        def saved(done: bool | None) -> None:
            if done:
                newest = self.watch.center.store.list()[-1:]
                what = newest[0].describe() if newest else symbol
                self._notify(f"Alert set: {what}.", title="Alerts", timeout=5)

        self._push(AlertEditScreen(symbol, self.watch.add, last_price=self._last_price(symbol)), saved)

    def edit_alert(self, row: AlertRow) -> None:
        from jextui.ui.screens.alert_edit import AlertEditScreen

        alert = row.alert
        if alert is None or not row.editable:
            return
        self._push(
            AlertEditScreen(
                alert.symbol,
                lambda table: self.watch.edit(alert.id, table),
                last_price=self._last_price(alert.symbol),
                alert=alert,
            )
        )

    def show_alerts(self) -> None:
        from jextui.ui.screens.alerts import AlertsScreen

        self._push(
            AlertsScreen(self.watch, time_zone=self._time_zone, new_alert=self.new_alert, edit_alert=self.edit_alert)
        )
