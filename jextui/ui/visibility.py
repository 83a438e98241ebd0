"""What is on screen decides what is polled.

The feed polls only the feeds of the panes on screen (the grid view's tiles
instead of the panes while it is shown; with an order ticket open also the
balances, open orders and book it sizes against), and fetches as many book
levels as the book pane shows.  :class:`FeedVisibility` works that out after
every change of what is on screen and tells the session only what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.feed.worker import depth_limit_for
from jextui.ui.feed_bridge import GRID_FEEDS, PANE_FEEDS

if TYPE_CHECKING:
    from jextui.session import Session
    from jextui.ui.screens.main import MainScreen

__all__ = ["FeedVisibility", "visible_feeds", "book_rows_per_side", "TICKET_FEEDS"]

#: A ticket sizes against the balance and shows the book: polled while it is open.
TICKET_FEEDS: frozenset[str] = frozenset({"account", "open_orders", "book"})


def visible_feeds(main: MainScreen, ticket_open: bool) -> frozenset[str]:
    """The feeds of what ``main`` shows now."""
    kinds = set(GRID_FEEDS) if main.grid_shown else {kind for pane in main.visible_panes() for kind in PANE_FEEDS[pane]}
    if ticket_open:
        kinds |= TICKET_FEEDS
    return frozenset(kinds)


def book_rows_per_side(book_height: int) -> int:
    """Levels per side the book pane shows at this height (borders, header, titles, spread)."""
    return max(1, (book_height - 5) // 2 + 1)


class FeedVisibility:
    """Remembers what the session was last told, so only changes are sent."""

    def __init__(self) -> None:
        self.visible: frozenset[str] | None = None
        self.book_depth_limit: int | None = None

    def update(
        self,
        main: MainScreen,
        session: Session,
        *,
        ticket_open: bool,
        resend: bool = False,
        also: frozenset[str] = frozenset(),
    ) -> bool:
        """Tell the feed which panes are on screen (and size the book's depth); ``resend``: even if unchanged.
        ``also``: feeds wanted whatever is on screen (the tickers, while alerts are checked).
        True when the feed was told."""
        visible = visible_feeds(main, ticket_open) | also
        told = resend or visible != self.visible
        if told:
            self.visible = visible
            session.set_visible(set(visible))
        self.size_book_depth(main, session)
        return told

    def size_book_depth(self, main: MainScreen, session: Session) -> None:
        """Fetch as many levels as the book pane shows (a deeper request costs no more weight)."""
        height = main.pane_height("book")
        if not height:
            return
        rows_per_side = book_rows_per_side(height)
        limit = depth_limit_for(rows_per_side)
        if limit != self.book_depth_limit:
            deeper = self.book_depth_limit is not None and limit > self.book_depth_limit
            self.book_depth_limit = limit
            session.set_book_rows(rows_per_side)
            if deeper:
                session.refresh_now("book")
