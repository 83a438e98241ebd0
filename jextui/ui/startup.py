"""The parts of the console's start after its first frame (none takes the app).

The first frame is the main screen with each pane's empty frame
(:mod:`jextui.ui.widgets.placeholder`), drawn before any of the parts below is
imported.  Right after it, the app (``JexApp._start_console``) works in the
order a user waits for things, with the pieces here:

1. the parts (:func:`build_parts`): the market store, every pane, the
   routing table, the status view, the rejected-key watch and the session —
   their modules are imported only now;
2. the connection (:func:`connect`): the demo sandbox or the profile's
   exchange, the API client and the feed, which asks for the active
   symbol's order book alone first, as deep as the book's frame is tall;
3. the order book in place of its empty frame (:func:`install_book`),
   painted once its first snapshot is in, not empty first;
4. once that book is on screen (:func:`wait_for_book`, or after
   :data:`BOOK_WAIT_S`), every other pane in place of its frame and its
   feed, then trading (:func:`open_journal`, the trading controller, its
   start-up checks) and the grid view's tiles (:func:`sync_grid`).

A failure to connect is said in words (the app shows it on the status bar
and in a notification) and logged, never as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import msgspec

from jextui.ui.gc_pause import pause_collection, resume_collection

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from textual.message import Message

    from jextui.config import Settings
    from jextui.market_store import MarketStore
    from jextui.session import Session, SessionOptions
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.key_watch import KeyWatch
    from jextui.ui.routing import FeedRouter
    from jextui.ui.screens.main import MainScreen
    from jextui.ui.status_view import StatusView
    from jextui.ui.widgets.pane_set import PaneSet

__all__ = [
    "BOOK_WAIT_S",
    "BOOK_PAINT_HOLD_S",
    "FRAME_OUT_S",
    "pause_collection",
    "resume_collection",
    "Choices",
    "ConsoleParts",
    "build_parts",
    "connect",
    "install_book",
    "wait_for_book",
    "open_journal",
    "sync_grid",
]

log = logging.getLogger("jextui.ui")

#: How long the other panes' feeds and trading wait for the first order book.
BOOK_WAIT_S = 3.0
#: How long the screen waits for the first order book before it paints the book pane
#: empty (a paint held longer would be felt: keys typed meanwhile would show late).
BOOK_PAINT_HOLD_S = 0.25
#: A pause after a frame that matters (the first, the first book): Textual
#: writes frames from its own thread, which needs the interpreter for every
#: chunk; the heavy imports that come next would otherwise hold it (up to the
#: switch interval, 5 ms, per chunk) while the frame waits.
FRAME_OUT_S = 0.005


class ConsoleParts(msgspec.Struct, frozen=True):
    """What the console shows and connects with, built right after its first frame."""

    store: MarketStore
    panes: PaneSet
    bridge: FeedBridge
    router: FeedRouter
    status_view: StatusView
    session: Session
    key_watch: KeyWatch
    """The rejected-key banner's watch (mounted with the panes)."""


def build_parts(
    settings: Settings,
    main: MainScreen,
    *,
    choices: Choices,
    post: Callable[[Message], object],
    outcome_unknown: Callable[[], None],
    time_zone: tzinfo | None,
    session_options: SessionOptions | None,
    show_latency: bool,
) -> ConsoleParts:
    """Import and build the store, the panes, the routing table, the status view and the session.

    ``post`` queues a message for the app (every feed event goes through it to
    the routing table); ``outcome_unknown`` is told when an order's answer was
    lost (the trading controller, once it exists).
    """
    from jextui.feed.events import FeedEvent, StatusUpdate
    from jextui.feed.stream_events import StreamStatusUpdate
    from jextui.market_store import MarketStore
    from jextui.session import Session
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.key_watch import KeyWatch
    from jextui.ui.messages import FeedArrived
    from jextui.ui.routing import FeedRouter
    from jextui.ui.status_view import StatusView
    from jextui.ui.widgets.pane_set import build_panes

    store = MarketStore()
    panes = build_panes(
        status=main.status,
        watchlist=choices.watchlist(),
        time_zone=time_zone,
        stacked_current=main.stacked_current,
        tiles_later=True,
    )
    bridge = FeedBridge(store, panes, active_symbol=choices.active_symbol, kline_interval=choices.kline_interval)
    router = FeedRouter()
    bridge.attach(router)

    def sink(event: FeedEvent) -> None:
        """Every feed source's events go through the app's queue to the routing table."""
        post(FeedArrived(event))

    session = Session(
        settings,
        sink,
        active_symbol=choices.active_symbol(),
        watchlist=choices.watchlist(),
        kline_interval=choices.kline_interval(),
        options=session_options,
        on_outcome_unknown=outcome_unknown,
    )

    def on_screen() -> set[str]:
        return {"watchlist"} if main.grid_shown else set(main.visible_panes())

    status_view = StatusView(
        status=panes.status,
        banner=panes.banner,
        bridge=bridge,
        session=session,
        panes_on_screen=on_screen,
        show_latency=show_latency,
    )
    router.subscribe(StatusUpdate, status_view.show_status)
    router.subscribe(StreamStatusUpdate, status_view.show_streams)
    key_watch = KeyWatch(None if settings.demo else settings.profile_name)
    key_watch.attach(router)
    router.hold()  # for trading, built once the book is shown
    return ConsoleParts(
        store=store,
        panes=panes,
        bridge=bridge,
        router=router,
        status_view=status_view,
        session=session,
        key_watch=key_watch,
    )


class Choices(msgspec.Struct, frozen=True):
    """The app's choices as the parts read them (each call: the value now)."""

    active_symbol: Callable[[], str | None]
    watchlist: Callable[[], tuple[str, ...]]
    kline_interval: Callable[[], str]


async def connect(parts: ConsoleParts, *, demo: bool, book_first: bool) -> str | None:
    """Start the session (``book_first``: asking for the book alone first); None
    once it runs, else why it could not start, in words (logged)."""
    from jextui.session import SessionError

    session = parts.session
    if book_first:
        session.set_visible({"book"})  # what the user waits for; the rest once it is on screen
    try:
        await session.start()
    except SessionError as error:
        log.error("session: %s", error)
        return str(error)
    except Exception as error:  # never a traceback on screen: the log has it
        log.exception("the session could not start")
        return f"could not connect: {error}"
    if not demo:
        parts.panes.status.update_status(base_url=session.base_url)
    _mark_account_panes(parts)
    return None


async def install_book(parts: ConsoleParts, main: MainScreen, *, book_coming: bool) -> None:
    """The order book in place of its empty frame.  ``book_coming`` (the feed asks for
    it): the screen is not painted again until the book holds its first snapshot, the
    feed reports trouble, or :data:`BOOK_PAINT_HOLD_S` has passed, so that the book
    appears once, with its numbers, not first empty (that paint only delays them)."""
    with main.app.batch_update():
        await main.install_panes(parts.panes, ("book",))
        if book_coming:
            await _book_or_trouble(parts, BOOK_PAINT_HOLD_S)


async def _book_or_trouble(parts: ConsoleParts, timeout_s: float) -> None:
    bridge = parts.bridge
    waits = [asyncio.ensure_future(bridge.book_shown.wait()), asyncio.ensure_future(bridge.trouble.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def wait_for_book(parts: ConsoleParts, main: MainScreen, timeout_s: float | None = None) -> bool:
    """Until the active symbol's book is on screen; False when the feed reports
    trouble first (the rest then shows at once, banner included) or after
    ``timeout_s`` (default :data:`BOOK_WAIT_S`)."""
    timeout_s = BOOK_WAIT_S if timeout_s is None else timeout_s
    bridge = parts.bridge
    await _book_or_trouble(parts, timeout_s)
    if not bridge.book_shown.is_set():
        return False
    painted = asyncio.get_running_loop().create_future()

    def painted_now() -> None:
        if not painted.done():
            painted.set_result(None)

    main.call_after_refresh(painted_now)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(painted, 1.0)
    await asyncio.sleep(FRAME_OUT_S)
    return True


async def open_journal(session: Session) -> str | None:
    """The order journal (if connected, with credentials); why it could not open, in words, or None.

    Without a journal trading stays off and says why when asked.
    """
    await session.open_journal()
    return session.journal_error


async def sync_grid(parts: ConsoleParts, watchlist: tuple[str, ...]) -> None:
    """A tile per watched symbol, the new ones filled with what the store knows already."""
    store, grid = parts.store, parts.panes.grid
    for tile in await grid.set_symbols(watchlist):
        symbol = tile.symbol
        if symbol in store.tickers:
            grid.update_tickers({symbol: store.tickers[symbol]})
        if symbol in store.prices:
            grid.update_prices({symbol: store.prices[symbol]})
        if symbol in store.book_tickers:
            grid.update_book_tickers({symbol: store.book_tickers[symbol]})
        if symbol in store.sparklines:
            grid.update_sparkline(symbol, store.sparklines[symbol])
    parts.bridge.apply_precisions()


def _mark_account_panes(parts: ConsoleParts) -> None:
    """Without credentials, the account panes say why they are empty at once."""
    session = parts.session
    client = session.client
    if client is None or client.has_credentials:
        return
    parts.bridge.mark_freshness(session.feed_health(), session.now_ms(), has_api_key=client.has_api_key)
