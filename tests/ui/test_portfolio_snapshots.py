"""Snapshots of the portfolio screen (160x48, 80x24) and the balances pane's portfolio mode.

The console is the deterministic one (seeded sandbox, fixed clock, streams
off as in every snapshot test); ETH is traded first so that one asset has a
known cost and P&L while the others say "cost unknown before ...".
Regenerate after an intended change with
``pytest tests/ui/test_portfolio_snapshots.py --snapshot-update`` and look at
the SVGs in ``tests/ui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app_harness import SNAPSHOT_STREAMS, make_test_app, settle, wait_for_data, wait_until
from support.portfolio_ui import open_portfolio, trade_eth
from textual.pilot import Pilot

REAL_LIMITS = {"weight_per_minute": 1200}


async def _screen(pilot: Pilot[Any]) -> None:
    await wait_for_data(pilot)
    await trade_eth(pilot)
    await wait_for_data(pilot)
    await open_portfolio(pilot)
    await settle(pilot)


async def _balances_mode(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    await wait_for_data(pilot)
    await trade_eth(pilot)
    await wait_for_data(pilot)
    app.main.panes.balances.focus()
    await pilot.press("m")
    await wait_until(pilot, lambda: app.portfolio_watch.portfolio is not None, what="the portfolio")
    await wait_for_data(pilot)
    watchlist = app.main.panes.watchlist  # the trades moved ETH's price: its cell flashes for a moment
    await wait_until(
        pilot,
        lambda: all(watchlist.flash_of(symbol) is None for symbol in app.watchlist),
        what="the price flashes to end",
    )


def test_snapshot_portfolio_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(160, 48), sandbox_overrides=REAL_LIMITS, streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=_screen)


def test_snapshot_portfolio_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(80, 24), sandbox_overrides=REAL_LIMITS, streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_screen)


def test_snapshot_balances_portfolio_mode_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(160, 48), sandbox_overrides=REAL_LIMITS, streams=SNAPSHOT_STREAMS)
    assert snap_compare(app, terminal_size=(160, 48), run_before=_balances_mode)
