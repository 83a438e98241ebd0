"""Formatting helpers: exact strings a user reads on screen."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from decimal import Decimal

import pytest

from jextui.api.models import SymbolFilter, SymbolInfo
from jextui.ui.format import (
    MASK,
    decimals_of_step,
    format_age,
    format_amount,
    format_axis_time,
    format_clock,
    format_compact,
    format_datetime,
    format_latency,
    format_offset,
    format_percent,
    format_price,
    format_qty,
    percent_change,
    symbol_precisions,
)

UTC = UTC
# 2023-11-14 22:13:20.123 UTC
MOMENT_MS = 1_700_000_000_123


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("43210.5", 2, "43,210.50"),
        ("1234.5", 2, "1,234.50"),  # separators from 1,000 up
        ("999.5", 2, "999.50"),
        ("9999.996", 2, "10,000.00"),
        ("0.000123456", 6, "0.000123"),
        ("0.0000005", 6, "0.000001"),  # half-up
        ("-0.001", 2, "0.00"),  # never "-0.00"
        ("-12345.678", 1, "-12,345.7"),
        ("42", 0, "42"),
        ("1.23456789012345678901234567890", 8, "1.23456789"),
        ("123456789012345678901234567890.5", 1, "123,456,789,012,345,678,901,234,567,890.5"),
    ],
)
def test_price_at_precision(value: str, decimals: int, expected: str) -> None:
    assert format_price(Decimal(value), decimals) == expected


def test_grouping_can_be_forced_either_way() -> None:
    assert format_qty(Decimal("1234.5"), 1, grouping=True) == "1,234.5"
    assert format_qty(Decimal("43210.5"), 1, grouping=False) == "43210.5"


def test_non_finite_values_show_a_dash() -> None:
    assert format_price(Decimal("NaN"), 2) == "—"
    assert format_compact(Decimal("Infinity")) == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.5", "1.50"),
        ("0", "0.00"),
        ("0.00012000", "0.00012"),
        ("12345.123456789", "12,345.12345679"),
        ("100.00000000", "100.00"),
    ],
)
def test_amount_of_unknown_precision(value: str, expected: str) -> None:
    assert format_amount(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0"),
        ("999", "999"),
        ("999.4", "999"),
        ("999.5", "1.00K"),
        ("12345", "12.3K"),
        ("4560000", "4.56M"),
        ("999999", "1.00M"),
        ("7890000000", "7.89B"),
        ("12.345", "12.3"),
        ("0.12345", "0.123"),
        ("-12345", "-12.3K"),
        ("1E15", "1000T"),
    ],
)
def test_compact_volume(value: str, expected: str) -> None:
    assert format_compact(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234", "+1.23%"),
        ("-0.5", "-0.50%"),
        ("0", "0.00%"),
        ("0.004", "0.00%"),
        ("-0.004", "0.00%"),
        ("12.345", "+12.35%"),
    ],
)
def test_signed_percent(value: str, expected: str) -> None:
    assert format_percent(Decimal(value)) == expected


def test_percent_change() -> None:
    assert percent_change(Decimal("200"), Decimal("210")) == Decimal(5)
    assert percent_change(Decimal("0"), Decimal("1")) is None


@pytest.mark.parametrize(
    ("age_ms", "expected"),
    [
        (-5, "0.0s"),
        (0, "0.0s"),
        (450, "0.4s"),
        (999, "0.9s"),
        (1_000, "1s"),
        (12_999, "12s"),
        (60_000, "1m"),
        (3 * 60_000 + 59_000, "3m"),
        (3_600_000, "1h"),
        (2 * 86_400_000 + 5, "2d"),
    ],
)
def test_age(age_ms: int, expected: str) -> None:
    assert format_age(age_ms) == expected


def test_latency_and_clock_offset() -> None:
    assert format_latency(45) == "45ms"
    assert format_latency(1_299) == "1.2s"
    assert format_offset(-3) == "-3ms"
    assert format_offset(12) == "+12ms"
    assert format_offset(0) == "0ms"
    assert format_offset(-1_500) == "-1.5s"


def test_times_in_a_given_zone() -> None:
    assert format_clock(MOMENT_MS, UTC) == "22:13:20"
    assert format_datetime(MOMENT_MS, UTC) == "2023-11-14 22:13:20"
    plus_two = timezone(timedelta(hours=2))
    assert format_clock(MOMENT_MS, plus_two) == "00:13:20"
    assert format_axis_time(MOMENT_MS, "15m", UTC) == "22:13"
    assert format_axis_time(MOMENT_MS, "1d", UTC) == "11-14"
    assert format_axis_time(MOMENT_MS, "1w", plus_two) == "11-15"


def test_decimals_of_step() -> None:
    assert decimals_of_step(Decimal("0.01000000")) == 2
    assert decimals_of_step(Decimal("1.00000000")) == 0
    assert decimals_of_step(Decimal("10")) == 0
    assert decimals_of_step(Decimal("0")) == 0


def _symbol(filters: list[SymbolFilter]) -> SymbolInfo:
    return SymbolInfo(
        symbol="BTCUSDT",
        status="TRADING",
        base_asset="BTC",
        base_asset_precision=8,
        quote_asset="USDT",
        quote_precision=8,
        filters=filters,
    )


def test_symbol_precisions_follow_the_filters() -> None:
    info = _symbol(
        [
            SymbolFilter(filter_type="PRICE_FILTER", tick_size=Decimal("0.01000000")),
            SymbolFilter(filter_type="LOT_SIZE", step_size=Decimal("0.00010000")),
        ]
    )
    assert symbol_precisions(info) == (2, 4)


def test_symbol_precisions_fall_back_to_asset_precisions() -> None:
    assert symbol_precisions(_symbol([])) == (8, 8)


def test_mask_hides_digits() -> None:
    assert not any(char.isdigit() for char in MASK)


def test_auto_decimals_shows_every_value_exactly() -> None:
    from jextui.ui.format import auto_decimals

    assert auto_decimals([Decimal("1.50"), Decimal("2.125"), Decimal("3")]) == 3
    assert auto_decimals([Decimal("0.000000001234")]) == 8  # capped
    assert auto_decimals([]) == 0


def test_plain_text_is_exact_without_exponent_or_trailing_zeros() -> None:
    from jextui.ui.format import format_plain

    assert format_plain(Decimal("43000.50")) == "43,000.5"
    assert format_plain(Decimal("1E+2")) == "100"
    assert format_plain(Decimal("0.00001000")) == "0.00001"
    assert format_plain(Decimal("NaN")) == "—"
