"""What an alert is, and how one is read from a config table or the console.

An alert watches one symbol for exactly one condition:

===============  ==========================================================
``above``        the last price is at or above the level
``below``        the last price is at or below the level
``change_pct``   the 24 h change is N % or more, up or down (``|change| >= N``)
``spread_pct``   the spread ``(ask - bid) / mid`` is N % or more
===============  ==========================================================

It may name a ``command`` to run when it fires: a list of strings (argv),
never a shell string.  The alert's details reach the command through its
environment only (see :mod:`jextui.alerts.deliver`).

Numbers may be written as strings (``"70000.5"``, exact) or TOML numbers;
they must be finite and positive.  Fills of the account's own orders are a
separate, built-in alert switched by ``alert_fills`` (on by default).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from jextui.amount_text import carried_amount_text

__all__ = [
    "CONDITIONS",
    "MAX_COMMAND_ARGS",
    "Alert",
    "AlertError",
    "Condition",
    "parse_alert",
    "parse_alerts",
    "parse_alerts_leniently",
    "parse_number",
    "unknown_symbol_messages",
]

_SYMBOL = re.compile(r"^[A-Z0-9]{2,30}$")
MAX_COMMAND_ARGS = 64
MAX_PCT = Decimal(1000)


class Condition(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    CHANGE_PCT = "change_pct"
    SPREAD_PCT = "spread_pct"

    @property
    def words(self) -> str:
        return {
            Condition.ABOVE: "last price at or above",
            Condition.BELOW: "last price at or below",
            Condition.CHANGE_PCT: "24 h change beyond ±",
            Condition.SPREAD_PCT: "spread at least",
        }[self]

    @property
    def is_percent(self) -> bool:
        return self in (Condition.CHANGE_PCT, Condition.SPREAD_PCT)


CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)
_KNOWN_KEYS = ("symbol", *CONDITIONS, "command")


class AlertError(ValueError):
    """A bad alert: ``key`` is the field at fault (``""`` for the whole alert)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert.  ``id`` is stable: ``config-N`` (the N-th ``[[alerts]]`` table,
    from 1) or ``console-N`` (made in the console, kept in the data folder)."""

    symbol: str
    condition: Condition
    threshold: Decimal
    command: tuple[str, ...] | None = None
    id: str = ""
    from_config: bool = field(default=False, compare=False)

    def describe(self) -> str:
        """``BTCUSDT last price at or above 70,000`` / ``ETHUSDT 24 h change beyond ±5 %``."""
        unit = " %" if self.condition.is_percent else ""
        joiner = "" if self.condition is Condition.CHANGE_PCT else " "
        level = f"{self.threshold}" if self.condition.is_percent else carried_amount_text(self.threshold)
        return f"{self.symbol} {self.condition.words}{joiner}{level}{unit}"

    def as_table(self) -> dict[str, Any]:
        """The alert as a config table / JSON object (numbers as strings)."""
        table: dict[str, Any] = {"symbol": self.symbol, self.condition.value: str(self.threshold)}
        if self.command is not None:
            table["command"] = list(self.command)
        return table


def parse_number(value: object, *, key: str) -> Decimal:
    """A positive finite Decimal from a string or a TOML number; :class:`AlertError` if not."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise AlertError(key, f'expected a number such as "70000", got {type(value).__name__}')
    text = str(value).strip().replace("_", "") if not isinstance(value, Decimal) else None
    try:
        number = value if isinstance(value, Decimal) else Decimal(text or "")
    except InvalidOperation:
        raise AlertError(key, f'{value!r} is not a number (write it like "70000" or "0.5")') from None
    if not number.is_finite():
        raise AlertError(key, f"{value!r} is not a finite number")
    if number <= 0:
        raise AlertError(key, f"must be more than 0, got {value}")
    return number


def _parse_command(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        raise AlertError(
            "command",
            "must be a list of strings (the program and its arguments), not one string: "
            'it is run without a shell, e.g. command = ["notify-send", "jextui"]',
        )
    if not isinstance(value, (list, tuple)) or not value:
        raise AlertError("command", 'must be a non-empty list of strings, e.g. ["notify-send", "jextui"]')
    if len(value) > MAX_COMMAND_ARGS:
        raise AlertError("command", f"at most {MAX_COMMAND_ARGS} items")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise AlertError(f"command[{index}]", f"expected a string, got {type(item).__name__}")
        if "\x00" in item:
            raise AlertError(f"command[{index}]", "must not contain a NUL character")
    if not value[0].strip():
        raise AlertError("command[0]", "is empty: name the program to run")
    return tuple(value)


def parse_alert(raw: Mapping[str, Any], *, alert_id: str = "", from_config: bool = False) -> Alert:
    """One alert from a table; :class:`AlertError` names the key and what is wrong.

    Only the form is checked here (a symbol-shaped name, one condition, a good
    number); whether the exchange lists the symbol is checked at start with
    :func:`unknown_symbol_messages`.
    """
    if not isinstance(raw, Mapping):
        raise AlertError("", f"expected a table ([[alerts]]), got {type(raw).__name__}")
    unknown = [key for key in raw if key not in _KNOWN_KEYS]
    if unknown:
        raise AlertError(unknown[0], f"unknown key; known keys here: {', '.join(_KNOWN_KEYS)}")
    symbol = raw.get("symbol")
    if symbol is None:
        raise AlertError("symbol", 'missing (this key is required), e.g. symbol = "BTCUSDT"')
    if not isinstance(symbol, str) or not _SYMBOL.match(symbol.strip().upper()):
        raise AlertError("symbol", f"{symbol!r} is not a symbol (letters and digits, e.g. BTCUSDT)")
    given = [c for c in Condition if c.value in raw]
    if not given:
        raise AlertError("", f"no condition: give exactly one of {', '.join(CONDITIONS)}")
    if len(given) > 1:
        raise AlertError(
            given[1].value,
            f"an alert has exactly one condition, this one has {len(given)} "
            f"({', '.join(c.value for c in given)}); write one [[alerts]] table per condition",
        )
    condition = given[0]
    threshold = parse_number(raw[condition.value], key=condition.value)
    if condition.is_percent and threshold > MAX_PCT:
        raise AlertError(condition.value, f"must be at most {MAX_PCT} (percent), got {threshold}")
    command = _parse_command(raw["command"]) if "command" in raw else None
    return Alert(symbol.strip().upper(), condition, threshold, command, alert_id, from_config)


def parse_alerts(tables: Sequence[Any]) -> tuple[Alert, ...]:
    """The ``[[alerts]]`` list; :class:`AlertError` keys read ``alerts[N].key`` (N from 0)."""
    alerts = []
    for index, table in enumerate(tables):
        try:
            alerts.append(parse_alert(table, alert_id=f"config-{index + 1}", from_config=True))
        except AlertError as exc:
            where = f"alerts[{index}]" + (f".{exc.key}" if exc.key else "")
            raise AlertError(where, exc.message) from None
    return tuple(alerts)


def parse_alerts_leniently(tables: object) -> tuple[tuple[Alert, ...], tuple[str, ...]]:
    """The ``[[alerts]]`` list, good tables kept and bad ones left out: ``(alerts, problems)``.

    One message per bad table (``alerts[N].key: what is wrong; this alert is
    ignored``), so one mistyped alert costs only itself.  Ids stay those of
    :func:`parse_alerts` (``config-N``, N the table's place from 1).
    """
    if not isinstance(tables, (list, tuple)):
        return (), (
            f"alerts: expected a list of [[alerts]] tables, got {type(tables).__name__}; "
            "every config-file alert is ignored",
        )
    alerts: list[Alert] = []
    problems: list[str] = []
    for index, table in enumerate(tables):
        try:
            alerts.append(parse_alert(table, alert_id=f"config-{index + 1}", from_config=True))
        except AlertError as exc:
            where = f"alerts[{index}]" + (f".{exc.key}" if exc.key else "")
            problems.append(f"{where}: {exc.message}; this alert is ignored")
    return tuple(alerts), tuple(problems)


def unknown_symbol_messages(alerts: Iterable[Alert], known_symbols: Collection[str]) -> list[str]:
    """One message per alert whose symbol the exchange does not list (checked at start
    against exchangeInfo); such alerts are left out, nothing else is affected."""
    return [
        f"alert {alert.id or alert.describe()}: {alert.symbol} is not a symbol of this exchange; the alert is ignored"
        for alert in alerts
        if alert.symbol not in known_symbols
    ]
