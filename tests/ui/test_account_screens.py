"""The account screens on the real console: keys, data, paging, errors in words, privacy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.account_screens import open_screen
from support.app_harness import client_of, make_test_app, sandbox_of, wait_for_data, wait_until
from support.trading_ui import SYMBOL, resting_buy_price
from textual.widgets import Static

from jextui.ui.screens.account import (
    DepositHistoryScreen,
    PagedAccountScreen,
    WithdrawHistoryScreen,
)
from jextui.ui.screens.account import history as history_module
from jextui.ui.screens.account.record_detail import RecordDetailScreen
from jextui.ui.widgets.table import TableView


def table_lines(screen: PagedAccountScreen[Any]) -> list[str]:
    return str(screen.query_one(TableView).render()).splitlines()


async def test_every_account_screen_opens_from_its_key_with_data(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(120, 36))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        client = client_of(app)
        await client.new_order(SYMBOL, "BUY", Decimal("0.002"), await resting_buy_price(app), resp_type="RESULT")

        history = await open_screen(pilot, "H")
        assert history.status_text.startswith("Orders 1–1 of 1")
        assert "NEW" in table_lines(history)[1] and "0.002000" in table_lines(history)[1]
        await pilot.press("escape")

        trades = await open_screen(pilot, "M")
        assert "Market trade history · BTCUSDT" in trades.query_one("#account-frame").border_title
        assert "(taker)" in table_lines(trades)[1]
        await pilot.press("escape")

        assets = await open_screen(pilot, "A")
        assert any(line.startswith("BTC ") and "enabled" in line for line in table_lines(assets))
        await pilot.press("escape")

        deposits = await open_screen(pilot, "I")
        words = " ".join(table_lines(deposits))
        assert all(status in words for status in ("pending", "success", "other"))
        assert "code" not in words and "undocumented" not in words  # every status the sandbox gives has a word
        await pilot.press("escape")

        withdrawals = await open_screen(pilot, "W")
        words = " ".join(table_lines(withdrawals))
        for status in (
            "email sent",
            "cancelled",
            "awaiting approval",
            "rejected",
            "processing",
            "failure",
            "completed",
        ):
            assert status in words
        # a row in full: ↓ picks the first record with a transaction id, Enter shows it whole
        copies: list[str] = []
        app.copy_to_clipboard = copies.append  # type: ignore[method-assign,assignment]  # a recorder, not a clipboard
        assert isinstance(withdrawals, WithdrawHistoryScreen)
        assert withdrawals.table.selected == 0
        row = next(index for index, record in enumerate(withdrawals.records) if record.tx_id and index > 0)
        await pilot.press(*["down"] * row)
        record = withdrawals.records[row]
        assert withdrawals.picked == record and withdrawals.table.selected == row
        await pilot.press("y")
        assert copies == [record.address]  # straight from the table
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordDetailScreen), what="the record's detail")
        detail = app.screen
        shown = [str(widget.content) for widget in detail.query(".record-value").results(Static)]
        assert record.address in shown and record.tx_id in shown  # whole, not cut
        assert detail.query_one("#record-frame").border_subtitle == " DEMO "
        await pilot.press("t")
        assert copies == [record.address, record.tx_id]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is withdrawals
        await pilot.press("escape")

        fees = await open_screen(pilot, "F")
        first = table_lines(fees)[1]
        assert first.startswith("BTCUSDT (active)") and "0.080 %" in first and "0.100 %" in first
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main

        # privacy, toggled from inside a screen: its amounts and every pane's hide
        deposits = await open_screen(pilot, "I")
        amounts = [line.split()[2] for line in table_lines(deposits)[1:]]
        assert all(any(char.isdigit() for char in amount) for amount in amounts)
        await pilot.press("p")
        assert app.private and all(pane.private for pane in app.main.panes.all_panes())
        assert {line.split()[2] for line in table_lines(deposits)[1:]} == {"•••"}
        await pilot.press("p")
        assert not app.private
        await pilot.press("escape")

        # a failure is said in words, and r tries again
        sandbox_of(app).set_faults(error_5xx_rate=1.0, phase="before", paths=("/wapi/v1/depositHistory",))
        await pilot.press("I")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, DepositHistoryScreen)
                and not app.screen.busy
                and app.screen.status_text.startswith("Could not")
            ),
            what="the failure",
        )
        screen = app.screen
        assert screen.status_text.startswith("Could not load deposits: The exchange")
        assert screen.status_text.endswith("Press r to try again.")
        sandbox_of(app).set_faults(error_5xx_rate=0.0)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.status_text.startswith("Deposits 1–"), what="the retry")


async def test_pages_go_back_in_time_and_the_deposit_address_has_a_qr_code_at_80x24(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_module, "FETCH_SIZE", 10)  # so older pages come from the exchange
    app = make_test_app(tmp_path, size=(80, 24), sandbox_overrides={"orders_per_second": 1000})
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]  # records the copy instead
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        trades = await open_screen(pilot, "M")
        rows = trades.page_rows
        newest = trades.records[0].id
        await pilot.press("right")
        await wait_until(pilot, lambda: not trades.busy and trades.first_row == rows, what="the older page")
        assert trades.status_text.startswith(f"Trades {rows + 1}–{2 * rows} of")
        ids = [int(trade.id) for trade in trades.records]
        assert ids == list(range(newest, newest - len(ids), -1))  # consecutive, no gap, no duplicate
        await pilot.press("left")
        assert trades.first_row == 0
        await pilot.press("left")
        assert "newest page" in trades.status_text
        await pilot.press("escape")

        client = client_of(app)
        price = await resting_buy_price(app)
        placed = []
        for step in range(25):
            answer = await client.new_order(SYMBOL, "BUY", Decimal("0.001"), price - step, resp_type="RESULT")
            placed.append(int(answer.order_id))
        history = await open_screen(pilot, "H")
        loaded = [int(order.order_id) for order in history.records]
        assert history.page_rows <= len(loaded) < len(placed)  # enough for the page, fetched 10 at a time
        assert loaded == placed[::-1][: len(loaded)]
        seen: list[int] = []
        while True:
            seen += [
                int(order.order_id)
                for order in history.records[history.first_row : history.first_row + history.page_rows]
            ]
            before = history.first_row
            await pilot.press("pagedown")
            await wait_until(pilot, lambda: not history.busy, what="the next page")
            if history.first_row == before:
                break
        assert seen == placed[::-1]  # every order once, newest first
        assert "oldest page" in history.status_text or "No older orders" in history.status_text
        await pilot.press("escape")

        # the deposit address: a QR code per asset, the address copied with y
        screen = await open_screen(pilot, "D")
        await wait_until(pilot, lambda: screen.address is not None, what="the BTC address")
        assert screen.asset == "BTC"  # the active symbol's base asset first
        btc = screen.address
        qr = screen.query_one("#deposit-qr")
        assert qr.content_text == btc
        assert "▀" in str(qr.render())
        assert str(screen.query_one("#deposit-address").content) == btc  # whole, on a line of its own
        assert screen.query_one("#deposit-address").size.height == 1
        assert screen.query_one("#account-frame").border_subtitle == " DEMO "
        await pilot.press("y")
        assert copied == [btc]
        await pilot.press("down")
        await wait_until(pilot, lambda: screen.asset == "DASH" and screen.address is not None, what="DASH")
        assert screen.address != btc and qr.content_text == screen.address
