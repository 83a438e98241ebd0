"""Symbols the exchange does not list: said once, dropped from the run.

A symbol typed on the command line (``--symbols NOPE``), kept in the
watchlist from an earlier run, or delisted while the console runs would be
polled for ever with an HTTP 400 each time, and the connection called
degraded.  Once exchangeInfo has answered, the console knows better:
:func:`find_unlisted` says which of the watched and active symbols the
exchange does not list, what the watchlist and active symbol become
without them, and the one sentence that says so.  An exchangeInfo that
lists no spot symbol at all says nothing about any symbol and drops none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Unlisted", "find_unlisted", "NOTICE_TITLE"]

NOTICE_TITLE = "Symbol not listed"


@dataclass(frozen=True)
class Unlisted:
    """What to drop and what is left."""

    symbols: tuple[str, ...]
    watchlist: tuple[str, ...]
    active_symbol: str | None
    message: str


def _names(symbols: Sequence[str]) -> str:
    return symbols[0] if len(symbols) == 1 else ", ".join(symbols[:-1]) + " and " + symbols[-1]


def find_unlisted(
    listed: Iterable[str],
    watchlist: Sequence[str],
    active_symbol: str | None,
    *,
    listed_before: Iterable[str] = (),
) -> Unlisted | None:
    """The watched or active symbols ``listed`` lacks, or None when every one is listed.

    ``listed_before``: the symbols the previous exchangeInfo listed (those now
    missing were delisted while the console ran, and are said so).
    """
    listed = set(listed)
    if not listed:
        return None
    wanted = list(dict.fromkeys([*watchlist, *([active_symbol] if active_symbol else [])]))
    gone = tuple(symbol for symbol in wanted if symbol not in listed)
    if not gone:
        return None
    kept = tuple(symbol for symbol in watchlist if symbol in listed)
    active = active_symbol if active_symbol in listed else (kept[0] if kept else None)
    before = set(listed_before)
    delisted = [symbol for symbol in gone if symbol in before]
    unknown = [symbol for symbol in gone if symbol not in before]
    sentences = []
    if unknown:
        verb = "is" if len(unknown) == 1 else "are"
        sentences.append(f"{_names(unknown)} {verb} not listed on this exchange")
    if delisted:
        verb = "was" if len(delisted) == 1 else "were"
        sentences.append(f"{_names(delisted)} {verb} delisted by the exchange")
    message = "; ".join(sentences) + (": dropped from this run and no longer polled (press a to add a listed symbol).")
    return Unlisted(gone, kept, active, message[0].upper() + message[1:])
