"""Snapshots of the order ticket and its dialogs on the deterministic console.

Regenerate after an intended change with
``pytest tests/ui/test_trading_snapshots.py --snapshot-update`` and look at
the SVGs in ``tests/ui/__snapshots__/`` before committing them.  The ticket
floats over the main screen, so a change of the main screen shows here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app_harness import SNAPSHOT_STREAMS, make_test_app, wait_for_data, wait_until
from support.trading_ui import type_into
from textual.widgets import Input

from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.ticket import TicketScreen


def _ticket_with(price: str | None, quantity: str, *, enter: bool = False) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for_data(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
        ticket = app.screen
        await wait_until(pilot, lambda: ticket.ticket.free_balances is not None, what="balances")
        if price is not None:
            await type_into(pilot, ticket, "price", price)
        await type_into(pilot, ticket, "quantity", quantity)
        for field in ticket.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture depend on timing
        if enter:
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")

    return run_before


def test_buy_ticket_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(160, 48), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=_ticket_with(None, "0.25"))


def test_ticket_with_problems_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(80, 24), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ticket_with("64000.123", "0.000001"))


def _no_blink(screen: Any) -> None:
    for field in screen.query(Input):
        field.cursor_blink = False


async def _resting_order(pilot: Any) -> None:
    """A BUY resting well below the bid, placed by plain REST (as a script would)."""
    from decimal import Decimal

    app = pilot.app
    await wait_for_data(pilot)
    bid, _ = app.store.best_bid_ask("BTCUSDT")
    await app.session.client.new_order("BTCUSDT", "BUY", Decimal("0.002"), bid - Decimal(100), resp_type="RESULT")
    app.session.refresh_now("open_orders")
    await wait_until(pilot, lambda: bool(app.main.panes.open_orders.orders), what="the order in the pane")


def test_amend_ticket_160x48(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await _resting_order(pilot)
        pilot.app.main.focus_pane("open_orders")
        await pilot.press("e", "up")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TicketScreen), what="the amend ticket")
        _no_blink(pilot.app.screen)
        await pilot.pause()

    app = make_test_app(tmp_path, size=(160, 48), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_marketable_preview_160x48(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for_data(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
        ticket = app.screen
        await wait_until(pilot, lambda: ticket.ticket.free_balances is not None, what="balances")
        await pilot.press("ctrl+o")
        await type_into(pilot, ticket, "quantity", "500usdt")
        _no_blink(ticket)
        await pilot.pause()

    app = make_test_app(tmp_path, size=(160, 48), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)


def test_cancel_question_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await _resting_order(pilot)
        await pilot.press("c")  # the watchlist has the focus, and at 80×24 the pane's tab is hidden
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the cancel question")
        await pilot.pause()

    app = make_test_app(tmp_path, size=(80, 24), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
