"""The grid view: one compact tile per watched symbol, to monitor many at once.

Tiles are laid out in as many columns as the width allows and scroll when
there are more rows than fit.  Arrows (or h/j/k/l) move between tiles, Enter
makes the tile's symbol active (the app then returns to the main view).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from decimal import Decimal
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import ScrollableContainer
from textual.widget import Widget
from textual.widgets import Static

from jextui.api.models import BookTicker, Ticker24hr
from jextui.ui.keymap import bindings_for
from jextui.ui.messages import SymbolActivated
from jextui.ui.widgets import SymbolTile
from jextui.ui.widgets.symbol_tile import TILE_HEIGHT, TILE_WIDTH
from jextui.ui.widgets.watchlist import EMPTY_WATCHLIST

__all__ = ["GridView", "columns_for"]

_GUTTER = 1
_EMPTY = EMPTY_WATCHLIST


def columns_for(width: int) -> int:
    """How many tiles fit side by side in ``width`` cells."""
    return max(1, (width + _GUTTER) // (TILE_WIDTH + _GUTTER))


def _tile_id(symbol: str) -> str:
    return f"tile-{symbol}"


class GridView(ScrollableContainer, can_focus=False):
    """Tiles of the watched symbols."""

    DEFAULT_CSS = f"""
    GridView {{
        layout: grid;
        grid-size: 4;
        grid-columns: {TILE_WIDTH};
        grid-rows: {TILE_HEIGHT};
        grid-gutter: 0 {_GUTTER};
        scrollbar-size-vertical: 1;
    }}
    GridView > .grid--empty {{ width: 1fr; color: $foreground-muted; text-style: italic; column-span: 4; }}
    """
    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("grid"))

    def __init__(
        self,
        symbols: Sequence[str] = (),
        *,
        id: str | None = None,
        time_zone: tzinfo | None = None,
        tiles_later: bool = False,
    ) -> None:
        """``tiles_later``: no tiles until the first :meth:`set_symbols` (the console
        builds them once the first market data is on screen)."""
        super().__init__(id=id)
        self.time_zone = time_zone
        self._symbols: list[str] = list(dict.fromkeys(symbols))
        self._active: str | None = None
        self._private = False
        self._tiles_built = not tiles_later
        self._order_counts: dict[str, int] = {}
        self._alert_marks: frozenset[str] = frozenset()

    @property
    def tiles_built(self) -> bool:
        """False while the tiles wait for the first :meth:`set_symbols` (``tiles_later``)."""
        return self._tiles_built

    def compose(self) -> ComposeResult:
        if not self._tiles_built:
            return
        for symbol in self._symbols:
            tile = SymbolTile(symbol, id=_tile_id(symbol), time_zone=self.time_zone)
            if symbol == self._active:  # set_active may have come before the tiles
                tile.add_class("-active", update=False)
            tile.set_private(self._private)
            yield tile
        if not self._symbols:
            yield Static(_EMPTY, classes="grid--empty")

    # --- tiles ----------------------------------------------------------------

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    @property
    def tiles(self) -> list[SymbolTile]:
        return list(self.query(SymbolTile))

    def tile(self, symbol: str) -> SymbolTile | None:
        for tile in self.query(SymbolTile):
            if tile.symbol == symbol:
                return tile
        return None

    async def set_symbols(self, symbols: Sequence[str]) -> list[SymbolTile]:
        """Show a tile per symbol, in order; returns the tiles that are new."""
        wanted = list(dict.fromkeys(symbols))
        if wanted == self._symbols and self.is_mounted and self._tiles_built:
            return []
        self._tiles_built = True
        existing = {tile.symbol: tile for tile in self.query(SymbolTile)}
        gone = [tile for symbol, tile in existing.items() if symbol not in wanted]
        if gone:
            await self.remove_children(gone)
        await self.remove_children(".grid--empty")
        new: list[SymbolTile] = []
        for symbol in wanted:
            if symbol not in existing:
                tile = SymbolTile(symbol, id=_tile_id(symbol), time_zone=self.time_zone)
                tile.set_private(self._private)
                new.append(tile)
        if new:
            await self.mount_all(new)
        order = {symbol: index for index, symbol in enumerate(wanted)}
        self.sort_children(key=lambda widget: order.get(getattr(widget, "symbol", ""), len(order)))
        if not wanted:
            await self.mount(Static(_EMPTY, classes="grid--empty"))
        self._symbols = wanted
        self.set_active(self._active)
        self.set_order_counts(self._order_counts)
        self.set_alert_marks(self._alert_marks)
        return new

    def set_order_counts(self, counts: Mapping[str, int]) -> None:
        """Open orders per symbol: each tile with orders is marked."""
        self._order_counts = dict(counts)
        for tile in self.query(SymbolTile):
            tile.set_order_count(self._order_counts.get(tile.symbol, 0))

    def set_alert_marks(self, symbols: frozenset[str] | set[str]) -> None:
        """Symbols with an alert fired and not re-armed: their tiles are marked ``!``."""
        self._alert_marks = frozenset(symbols)
        for tile in self.query(SymbolTile):
            tile.set_alert_mark(tile.symbol in self._alert_marks)

    def set_active(self, symbol: str | None) -> None:
        self._active = symbol
        for tile in self.query(SymbolTile):
            tile.set_active(tile.symbol == symbol)

    def set_private(self, private: bool) -> None:
        self._private = private
        for tile in self.query(SymbolTile):
            tile.set_private(private)

    # --- data in (ignored for symbols without a tile) --------------------------

    def update_prices(self, prices: Mapping[str, Decimal]) -> None:
        for tile in self.query(SymbolTile):
            price = prices.get(tile.symbol)
            if price is not None:
                tile.update_price(price)

    def update_tickers(self, tickers: Mapping[str, Ticker24hr]) -> None:
        for tile in self.query(SymbolTile):
            ticker = tickers.get(tile.symbol)
            if ticker is not None:
                tile.update_ticker(ticker)

    def update_book_tickers(self, books: Mapping[str, BookTicker]) -> None:
        for tile in self.query(SymbolTile):
            book = books.get(tile.symbol)
            if book is not None:
                tile.update_book_ticker(book)

    def update_sparkline(self, symbol: str, closes: Sequence[Decimal]) -> None:
        tile = self.tile(symbol)
        if tile is not None:
            tile.update_sparkline(closes)

    def set_freshness(self, age_ms: int | None, stale: bool, degraded_reason: str | None = None) -> None:
        for tile in self.query(SymbolTile):
            tile.set_freshness(age_ms, stale, degraded_reason)

    # --- layout and focus --------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.styles.grid_size_columns = columns_for(event.size.width)

    @property
    def columns(self) -> int:
        """Tiles per row (before the first layout: as the switcher's width allows)."""
        width = self.size.width or (self.parent.size.width if isinstance(self.parent, Widget) else 0)
        return columns_for(width)

    def focused_symbol(self) -> str | None:
        focused = self.screen.focused if self.is_mounted else None
        return focused.symbol if isinstance(focused, SymbolTile) else None

    def focus_symbol(self, symbol: str | None) -> None:
        tiles = self.tiles
        target = next((tile for tile in tiles if tile.symbol == symbol), tiles[0] if tiles else None)
        if target is not None:
            self.screen.set_focus(target)  # at once: arrows typed ahead move from here
            self.scroll_to_widget(target, animate=False)

    def move(self, delta: int) -> None:
        """Focus the tile ``delta`` places further (wrapping)."""
        tiles = self.tiles
        if not tiles:
            return
        current = self.focused_symbol()
        index = next((i for i, tile in enumerate(tiles) if tile.symbol == current), -1)
        if index < 0:
            self.focus_symbol(self._active)
            return
        self.focus_symbol(tiles[(index + delta) % len(tiles)].symbol)

    def action_move(self, delta: int) -> None:
        self.move(delta)

    def action_move_row(self, delta: int) -> None:
        tiles = self.tiles
        current = self.focused_symbol()
        index = next((i for i, tile in enumerate(tiles) if tile.symbol == current), -1)
        if index < 0:
            self.focus_symbol(self._active)
            return
        target = index + delta * self.columns
        if 0 <= target < len(tiles):
            self.focus_symbol(tiles[target].symbol)

    def action_activate(self) -> None:
        symbol = self.focused_symbol()
        if symbol is not None:
            tile = self.tile(symbol)
            self.post_message(SymbolActivated(tile if tile is not None else self, symbol))
