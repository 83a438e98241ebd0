"""Telling the trader what happened to orders: fills, partial fills, cancellations, reconciliations.

Each event becomes one Textual notification (a toast); fills and partial
fills also ring the terminal bell when ``settings.bell`` is on.  In privacy
mode the sentences leave out quantities and averages (the order id, side,
symbol and limit price stay, so the trader still knows which order it was).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from jextui.trading.fills import FillEvent, FillEventKind
from jextui.trading.reconcile import ReconcileReport

__all__ = ["FillAnnouncer", "fill_text", "FILL_TITLES"]

FILL_TITLES: dict[FillEventKind, str] = {
    FillEventKind.FILLED: "Order filled",
    FillEventKind.PARTIAL_FILL: "Order partly filled",
    FillEventKind.CANCELED: "Order cancelled",
}
NOTIFICATION_SECONDS = 8.0


def _plain(value: object) -> str:
    text = f"{value:f}" if hasattr(value, "is_finite") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def fill_text(event: FillEvent, *, private: bool) -> str:
    """The sentence for one event (the tracker's own, or one without amounts)."""
    if not private:
        return event.message
    what = f"{event.side} {event.symbol} @ {_plain(event.price)} (order {event.order_id})"
    if event.kind == FillEventKind.FILLED:
        return f"Filled: {what}."
    if event.kind == FillEventKind.PARTIAL_FILL:
        return f"Partly filled: {what}."
    return f"Cancelled: {what} ({event.status})."


class FillAnnouncer:
    """Notifications (and the bell) for fill events and reconciliation reports."""

    def __init__(self, app: Any, *, bell: Callable[[], bool], private: Callable[[], bool]) -> None:
        self.app = app
        self._bell = bell
        self._private = private
        self.announced: list[str] = []
        """Every sentence announced so far (newest last), for the trader's record and for tests."""

    def announce(self, events: Iterable[FillEvent]) -> None:
        for event in events:
            text = fill_text(event, private=self._private())
            self.announced.append(text)
            is_fill = event.kind in (FillEventKind.FILLED, FillEventKind.PARTIAL_FILL)
            self.app.notify(text, title=FILL_TITLES[event.kind], timeout=NOTIFICATION_SECONDS)
            if is_fill and self._bell():
                self.app.bell()

    def announce_reports(self, reports: Iterable[ReconcileReport]) -> None:
        """What the start-up reconciliation found about intents left by an earlier run."""
        reports = list(reports)
        if not reports:
            return
        found = sum(1 for report in reports if report.placed is True)
        absent = sum(1 for report in reports if report.placed is False)
        open_questions = sum(1 for report in reports if not report.settled)
        other = len(reports) - found - absent - open_questions
        parts = [f"{found} found on the exchange"] if found else []
        parts += [f"{absent} not placed"] if absent else []
        parts += [f"{other} cancel(s) settled"] if other else []
        parts += [f"{open_questions} still unknown (checked again at the next start)"] if open_questions else []
        summary = (f"{len(reports)} request(s) left unanswered by an earlier run were checked: "
                   + ", ".join(parts) + ".")
        self.announced.append(summary)
        severity = "warning" if open_questions else "information"
        self.app.notify(summary, title="Order journal", severity=severity, timeout=NOTIFICATION_SECONDS * 2)
        for report in reports:
            entry = report.entry
            text = f"Journal entry {entry.id[:8]}: {entry.state}." if self._private() else report.message
            self.announced.append(text)
            self.app.notify(text, title="Order journal", severity="information" if report.settled else "warning",
                            timeout=NOTIFICATION_SECONDS * 2)

    def say(self, text: str, *, title: str = "", severity: str = "information", timeout: float | None = None) -> None:
        """Any other trading message (cancels, outcomes when the ticket is closed)."""
        self.announced.append(text)
        self.app.notify(text, title=title, severity=severity, timeout=timeout or NOTIFICATION_SECONDS)
