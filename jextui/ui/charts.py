"""Text charts drawn from Decimal values: sparklines, area charts, candlesticks.

Scaling uses Decimal and integer arithmetic only (no float), so the same
values always give the same picture.  Every function returns Rich ``Text``
(one object per row for the multi-row charts); styles are passed in by the
caller, which takes them from the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from rich.style import StyleType
from rich.text import Text

__all__ = [
    "SPARK_BLOCKS",
    "Candle",
    "scale",
    "resample_last",
    "merge_candles",
    "spark_levels",
    "sparkline",
    "area_chart",
    "candlestick_chart",
]

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
"""The eight bar heights of a one-row sparkline, lowest first."""

T = TypeVar("T")

_EIGHTHS = " ▁▂▃▄▅▆▇█"  # index = filled eighths of a cell
_BODY = "█"
_DOJI = "━"
_WICK = "│"


@dataclass(frozen=True, slots=True)
class Candle:
    """One candlestick: open, high, low and close prices."""

    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal

    @property
    def rising(self) -> bool:
        return self.close >= self.open


def scale(value: Decimal, low: Decimal, high: Decimal, steps: int) -> int:
    """Map ``value`` in ``[low, high]`` to an integer step ``0 .. steps - 1``.

    A flat range (``high == low``) maps to the middle step.  Values outside
    the range are clamped.
    """
    if steps <= 1:
        return 0
    span = high - low
    if span <= 0:
        return (steps - 1) // 2
    position = (value - low) * (steps - 1) / span
    step = int(position.to_integral_value(rounding=ROUND_HALF_UP))
    return min(steps - 1, max(0, step))


def resample_last(values: Sequence[T], width: int) -> list[T]:
    """At most ``width`` values: the last value of each of ``width`` equal
    buckets (the close of each period), keeping the first and last shape.
    """
    count = len(values)
    if width <= 0:
        return []
    if count <= width:
        return list(values)
    return [values[((index + 1) * count) // width - 1] for index in range(width)]


def merge_candles(candles: Sequence[Candle], width: int) -> list[Candle]:
    """At most ``width`` candles, each merging an equal bucket of the input
    (open of the first, highest high, lowest low, close of the last).
    """
    count = len(candles)
    if width <= 0:
        return []
    if count <= width:
        return list(candles)
    merged: list[Candle] = []
    start = 0
    for index in range(width):
        end = ((index + 1) * count) // width
        bucket = candles[start:end]
        merged.append(
            Candle(
                open=bucket[0].open,
                high=max(candle.high for candle in bucket),
                low=min(candle.low for candle in bucket),
                close=bucket[-1].close,
            )
        )
        start = end
    return merged


def spark_levels(values: Sequence[Decimal], levels: int = len(SPARK_BLOCKS)) -> list[int]:
    """Each value's level ``0 .. levels - 1`` between the series' low and high."""
    if not values:
        return []
    low, high = min(values), max(values)
    return [scale(value, low, high, levels) for value in values]


def sparkline(values: Sequence[Decimal], width: int, style: StyleType = "") -> Text:
    """A one-row sparkline of at most ``width`` cells (fewer if fewer values)."""
    sampled = resample_last(values, width)
    blocks = "".join(SPARK_BLOCKS[level] for level in spark_levels(sampled))
    return Text(blocks, style=style, no_wrap=True, end="")


class _RowBuilder:
    """Builds a Text from cells, merging neighbouring cells of equal style."""

    def __init__(self) -> None:
        self._text = Text(no_wrap=True, end="")
        self._run: list[str] = []
        self._run_style: StyleType | None = None

    def add(self, char: str, style: StyleType) -> None:
        if self._run and style != self._run_style:
            self._flush()
        self._run.append(char)
        self._run_style = style

    def _flush(self) -> None:
        if self._run:
            self._text.append("".join(self._run), self._run_style or "")
            self._run = []

    def build(self) -> Text:
        self._flush()
        return self._text


def area_chart(values: Sequence[Decimal], width: int, height: int, style: StyleType = "") -> list[Text]:
    """A filled chart of ``height`` rows, one column per value (the last
    ``width`` buckets), with eighth-of-a-cell vertical resolution.
    """
    if height <= 0:
        return []
    sampled = resample_last(values, width)
    total_eighths = height * 8
    # At least one eighth per column so the lowest value is still visible.
    fills = [1 + level for level in spark_levels(sampled, total_eighths - 1)] if sampled else []
    rows: list[Text] = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        cells = "".join(_EIGHTHS[min(8, max(0, fill - floor))] for fill in fills)
        rows.append(Text(cells, style=style, no_wrap=True, end=""))
    return rows


def _candle_cell(candle: Candle, row: int, rows_of: dict[str, int]) -> str:
    body_top, body_bottom = rows_of["body_top"], rows_of["body_bottom"]
    if body_top <= row <= body_bottom:
        return _DOJI if candle.open == candle.close else _BODY
    if rows_of["high"] <= row <= rows_of["low"]:
        return _WICK
    return " "


def candlestick_chart(
    candles: Sequence[Candle],
    width: int,
    height: int,
    up_style: StyleType = "",
    down_style: StyleType = "",
) -> list[Text]:
    """Candlesticks in ``height`` rows and at most ``width`` columns.

    One column per candle (merged when there are more candles than columns),
    or a candle and a gap per two columns when they fit.  Bodies are ``█``
    (``━`` when open equals close), wicks ``│``; rising candles take
    ``up_style``, falling ones ``down_style``.
    """
    if height <= 0 or width <= 0:
        return []
    shown = merge_candles(candles, width)
    spaced = bool(shown) and len(shown) * 2 <= width
    low = min((candle.low for candle in shown), default=Decimal(0))
    high = max((candle.high for candle in shown), default=Decimal(0))

    def row_of(price: Decimal) -> int:
        return height - 1 - scale(price, low, high, height)

    layout = [
        {
            "high": row_of(candle.high),
            "low": row_of(candle.low),
            "body_top": row_of(max(candle.open, candle.close)),
            "body_bottom": row_of(min(candle.open, candle.close)),
        }
        for candle in shown
    ]
    rows: list[Text] = []
    for row in range(height):
        builder = _RowBuilder()
        for index, (candle, rows_of) in enumerate(zip(shown, layout, strict=True)):
            if spaced and index:
                builder.add(" ", "")
            builder.add(_candle_cell(candle, row, rows_of), up_style if candle.rising else down_style)
        rows.append(builder.build())
    return rows
