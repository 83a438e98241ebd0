"""Snapshots of the order ticket and its dialogs on the deterministic console.

Regenerate after an intended change with
``pytest tests/ui/test_trading_snapshots.py --snapshot-update`` and look at
the SVGs in ``tests/ui/__snapshots__/`` before committing them.  The ticket
floats over the main screen, so a change of the main screen shows here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app_harness import make_test_app, wait_for_data, wait_until
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
    app = make_test_app(tmp_path, size=(160, 48))
    assert snap_compare(app, terminal_size=(160, 48), run_before=_ticket_with(None, "0.25"))


def test_ticket_with_problems_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(80, 24))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ticket_with("64000.123", "0.000001"))
