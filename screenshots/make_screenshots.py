"""Regenerate the README's screenshots (SVG) from a deterministic demo.

The console runs headless on the built-in sandbox exchange with a fixed seed
and a fixed clock (the sandbox, the client and the feed all read the same
frozen time, so every feed is polled once), times in UTC and the measured
round trip hidden: the same command always writes the same files.

    python screenshots/make_screenshots.py [--out screenshots/]

Files: main-160x48.svg, main-80x24.svg, grid-160x48.svg, candles-160x48.svg,
help-160x48.svg, light-160x48.svg, alerts-160x48.svg, portfolio-160x48.svg.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from jextui.config import DEFAULT_WATCHLIST, RefreshPeriods, Settings
from jextui.sandbox import SandboxConfig
from jextui.sandbox.clock import FixedClock
from jextui.session import SessionOptions
from jextui.ui.app import AppOptions, JexApp

FIXED_TIME_MS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC
SEED = 7
# The sandbox's demo account (any valid pair works; these never leave the process).
DEMO_KEY = "screenshotdemokey0123456789"
DEMO_SECRET = "screenshotdemosecret0123456789"

Steps = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    theme: str = "jextui-dark"
    keys: tuple[str, ...] = ()
    prepare: Callable[[Path], None] | None = None  # given the data folder before the start
    ready: Callable[[JexApp], bool] | None = None  # what to wait for after the keys (besides the panes)


def _seed_alerts(data: Path) -> None:
    """A few alerts made in the console (the first holds at the start, so it has fired)."""
    from jextui.alerts import AlertStore

    store = AlertStore.in_folder(data)
    for table in (
        {"symbol": "ETHUSDT", "below": "5000"},
        {"symbol": "BTCUSDT", "above": "70000"},
        {"symbol": "LTCBTC", "spread_pct": "0.5"},
        {"symbol": "BTCUSDT", "change_pct": "7.5"},
    ):
        store.add(table)


SHOTS: tuple[Shot, ...] = (
    Shot("main-160x48", (160, 48)),
    Shot("main-80x24", (80, 24)),
    Shot("grid-160x48", (160, 48), keys=("g",)),
    Shot("candles-160x48", (160, 48), keys=("v", "right_square_bracket", "right_square_bracket")),
    Shot("help-160x48", (160, 48), keys=("question_mark",)),
    Shot("light-160x48", (160, 48), theme="jextui-light"),
    Shot("alerts-160x48", (160, 48), keys=("L",), prepare=_seed_alerts),
    Shot("portfolio-160x48", (160, 48), keys=("P",), ready=lambda app: app.portfolio_watch.state == "ready"),
)


def _settings(folder: Path, theme: str) -> Settings:
    data = folder / "data"
    return Settings(
        profile_name="demo",
        demo=True,
        base_url=None,
        api_key=None,
        api_secret=None,
        allow_insecure_http=False,
        watchlist=DEFAULT_WATCHLIST,
        theme=theme,
        refresh=RefreshPeriods(),
        weight_share=0.8,
        confirm_orders=True,
        bell=False,
        fat_finger_pct=Decimal(5),
        config_path=folder / "config.toml",
        log_path=folder / "jextui.log",
        data_dir=data,
        log_level="WARNING",
        themes_dir=folder / "themes",
        state_path=data / "state.json",
        journal_path=data / "journal.sqlite",
    )


def _app(folder: Path, theme: str) -> JexApp:
    clock = FixedClock(FIXED_TIME_MS)
    sandbox = SandboxConfig(seed=SEED, simulate=False, clock=clock, api_key=DEMO_KEY, api_secret=DEMO_SECRET)
    options = AppOptions(
        session=SessionOptions(sandbox_config=sandbox, time_ms=clock.now_ms),
        time_zone=UTC,
        show_latency=False,
    )
    return JexApp(_settings(folder, theme), options=options)


def _settled(app: JexApp) -> bool:
    health = app.session.feed_health()
    if not health or app.store.exchange_info is None or app.bridge.last_status is None:
        return False
    if any(entry.state not in ("ok", "hidden", "disabled") for entry in health.values()):
        return False
    main = app.main
    if main.grid_shown:
        return all(tile.price is not None for tile in main.panes.grid.tiles)
    return all(main.panes.by_name(name).has_data for name in main.visible_panes())


async def _wait_for_data(pilot: Pilot[Any], timeout_s: float = 15.0) -> None:
    app = pilot.app
    assert isinstance(app, JexApp)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not _settled(app):
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError("the demo did not fill every pane in time")
        await asyncio.sleep(0.02)
    await pilot.pause()
    if app.session.client is not None:
        await app.session.client.ping()  # the used weight shown is then the total of every request
    app.refresh_status_now()
    await pilot.pause()


async def take(shot: Shot, out: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="jextui-shot-") as folder:
        if shot.prepare is not None:
            shot.prepare(Path(folder) / "data")
        app = _app(Path(folder), shot.theme)
        async with app.run_test(size=shot.size) as pilot:
            await _wait_for_data(pilot)
            if shot.keys:
                await pilot.press(*shot.keys)
                await _wait_for_data(pilot)
            if shot.ready is not None:
                deadline = asyncio.get_running_loop().time() + 15.0
                while not shot.ready(app):
                    if asyncio.get_running_loop().time() > deadline:
                        raise RuntimeError(f"{shot.name}: the screen did not finish loading in time")
                    await asyncio.sleep(0.02)
                await pilot.pause()
            path = out / f"{shot.name}.svg"
            app.save_screenshot(filename=path.name, path=str(out))
    return path


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="folder for the SVGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        path = await take(shot, args.out)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
