"""Text formatting of prices, quantities, volumes, percentages, ages and times.

Everything money-related is ``Decimal`` in and ``str`` out; no float is ever
involved.  Rounding is half-up (what a person expects when reading a number).
Times are int milliseconds since the epoch; they are shown in local time
unless a ``tzinfo`` is given (tests and screenshots pass UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING

from jextui.amount_text import amount_text, carried_amount_text

if TYPE_CHECKING:
    from jextui.api.models import SymbolInfo

__all__ = [
    "MASK",
    "decimals_of_step",
    "auto_decimals",
    "format_as_sent",
    "format_own_digits",
    "symbol_precisions",
    "format_fixed",
    "format_price",
    "format_qty",
    "format_amount",
    "format_compact",
    "format_percent",
    "percent_change",
    "format_age",
    "format_latency",
    "format_offset",
    "format_clock",
    "format_datetime",
    "format_axis_time",
]

MASK = "•••"
"""What privacy mode shows instead of an amount."""

GROUPING_THRESHOLD = Decimal(1_000)
"""Thousands separators are used from this magnitude up: every number with a thousands
digit has them, so "3,150.00" sits above "64,250.00" in the same column style."""

_COMPACT_UNITS: tuple[tuple[str, int], ...] = (("", 0), ("K", 3), ("M", 6), ("B", 9), ("T", 12))
_SECOND_MS = 1_000
_MINUTE_MS = 60 * _SECOND_MS
_HOUR_MS = 60 * _MINUTE_MS
_DAY_MS = 24 * _HOUR_MS


def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def _quantize(value: Decimal, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to ``decimals`` places, with enough precision for any price."""
    with localcontext() as ctx:
        ctx.prec = 80
        rounded = value.quantize(_quantum(decimals), rounding=rounding)
    if rounded.is_zero():
        rounded = abs(rounded)  # never show "-0.00"
    return rounded


def decimals_of_step(step: Decimal) -> int:
    """Number of decimals a tick or step size allows: ``0.010`` → 2, ``1`` → 0."""
    if not step.is_finite() or step.is_zero():
        return 0
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def auto_decimals(values: Iterable[Decimal], cap: int = 8) -> int:
    """Decimals needed to show every value exactly (at most ``cap``), for
    data whose symbol precision is not known yet: ``1.50``, ``2.125`` → 3.
    """
    needed = 0
    for value in values:
        if value.is_finite():
            exponent = value.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            needed = max(needed, -exponent)
    return min(cap, needed)


def symbol_precisions(info: SymbolInfo) -> tuple[int, int]:
    """(price decimals, quantity decimals) of a symbol.

    From the PRICE_FILTER tick size and the LOT_SIZE step size when they are
    given, else from the quote / base asset precisions.
    """
    price_decimals = info.quote_precision
    qty_decimals = info.base_asset_precision
    for symbol_filter in info.filters:
        if symbol_filter.filter_type == "PRICE_FILTER" and symbol_filter.tick_size:
            price_decimals = decimals_of_step(symbol_filter.tick_size)
        elif symbol_filter.filter_type == "LOT_SIZE" and symbol_filter.step_size:
            qty_decimals = decimals_of_step(symbol_filter.step_size)
    return price_decimals, qty_decimals


def format_fixed(value: Decimal, decimals: int, *, grouping: bool | None = None) -> str:
    """``value`` with exactly ``decimals`` decimals.

    ``grouping``: thousands separators; ``None`` means from 1,000 up
    (``999.50`` has none to show, ``1,234.50`` and ``43,210.50`` get commas).
    """
    if not value.is_finite():
        return "—"
    decimals = max(0, decimals)
    rounded = _quantize(value, decimals)
    if grouping is None:
        grouping = abs(rounded) >= GROUPING_THRESHOLD
    spec = f",.{decimals}f" if grouping else f".{decimals}f"
    return format(rounded, spec)


def format_price(value: Decimal, decimals: int, *, grouping: bool | None = None) -> str:
    """A price at the symbol's precision (see :func:`format_fixed`)."""
    return format_fixed(value, decimals, grouping=grouping)


def format_qty(value: Decimal, decimals: int, *, grouping: bool | None = None) -> str:
    """A quantity at the symbol's step precision (see :func:`format_fixed`)."""
    return format_fixed(value, decimals, grouping=grouping)


def format_amount(value: Decimal, *, max_decimals: int = 8, min_decimals: int = 2) -> str:
    """An amount of unknown precision (a balance): at most ``max_decimals``,
    trailing zeros dropped down to ``min_decimals``: ``1.5`` → ``1.50``,
    ``0.00012000`` → ``0.00012``.
    """
    if not value.is_finite():
        return "—"
    rounded = _quantize(value, max_decimals)
    exponent = rounded.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    decimals = min(max_decimals, max(min_decimals, -exponent))
    return format_fixed(rounded, decimals)


def format_own_digits(value: Decimal) -> str:
    """``value`` with the decimals it carries, thousands grouped as in the panes:
    ``64243.00`` → ``64,243.00`` (an amount or price already at its precision)."""
    return carried_amount_text(value)


def format_as_sent(value: Decimal) -> str:
    """A price whose symbol precision is not known yet, exactly as the server wrote it
    (a Decimal keeps every digit it was given, trailing zeros too): never rounded,
    because a wrong price is worse than a long one."""
    if not value.is_finite():
        return "—"
    return f"{value:f}"


def format_plain(value: Decimal) -> str:
    """Exactly ``value``, without an exponent or trailing zeros, thousands grouped as in the
    panes: ``43000.50`` → ``43,000.5`` (prices and quantities in sentences, where the symbol's
    precision is not at hand)."""
    return amount_text(value)


def format_rate(rate: Decimal) -> str:
    """A fee rate as a percentage: ``0.001`` → ``0.100 %``; a negative rate is a rebate."""
    percent = (rate * 100).quantize(Decimal("0.001"))
    text = f"{percent:f} %"
    return f"{text} (rebate)" if rate < 0 else text


def _three_significant(value: Decimal) -> str:
    """A non-negative value below 1000 with three significant digits."""
    if value.is_zero():
        return "0"
    decimals = max(0, 2 - value.adjusted())
    rounded = _quantize(value, decimals)
    if rounded.adjusted() > value.adjusted():  # 0.9996 rounds up to 1.000
        decimals = max(0, 2 - rounded.adjusted())
        rounded = _quantize(value, decimals)
    return format(rounded, f".{decimals}f")


def format_compact(value: Decimal) -> str:
    """A volume in at most 3 significant digits: ``12.3K``, ``4.56M``, ``999``."""
    if not value.is_finite():
        return "—"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for index, (suffix, power) in enumerate(_COMPACT_UNITS):
        scaled = magnitude.scaleb(-power)
        text = _three_significant(scaled)
        is_last = index == len(_COMPACT_UNITS) - 1
        if is_last or Decimal(text) < 1000:
            if text == "0":
                return "0"
            return f"{sign}{text}{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_percent(value: Decimal, decimals: int = 2) -> str:
    """A signed percentage: ``+1.23%``, ``-0.50%``, ``0.00%``."""
    if not value.is_finite():
        return "—"
    rounded = _quantize(value, decimals)
    sign = "+" if rounded > 0 else ""
    return f"{sign}{format(rounded, f'.{decimals}f')}%"


def percent_change(old: Decimal, new: Decimal) -> Decimal | None:
    """``(new - old) / old * 100``, or None when ``old`` is zero."""
    if old.is_zero():
        return None
    try:
        return (new - old) * 100 / old
    except InvalidOperation:
        return None


def format_age(age_ms: int) -> str:
    """How old data is: ``0.4s`` (under a second), ``12s``, ``3m``, ``5h``, ``2d``.

    Always rounded down: the data is at least that old.
    """
    age_ms = max(0, age_ms)
    if age_ms < _SECOND_MS:
        return f"0.{age_ms // 100}s"
    if age_ms < _MINUTE_MS:
        return f"{age_ms // _SECOND_MS}s"
    if age_ms < _HOUR_MS:
        return f"{age_ms // _MINUTE_MS}m"
    if age_ms < _DAY_MS:
        return f"{age_ms // _HOUR_MS}h"
    return f"{age_ms // _DAY_MS}d"


def format_latency(latency_ms: int) -> str:
    """A round-trip time: ``45ms``, ``1.2s`` (from a second up)."""
    latency_ms = max(0, latency_ms)
    if latency_ms < _SECOND_MS:
        return f"{latency_ms}ms"
    tenths = Decimal(latency_ms).scaleb(-3).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return f"{tenths}s"


def format_offset(offset_ms: int) -> str:
    """A signed clock offset: ``+12ms``, ``-3ms``, ``+1.2s``, ``0ms``."""
    sign = "+" if offset_ms > 0 else "-" if offset_ms < 0 else ""
    return f"{sign}{format_latency(abs(offset_ms))}"


def _to_datetime(timestamp_ms: int, tz: tzinfo | None) -> datetime:
    seconds, millis = divmod(int(timestamp_ms), 1000)
    moment = datetime.fromtimestamp(seconds, tz)
    return moment.replace(microsecond=millis * 1000)


def format_clock(timestamp_ms: int, tz: tzinfo | None = None) -> str:
    """``HH:MM:SS`` of an epoch-ms timestamp, in local time unless ``tz`` is given."""
    return _to_datetime(timestamp_ms, tz).strftime("%H:%M:%S")


def format_datetime(timestamp_ms: int, tz: tzinfo | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` of an epoch-ms timestamp."""
    return _to_datetime(timestamp_ms, tz).strftime("%Y-%m-%d %H:%M:%S")


def format_axis_time(timestamp_ms: int, interval: str, tz: tzinfo | None = None) -> str:
    """A short time-axis label: ``HH:MM`` for intraday intervals, ``MM-DD`` from 1d up."""
    moment = _to_datetime(timestamp_ms, tz)
    if interval.endswith(("d", "w", "M")):
        return moment.strftime("%m-%d")
    return moment.strftime("%H:%M")
