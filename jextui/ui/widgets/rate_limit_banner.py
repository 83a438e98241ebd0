"""A banner that says the exchange has paused us (HTTP 429 or 418).

Hidden until :meth:`RateLimitBanner.show_limit`; then one bold line in the
theme's ``$error`` colours, e.g. "Rate limited by the exchange — paused until
14:03:27 (Retry-After 37 s)".  :meth:`RateLimitBanner.clear` hides it again.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Literal

from rich.text import Text
from textual.widget import Widget

from jextui.ui.format import format_clock

__all__ = ["RateLimitBanner", "LimitKind", "limit_message"]

LimitKind = Literal["rate-limited", "banned"]


def limit_message(kind: LimitKind, until_ms: int, retry_after_s: int | None, tz: tzinfo | None = None) -> str:
    """The banner's sentence."""
    until = format_clock(until_ms, tz)
    if kind == "banned":
        lead = "IP banned by the exchange (HTTP 418) for sending after rate limits"
    else:
        lead = "Rate limited by the exchange"
    retry = f" (Retry-After {retry_after_s} s)" if retry_after_s is not None else ""
    return f"{lead} — paused until {until}{retry}"


class RateLimitBanner(Widget):
    """A one-line, hard-to-miss notice that requests are paused."""

    DEFAULT_CSS = """
    RateLimitBanner {
        display: none;
        height: 1;
        width: 1fr;
        background: $error;
        color: $text;
        text-style: bold;
        content-align: center middle;
    }
    RateLimitBanner.-active {
        display: block;
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        time_zone: tzinfo | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.time_zone = time_zone
        self._message = ""

    @property
    def active(self) -> bool:
        return self.has_class("-active")

    @property
    def message(self) -> str:
        return self._message if self.active else ""

    def show_limit(self, kind: LimitKind, until_ms: int, retry_after_s: int | None = None) -> None:
        """Show that requests are paused until ``until_ms`` (epoch ms)."""
        message = limit_message(kind, until_ms, retry_after_s, self.time_zone)
        if message != self._message:
            self._message = message
            self.refresh()
        self.add_class("-active")

    def clear(self) -> None:
        """Hide the banner (requests are flowing again)."""
        self.remove_class("-active")

    def render(self) -> Text:
        return Text(self._message, no_wrap=True, overflow="ellipsis", end="")
