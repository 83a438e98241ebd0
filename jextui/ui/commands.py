"""Command palette (ctrl+p) entries beyond the app's actions: the exchange's symbols.

Typing part of a symbol offers "BTCUSDT — make active" and "Watch BTCUSDT —
add to the watchlist" for every match.  Actions, themes, screens and account
screens come from :meth:`jextui.ui.app.JexApp.get_system_commands` (built
from the keymap).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from jextui.ui.screens.symbol_search import SymbolEntry, match_symbols

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["SymbolCommands", "SymbolHost"]

MAX_HITS = 30


class SymbolHost(Protocol):
    """What the provider needs of the app."""

    def symbol_entries(self) -> Sequence[SymbolEntry]: ...
    def activate_symbol(self, symbol: str) -> None: ...
    def add_to_watchlist(self, symbol: str) -> None: ...


class SymbolCommands(Provider):
    """Every symbol of the exchange: make it active, or add it to the watchlist."""

    def _host(self) -> SymbolHost | None:
        app = self.app
        return app if hasattr(app, "symbol_entries") else None  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        host = self._host()
        if host is None or not query.strip():
            return
        matcher = self.matcher(query)
        for entry in match_symbols(host.symbol_entries(), query)[:MAX_HITS]:
            title = f"{entry.symbol} — make active"
            score = matcher.match(entry.symbol) or 0.5
            yield Hit(score, matcher.highlight(title), partial(host.activate_symbol, entry.symbol),
                      text=title, help=f"{entry.base}/{entry.quote}")  # fmt: skip
            if not entry.watched:
                watch = f"Watch {entry.symbol} — add to the watchlist"
                yield Hit(score * 0.9, matcher.highlight(watch), partial(host.add_to_watchlist, entry.symbol),
                          text=watch)  # fmt: skip

    async def discover(self) -> Hits:
        host = self._host()
        if host is None:
            return
        for entry in host.symbol_entries():
            if entry.watched:
                title = f"{entry.symbol} — make active"
                yield DiscoveryHit(title, partial(host.activate_symbol, entry.symbol), text=title)
