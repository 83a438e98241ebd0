"""The console's start: an honest first frame at once, then the book first, then the rest.

What is checked here is what a user sees and what the start-up order
guarantees; how fast it is, is measured by ``benchmarks/bench_start.py``.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import TEST_WATCHLIST, make_settings, make_test_app, wait_for_data, wait_for_start, wait_until
from textual.widgets import LoadingIndicator

from jextui.api.client import JexClient
from jextui.session import Session, SessionError, SessionOptions
from jextui.ui import startup
from jextui.ui.app import JexApp
from jextui.ui.themes import load_themes
from jextui.ui.trading_actions import TradingController
from jextui.ui.widgets.pane_names import PANE_ORDER, PANE_TITLES
from jextui.ui.widgets.pane_set import PaneSet
from jextui.ui.widgets.placeholder import CONNECTING, PanePlaceholder


async def _held(_app: Any) -> None:
    """A start that never comes: the first frame stays on screen."""
    await asyncio.Event().wait()


@pytest.mark.parametrize(("size", "arrangement"), [((160, 48), "-wide"), ((80, 24), "-compact")])
async def test_the_first_frame_shows_every_pane_frame_the_demo_badge_and_no_spinner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], arrangement: str
) -> None:
    monkeypatch.setattr(JexApp, "_start_console", _held)
    app = make_test_app(tmp_path, size=size)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        main = app.main
        assert main.has_class(arrangement)
        frames = {frame.pane_name: frame for frame in main.query(PanePlaceholder)}
        assert list(frames) == list(PANE_ORDER)
        for name, frame in frames.items():
            assert frame.border_title == PANE_TITLES[name]
            assert frame.plain_lines()[1] == CONNECTING
        assert frames["book"].plain_lines()[0] == "BTCUSDT"
        assert frames["watchlist"].plain_lines()[0] == "4 symbols"
        status = main.status.plain_text()
        assert "DEMO" in status and "connecting" in status
        assert not main.query(LoadingIndicator)  # no spinner on an empty screen
        assert not main.panes_installed
        # The console's keys are shown, disabled, until the panes are in place; q works.
        assert app.check_action("toggle_grid", ()) is None
        assert app.check_action("buy", ()) is None
        assert app.check_action("request_quit", ()) is True
        await pilot.press("g")
        assert not main.grid_shown


def _held_after_the_first_book(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """The start stops once the first book is on screen: (set then, set it to go on)."""
    book_waited_for = asyncio.Event()
    may_go_on = asyncio.Event()
    wait_for_book = startup.wait_for_book

    async def held(*args: Any) -> bool:
        shown = await wait_for_book(*args)
        book_waited_for.set()
        await may_go_on.wait()
        return shown

    monkeypatch.setattr(startup, "wait_for_book", held)
    return book_waited_for, may_go_on


async def test_the_order_book_comes_first_and_the_other_panes_once_it_shows_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book_waited_for, may_go_on = _held_after_the_first_book(monkeypatch)
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, book_waited_for.is_set, what="the first book")
        main = app.main
        assert main.pane_installed("book") and main.panes.book.has_data
        assert [frame.pane_name for frame in main.query(PanePlaceholder)] == [
            name for name in PANE_ORDER if name != "book"
        ]
        assert not main.panes_installed and app.check_action("toggle_grid", ()) is None
        may_go_on.set()
        await wait_for_data(pilot)
        assert main.panes_installed and not main.query(PanePlaceholder)
        assert app.check_action("toggle_grid", ()) is True


async def test_the_other_panes_do_not_wait_for_a_book_that_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "BOOK_WAIT_S", 600.0)
    app = make_test_app(tmp_path, sandbox_overrides={"fault_5xx_rate": 1.0, "fault_paths": ("/api/v1/spot/depth",)})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, lambda: app.main.panes_installed, what="the other panes")
        assert not app.main.panes.book.has_data
        await wait_until(pilot, lambda: app.main.panes.trades.has_data, what="the trades")


def test_each_frame_carries_its_panes_title() -> None:
    panes = PaneSet.__dataclass_fields__
    for name in PANE_ORDER:
        pane_class = str(panes[name].type)  # the annotation's text (annotations are postponed)
        module = __import__("jextui.ui.widgets", fromlist=[pane_class])
        assert PANE_TITLES[name] == getattr(module, pane_class).PANE_TITLE


def test_the_first_frame_needs_no_pane_client_sandbox_feed_or_trading_code() -> None:
    code = (
        "import sys, jextui.cli, jextui.config, jextui.ui.app\n"
        "heavy = ('jextui.sandbox', 'jextui.feed', 'jextui.api.client', 'jextui.api.transport', 'jextui.trading',"
        " 'jextui.session', 'jextui.market_store', 'jextui.ui.startup', 'jextui.ui.trading_actions',"
        " 'jextui.ui.widgets.order_book', 'jextui.ui.feed_bridge', 'httpx', 'uvicorn', 'starlette', 'sqlite3')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.strip() == "[]"


#: What the first frame must not wait for: the parts built after it (jextui.ui.startup is the boundary).
_HEAVY = (
    "jextui.sandbox",
    "jextui.feed",
    "jextui.api.client",
    "jextui.api.transport",
    "jextui.trading",
    "jextui.session",
    "jextui.market_store",
    "jextui.ui.trading_actions",
    "jextui.ui.widgets.order_book",
    "jextui.ui.feed_bridge",
    "jextui.ui.routing",
    "httpx",
    "uvicorn",
    "starlette",
    "sqlite3",
)

_FIRST_FRAME = """
import os, sys
from jextui.cli import build_parser, overrides_from
from jextui.config import load_settings
from jextui.ui.app import JexApp

heavy = tuple(sys.argv[1].split(","))
settings = load_settings(overrides_from(build_parser().parse_args(["--demo"])), os.environ)

async def first_frame(app):
    from jextui.ui import startup  # the boundary: imported first thing after the first frame
    print("first frame:", sorted(m for m in sys.modules if m.startswith(heavy)))
    startup.build_parts  # what comes next is behind it
    app.exit()

JexApp._start_console = first_frame
JexApp(settings).run(headless=True, size=(160, 48))
"""


def test_the_first_frame_is_drawn_before_any_heavy_module_is_imported(tmp_path: Path) -> None:
    """A real console in a fresh process, up to its first frame (the app's ready event): the main screen,
    the pane frames and the status bar are drawn, and none of the parts behind the boundary is loaded."""
    env = {
        "JEXTUI_CONFIG_DIR": str(tmp_path / "config"),
        "JEXTUI_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "PATH": "",
        "PYTHONPATH": ":".join(sys.path),
    }
    run = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME, ",".join(_HEAVY)], capture_output=True, text=True, timeout=60, env=env
    )
    assert run.returncode == 0, run.stderr
    assert "first frame: []" in run.stdout, run.stdout


async def test_the_feed_asks_for_the_book_alone_first_then_for_every_pane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app(tmp_path)
    calls: list[tuple[str, bool]] = []
    original = JexClient._call

    async def recording(self: JexClient, name: str, *args: Any, **kwargs: Any) -> Any:
        calls.append((name, app.parts_built and app.bridge.book_shown.is_set()))
        return await original(self, name, *args, **kwargs)

    monkeypatch.setattr(JexClient, "_call", recording)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
    before_book = {name for name, shown in calls if not shown}
    after_book = {name for name, shown in calls if shown}
    assert "depth" in before_book
    assert before_book <= {"depth", "server_time", "exchange_info"}
    # Streams on: the watchlist's prices come from the ticker stream; the rest
    # are the streaming feed's snapshots (trades backfill, candles, account).
    assert {"historical_trades", "klines", "account", "open_orders", "ticker_24hr"} <= after_book


async def test_trading_waits_for_the_journal_and_sees_the_events_from_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal_may_open = asyncio.Event()
    open_journal = startup.open_journal

    async def held_journal(session: Any) -> str | None:
        await journal_may_open.wait()
        return await open_journal(session)

    monkeypatch.setattr(startup, "open_journal", held_journal)
    seen: list[tuple[str, bool]] = []
    original = TradingController.on_market

    def recording(self: TradingController, event: Any, changed: Any) -> None:
        seen.append((type(event).__name__, app.check_action("buy", ()) is True))
        original(self, event, changed)

    monkeypatch.setattr(TradingController, "on_market", recording)
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, lambda: app.parts_built and app.bridge.book_shown.is_set(), what="the first book")
        await pilot.pause()
        assert app.check_action("buy", ()) is None  # shown, disabled: the journal is not open yet
        await pilot.press("b")
        assert app.screen is app.main  # no ticket
        assert app.session.journal is None
        journal_may_open.set()
        await wait_for_start(pilot)
        assert app.session.journal is not None and app.check_action("buy", ()) is True
    handed_over = [name for name, ready in seen if not ready]
    assert "BookUpdate" in handed_over  # what came before the controller is handed to it at its start


async def test_the_grid_tiles_come_after_the_start_or_at_once_when_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(_session: Any) -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(startup, "open_journal", never)  # the start stops before the tiles
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, lambda: app.main.panes_installed, what="the panes")
        grid = app.main.panes.grid
        assert not grid.tiles_built and grid.tiles == []
        await pilot.press("g")
        await wait_until(pilot, lambda: app.main.grid_shown, what="the grid")
        assert [tile.symbol for tile in grid.tiles] == list(TEST_WATCHLIST)
        assert grid.focused_symbol() == "BTCUSDT"

    monkeypatch.undo()  # a start that runs to its end builds them itself
    again = make_test_app(tmp_path / "again")
    async with again.run_test(size=again.size_for_tests) as pilot:
        await wait_for_start(pilot)
        grid = again.main.panes.grid
        assert grid.tiles_built and [tile.symbol for tile in grid.tiles] == list(TEST_WATCHLIST)


async def test_a_session_stopped_while_its_sandbox_starts_leaves_no_sandbox_running(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    session = Session(
        settings,
        lambda event: None,
        active_symbol="BTCUSDT",
        watchlist=("BTCUSDT",),
        options=SessionOptions(start_feed=False),
    )
    starting = asyncio.create_task(session.start())
    await session.stop()
    with pytest.raises(SessionError):
        await starting
    assert not [thread for thread in threading.enumerate() if thread.name == "jextui-sandbox"]


def test_collection_pauses_while_starting_and_resumes_once() -> None:
    assert gc.isenabled()
    try:
        startup.pause_collection()
        assert not gc.isenabled()
        startup.resume_collection(freeze=False)
        assert gc.isenabled()
        gc.disable()  # someone else's choice: resuming what was not paused here changes nothing
        startup.resume_collection(freeze=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_changed_user_theme_is_read_again(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    path = themes / "mine.toml"
    path.write_text('primary = "#268BD2"\n')
    assert load_themes(themes)["mine"].primary == "#268BD2"
    path.write_text('primary = "#FF0000"\ndark = false\n')
    changed = load_themes(themes)["mine"]
    assert changed.primary == "#FF0000" and changed.dark is False


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://[::1]:8765", True),
        ("https://127.0.0.1:8765", False),
        ("http://jex.example.com", False),
        ("https://jex.example.com", False),
    ],
)
def test_only_plain_http_on_this_machine_skips_the_certificate_authorities(url: str, plain: bool) -> None:
    from jextui.session import _loopback_transport

    assert (_loopback_transport(url) is not None) is plain


async def test_with_an_empty_watchlist_the_panes_do_not_wait_for_a_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "BOOK_WAIT_S", 600.0)
    app = make_test_app(tmp_path, watchlist=())
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        assert app.active_symbol is None and app.main.panes_installed


#: What the live order book must not wait for: the streams' connection code, trading's journal,
#: httpx's command-line tool, and (with the sandbox in its own process) the HTTP server.
_NOT_BEFORE_THE_BOOK = (
    "websockets",
    "jextui.api.streams.connection",
    "jextui.trading.journal",
    "jextui.trading.reconcile",
    "sqlite3",
    "click",
    "pygments",
    "uvicorn",
    "starlette",
)

_UP_TO_THE_BOOK = """
import dataclasses, os, sys
from jextui.cli import build_parser, overrides_from
from jextui.config import load_settings
from jextui.sandbox.child import SandboxChild
from jextui.ui import startup
from jextui.ui.app import JexApp

watched = tuple(sys.argv[1].split(","))
child = SandboxChild.start()
settings = load_settings(overrides_from(build_parser().parse_args(["--demo"])), os.environ)
settings = dataclasses.replace(settings, sandbox_child=child)
real_wait = startup.wait_for_book

async def wait_then_look(parts, main, timeout_s=None):
    shown = await real_wait(parts, main, 30.0)
    print("book shown:", shown, sorted(m for m in sys.modules if m.startswith(watched)))
    main.app.exit()
    return shown

startup.wait_for_book = wait_then_look
try:
    JexApp(settings).run(headless=True, size=(160, 48))
finally:
    child.close()
"""


def test_the_live_book_is_drawn_before_streams_trading_or_the_http_server_are_imported(tmp_path: Path) -> None:
    """A real demo console in a fresh process, its sandbox in a child process, up to the first order book."""
    env = {
        "JEXTUI_CONFIG_DIR": str(tmp_path / "config"),
        "JEXTUI_DATA_DIR": str(tmp_path / "data"),
        "JEXTUI_LOG_DIR": str(tmp_path / "log"),
        "TERM": "xterm-256color",
        "PATH": "",
        "PYTHONPATH": ":".join(sys.path),
    }
    run = subprocess.run(
        [sys.executable, "-c", _UP_TO_THE_BOOK, ",".join(_NOT_BEFORE_THE_BOOK)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert "book shown: True []" in run.stdout, run.stdout


async def test_the_book_pane_is_first_painted_with_its_numbers_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between its empty frame and its first snapshot no frame shows the book pane without data:
    the paint that would show it empty is held until the snapshot is in (a slow exchange only
    holds it :data:`~jextui.ui.startup.BOOK_PAINT_HOLD_S`; here the hold is long, so the order
    of things decides, not the machine's speed)."""
    monkeypatch.setattr(startup, "BOOK_PAINT_HOLD_S", 60.0)
    app = make_test_app(tmp_path)
    painted: list[tuple[bool, bool]] = []  # per frame: (book pane in place, book holds data)
    real_display = JexApp._display

    def display(self: JexApp, screen: Any, renderable: Any) -> None:
        if self.parts_built:
            panes = self.parts.panes
            painted.append((self.main.pane_installed("book"), panes.book.has_data))
        real_display(self, screen, renderable)

    monkeypatch.setattr(JexApp, "_display", display)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
    with_book = [has_data for installed, has_data in painted if installed]
    assert with_book, "no frame was painted with the book pane in place"
    assert all(with_book), f"the book pane was painted empty first: {painted[:8]}"


async def test_a_book_that_is_slow_to_come_holds_the_paint_only_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No answer for the book: the screen is painted again after the short hold, the book pane
    empty, rather than kept still until the answer comes."""
    monkeypatch.setattr(startup, "BOOK_PAINT_HOLD_S", 0.05)
    gate = asyncio.Event()
    original = JexClient._call

    async def slow_depth(self: JexClient, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "depth":
            await gate.wait()
        return await original(self, name, *args, **kwargs)

    monkeypatch.setattr(JexClient, "_call", slow_depth)
    app = make_test_app(tmp_path)
    painted_empty = asyncio.Event()
    real_display = JexApp._display

    def display(self: JexApp, screen: Any, renderable: Any) -> None:
        if self.parts_built and self.main.pane_installed("book") and not self.parts.panes.book.has_data:
            painted_empty.set()
        real_display(self, screen, renderable)

    monkeypatch.setattr(JexApp, "_display", display)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, painted_empty.is_set, what="a frame with the book pane in place, still empty")
        gate.set()
        await wait_for_data(pilot)


async def test_the_footer_lists_its_keys_once_the_panes_are_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the footer's keys waits for the panes, so that it does not delay the first book."""
    from textual.widgets._footer import FooterKey

    from jextui.ui.widgets.footer import KeyFooter

    book_waited_for, may_go_on = _held_after_the_first_book(monkeypatch)
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, book_waited_for.is_set, what="the first book")
        await pilot.pause()
        footer = app.main.query_one(KeyFooter)
        assert not footer.query(FooterKey)
        may_go_on.set()
        await wait_until(pilot, lambda: bool(footer.query(FooterKey)), what="the footer's keys")
        assert app.main.panes_installed
        listed = {key.action for key in footer.query(FooterKey)}
        assert "app.request_quit" in listed or "request_quit" in listed, listed
