"""Watching for a rejected API key and saying so on the main screen.

A keyed request (the account, open orders, historicalTrades) answered
"invalid API key, IP or permissions" (:class:`~jextui.api.errors.AuthError`)
shows the :class:`~jextui.ui.widgets.key_banner.KeyRejectedBanner` above the
panes; an account answer (the key works again) hides it.  The feed itself
falls back to the public trades (see ``FeedWorker``), so the market panes
keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jextui.api.errors import AuthError
from jextui.feed.events import AccountUpdate, FeedFailed
from jextui.ui.widgets.key_banner import KeyRejectedBanner, key_rejected_message

if TYPE_CHECKING:
    from textual.widget import Widget

    from jextui.ui.routing import FeedRouter

__all__ = ["KeyWatch", "rejection_reason"]


def rejection_reason(error: AuthError) -> str:
    """The exchange's own words for the rejection, short (its code when it gave one)."""
    reason = (error.msg or "").strip().rstrip(".") or "invalid API key, IP or permissions"
    code = f", code {error.code}" if error.code is not None else ""
    return f"{reason[:80]}{code}"


class KeyWatch:
    """Shows and hides the banner as keyed requests fail or succeed."""

    def __init__(self, profile: str | None) -> None:
        self._profile = profile
        self.banner = KeyRejectedBanner(id="key-banner")

    def attach(self, router: FeedRouter) -> None:
        router.subscribe(FeedFailed, self._failed)
        router.subscribe(AccountUpdate, self._account)

    async def mount_in(self, screen: Widget, *, after: Widget) -> None:
        if not self.banner.is_mounted:
            await screen.mount(self.banner, after=after)

    def _failed(self, event: FeedFailed, _changed: object) -> None:
        if isinstance(event.error, AuthError):
            self.banner.show_rejected(key_rejected_message(self._profile, rejection_reason(event.error)))

    def _account(self, _event: AccountUpdate, _changed: object) -> None:
        self.banner.clear()
