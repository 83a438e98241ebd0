"""The console's start after its first frame, and its stop.

The first frame is the main screen with each pane's empty frame
(:mod:`jextui.ui.screens.boot`), drawn before any of the parts below is
imported.  Right after it, :func:`start_console` works in the order a user
waits for things:

1. the parts (:func:`build_parts`): the market store, every pane, the feed
   bridge and the session — their modules are imported only now;
2. the order book in place of its empty frame (:func:`show_book`);
3. the connection (:func:`connect`): the demo sandbox or the profile's
   exchange, the API client and the feed, which asks for the active
   symbol's order book alone first;
4. once that book is on screen (or after :data:`BOOK_WAIT_S`), every other
   pane in place of its frame (:func:`show_panes`) and its feed, then
   trading (:func:`start_trading`: the order journal, the trading
   controller, its start-up checks) and the grid view's tiles.

A failure to connect is said on screen (status bar and a notification) and
in the log, never as a traceback.  :func:`stop_console` stops what started.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jextui.ui.app import JexApp
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.screens.panes import PaneSet
    from jextui.ui.session import Session
    from jextui.ui.store import MarketStore

__all__ = [
    "BOOK_WAIT_S",
    "FRAME_OUT_S",
    "pause_collection",
    "resume_collection",
    "ConsoleParts",
    "build_parts",
    "show_book",
    "show_panes",
    "connect",
    "wait_for_book",
    "start_trading",
    "start_console",
    "stop_console",
]

log = logging.getLogger("jextui.ui")

#: How long the other panes' feeds and trading wait for the first order book.
BOOK_WAIT_S = 3.0
#: A pause after a frame that matters (the first, the first book): Textual
#: writes frames from its own thread, which needs the interpreter for every
#: chunk; the heavy imports that come next would otherwise hold it (up to the
#: switch interval, 5 ms, per chunk) while the frame waits.
FRAME_OUT_S = 0.005

_collection = {"paused": False}


def pause_collection() -> None:
    """No cyclic garbage collection until :func:`resume_collection`.

    Start-up imports and builds objects that live as long as the process;
    collecting (several times, over all of them) only delays the first frame
    and the first data.  The command line pauses collection before its
    imports; the console resumes it once it has started.
    """
    if gc.isenabled():
        gc.disable()
        _collection["paused"] = True


def resume_collection(*, freeze: bool = True) -> None:
    """Collect again if :func:`pause_collection` stopped it (else nothing).

    ``freeze``: what start-up built stays anyway, so it is kept out of later
    collections (``gc.freeze``).
    """
    if _collection["paused"]:
        _collection["paused"] = False
        if freeze:
            gc.freeze()
        gc.enable()


@dataclass(frozen=True)
class ConsoleParts:
    """What the console shows and connects with, built right after its first frame."""

    store: MarketStore
    panes: PaneSet
    bridge: FeedBridge
    session: Session


def build_parts(app: JexApp) -> ConsoleParts:
    """Import and build the store, the panes, the bridge and the session."""
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.screens.panes import build_panes
    from jextui.ui.session import Session
    from jextui.ui.store import MarketStore

    store = MarketStore()
    main = app.main
    panes = build_panes(
        status=main.status, watchlist=app.watchlist, time_zone=app.options.time_zone,
        stacked_current=main.stacked_current, tiles_later=True,
    )  # fmt: skip
    bridge = FeedBridge(
        store,
        panes,
        active_symbol=lambda: app.active_symbol,
        kline_interval=lambda: app.kline_interval,
        post=app.post_message,
    )
    session = Session(
        app.settings,
        bridge.sink,
        active_symbol=app.active_symbol,
        watchlist=app.watchlist,
        kline_interval=app.kline_interval,
        options=app.options.session,
    )
    return ConsoleParts(store=store, panes=panes, bridge=bridge, session=session)


async def show_book(app: JexApp) -> None:
    """Put the order book in place of its empty frame: the feed's first answer goes there."""
    from jextui.ui.selection import caption_active

    await app.main.install_panes(app.parts.panes, ("book",))
    caption_active(app)


async def show_panes(app: JexApp) -> None:
    """Put every other pane in place of its empty frame and set them up."""
    from jextui.ui.selection import caption_active

    main = app.main
    panes = app.parts.panes
    await main.install_panes(panes)
    panes.watchlist.set_symbols(app.watchlist)
    panes.watchlist.set_active(app.active_symbol)
    panes.klines.show_interval(app.kline_interval)
    caption_active(app)
    panes.grid.set_active(app.active_symbol)
    panes.watchlist.focus()


async def connect(app: JexApp) -> bool:
    """Start the session, asking for the book alone first; False (said on screen
    and logged) when it could not start."""
    from jextui.ui.session import SessionError

    session = app.session
    app.update_visibility()  # sizes the book's depth to its pane
    if app.active_symbol is not None:
        session.set_visible({"book"})  # what the user waits for; the rest once it is on screen
    try:
        await session.start()
    except SessionError as error:
        _session_failed(app, str(error))
        return False
    except Exception as error:  # never a traceback on screen: the log has it
        log.exception("the session could not start")
        _session_failed(app, f"could not connect: {error}")
        return False
    if not app.settings.demo:
        app.main.panes.status.update_status(base_url=session.base_url)
    _mark_account_panes(app)
    return True


async def wait_for_book(app: JexApp, timeout_s: float | None = None) -> bool:
    """Until the active symbol's book is on screen; False when the feed reports
    trouble first (the rest then shows at once, banner included) or after
    ``timeout_s`` (default :data:`BOOK_WAIT_S`)."""
    timeout_s = BOOK_WAIT_S if timeout_s is None else timeout_s
    bridge = app.bridge
    waits = [asyncio.ensure_future(bridge.book_shown.wait()), asyncio.ensure_future(bridge.trouble.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    if not bridge.book_shown.is_set():
        return False
    painted = asyncio.get_running_loop().create_future()
    app.main.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    try:
        await asyncio.wait_for(painted, 1.0)
    except TimeoutError:
        pass
    await asyncio.sleep(FRAME_OUT_S)
    return True


async def start_trading(app: JexApp) -> None:
    """The order journal (if connected, with credentials), then the trading controller.

    A journal that cannot be opened is said on screen and logged: trading
    stays off and says why when asked.
    """
    session = app.session
    await session.open_journal()
    if session.journal_error:
        app.notify(session.journal_error, severity="error", timeout=10)
    app.trading_ready()


async def start_console(app: JexApp) -> None:
    """Everything after the first frame (see the module docstring).

    Garbage collection paused by :func:`pause_collection` resumes once the
    session and trading have started (or failed), before trading's own
    start-up checks.
    """
    from textual.css.query import NoMatches

    from jextui.ui.selection import sync_grid

    connected = False
    try:
        await asyncio.sleep(FRAME_OUT_S)  # the first frame to the terminal before the imports below
        app.parts  # noqa: B018 - builds them
        await show_book(app)
        connected = await connect(app)
        if connected and app.session.worker is not None and app.active_symbol is not None:
            await wait_for_book(app)
        await show_panes(app)
        app.start_freshness_timer()
        app.update_visibility(resend=True)  # every pane's feed
        await start_trading(app)
        await sync_grid(app)
    except NoMatches:
        if not getattr(app, "_exit", False):
            raise
        return  # the user quit while the panes were being put in place: their screen is gone
    finally:
        resume_collection()
    if connected:
        try:
            await app.trading.startup()
        except Exception:
            log.exception("trading start-up failed")
            app.notify("Trading could not start (details in the log).", severity="error")
    app.started = True


async def stop_console(app: JexApp) -> None:
    """Stop the session (and what it started)."""
    await app.session.stop()


def _session_failed(app: JexApp, message: str) -> None:
    app.session_error = message
    log.error("session: %s", message)
    app.main.panes.status.update_status(connection="offline", connection_detail=message)
    app.notify(message, title="Not connected", severity="error", timeout=15)


def _mark_account_panes(app: JexApp) -> None:
    """Without credentials, the account panes say why they are empty at once."""
    client = app.session.client
    if client is None or client.has_credentials:
        return
    health = app.session.feed_health()
    app.bridge.mark_freshness(health, app.session.now_ms(), has_api_key=client.has_api_key)
