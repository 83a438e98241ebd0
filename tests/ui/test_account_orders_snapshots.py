"""Snapshots of the open-orders pane in both views (every symbol, the active symbol's only), 160×48 and 80×24.

Orders rest on four symbols (three not watched), placed by plain REST when
the seeded sandbox starts, under the fixed clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.account_orders_ui import place_before_start
from support.app_harness import SNAPSHOT_STREAMS, make_test_app, wait_for_data, wait_until
from textual.pilot import Pilot

# Generous bounds: the waits end as soon as their condition holds; on a loaded machine the
# account-wide start (discovery, then every pane's data) took more than the usual 10 s.
WAIT_S = 30.0


async def _all_orders(pilot: Pilot[Any]) -> None:
    await wait_for_data(pilot, timeout_s=WAIT_S)
    app: Any = pilot.app
    await wait_until(
        pilot, lambda: len(app.main.panes.open_orders.orders) == 4, timeout_s=WAIT_S, what="every order in the pane"
    )
    if app.size[0] < 100:  # the narrow layout stacks the panes: bring the open orders up
        app.main.focus_pane("open_orders")
    await wait_for_data(pilot, timeout_s=WAIT_S)


async def _active_only(pilot: Pilot[Any]) -> None:
    await _all_orders(pilot)
    await pilot.press("o")
    await pilot.pause()
    pilot.app.clear_notifications()
    await wait_for_data(pilot, timeout_s=WAIT_S)


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
@pytest.mark.parametrize("view", ["all", "active"])
def test_snapshot_open_orders_pane(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], view: str
) -> None:
    place_before_start(monkeypatch)
    app = make_test_app(tmp_path, size=size, sandbox_overrides={"weight_per_minute": 1200}, streams=SNAPSHOT_STREAMS)
    run_before = _all_orders if view == "all" else _active_only
    assert snap_compare(app, terminal_size=size, run_before=run_before)
