"""Snapshots of the alerts screen and the alert dialog on the deterministic console.

Config-file and console alerts, one fired at start (its last-fired time is the
fixed clock's), one on a symbol the exchange does not list.  Streams are off
(``SNAPSHOT_STREAMS``), notices are cleared before the picture.  Regenerate
with ``pytest tests/ui/test_alerts_snapshots.py --snapshot-update`` and look
at the SVGs in ``tests/ui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.app_harness import SNAPSHOT_STREAMS, make_test_app, wait_for_data, wait_until

from jextui.alerts import AlertStore, parse_alerts
from jextui.ui.screens.alert_edit import AlertEditScreen
from jextui.ui.screens.alerts import AlertsScreen

CONFIG_ALERTS = [
    {"symbol": "ETHUSDT", "above": "0.01"},  # holds: fires at start
    {"symbol": "NOPEUSDT", "below": "5"},  # not listed: left out
]


def _app(tmp_path: Path, size: tuple[int, int]) -> Any:
    store = AlertStore.in_folder(tmp_path / "data")
    store.add({"symbol": "BTCUSDT", "above": "70000"})
    store.add({"symbol": "LTCBTC", "spread_pct": "0.5"})
    store.add({"symbol": "BTCUSDT", "change_pct": "7.5"})
    return make_test_app(tmp_path, size=size, streams=SNAPSHOT_STREAMS, alerts=parse_alerts(CONFIG_ALERTS))


def _show(key: str, screen_type: type) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: "config-1" in app.alerts.last_fired, what="the config alert to fire")
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, screen_type), what="the screen")
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
def test_alerts_screen(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(tmp_path, size), terminal_size=size, run_before=_show("L", AlertsScreen))


def test_alert_dialog_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(
        _app(tmp_path, (80, 24)), terminal_size=(80, 24), run_before=_show("exclamation_mark", AlertEditScreen)
    )
