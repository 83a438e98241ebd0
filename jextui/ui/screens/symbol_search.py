"""Search every symbol of the exchange (``/`` and ``a``).

Type part of a symbol or an asset (``eth``, ``usdt``, ``btcu``); up/down move
through the matches; Enter makes the highlighted symbol active (from ``/``)
or adds it to the watchlist (from ``a``); ctrl+t adds it to the watchlist in
either case.  The screen returns a :class:`SearchChoice` (or None on escape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from jextui.ui.keymap import bindings_for
from jextui.ui.widgets.in_order_input import InOrderInput

__all__ = ["SymbolSearchScreen", "SearchChoice", "SymbolEntry", "match_symbols"]

SearchMode = Literal["activate", "add"]
MAX_MATCHES = 200


@dataclass(frozen=True, slots=True)
class SymbolEntry:
    """A symbol as the search lists it."""

    symbol: str
    base: str
    quote: str
    watched: bool = False


@dataclass(frozen=True, slots=True)
class SearchChoice:
    """What the user picked: ``action`` is "activate" or "add"."""

    action: SearchMode
    symbol: str


def match_symbols(entries: Sequence[SymbolEntry], query: str) -> list[SymbolEntry]:
    """Entries matching ``query``, best first: exact, prefix, asset, substring."""
    needle = "".join(query.split()).upper().replace("/", "")
    if not needle:
        return sorted(entries, key=lambda e: (not e.watched, e.symbol))[:MAX_MATCHES]
    ranked: list[tuple[int, str, SymbolEntry]] = []
    for entry in entries:
        if entry.symbol == needle:
            rank = 0
        elif entry.symbol.startswith(needle):
            rank = 1
        elif needle in (entry.base, entry.quote):
            rank = 2
        elif needle in entry.symbol:
            rank = 3
        else:
            continue
        ranked.append((rank, entry.symbol, entry))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in ranked[:MAX_MATCHES]]


class SymbolSearchScreen(ModalScreen[SearchChoice | None]):
    """A search box over every symbol the exchange lists."""

    DEFAULT_CSS = """
    SymbolSearchScreen { align: center top; }
    SymbolSearchScreen > Vertical {
        width: 60; max-width: 95%; height: auto; max-height: 80%; margin-top: 2;
        border: round $accent; border-title-color: $accent; background: $surface; padding: 0 1;
    }
    SymbolSearchScreen Input { margin: 0; }
    SymbolSearchScreen OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    SymbolSearchScreen .search--hint { color: $foreground-muted; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("search"))

    def __init__(self, entries: Sequence[SymbolEntry], *, mode: SearchMode = "activate", loading: bool = False) -> None:
        super().__init__()
        self.mode: SearchMode = mode
        self._entries = list(entries)
        self._loading = loading
        self._matches: list[SymbolEntry] = []

    def compose(self) -> ComposeResult:
        box = Vertical(id="search-box")
        box.border_title = "Add to watchlist" if self.mode == "add" else "Go to symbol"
        with box:
            yield InOrderInput(placeholder="symbol or asset, e.g. eth or btcusdt", id="search-input")
            yield OptionList(id="search-results")
            enter = "add to watchlist" if self.mode == "add" else "make active"
            yield Static(f"enter {enter} · ctrl+t add to watchlist · esc close", classes="search--hint")

    def on_mount(self) -> None:
        self._show_matches("")
        self.query_one(Input).focus()

    @property
    def matches(self) -> list[str]:
        return [entry.symbol for entry in self._matches]

    @property
    def highlighted(self) -> str | None:
        results = self.query_one(OptionList)
        index = results.highlighted
        if index is None or not 0 <= index < len(self._matches):
            return None
        return self._matches[index].symbol

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose()

    def _show_matches(self, query: str) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        if self._loading and not self._entries:
            results.add_option(Option(Text("loading the exchange's symbols…", style="italic"), disabled=True))
            self._matches = []
            return
        self._matches = match_symbols(self._entries, query)
        if not self._matches:
            results.add_option(Option(Text("no symbol matches", style="italic"), disabled=True))
            return
        results.add_options(self._option(entry) for entry in self._matches)
        results.highlighted = 0

    @staticmethod
    def _option(entry: SymbolEntry) -> Option:
        text = Text(no_wrap=True)
        text.append(f"{entry.symbol:<14}", style="bold")
        text.append(f"{entry.base}/{entry.quote}", style="dim")
        if entry.watched:
            text.append("  ★ watched", style="dim")
        return Option(text, id=entry.symbol)

    def action_cursor(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if self._matches:
            current = results.highlighted or 0
            results.highlighted = min(max(0, current + delta), len(self._matches) - 1)

    def action_choose(self) -> None:
        symbol = self.highlighted
        if symbol is not None:
            self.dismiss(SearchChoice(self.mode, symbol))

    def action_watch(self) -> None:
        symbol = self.highlighted
        if symbol is not None:
            self.dismiss(SearchChoice("add", symbol))

    def action_dismiss_search(self) -> None:
        self.dismiss(None)
