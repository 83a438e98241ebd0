"""A ticket opened on stale market data says so, and sends only on an explicit yes.

The ticket's prices come from the order book (and the last price): when the
book is STALE (older than three refresh periods, the panes' own rule; the
connection lost, say), the ticket shows a warning line from the start, and
Enter first asks "the market data is stale: send anyway?".  The question is
asked again for each send while the data stays stale; fresh data removes
both the line and the question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from jextui.feed.health import FeedHealth
from jextui.ui.format import format_age

__all__ = ["STALE_TITLE", "stale_market_note", "stale_question"]

STALE_TITLE = "Market data is stale"
_MARKET_FEEDS = ("book",)


def stale_market_note(health: Mapping[str, FeedHealth], symbol: str, now_ms: int) -> str | None:
    """Why the market data of ``symbol`` the ticket relies on is stale, or None while it is fresh."""
    for kind in _MARKET_FEEDS:
        entry = health.get(kind)
        if entry is None or entry.symbol not in (symbol, None):
            continue
        if entry.is_stale(now_ms):
            age = entry.age_ms(now_ms)
            old = f", {format_age(age)} old" if age is not None else ""
            return f"STALE market data: the order book of {symbol} is out of date{old}; prices may have moved."
    return None


def stale_question(
    note: str, send: Callable[[], None], not_sent: Callable[[], None]
) -> tuple[list[str], Callable[[bool | None], None]]:
    """The confirmation's lines and its answer handler: ``send`` on yes, ``not_sent`` otherwise."""

    def answered(confirmed: bool | None) -> None:
        if confirmed:
            send()
        else:
            not_sent()

    return [note, "", "Send on this data anyway?"], answered
