"""The klines pane: a sparkline-style area chart of closes, or candlesticks.

Layout, top to bottom: the header (caption, mode, age), the 13 intervals
with the current one highlighted, a line with the last close, the high and
low of the range shown and its change, the chart (with high / low price
labels on the right when there is room) and a time axis.  ``v`` (or
:meth:`KlinesView.toggle_mode`) switches between the two charts.  The chart
shows the newest klines that fit; :attr:`KlinesView.wanted_count` tells the
app how many are worth requesting.  Choosing the interval is the app's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual.binding import BindingType

from jextui.api.models import KLINE_INTERVALS, Kline
from jextui.ui.charts import Candle, area_chart, candlestick_chart
from jextui.ui.format import auto_decimals, format_axis_time, format_percent, format_price, percent_change
from jextui.ui.keymap import bindings_for
from jextui.ui.widgets.pane import Pane, fit, join_cells

__all__ = ["KlinesView", "ChartMode"]

ChartMode = Literal["line", "candles"]

_CHROME_ROWS = 3  # intervals, stats line, time axis
_AXIS_GAP = 3


class KlinesView(Pane):
    """Price history of the active symbol at one interval."""

    PANE_TITLE = "Klines"

    DEFAULT_CSS = """
    KlinesView > .klines--interval { color: $foreground-muted; }
    KlinesView > .klines--interval-current { color: $accent; text-style: bold reverse; }
    KlinesView > .klines--axis { color: $foreground-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"klines--interval", "klines--interval-current", "klines--axis"}

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("klines"))

    def __init__(self, *, mode: ChartMode = "line", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._mode: ChartMode = mode
        self._interval = KLINE_INTERVALS[0]
        self._klines: list[Kline] = []
        self._price_decimals: int | None = None
        self._chart_width = 0

    # --- data in ----------------------------------------------------------------

    def update_klines(self, interval: str, klines: Sequence[Kline]) -> None:
        """Klines of ``interval``, oldest first (as the API sends them)."""
        klines = list(klines)
        if interval != self._interval or klines != self._klines or not self.has_data:
            self._interval = interval
            self._klines = klines
            self.data_changed()

    def show_interval(self, interval: str) -> None:
        """Show ``interval`` as current before its klines arrive."""
        if interval != self._interval:
            self._interval = interval
            self.refresh_lines()

    def follow_interval(self, interval: str) -> None:
        """The console's kline interval changed: clear the chart until its klines arrive."""
        if interval != self._interval:
            self.clear()
            self.show_interval(interval)
            self.set_freshness(None, False, None)

    def clear(self) -> None:
        """Forget the klines (e.g. when the active symbol changes)."""
        self._klines = []
        self._has_data = False
        self.refresh_lines()

    def set_precision(self, price_decimals: int) -> None:
        if price_decimals != self._price_decimals:
            self._price_decimals = price_decimals
            self.refresh_lines()

    def toggle_mode(self) -> ChartMode:
        """Switch between the line (sparkline of closes) and candlestick charts."""
        self.set_mode("candles" if self._mode == "line" else "line")
        return self._mode

    def set_mode(self, mode: ChartMode) -> None:
        if mode != self._mode:
            self._mode = mode
            self.refresh_lines()

    def action_toggle_mode(self) -> None:
        self.toggle_mode()

    # --- state out ----------------------------------------------------------------

    @property
    def mode(self) -> ChartMode:
        return self._mode

    @property
    def interval(self) -> str:
        return self._interval

    @property
    def wanted_count(self) -> int:
        """How many klines the chart can show at its current size (0 before layout)."""
        return self._chart_width

    # --- drawing --------------------------------------------------------------------

    def header_text(self) -> Text:
        mode = "candles" if self._mode == "candles" else "line"
        parts = [part for part in (self._caption, self._interval, mode) if part]
        return Text(" · ".join(parts), style=self.style_of("pane--caption"), end="")

    def render_body(self, width: int, height: int) -> list[Text]:
        lines = [self._intervals_line(width)]
        if not self._klines:
            self._chart_width = width
            lines.append(Text("no klines for this interval", style=self.style_of("pane--placeholder")))
            return lines
        decimals = (
            self._price_decimals
            if self._price_decimals is not None
            else auto_decimals(
                value for kline in self._klines[-width:] for value in (kline.high, kline.low, kline.close)
            )
        )
        label_width = max(len(format_price(k.high, decimals)) for k in self._klines[-width:]) + 1
        show_labels = width - label_width >= 12
        chart_width = width - label_width if show_labels else width
        self._chart_width = chart_width
        shown = self._klines[-chart_width:]
        spaced = self._mode == "candles" and len(shown) * 2 <= chart_width
        chart_height = height - _CHROME_ROWS
        lines.append(self._stats_line(shown, decimals, width))
        if chart_height <= 0:
            return lines[:height]
        rows = self._chart_rows(shown, chart_width, chart_height)
        high = max(kline.high for kline in shown) if self._mode == "candles" else max(kline.close for kline in shown)
        low = min(kline.low for kline in shown) if self._mode == "candles" else min(kline.close for kline in shown)
        for index, row in enumerate(rows):
            line = fit(row, chart_width, "right")  # the newest kline at the right edge
            if show_labels:
                label = ""
                if index == 0:
                    label = format_price(high, decimals)
                elif index == len(rows) - 1:
                    label = format_price(low, decimals)
                line = join_cells([line, fit(label, label_width - 1, "left", self.style_of("klines--axis"))])
            lines.append(line)
        lines.append(self._time_axis(shown, chart_width, spaced, width))
        return lines

    def _chart_rows(self, shown: list[Kline], width: int, height: int) -> list[Text]:
        rising = shown[-1].close >= shown[0].open
        if self._mode == "candles":
            candles = [Candle(k.open, k.high, k.low, k.close) for k in shown]
            return candlestick_chart(candles, width, height, self.style_of("pane--up"), self.style_of("pane--down"))
        style = self.style_of("pane--up" if rising else "pane--down")
        return area_chart([kline.close for kline in shown], width, height, style)

    def _intervals_line(self, width: int) -> Text:
        current = self._interval
        names = list(KLINE_INTERVALS)
        if current not in names:
            names.append(current)
        # Drop intervals from the end farthest from the current one until it fits.
        while len(" ".join(names)) > width and len(names) > 1:
            index = names.index(current)
            names.pop(0 if index > len(names) - 1 - index else -1)
        line = Text(no_wrap=True, end="")
        for position, name in enumerate(names):
            if position:
                line.append(" ")
            component = "klines--interval-current" if name == current else "klines--interval"
            line.append(name, self.style_of(component))
        return line

    def _stats_line(self, shown: list[Kline], decimals: int, width: int) -> Text:
        last = shown[-1].close
        high = max(kline.high for kline in shown)
        low = min(kline.low for kline in shown)
        change = percent_change(shown[0].open, last)
        muted = self.style_of("pane--muted")
        # Full; then tighter; then without high / low (the chart's labels show the range).
        for spacing, last_label, with_range in (("  ", "last ", True), (" ", "", True), ("  ", "", False)):
            line = Text(no_wrap=True, end="")
            line.append(last_label, muted)
            line.append(format_price(last, decimals), self.style_of("pane--caption"))
            if with_range:
                line.append(f"{spacing}H ", muted)
                line.append(format_price(high, decimals))
                line.append(f"{spacing}L ", muted)
                line.append(format_price(low, decimals))
            if change is not None:
                direction = "pane--up" if change > 0 else "pane--down" if change < 0 else "pane--muted"
                line.append(spacing)
                line.append(format_percent(change), self.style_of(direction))
            if line.cell_len <= width:
                break
        return fit(line, width)

    def _time_axis(self, shown: list[Kline], chart_width: int, spaced: bool, width: int) -> Text:
        step = 2 if spaced else 1
        offset = chart_width - (len(shown) * step - (step - 1))
        cells = [" "] * chart_width
        next_free = 0
        for index, kline in enumerate(shown):
            column = offset + index * step
            label = format_axis_time(kline.open_time, self._interval, self.time_zone)
            if column >= next_free and column + len(label) <= chart_width:
                cells[column : column + len(label)] = list(label)
                next_free = column + len(label) + _AXIS_GAP
        return fit(Text("".join(cells), style=self.style_of("klines--axis")), width)
