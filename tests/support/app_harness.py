"""A deterministic console for pilot and snapshot tests.

``make_test_app(tmp_path)`` builds the real :class:`~jextui.ui.app.JexApp` in
demo mode on a seeded, quiet sandbox (no simulated traders) whose clock is
fixed: the sandbox, the API client and the feed all read the same
:class:`~jextui.sandbox.clock.FixedClock` (``app.clock``), so every feed is
polled once and then waits for the clock to move — which only a test does
(``app.clock.advance(ms)``).  Times render in UTC, the round-trip latency is
hidden, and every file (state, journal, log, themes) lives under
``tmp_path``.  The sandbox's demo account answers to the documented key pair
(``tests/conftest.py``, helpers in ``tests/support/sandbox.py``).

    async def test_something(tmp_path):
        app = make_test_app(tmp_path)
        async with app.run_test(size=app.size) as pilot:
            await wait_for_data(pilot)
            ...

``wait_for_start(pilot)`` returns once the console has finished starting (its
keys all work from then on); ``wait_for_data(pilot)`` returns once the console has finished starting (panes,
session, trading), every pane on screen has its first data and the feed has
nothing in flight, or fails the test after a bounded wait.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from jextui.api.client import JexClient
from jextui.api.errors import JexError
from jextui.config import RefreshPeriods, Settings
from jextui.feed.worker import FeedWorker
from jextui.sandbox import SandboxConfig, SandboxServer
from jextui.sandbox.clock import FixedClock
from jextui.session import SessionOptions
from jextui.trading.journal import OrderJournal
from jextui.ui.app import AppOptions, JexApp
from support.sandbox import DOC_API_KEY, DOC_API_SECRET

__all__ = [
    "FIXED_TIME_MS",
    "SNAPSHOT_STREAMS",
    "TEST_WATCHLIST",
    "HarnessJexApp",
    "make_test_app",
    "journal_of",
    "client_of",
    "sandbox_of",
    "worker_of",
    "make_settings",
    "wait_for_data",
    "wait_for_start",
    "wait_until",
    "feed_settled",
]

#: The snapshot tests run with streams off, and only they.  The sandbox's
#: streams push on real time (every 100 ms / 1 s) while the screenshot's clock
#: is fixed, so which frames have arrived when the picture is taken, and
#: whether the status bar reads "streams: reconnecting" or "live" then, would
#: differ from run to run.  Every other UI test runs with streams on.
SNAPSHOT_STREAMS = False

FIXED_TIME_MS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC
TEST_WATCHLIST: tuple[str, ...] = ("BTCUSDT", "ETHUSDT", "LTCBTC", "JEXUSDT")
#: A fixed clock never rolls the sandbox's minute window: make the weight limit unreachable.
_UNREACHABLE_WEIGHT = 10_000_000
_UNREACHABLE_REQUESTS = 10_000_000


class HarnessJexApp(JexApp):
    """The console plus what tests need to reach: the shared clock and the terminal size."""

    def __init__(self, settings: Settings, *, options: AppOptions, clock: FixedClock, size: tuple[int, int]) -> None:
        super().__init__(settings, options=options)
        self.clock = clock
        self.size_for_tests = size


def journal_of(app: JexApp) -> OrderJournal:
    """The session's order journal (open once trading has started)."""
    journal = app.session.journal
    assert journal is not None, "the order journal is not open"
    return journal


def client_of(app: JexApp) -> JexClient:
    """The session's API client (there once the session has started)."""
    client = app.session.client
    assert client is not None, "the session has no client yet"
    return client


def worker_of(app: JexApp) -> FeedWorker:
    """The session's polling feed worker."""
    worker = app.session.worker
    assert worker is not None, "the session has no feed worker"
    return worker


def sandbox_of(app: JexApp) -> SandboxServer:
    """The demo session's in-process sandbox exchange."""
    sandbox = app.session.sandbox
    assert sandbox is not None, "the session runs no sandbox"
    return sandbox


def make_settings(
    tmp_path: Path,
    *,
    watchlist: Iterable[str] = TEST_WATCHLIST,
    theme: str | None = None,
    confirm_orders: bool = True,
    **changes: Any,
) -> Settings:
    """Demo-mode settings whose every file lives under ``tmp_path``."""
    data = tmp_path / "data"
    values: dict[str, Any] = dict(
        profile_name="demo",
        demo=True,
        base_url=None,
        api_key=None,
        api_secret=None,
        allow_insecure_http=False,
        watchlist=tuple(watchlist),
        theme=theme or "jextui-dark",
        refresh=RefreshPeriods(),
        weight_share=0.8,
        confirm_orders=confirm_orders,
        bell=False,
        fat_finger_pct=Decimal(5),
        config_path=tmp_path / "config" / "config.toml",
        log_path=tmp_path / "log" / "jextui.log",
        data_dir=data,
        log_level="INFO",
        themes_dir=tmp_path / "config" / "themes",
        state_path=data / "state.json",
        journal_path=data / "journal.sqlite",
    )
    values.update(changes)
    return Settings(**values)


def make_test_app(
    tmp_path: Path,
    *,
    size: tuple[int, int] = (160, 48),
    theme: str | None = None,
    credentials: bool = True,
    sandbox_overrides: Mapping[str, Any] | None = None,
    watchlist: Iterable[str] = TEST_WATCHLIST,
    time_ms: int = FIXED_TIME_MS,
    start_feed: bool = True,
    streams: bool = True,
    **settings_changes: Any,
) -> HarnessJexApp:
    """The real console on a seeded quiet sandbox with a fixed clock (see the module doc).

    ``credentials=False``: the console gets no API key (market data only), as
    with a profile without credentials.  ``sandbox_overrides``: any
    :class:`SandboxConfig` field (e.g. ``weight_per_minute=60`` for a 429).
    ``streams=False``: poll everything, as with ``streams = false`` in a
    profile (only the snapshot tests need it: see SNAPSHOT_STREAMS).
    Run it with ``app.run_test(size=app.size_for_tests)``.
    """
    clock = FixedClock(time_ms)
    config: dict[str, Any] = dict(
        seed=7,
        simulate=False,
        clock=clock,
        api_key=DOC_API_KEY,
        api_secret=DOC_API_SECRET,
        weight_per_minute=_UNREACHABLE_WEIGHT,
        raw_requests_per_5m=_UNREACHABLE_REQUESTS,
    )
    config.update(sandbox_overrides or {})
    options = AppOptions(
        session=SessionOptions(
            sandbox_config=SandboxConfig(**config),
            time_ms=clock.now_ms,
            demo_credentials=credentials,
            start_feed=start_feed,
            streams=streams,
        ),
        time_zone=UTC,
        show_latency=False,
    )
    settings = make_settings(tmp_path, watchlist=watchlist, theme=theme, **settings_changes)
    return HarnessJexApp(settings, options=options, clock=clock, size=size)


async def wait_until(pilot: Pilot[Any], condition: Any, *, timeout_s: float = 10.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` is true; fail the test after ``timeout_s``."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        await asyncio.sleep(0.02)
    await pilot.pause()


def feed_settled(app: JexApp) -> bool:
    """Every feed that is polled has answered, and the app has seen a status since."""
    health = app.session.feed_health()
    if not health or app.store.exchange_info is None:
        return False
    if any(entry.state not in ("ok", "hidden", "disabled") for entry in health.values()):
        return False
    status = app.bridge.last_status
    return status is not None and status.connection != "connecting"


def _panes_with_data(app: JexApp) -> bool:
    main = app.main
    panes = main.panes
    if main.grid_shown:
        return all(tile.price is not None for tile in panes.grid.tiles)
    for name in main.visible_panes():
        pane = panes.by_name(name)
        if not (pane.has_data or pane.unavailable_reason):
            return False
    return True


async def wait_for_start(pilot: Pilot[Any], *, timeout_s: float = 10.0) -> None:
    """Wait (bounded) until the console has finished starting: its keys all work from then on."""
    app = pilot.app
    assert isinstance(app, JexApp)
    await wait_until(pilot, lambda: app.started, timeout_s=timeout_s, what="the console's start")


async def wait_for_data(pilot: Pilot[Any], *, timeout_s: float = 10.0) -> None:
    """Wait (bounded) until every pane on screen has its first data and the feed is idle.

    Then refresh the freshness marks and the status bar once, so what is on
    screen no longer changes by itself (the clock is fixed).
    """
    app = pilot.app
    assert isinstance(app, JexApp)
    await wait_until(
        pilot,
        lambda: app.started and feed_settled(app) and _panes_with_data(app) and _orders_discovered(app),
        timeout_s=timeout_s,
        what="every pane's first data",
    )
    await settle(pilot)


def _orders_discovered(app: JexApp) -> bool:
    """The start's discovery of every open order on the account is over (or was never started)."""
    watch = app._orders_watch
    return app.session_error is not None or watch is None or watch.started


async def settle(pilot: Pilot[Any]) -> None:
    """Apply the pending feed events and repaint the marks and the status bar.

    One last request, sent alone, makes the used weight on the status bar the
    total of every request so far, whatever order the answers came in.
    """
    app = pilot.app
    assert isinstance(app, JexApp)
    await pilot.pause()
    client = app.session.client
    if client is not None and app.session.sandbox is not None and app.session.sandbox.running:
        with contextlib.suppress(JexError):  # rate-limited or stopped: the status bar says so already
            await client.ping()
    app.refresh_status_now()
    await pilot.pause()
