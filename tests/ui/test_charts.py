"""Text charts: exact characters and styles for fixed Decimal inputs."""

from __future__ import annotations

from decimal import Decimal

from jextui.ui.charts import (
    Candle,
    area_chart,
    candlestick_chart,
    merge_candles,
    resample_last,
    scale,
    spark_levels,
    sparkline,
)


def decimals(text: str) -> list[Decimal]:
    return [Decimal(part) for part in text.split()]


def test_sparkline_rises_and_falls_with_the_values() -> None:
    values = decimals("1 2 3 4 5 6 7 8 7 6 5 4 3 2 1")
    assert sparkline(values, 20).plain == "▁▂▃▄▅▆▇█▇▆▅▄▃▂▁"


def test_sparkline_keeps_the_last_value_of_each_bucket_when_narrower() -> None:
    values = decimals("1 2 3 4 5 6 7 8 7 6 5 4 3 2 1")
    assert resample_last(values, 5) == decimals("3 6 7 4 1")
    assert sparkline(values, 5).plain == "▃▇█▅▁"


def test_flat_series_sits_in_the_middle() -> None:
    assert sparkline(decimals("3 3 3 3"), 10).plain == "▄▄▄▄"


def test_sparkline_of_nothing_is_empty() -> None:
    assert sparkline([], 10).plain == ""
    assert sparkline(decimals("1 2"), 0).plain == ""


def test_sparkline_resolves_tiny_price_moves_exactly() -> None:
    # Differences far below float resolution still scale correctly.
    base = Decimal("43210.123456789012345678")
    tiny = Decimal("1E-18")
    values = [base, base + tiny, base + 2 * tiny]
    assert sparkline(values, 3).plain == "▁▅█"


def test_sparkline_carries_the_given_style() -> None:
    line = sparkline(decimals("1 2"), 5, style="bold")
    assert line.style == "bold"


def test_scale_clamps_and_rounds_half_up() -> None:
    assert scale(Decimal(5), Decimal(0), Decimal(10), 3) == 1
    assert scale(Decimal(-1), Decimal(0), Decimal(10), 3) == 0
    assert scale(Decimal(11), Decimal(0), Decimal(10), 3) == 2
    assert scale(Decimal("2.5"), Decimal(0), Decimal(10), 3) == 1  # 0.5 rounds up
    assert spark_levels(decimals("0 10"), 8) == [0, 7]


def test_area_chart_fills_from_the_bottom_in_eighths() -> None:
    rows = area_chart(decimals("1 2 3 4 5 6 7 8 7 6 5 4 3 2 1"), 20, 3)
    assert [row.plain for row in rows] == [
        "     ▁▄▇▄▁     ",
        "   ▂▆█████▆▂   ",
        "▁▄▇█████████▇▄▁",
    ]


def test_area_chart_of_nothing_has_empty_rows() -> None:
    assert [row.plain for row in area_chart([], 10, 2)] == ["", ""]


def candles() -> list[Candle]:
    return [
        Candle(Decimal(o), Decimal(h), Decimal(low), Decimal(c))
        for o, h, low, c in [
            ("10", "12", "9", "11"),
            ("11", "13", "10", "10.5"),
            ("10.5", "11", "8", "9"),
            ("9", "9.5", "8.5", "9"),
            ("9", "14", "9", "13"),
        ]
    ]


def test_candlesticks_draw_bodies_wicks_and_dojis_with_gaps() -> None:
    rows = candlestick_chart(candles(), 20, 8, up_style="up", down_style="down")
    assert [row.plain for row in rows] == [
        "        │",
        "  │     █",
        "│ │     █",
        "█ █ │   █",
        "█ █ █   █",
        "█ │ █ │ █",
        "│   █ ━ █",
        "    │    ",
    ]


def test_candle_colours_follow_direction() -> None:
    rows = candlestick_chart(candles(), 20, 8, up_style="up", down_style="down")
    row = rows[4]  # "█ █ █   █": candles 1 (rising), 2 and 3 (falling), 5 (rising)
    drawn = [
        (row.plain[span.start : span.end], str(span.style))
        for span in row.spans
        if "█" in row.plain[span.start : span.end]
    ]
    assert drawn == [("█", "up"), ("█", "down"), ("█", "down"), ("█", "up")]


def test_candlesticks_without_gaps_when_many() -> None:
    rows = candlestick_chart(candles(), 5, 4)
    assert all(len(row.plain) == 5 for row in rows)


def test_candles_merge_into_buckets_when_too_many() -> None:
    merged = merge_candles(candles(), 2)
    assert merged == [
        Candle(Decimal("10"), Decimal("13"), Decimal("9"), Decimal("10.5")),
        Candle(Decimal("10.5"), Decimal("14"), Decimal("8"), Decimal("13")),
    ]
    assert merge_candles(candles(), 10) == candles()
