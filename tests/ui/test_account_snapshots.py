"""Snapshots of every account screen on the deterministic console (80x24, the smallest size).

Regenerate after an intended change with
``pytest tests/ui/test_account_snapshots.py --snapshot-update`` and look at
the SVGs in ``tests/ui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import SNAPSHOT_STREAMS, make_test_app, wait_for_data, wait_until
from support.trading_ui import SYMBOL, resting_buy_price

from jextui.ui.screens.account import DepositAddressScreen, PagedAccountScreen


def _screen_of(key: str, *, orders: int = 0, private: bool = False) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for_data(pilot)
        client = app.session.client
        price = await resting_buy_price(app)
        for step in range(orders):
            await client.new_order(SYMBOL, "BUY", Decimal("0.001") * (step + 1), price - step, resp_type="RESULT")
        if private:
            await pilot.press("p")
            app.clear_notifications()
        await pilot.press(key)
        await wait_until(pilot, lambda: app.screen is not app.main, what="the account screen")
        screen = app.screen
        if isinstance(screen, PagedAccountScreen):
            await wait_until(pilot, lambda: not screen.busy and bool(screen.records), what="the records")
        if isinstance(screen, DepositAddressScreen):
            await wait_until(pilot, lambda: screen.address is not None, what="the address")
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    ("key", "orders", "private"),
    [
        ("H", 3, False),
        ("M", 0, False),
        ("A", 0, False),
        ("D", 0, False),
        ("I", 0, True),
        ("W", 0, False),
        ("F", 0, False),
    ],
    ids=[
        "order_history",
        "market_trades",
        "asset_details",
        "deposit_address",
        "deposit_history_private",
        "withdraw_history",
        "trade_fees",
    ],
)
def test_account_screen_80x24(snap_compare: Any, tmp_path: Path, key: str, orders: int, private: bool) -> None:
    app = make_test_app(tmp_path, size=(80, 24), streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_screen_of(key, orders=orders, private=private))
