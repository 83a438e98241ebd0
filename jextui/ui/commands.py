"""The command palette (ctrl+p): the console's actions, themes and the exchange's symbols.

* :func:`system_commands`: every app-scope key's action (from the keymap,
  with its key), every theme (jextui's first; the choice is remembered),
  then the few of Textual's own commands kept by :func:`textual_commands_kept`;
  ``JexApp.get_system_commands`` returns them.
* :class:`SymbolCommands`: typing part of a symbol offers "BTCUSDT — make
  active" and "Watch BTCUSDT — add to the watchlist" for every match.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from jextui.ui.keymap import key_label, keys_of, palette_specs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jextui.ui.screens.symbol_search import SymbolEntry

__all__ = ["SymbolCommands", "SymbolHost", "system_commands", "textual_commands_kept", "TEXTUAL_COMMANDS_KEPT"]

#: Textual's own palette entries the console keeps (Textual 8.2 also offers
#: "Theme", "Quit", "Keys" and "Screenshot": the console lists its own themes and
#: its own quit (with its key); the keys panel duplicates ``?`` and Esc does
#: not close it; a screenshot silently writes a file into the working folder).
TEXTUAL_COMMANDS_KEPT = frozenset({"Maximize", "Minimize"})

MAX_HITS = 30


@runtime_checkable
class SymbolHost(Protocol):
    """What the provider needs of the app."""

    def symbol_entries(self) -> Sequence[SymbolEntry]: ...
    def activate_symbol(self, symbol: str) -> None: ...
    def add_to_watchlist(self, symbol: str) -> None: ...


class SymbolCommands(Provider):
    """Every symbol of the exchange: make it active, or add it to the watchlist."""

    def _host(self) -> SymbolHost | None:
        app = self.app
        return app if isinstance(app, SymbolHost) else None

    async def search(self, query: str) -> Hits:
        from jextui.ui.screens.symbol_search import match_symbols

        host = self._host()
        if host is None or not query.strip():
            return
        matcher = self.matcher(query)
        for entry in match_symbols(host.symbol_entries(), query)[:MAX_HITS]:
            title = f"{entry.symbol} — make active"
            score = matcher.match(entry.symbol) or 0.5
            yield Hit(
                score,
                matcher.highlight(title),
                partial(host.activate_symbol, entry.symbol),
                text=title,
                help=f"{entry.base}/{entry.quote}",
            )
            if not entry.watched:
                watch = f"Watch {entry.symbol} — add to the watchlist"
                yield Hit(
                    score * 0.9, matcher.highlight(watch), partial(host.add_to_watchlist, entry.symbol), text=watch
                )

    async def discover(self) -> Hits:
        host = self._host()
        if host is None:
            return
        for entry in host.symbol_entries():
            if entry.watched:
                title = f"{entry.symbol} — make active"
                yield DiscoveryHit(title, partial(host.activate_symbol, entry.symbol), text=title)


def system_commands(
    run_action: Callable[[str], Awaitable[object]],
    themes: Iterable[str],
    set_theme: Callable[[str], None],
    remapped: Mapping[str, str] | None = None,
) -> Iterator[SystemCommand]:
    """The console's own palette entries: actions (with their keys, as ``remapped`` binds them), then themes."""
    for spec in palette_specs():
        keys = key_label(keys_of(spec, remapped))
        yield SystemCommand(f"{spec.description} ({keys})", spec.help, partial(run_action, spec.action))
    for name in sorted(themes, key=lambda theme: (not theme.startswith("jextui-"), theme)):
        yield SystemCommand(
            f"Theme: {name}", "Switch to this colour theme (remembered)", partial(set_theme, name), discover=False
        )


def textual_commands_kept(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own palette entries, less those the console replaces or leaves out."""
    return (command for command in commands if command.title in TEXTUAL_COMMANDS_KEPT)
