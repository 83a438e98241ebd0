"""The console's start after its first frame, and its stop.

The first frame is the main screen with each pane's empty frame
(:mod:`jextui.ui.screens.boot`), drawn before any of the parts below is
imported.  Right after it,
:func:`start_console`:

1. builds the parts (:func:`build_parts`): the market store, every pane,
   the feed bridge, the session and the trading controller — importing
   their modules only now;
2. puts the panes in place of their empty frames (:func:`show_panes`);
3. connects (:func:`start_session`): the demo sandbox or the profile's
   exchange, the API client, the feed, the journal; then trading starts.

A failure to connect is said on screen (status bar and a notification) and
in the log, never as a traceback.  :func:`stop_console` stops what started.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jextui.ui.app import JexApp
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.screens.panes import PaneSet
    from jextui.ui.session import Session
    from jextui.ui.store import MarketStore
    from jextui.ui.trading_actions import TradingController

__all__ = ["ConsoleParts", "build_parts", "show_panes", "start_session", "start_console", "stop_console"]

log = logging.getLogger("jextui.ui")


@dataclass(frozen=True)
class ConsoleParts:
    """What the console is made of once its first frame is on screen."""

    store: MarketStore
    panes: PaneSet
    bridge: FeedBridge
    session: Session
    trading: TradingController


def build_parts(app: JexApp) -> ConsoleParts:
    """Import and build the store, the panes, the bridge, the session and the trading controller."""
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.screens.panes import build_panes
    from jextui.ui.session import Session
    from jextui.ui.store import MarketStore
    from jextui.ui.trading_actions import TradingController

    store = MarketStore()
    main = app.main
    panes = build_panes(
        status=main.status, watchlist=app.watchlist, time_zone=app.options.time_zone,
        stacked_current=main.stacked_current,
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
    return ConsoleParts(store=store, panes=panes, bridge=bridge, session=session, trading=TradingController(app))


async def show_panes(app: JexApp) -> None:
    """Put the panes in place of their empty frames and set them up."""
    from jextui.ui.selection import caption_active

    main = app.main
    panes = app.parts.panes
    if not main.panes_installed:
        await main.install_panes(panes)
    panes.watchlist.set_symbols(app.watchlist)
    panes.watchlist.set_active(app.active_symbol)
    panes.klines.show_interval(app.kline_interval)
    caption_active(app)
    panes.grid.set_active(app.active_symbol)
    panes.watchlist.focus()


async def start_session(app: JexApp) -> None:
    """Connect, then start trading; a failure is said on screen and logged."""
    from jextui.ui.session import SessionError

    session = app.session
    app.update_visibility()
    try:
        await session.start()
    except SessionError as error:
        _session_failed(app, str(error))
        return
    except Exception as error:  # never a traceback on screen: the log has it
        log.exception("the session could not start")
        _session_failed(app, f"could not connect: {error}")
        return
    if not app.settings.demo:
        app.main.panes.status.update_status(base_url=session.base_url)
    _mark_account_panes(app)
    if session.journal_error:
        app.notify(session.journal_error, severity="error", timeout=10)
    try:
        await app.trading.startup()
    except Exception:
        log.exception("trading start-up failed")
        app.notify("Trading could not start (details in the log).", severity="error")


async def start_console(app: JexApp) -> None:
    """Everything after the first frame (see the module docstring)."""
    app.parts  # noqa: B018 - builds them
    await show_panes(app)
    app.start_freshness_timer()
    await start_session(app)


async def stop_console(app: JexApp) -> None:
    """Stop the session if it was built (quitting during start-up builds nothing)."""
    if app.parts_built:
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
