"""Snapshots of the whole console on the deterministic sandbox (fixed clock, seeded market).

Regenerate after an intended change with
``pytest tests/ui -k snapshot --snapshot-update`` and look at the SVGs in
``tests/ui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app_harness import SNAPSHOT_STREAMS, HarnessJexApp, make_test_app, wait_for_data
from textual.pilot import Pilot

#: The product's weight limit, so the status bar reads as it would for a user.
REAL_LIMITS = {"weight_per_minute": 1200}


def _app(tmp_path: Path, size: tuple[int, int], **changes: Any) -> HarnessJexApp:
    return make_test_app(tmp_path, size=size, sandbox_overrides=REAL_LIMITS, streams=SNAPSHOT_STREAMS, **changes)


def test_snapshot_main_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path, (160, 48))
    assert snap_compare(app, terminal_size=(160, 48), run_before=wait_for_data)


def test_snapshot_main_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path, (80, 24))
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait_for_data)


def test_snapshot_grid_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        (160, 48),
        watchlist=("BTCUSDT", "ETHUSDT", "DASHUSDT", "LTCBTC", "ETHBTC", "JEXBTC", "JEXUSDT", "BNBBTC"),
    )

    async def grid(pilot: Pilot[Any]) -> None:
        await wait_for_data(pilot)
        await pilot.press("g")
        await wait_for_data(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=grid)


def test_snapshot_candles_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path, (160, 48))

    async def candles(pilot: Pilot[Any]) -> None:
        await wait_for_data(pilot)
        await pilot.press("v", "right_square_bracket", "right_square_bracket")  # 5m candles
        await wait_for_data(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=candles)


def test_snapshot_help_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path, (80, 24))

    async def help_screen(pilot: Pilot[Any]) -> None:
        await wait_for_data(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=help_screen)


def test_snapshot_light_theme_no_credentials_130x36(snap_compare: Any, tmp_path: Path) -> None:
    app = _app(tmp_path, (130, 36), theme="jextui-light", credentials=False)
    assert snap_compare(app, terminal_size=(130, 36), run_before=wait_for_data)
