"""Klines pane: line and candlestick charts, intervals, range statistics, time axis."""

from __future__ import annotations

from support.widget_harness import UTC, HarnessApp, d, kline, sample_klines

from jextui.api.models import KLINE_INTERVALS
from jextui.ui.widgets.klines import KlinesView

CHART_GLYPHS = set("▁▂▃▄▅▆▇█")


def view() -> KlinesView:
    klines = KlinesView(time_zone=UTC)
    klines.set_caption("BTCUSDT")
    return klines


async def test_line_chart_by_default_with_stats_and_axis() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(80, 16)) as pilot:
        klines.set_precision(2)
        klines.update_klines("1m", sample_klines(60))
        await pilot.pause()
        lines = klines.plain_lines()
        assert lines[0].startswith("BTCUSDT · 1m · line")
        assert lines[1].startswith(" ".join(KLINE_INTERVALS))  # all 13 intervals
        assert lines[2].split() == ["last", "43,135.00", "H", "43,146.50", "L", "42,997.50", "+0.31%"]
        chart = lines[3:-1]
        assert len(chart) == 10  # fills the pane: 14 content rows minus header, intervals, stats, axis
        assert all(set(row[:-10]) <= CHART_GLYPHS | {" "} for row in chart)
        assert all(row[-11] in CHART_GLYPHS for row in chart[-1:])  # the newest close at the right edge
        assert chart[0].rstrip().endswith("43,143.00") and chart[-1].rstrip().endswith("43,004.00")  # close range
        assert lines[-1].split()[:2] == ["22:13", "22:21"]


async def test_v_toggles_candlesticks_and_back() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(80, 16)) as pilot:
        klines.set_precision(2)
        klines.update_klines("1m", sample_klines(20))
        klines.focus()
        await pilot.press("v")
        assert klines.mode == "candles"
        lines = klines.plain_lines()
        assert lines[0].startswith("BTCUSDT · 1m · candles")
        chart = "".join(lines[3:-1])
        assert "│" in chart and "█" in chart  # wicks and bodies
        assert lines[3].rstrip().endswith("43,056.50")  # highest high on top
        await pilot.press("v")
        assert klines.mode == "line"
        assert klines.toggle_mode() == "candles"


async def test_candles_are_coloured_by_direction() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(40, 12)) as pilot:
        klines.set_mode("candles")
        rising = kline(0, d("100"), d("110"))
        falling = kline(1, d("110"), d("101"))
        klines.update_klines("1h", [rising, falling])
        await pilot.pause()
        up = klines.style_of("pane--up").color
        down = klines.style_of("pane--down").color
        colours = {
            segment.style.color
            for strip in klines.content_strips()[3:-1]
            for segment in strip
            if segment.style and "█" in segment.text
        }
        assert colours == {up, down}


async def test_current_interval_is_highlighted_and_kept_visible_when_narrow() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(30, 12)) as pilot:
        klines.update_klines("1w", sample_klines(10))
        await pilot.pause()
        intervals = klines.plain_lines()[1]
        assert "1w" in intervals and "1m" not in intervals.split()
        current = klines.style_of("klines--interval-current")
        strip = klines.content_strips()[1]
        assert [seg.text for seg in strip if seg.style and seg.style.reverse and seg.text.strip()] == ["1w"]
        assert current.reverse


async def test_daily_intervals_label_dates() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(80, 12)) as pilot:
        daily = [kline(index, d("100") + index, d("101") + index, interval_ms=86_400_000) for index in range(30)]
        klines.update_klines("1d", daily)
        await pilot.pause()
        assert klines.plain_lines()[-1].split()[0] == "11-14"


async def test_wanted_count_follows_the_width() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(80, 12)) as pilot:
        klines.set_precision(2)
        klines.update_klines("1m", sample_klines(300))
        await pilot.pause()
        assert klines.wanted_count == 76 - 10  # content width minus the price labels
        shown_glyphs = len(klines.plain_lines()[-2].rstrip()) - 10
        assert shown_glyphs <= klines.wanted_count


async def test_placeholders() -> None:
    klines = view()
    async with HarnessApp(klines).run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert "waiting for data…" in klines.plain_lines()[1]
        klines.update_klines("3d", [])
        await pilot.pause()
        assert "no klines for this interval" in klines.plain_lines()[2]
