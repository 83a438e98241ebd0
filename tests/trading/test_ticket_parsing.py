"""Reading numbers typed into the ticket: values or sentences, never an exception."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.trading.ticket import parse_amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        ("12.5", "12.5"),
        ("  12.50  ", "12.50"),
        (".5", "0.5"),
        ("5.", "5"),
        ("0", "0"),
        ("1,234.5", "1234.5"),
        ("1,234,567.", "1234567"),
        ("0.00000001", "0.00000001"),
    ],
)
def test_plain_numbers_are_read_exactly(text: str, value: str) -> None:
    parsed = parse_amount(text)
    assert parsed.ok and parsed.error is None
    assert parsed.value == Decimal(value)
    assert parsed.value.as_tuple() == Decimal(value).as_tuple()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter a price."),
        ("   ", "Enter a price."),
        ("-1", "Enter a positive number (no minus sign)."),
        ("+1", "Enter the number without a plus sign."),
        ("1e5", "without an exponent"),
        ("2.5E-3", "without an exponent"),
        ("NaN", "That is not a number"),
        ("-Infinity", "That is not a number"),
        ("inf", "That is not a number"),
        ("1,5", "Use a dot for decimals"),
        ("1,234", "Ambiguous: write 1234"),
        ("12,34.5", "Misplaced comma"),
        ("1.2.3", "at most one decimal point"),
        ("abc", "That is not a number"),
        ("0x1F", "That is not a number"),
        ("١٢", "That is not a number"),  # Arabic-Indic digits are refused, not silently read
        (".", "Enter a number"),
        ("1" * 19, "too long"),
        ("0." + "1" * 19, "too long"),
    ],
)
def test_bad_text_gets_a_sentence(text: str, words: str) -> None:
    parsed = parse_amount(text, "price")
    assert parsed.value is None
    assert parsed.error is not None and words in parsed.error


def test_non_text_input_gets_a_sentence() -> None:
    assert parse_amount(None).error == "Enter a number, e.g. 12.5."


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"[0-9.,eE+\- ]{0,24}", fullmatch=True)))
def test_any_text_gives_a_value_or_a_message(text: str) -> None:
    parsed = parse_amount(text)
    assert (parsed.value is None) != (parsed.error is None)
    if parsed.value is not None:
        assert parsed.value.is_finite() and parsed.value >= 0
        # the value is exactly the digits typed, commas removed
        assert parsed.value == Decimal(text.strip().replace(",", "") or "0")
    else:
        assert parsed.error and parsed.error.endswith(".")


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("1e17"), allow_nan=False, allow_infinity=False, places=8))
def test_every_plain_decimal_round_trips(value: Decimal) -> None:
    assert parse_amount(f"{value:f}").value == value
