"""The account screens' parts without an app: the QR drawing, column fitting, status words, rates."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import segno
from rich.style import Style

from jextui.ui.format import format_rate
from jextui.ui.screens.account.wallet import withdraw_fee_text
from jextui.ui.screens.account.words import deposit_status_words, order_status_words, withdraw_status_words
from jextui.ui.widgets.qr import QR_DARK, QR_LIGHT, QUIET_ZONE, qr_text
from jextui.ui.widgets.table import Cell, Column, choose_columns

ADDRESS = "bc1q68d5c4a3dad3414dfa54a42d9f6ba7b75537b6"


def _modules_from_drawing(address: str, border: int) -> list[list[bool]]:
    """Read the half blocks back: foreground = upper module, background = lower module."""
    text = qr_text(address, border)
    rows: list[list[bool]] = []
    for line in text.split("\n"):
        upper, lower = [], []
        for character, style in _cells(line):
            assert character == "▀"
            assert isinstance(style, Style)
            upper.append(style.color.name == QR_DARK if style.color else False)
            lower.append(style.bgcolor.name == QR_DARK if style.bgcolor else False)
        rows += [upper, lower]
    return rows


def _cells(line):
    for span in line.spans:
        for offset in range(span.start, span.end):
            yield line.plain[offset], span.style


def test_the_drawing_is_exactly_the_code_with_its_quiet_zone() -> None:
    expected = [
        [bool(m) for m in row]
        for row in segno.make(ADDRESS, micro=False, error="l").matrix_iter(scale=1, border=QUIET_ZONE)
    ]
    drawn = _modules_from_drawing(ADDRESS, QUIET_ZONE)
    height = len(expected)
    assert drawn[:height] == expected
    assert all(not module for row in drawn[height:] for module in row)  # an odd last row is padded light
    assert not any(expected[0]) and not any(row[0] for row in expected)  # the quiet zone is light
    styles = [span.style for line in qr_text(ADDRESS).split("\n") for span in line.spans]
    assert all(isinstance(style, Style) and style.color is not None for style in styles)
    colours = {style.color.name for style in styles if isinstance(style, Style) and style.color is not None}
    assert colours <= {QR_DARK, QR_LIGHT}  # fixed black on white whatever the theme


def test_narrow_tables_keep_the_important_columns() -> None:
    columns = [Column("Time", priority=2), Column("Side"), Column("Price", "right"), Column("Id", priority=5)]
    rows = [[Cell("2023-11-14 22:13:20"), Cell("BUY"), Cell("64,250.00"), Cell("12345")]]
    assert [index for index, _ in choose_columns(columns, rows, 200)] == [0, 1, 2, 3]
    assert [index for index, _ in choose_columns(columns, rows, 38)] == [0, 1, 2]
    assert [index for index, _ in choose_columns(columns, rows, 20)] == [1, 2, 3]  # room left is used
    assert [index for index, _ in choose_columns(columns, rows, 14)] == [1, 2]
    assert dict(choose_columns(columns, rows, 200))[0] == len("2023-11-14 22:13:20")


def test_cut_columns_take_the_room_the_others_leave() -> None:
    address = "bc1q" + "8" * 38  # 42 characters
    tx_id = "f" * 64
    columns = [
        Column("Status"),
        Column("Address", priority=2, max_width=24),
        Column("Transaction", priority=3, max_width=20),
    ]
    rows = [[Cell("awaiting approval"), Cell(address), Cell(tx_id)]]
    assert choose_columns(columns, rows, 42) == [(0, 17), (1, 24)]  # cut at its width when the screen is full
    assert choose_columns(columns, rows, 60) == [(0, 17), (1, 42)]  # the whole address once there is room
    assert choose_columns(columns, rows, 81) == [(0, 17), (1, 42), (2, 20)]  # the address first, then the id
    assert choose_columns(columns, rows, 200) == [(0, 17), (1, 42), (2, 64)]


def test_status_codes_in_words() -> None:
    assert [deposit_status_words(code) for code in (0, 1, 2, 9)] == ["pending", "success", "other", "unknown (code 9)"]
    assert [withdraw_status_words(code) for code in range(7)] == [
        "email sent",
        "cancelled",
        "awaiting approval",
        "rejected",
        "processing",
        "failure",
        "completed",
    ]
    assert withdraw_status_words(7) == "unknown (code 7)"
    assert order_status_words("CANCLEFILLED") == "cancelled after a partial fill"
    assert order_status_words("SOMETHING_NEW") == "something new"


def test_fee_rates_and_withdrawal_fees_read_as_people_write_them() -> None:
    assert format_rate(Decimal("0.001")) == "0.100 %"
    assert format_rate(Decimal("-0.0005")) == "-0.050 % (rebate)"
    assert withdraw_fee_text("[0.01]") == "0.01"
    assert withdraw_fee_text("0.0005") == "0.0005"
    assert withdraw_fee_text("[]") == "—"


def test_a_record_that_cannot_be_shown_says_so_instead_of_failing() -> None:

    from jextui.api.models import Deposit
    from jextui.ui.screens.account import DepositHistoryScreen

    class Host:
        private = False
        time_zone = UTC

    screen = DepositHistoryScreen(Host())  # type: ignore[arg-type]
    fine = Deposit(
        insert_time=1_700_000_000_000, amount=Decimal("1.5"), asset="BTC", address="bc1q", tx_id="ab", status=1
    )
    absurd = Deposit(insert_time=10**18, amount=Decimal("1"), asset="BTC", address="bc1q", tx_id="", status=1)
    assert [cell.text for cell in screen._row(fine, 5)][:3] == ["2023-11-14 22:13:20", "1.5 BTC", "success"]
    assert screen._row(absurd, 5)[0].text == "(unreadable record)"
