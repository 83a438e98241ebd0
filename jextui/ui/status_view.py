"""The status bar and the rate-limit banner: what the feed says, and data ages.

:func:`show_status` shows a feed :class:`~jextui.feed.events.StatusUpdate`
(connection, latency, clock offset, used weight; the banner during a 429 /
418 ban).  :func:`tick` runs once a second: every pane gets its data's age
and stale mark, and the status bar the ages of the panes on screen, from
the feeds' health that came with the latest status (pushed, not polled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.ui.feed_bridge import STATUS_AGE_LABELS

if TYPE_CHECKING:
    from jextui.feed.events import StatusUpdate
    from jextui.ui.app import JexApp

__all__ = ["show_status", "tick", "refresh_status_now"]


def show_status(app: JexApp, status: StatusUpdate) -> None:
    """The feed's latest word on the connection, on the status bar (and the banner)."""
    panes = app.main.panes
    panes.status.update_status(
        connection=status.connection,
        connection_detail=status.message or None,
        retry_until_ms=status.blocked_until_ms,
        latency_ms=status.latency_ms if app.options.show_latency else None,
        clock_offset_ms=status.clock_offset_ms,
        used_weight=status.used_weight_1m if status.used_weight_1m is not None else None,
        weight_limit=status.weight_limit,
        weight_budget=status.budget,
    )
    if status.connection in ("rate-limited", "banned") and status.blocked_until_ms is not None:
        seconds = max(1, -(-(status.blocked_until_ms - status.received_ms) // 1000))
        panes.banner.show_limit(status.connection, status.blocked_until_ms, seconds)  # type: ignore[arg-type]
    else:
        panes.banner.clear()


def tick(app: JexApp) -> None:
    """Once a second: what is polled, data ages, stale marks (from the health the feed last pushed)."""
    app.update_visibility()
    session = app.session
    client = session.client
    if client is None:
        return
    health = app.bridge.health
    if not health:
        return
    marks = app.bridge.mark_freshness(health, session.now_ms(), has_api_key=client.has_api_key)
    main = app.main
    on_screen = {"watchlist"} if main.grid_shown else set(main.visible_panes())
    ages = {
        label: (marks[pane].age_ms, marks[pane].stale)
        for pane, label in STATUS_AGE_LABELS.items()
        if pane in marks and pane in on_screen and marks[pane].unavailable is None
    }
    main.panes.status.update_status(pane_ages=ages)


def refresh_status_now(app: JexApp) -> None:
    """Repaint ages, stale marks and the used weight at once (tests, screenshots):
    the feed's health is read now rather than waiting for its next push."""
    app.bridge.health = app.session.feed_health()
    tick(app)
    client, worker = app.session.client, app.session.worker
    if client is not None and worker is not None and client.rate.last_update_ms is not None:
        plan = worker.plan
        app.main.panes.status.update_status(
            used_weight=client.rate.used_weight_1m, weight_limit=plan.weight_limit, weight_budget=plan.budget_1m
        )
