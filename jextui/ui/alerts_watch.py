"""Alerts in the console: every price update checked, every fired alert delivered.

:class:`AlertsWatch` holds the console's :class:`~jextui.alerts.AlertCenter`
(the config file's alerts and those made here, kept in the data folder) and
connects it to the rest:

* **Evaluation.** :meth:`AlertsWatch.feed_handlers` subscribes to the routing
  table's price events -- 24 h tickers, prices, book tickers and trades,
  whether pushed by a stream or polled -- and hands each symbol's news to the
  center as a :class:`~jextui.alerts.PriceUpdate`.  exchangeInfo tells it
  which symbols exist: an alert on one the exchange does not list is left
  out and said once.  While any alert is evaluated the 24 h tickers stay
  polled even when no pane shows them (:meth:`AlertsWatch.feeds_needed`).
* **Fills.** :meth:`AlertsWatch.on_fills` gets the fill events the trading
  side announces (each fill once); with ``alert_fills`` on (the default)
  each becomes a desktop notification.  The in-console notice and the bell
  are the fill announcement's own, so a fill is never told twice.
* **Delivery.** A fired price alert is a notice (titled "Alert", so one
  alert's notice replaces the previous one instead of stacking), a mark on
  its symbol in the watchlist and on its grid tile until it re-arms, the
  bell when ``bell = true``, a desktop notification through the terminal
  (OSC 9, or OSC 777 where the terminal is known to want it; inside tmux
  wrapped for its pass-through; never with ``TERM=dumb``), and its command,
  started as a background task without a shell and killed after the
  timeout.  A command that fails, cannot start or is killed is reported as a
  warning notice; the UI never waits for it.
* **Changes.** :meth:`add`, :meth:`edit` and :meth:`delete` return ``None``
  or the reason in words, and change nothing when they fail.

It takes the callables it needs (notify, bell, terminal writer, clock,
privacy) rather than the app.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jextui.alerts import Alert, AlertCenter, AlertError, AlertStore, Delivery, PriceUpdate
from jextui.alerts.center import NOTIFY_TITLE
from jextui.alerts.deliver import CommandOutcome, osc_notification
from jextui.feed.events import BookTickersUpdate, ExchangeInfoUpdate, PricesUpdate, TickersUpdate, TradesUpdate

if TYPE_CHECKING:
    from jextui.api.models import ExchangeInfo
    from jextui.config import Settings
    from jextui.feed.events import FeedEvent
    from jextui.market_store import MarketStore
    from jextui.trading.fills import FillEvent
    from jextui.ui.routing import Handler

__all__ = [
    "ALERT_NOTICE_TITLE",
    "ALERT_PROBLEM_TITLE",
    "AlertRow",
    "AlertsWatch",
    "CONDITION_WORDS",
    "FILLS_ROW_ID",
    "notify_escape_kind",
    "terminal_text",
]

log = logging.getLogger("jextui.ui.alerts")

ALERT_NOTICE_TITLE = "Alert"
ALERT_PROBLEM_TITLE = "Alert config"
UNLISTED_TITLE = "Alert symbols"
COMMAND_NOTICE_TITLE = "Alert command"
FILLS_ROW_ID = "fills"
#: Each condition in a few words, for the alerts screen and the dialog.
CONDITION_WORDS: dict[str, str] = {
    "above": "last price ≥",
    "below": "last price ≤",
    "change_pct": "24 h change ≥ ±",
    "spread_pct": "spread ≥",
}
NOTICE_SECONDS = 10.0
#: Terminals that show OSC 777 notifications and not OSC 9 (by ``TERM`` prefix).
_OSC_777_TERMS = ("foot", "rxvt", "urxvt")


def notify_escape_kind(env: Mapping[str, str]) -> str | None:
    """Which desktop-notification escape to send: ``"9"``, ``"777"`` or ``None`` (none at all)."""
    term = env.get("TERM", "").strip().lower()
    if term in ("", "dumb"):
        return None
    if env.get("VTE_VERSION") or term.startswith(_OSC_777_TERMS):
        return "777"
    return "9"


def terminal_text(escape: str, env: Mapping[str, str]) -> str:
    """``escape`` as written to the terminal: inside tmux wrapped in its pass-through
    (``ESC P tmux; ... ESC \\``, shown when tmux has ``allow-passthrough on``)."""
    if not escape or not env.get("TMUX"):
        return escape
    return "\x1bPtmux;" + escape.replace("\x1b", "\x1b\x1b") + "\x1b\\"


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One line of the alerts screen."""

    id: str
    symbol: str
    condition: str  # in words
    level: str  # the threshold as written ("" for fills)
    state: str  # "armed", "fired", "left out" (unknown symbol), "on"/"off" (fills)
    last_fired_ms: int | None
    source: str  # "config" or "console" or "built-in"
    editable: bool
    why_not: str  # why it cannot be edited here ("" if it can)
    alert: Alert | None


class AlertsWatch:
    """The console's alerts (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        *,
        notify: Callable[..., object],
        bell: Callable[[], None],
        write_terminal: Callable[[str], None],
        show_marks: Callable[[Collection[str]], None],
        private: Callable[[], bool],
        now_ms: Callable[[], int] | None = None,
        env: Mapping[str, str] | None = None,
        command_timeout: float | None = None,
    ) -> None:
        self._env = dict(os.environ if env is None else env)
        store = AlertStore.in_folder(settings.data_dir)
        options: dict[str, Any] = {}
        if command_timeout is not None:
            options["command_timeout"] = command_timeout
        self.center = AlertCenter(
            settings.alerts,
            store,
            bell=settings.bell,
            fill_alerts=settings.alert_fills,
            notify_escape=notify_escape_kind(self._env),
            **options,
        )
        self._settings = settings
        self._notify = notify
        self._bell = bell
        self._write_terminal = write_terminal
        self._show_marks = show_marks
        self._private = private
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._said_unknown: set[str] = set()
        self._shown_marks: frozenset[str] = frozenset()
        self._tasks: set[asyncio.Task[CommandOutcome]] = set()
        self.last_fired: dict[str, int] = {}
        """When each alert last fired (alert id, or ``fills``), milliseconds."""
        self.delivered: list[Delivery] = []
        """Every delivery so far, oldest first (the console's record, and tests')."""
        self.written: list[str] = []
        """Every escape text sent to the terminal (bell, desktop notifications)."""
        self.command_outcomes: list[CommandOutcome] = []
        self.on_change: Callable[[], None] | None = None
        """Called after anything the alerts screen shows changed (a firing, an edit)."""

    # --- start ----------------------------------------------------------------------

    def start_notices(self) -> None:
        """What is wrong with the alerts as the console starts: bad config tables, a damaged file."""
        problems = list(self._settings.alert_problems)
        stored = self.center.store.load_problem()
        if stored:
            problems.append(stored)
        for problem in problems:
            log.warning("alert problem: %s", problem)
        if problems:
            self._notify("\n".join(problems), title=ALERT_PROBLEM_TITLE, severity="warning", timeout=20)

    def feed_handlers(self) -> dict[type[FeedEvent], Handler]:
        return {
            TickersUpdate: self._on_tickers,
            PricesUpdate: self._on_prices,
            BookTickersUpdate: self._on_book_tickers,
            TradesUpdate: self._on_trades,
            ExchangeInfoUpdate: self._on_exchange_info,
        }

    def feeds_needed(self) -> frozenset[str]:
        """Feeds to keep polled while alerts are evaluated, whichever panes are on screen."""
        return frozenset({"tickers"}) if self.center.active() else frozenset()

    # --- evaluation ------------------------------------------------------------------

    def _on_tickers(self, event: TickersUpdate, _changed: object) -> None:
        for ticker in event.tickers.values():
            self.check(PriceUpdate.from_ticker(ticker))

    def _on_prices(self, event: PricesUpdate, _changed: object) -> None:
        for symbol, price in event.prices.items():
            self.check(PriceUpdate(symbol, event.received_ms, last=price))

    def _on_book_tickers(self, event: BookTickersUpdate, _changed: object) -> None:
        for symbol, book in event.book_tickers.items():
            self.check(PriceUpdate(symbol, event.received_ms, bid=book.bid_price or None, ask=book.ask_price or None))

    def _on_trades(self, event: TradesUpdate, _changed: object) -> None:
        if event.trades:
            newest = event.trades[0]  # newest first
            self.check(PriceUpdate(event.symbol, int(newest.time), last=newest.price))

    def catch_up(self, store: MarketStore) -> None:
        """What the feed said before the alerts started (they start after the first order
        book): the symbols the exchange lists, and the 24 h tickers' last prices."""
        if store.exchange_info is not None:
            self._known_symbols(store.exchange_info)
        for ticker in list(store.tickers.values()):
            self.check(PriceUpdate.from_ticker(ticker))

    def _on_exchange_info(self, event: ExchangeInfoUpdate, _changed: object) -> None:
        self._known_symbols(event.info)

    def _known_symbols(self, info: ExchangeInfo) -> None:
        listed = [symbol.symbol for symbol in info.spot_symbols]
        if not listed:
            return
        messages = [m for m in self.center.set_known_symbols(listed) if m not in self._said_unknown]
        self._said_unknown.update(messages)
        if messages:
            self._notify("\n".join(messages), title=UNLISTED_TITLE, severity="warning", timeout=20)
        self._changed()

    def check(self, update: PriceUpdate) -> None:
        """One symbol's news: deliver whatever fires, keep the marks (and an open list) in step."""
        watched = self.on_change is not None  # the alerts screen is up: a re-arm changes what it shows
        before = self._states(update.symbol) if watched else ()
        deliveries = self.center.on_price(update)
        for delivery in deliveries:
            self._deliver(delivery)
        marks = frozenset(self.center.marked_symbols())
        changed = bool(deliveries) or (watched and self._states(update.symbol) != before)
        if marks != self._shown_marks:
            self._shown_marks = marks
            self._show_marks(marks)
            changed = True
        if changed:
            self._changed()

    def _states(self, symbol: str) -> tuple[bool, ...]:
        return tuple(self.center.is_armed(alert) for alert in self.center.active() if alert.symbol == symbol)

    # --- fills -------------------------------------------------------------------------

    def on_fills(self, events: Iterable[FillEvent]) -> None:
        """Fill events as the trading side announces them (each fill once)."""
        # Imported here: fills come only once trading runs, which loads these anyway,
        # and the alerts start before the first order book, which should not wait for them.
        from jextui.trading.fills import FillEventKind
        from jextui.ui.notifications import fill_text

        for event in events:
            if event.kind not in (FillEventKind.FILLED, FillEventKind.PARTIAL_FILL):
                continue
            delivery = self.center.on_fill(event, self._now_ms())
            if delivery is None:
                continue
            self.delivered.append(delivery)
            self.last_fired[FILLS_ROW_ID] = delivery.fired.time_ms
            if delivery.escape:  # the notice and the bell are the fill announcement's own
                body = fill_text(event, private=self._private())  # the fill notice's own words
                self._write(osc_notification(NOTIFY_TITLE, body, kind=self.center.notify_escape or "9"))
            self._changed()

    # --- delivery --------------------------------------------------------------------

    def _deliver(self, delivery: Delivery) -> None:
        self.delivered.append(delivery)
        fired = delivery.fired
        if fired.alert is not None:
            self.last_fired[fired.alert.id] = fired.time_ms
        self._notify(delivery.notice, title=ALERT_NOTICE_TITLE, severity="warning", timeout=NOTICE_SECONDS)
        if delivery.bell:
            self.written.append(delivery.bell)
            self._bell()
        if delivery.escape:
            self._write(delivery.escape)
        if delivery.command is not None:
            try:
                task = self.center.start_command(delivery, self._command_done)
            except RuntimeError:  # no running loop (never in the console)
                log.warning("alert command not started: no event loop")
                return
            if task is not None:
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _write(self, escape: str) -> None:
        if self._env.get("TERM", "").strip().lower() == "dumb":
            return
        text = terminal_text(escape, self._env)
        self.written.append(text)
        try:
            self._write_terminal(text)
        except Exception:  # the terminal is going away: a notification is not worth an error
            log.debug("desktop notification not written", exc_info=True)

    def _command_done(self, outcome: CommandOutcome) -> None:
        self.command_outcomes.append(outcome)
        if outcome.ok:
            log.info("%s in %.1f s", outcome.message, outcome.seconds)
            return
        log.warning("%s", outcome.message)
        self._notify(
            outcome.message[:1].upper() + outcome.message[1:] + ".",
            title=COMMAND_NOTICE_TITLE,
            severity="warning",
            timeout=NOTICE_SECONDS,
        )

    @property
    def commands_running(self) -> int:
        return len(self._tasks)

    def stop(self) -> None:
        """Quitting: stop the commands still running (their process groups are killed)."""
        for task in list(self._tasks):
            task.cancel()

    # --- the list and changes (the alerts screen) --------------------------------------

    def rows(self) -> list[AlertRow]:
        center = self.center
        evaluated = {alert.id for alert in center.active()}
        rows = []
        for alert in center.alerts():
            state = "left out" if alert.id not in evaluated else "armed" if center.is_armed(alert) else "fired"
            unit = " %" if alert.condition.is_percent else ""
            why = "from the config file: change it there" if alert.from_config else ""
            rows.append(
                AlertRow(
                    alert.id,
                    alert.symbol,
                    CONDITION_WORDS[alert.condition.value],
                    f"{alert.threshold}{unit}",
                    state,
                    self.last_fired.get(alert.id),
                    "config" if alert.from_config else "console",
                    not alert.from_config,
                    why,
                    alert,
                )
            )
        rows.append(
            AlertRow(
                FILLS_ROW_ID,
                "all",
                "own fills",
                "",
                "on" if center.fill_alerts else "off",
                self.last_fired.get(FILLS_ROW_ID),
                "built-in",
                False,
                "alert_fills in the config file switches it",
                None,
            )
        )
        return rows

    def add(self, table: Mapping[str, Any]) -> str | None:
        """Keep a new alert; ``None``, or why not (nothing changed then)."""
        return self._change(lambda: self.center.add(table))

    def edit(self, alert_id: str, table: Mapping[str, Any]) -> str | None:
        """Change a console alert (it starts armed again, never fired)."""

        def change() -> object:
            self.center.edit(alert_id, table)
            self.last_fired.pop(alert_id, None)
            return None

        return self._change(change)

    def delete(self, alert_id: str) -> str | None:
        def remove() -> object:
            if not self.center.delete(alert_id):
                raise KeyError(alert_id)
            self.last_fired.pop(alert_id, None)
            return None

        return self._change(remove)

    def _change(self, change: Callable[[], object]) -> str | None:
        try:
            change()
        except AlertError as exc:
            return str(exc)
        except KeyError as exc:
            return f"alert {exc.args[0]} no longer exists"
        except OSError as exc:
            return f"the alerts could not be saved ({exc.strerror or exc}); nothing changed"
        self.check_marks()
        self._changed()
        return None

    def check_marks(self) -> None:
        marks = frozenset(self.center.marked_symbols())
        if marks != self._shown_marks:
            self._shown_marks = marks
            self._show_marks(marks)

    def _changed(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change()
            except Exception:
                log.debug("alerts screen not refreshed", exc_info=True)
