"""Checking alerts against every price update: fire once, re-arm with hysteresis.

:meth:`AlertEvaluator.evaluate` is pure bookkeeping (no I/O, no clock): it
takes one :class:`PriceUpdate` -- from a pushed stream message or a polled
ticker, the caller builds it from whichever it has -- and returns the alerts
that fire on it.

Firing and re-arming:

* An alert starts *armed*.  When its condition holds on an update it fires
  once and is *disarmed* (this includes the first update after start: a
  condition that already holds is news).
* It re-arms only when the watched value has moved back past the level by a
  band, so a price hovering around the level does not fire on every tick:

  - ``above`` / ``below`` (price levels): the band is 0.5 % of the level
    (:data:`HYSTERESIS_PRICE_FRACTION`).  ``above 70000`` re-arms once the last
    price is below 69650; ``below 100`` once it is above 100.5.
  - ``change_pct`` / ``spread_pct`` (percentages): the band is one tenth of N
    (:data:`HYSTERESIS_PCT_SHARE`).  ``change_pct 5`` re-arms once the 24 h
    change is within ±4.5 %; ``spread_pct 0.5`` once the spread is below 0.45 %.

* An update that lacks the value a condition needs (no bid/ask, no 24 h
  change) leaves that alert as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jextui.alerts.model import Alert, Condition
from jextui.amount_text import carried_amount_text

__all__ = [
    "HYSTERESIS_PCT_SHARE",
    "HYSTERESIS_PRICE_FRACTION",
    "AlertEvaluator",
    "FiredAlert",
    "PriceUpdate",
    "fill_alert",
    "spread_pct",
]

HYSTERESIS_PRICE_FRACTION = Decimal("0.005")
HYSTERESIS_PCT_SHARE = Decimal("0.1")
FILL_CONDITION = "fill"


class TickerLike(Protocol):
    """What :meth:`PriceUpdate.from_ticker` reads (``api.models.Ticker24hr`` has it)."""

    @property
    def symbol(self) -> str: ...
    @property
    def close_time(self) -> int: ...
    @property
    def last_price(self) -> Decimal: ...
    @property
    def bid_price(self) -> Decimal: ...
    @property
    def ask_price(self) -> Decimal: ...
    @property
    def price_change_percent(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """What one update says about a symbol; ``None`` where it says nothing.

    ``change_pct`` is the 24 h change in percent (``priceChangePercent``).
    ``time_ms`` is the exchange time of the update.
    """

    symbol: str
    time_ms: int
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    change_pct: Decimal | None = None

    @classmethod
    def from_ticker(cls, ticker: TickerLike, time_ms: int | None = None) -> PriceUpdate:
        """From a 24 h ticker (``Ticker24hr``: last, bid, ask and change in one answer)."""
        return cls(
            symbol=ticker.symbol,
            time_ms=int(time_ms if time_ms is not None else ticker.close_time),
            last=ticker.last_price,
            bid=ticker.bid_price or None,
            ask=ticker.ask_price or None,
            change_pct=ticker.price_change_percent,
        )


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """One alert that fired: what the console shows and what a command receives.

    ``condition`` is the condition's name (``above`` ... or ``fill``), ``price``
    the value that made it fire (the last price; the percentage for the
    percent conditions; the fill price for a fill), ``text`` the notice.
    """

    alert: Alert | None
    symbol: str
    condition: str
    price: Decimal
    time_ms: int
    text: str


SPREAD_EXP = Decimal("0.0001")


def spread_pct(bid: Decimal, ask: Decimal) -> Decimal | None:
    """``(ask - bid) / mid * 100`` to 4 decimals; ``None`` without a two-sided book."""
    if bid <= 0 or ask <= 0 or ask < bid:
        return None
    return ((ask - bid) / ((ask + bid) / 2) * 100).quantize(SPREAD_EXP)


def _observed(alert: Alert, update: PriceUpdate) -> Decimal | None:
    if alert.condition in (Condition.ABOVE, Condition.BELOW):
        return update.last
    if alert.condition is Condition.CHANGE_PCT:
        return update.change_pct
    if update.bid is None or update.ask is None:
        return None
    return spread_pct(update.bid, update.ask)


def _holds(alert: Alert, value: Decimal) -> bool:
    level = alert.threshold
    if alert.condition is Condition.ABOVE:
        return value >= level
    if alert.condition is Condition.BELOW:
        return value <= level
    if alert.condition is Condition.CHANGE_PCT:
        return abs(value) >= level
    return value >= level


def _rearms(alert: Alert, value: Decimal) -> bool:
    level = alert.threshold
    if alert.condition is Condition.ABOVE:
        return value < level * (1 - HYSTERESIS_PRICE_FRACTION)
    if alert.condition is Condition.BELOW:
        return value > level * (1 + HYSTERESIS_PRICE_FRACTION)
    limit = level * (1 - HYSTERESIS_PCT_SHARE)
    if alert.condition is Condition.CHANGE_PCT:
        return abs(value) < limit
    return value < limit


def _notice(alert: Alert, value: Decimal) -> str:
    if alert.condition is Condition.CHANGE_PCT:
        return f"{alert.symbol}: 24 h change {value:+.2f} % (alert: beyond ±{alert.threshold} %)"
    if alert.condition is Condition.SPREAD_PCT:
        return f"{alert.symbol}: spread {value:.3f} % (alert: at least {alert.threshold} %)"
    word = "above" if alert.condition is Condition.ABOVE else "below"
    level = carried_amount_text(alert.threshold)
    return f"{alert.symbol}: last price {carried_amount_text(value)} (alert: {word} {level})"


class AlertEvaluator:
    """Holds the alerts and their armed state (see the module docstring)."""

    def __init__(self, alerts: Iterable[Alert] = ()) -> None:
        self._alerts: dict[str, Alert] = {}
        self._armed: dict[str, bool] = {}
        self.set_alerts(alerts)

    def set_alerts(self, alerts: Iterable[Alert]) -> None:
        """Replace the alert list (after an edit); an unchanged alert keeps its state,
        a new or changed one starts armed."""
        new = {self._key(alert): alert for alert in alerts}
        self._armed = {key: self._armed.get(key, True) for key in new}
        self._alerts = new
        self._by_symbol: dict[str, list[tuple[str, Alert]]] = {}
        for key, alert in new.items():
            self._by_symbol.setdefault(alert.symbol, []).append((key, alert))

    @staticmethod
    def _key(alert: Alert) -> str:
        return f"{alert.id}|{alert.symbol}|{alert.condition.value}|{alert.threshold}"

    @property
    def alerts(self) -> list[Alert]:
        return list(self._alerts.values())

    def is_armed(self, alert: Alert) -> bool:
        return self._armed.get(self._key(alert), False)

    def evaluate(self, update: PriceUpdate) -> list[FiredAlert]:
        """The alerts that fire on ``update`` (each at most once until re-armed)."""
        fired = []
        for key, alert in self._by_symbol.get(update.symbol, ()):
            value = _observed(alert, update)
            if value is None:
                continue
            if self._armed[key]:
                if _holds(alert, value):
                    self._armed[key] = False
                    fired.append(
                        FiredAlert(
                            alert, alert.symbol, alert.condition.value, value, update.time_ms, _notice(alert, value)
                        )
                    )
            elif _rearms(alert, value):
                self._armed[key] = True
        return fired


def fill_alert(symbol: str, side: str, quantity: Decimal, price: Decimal, time_ms: int, *, filled: bool) -> FiredAlert:
    """The built-in alert on a fill of one's own order (``alert_fills``, on by default).

    The caller passes what :class:`jextui.trading.fills.FillEvent` reports.
    """
    what = "filled" if filled else "partly filled"
    text = f"{symbol}: {side.upper()} {carried_amount_text(quantity)} at {carried_amount_text(price)} {what}"
    return FiredAlert(None, symbol, FILL_CONDITION, price, time_ms, text)
