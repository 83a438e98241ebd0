"""The status bar and the rate-limit banner: what the feed says, and data ages.

:meth:`StatusView.show_status` shows a feed
:class:`~jextui.feed.events.StatusUpdate` (connection, latency, clock
offset, used weight; the banner during a 429 / 418 ban): it is the status
bar's row of the routing table.  :meth:`StatusView.tick` runs once a
second: every pane gets its data's age and stale mark, and the status bar
the ages of the panes on screen, from the feeds' health that came with the
latest status (pushed, not polled).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from jextui.ui.feed_bridge import STATUS_AGE_LABELS

if TYPE_CHECKING:
    from jextui.feed.events import StatusUpdate
    from jextui.feed.stream_events import StreamStatusUpdate
    from jextui.market_store import Changed
    from jextui.session import Session
    from jextui.ui.feed_bridge import FeedBridge
    from jextui.ui.widgets.rate_limit_banner import RateLimitBanner
    from jextui.ui.widgets.status_bar import StatusBar

__all__ = ["StatusView"]


class StatusView:
    """Keeps the status bar, the banner and the panes' freshness marks up to date."""

    def __init__(
        self,
        *,
        status: StatusBar,
        banner: RateLimitBanner,
        bridge: FeedBridge,
        session: Session,
        panes_on_screen: Callable[[], Collection[str]],
        show_latency: bool = True,
    ) -> None:
        self.status = status
        self.banner = banner
        self.bridge = bridge
        self.session = session
        self._panes_on_screen = panes_on_screen
        self._show_latency = show_latency

    def show_status(self, status: StatusUpdate, _changed: Changed | None = None) -> None:
        """The feed's latest word on the connection, on the status bar (and the banner)."""
        self.status.update_status(
            connection=status.connection,
            connection_detail=status.message or None,
            retry_until_ms=status.blocked_until_ms,
            latency_ms=status.latency_ms if self._show_latency else None,
            clock_offset_ms=status.clock_offset_ms,
            used_weight=status.used_weight_1m if status.used_weight_1m is not None else None,
            weight_limit=status.weight_limit,
            weight_budget=status.budget,
            refresh_slowed=self._refresh_slowed(),
        )
        if status.connection in ("rate-limited", "banned") and status.blocked_until_ms is not None:
            seconds = max(1, -(-(status.blocked_until_ms - status.received_ms) // 1000))
            self.banner.show_limit(status.connection, status.blocked_until_ms, seconds)
        else:
            self.banner.clear()

    def show_streams(self, status: StreamStatusUpdate, _changed: Changed | None = None) -> None:
        """Where the live data comes from: "streams: live / reconnecting / polling"."""
        self.status.update_status(streams=status.state)

    def _refresh_slowed(self) -> bool:
        """Whether the feed's plan stretches any period to stay within the weight budget."""
        worker = self.session.worker
        return worker is not None and any(feed.stretched for feed in worker.plan.feeds)

    def tick(self) -> None:
        """Data ages and stale marks (from the health the feed last pushed)."""
        client = self.session.client
        if client is None:
            return
        health = self.bridge.health
        if not health:
            return
        marks = self.bridge.mark_freshness(health, self.session.now_ms(), has_api_key=client.has_api_key)
        on_screen = self._panes_on_screen()
        ages = {
            label: (marks[pane].age_ms, marks[pane].stale)
            for pane, label in STATUS_AGE_LABELS.items()
            if pane in marks and pane in on_screen and marks[pane].unavailable is None
        }
        self.status.update_status(pane_ages=ages, refresh_slowed=self._refresh_slowed())

    def refresh_now(self) -> None:
        """Repaint ages, stale marks and the used weight at once (tests, screenshots):
        the feed's health is read now rather than waiting for its next push."""
        session = self.session
        self.bridge.health = session.feed_health()
        self.tick()
        client, worker = session.client, session.worker
        if client is not None and worker is not None and client.rate.last_update_ms is not None:
            plan = worker.plan
            self.status.update_status(
                used_weight=client.rate.used_weight_1m, weight_limit=plan.weight_limit, weight_budget=plan.budget_1m
            )
