"""The events only the stream-driven feed emits (besides the poller's own).

* :class:`StreamStatusUpdate`: whether the live data comes from the streams,
  for the status bar ("streams: live / reconnecting / polling") and for
  deciding which feeds the poller must carry meanwhile;
* :class:`FillsUpdate`: fill notices from the account stream, each fill once;
* :class:`OrdersPushed`: the account stream's new order states, on any symbol.
"""

from __future__ import annotations

from typing import Literal

from jextui.api.errors import JexError
from jextui.api.models import Order
from jextui.feed.events import FeedEvent
from jextui.feed.user_sequencer import FillNotice

__all__ = ["StreamsState", "StreamStatusUpdate", "FillsUpdate", "OrdersPushed"]

StreamsState = Literal["live", "reconnecting", "polling"]
"""* ``live``: every stream is open and every stream-fed pane is in sync;
* ``reconnecting``: a stream is being reopened (or a book resynchronised);
  for a moment the panes it feeds do not move;
* ``polling``: a stream is down or stalled: the feeds in ``fallback`` must
  be polled over REST until it is back.
"""


class StreamStatusUpdate(FeedEvent, frozen=True):
    """Where the streams stand.  ``live`` and ``fallback`` are feed names
    (``FeedKind`` values): served by the streams now / to be polled now.
    ``error`` is the latest failure (None when all is well)."""

    state: StreamsState
    live: frozenset[str]
    fallback: frozenset[str]
    message: str
    error: JexError | None = None


class FillsUpdate(FeedEvent, frozen=True):
    """New fills of the account's orders, oldest first."""

    notices: tuple[FillNotice, ...]


class OrdersPushed(FeedEvent, frozen=True):
    """Orders whose state the account stream changed, on any symbol (new, partly
    filled, filled, cancelled), each in its latest state.  Unlike
    ``OpenOrdersUpdate`` this is no symbol's whole list: orders not named here
    are unchanged, not closed."""

    orders: tuple[Order, ...]
