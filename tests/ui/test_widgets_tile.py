"""Grid tile: compact symbol summary within 26 x 6 cells."""

from __future__ import annotations

from decimal import Decimal

from support.widget_harness import SAMPLE_SPARKS, UTC, HarnessApp, sample_book_ticker, sample_tickers

from jextui.ui.messages import SymbolActivated
from jextui.ui.widgets.symbol_tile import TILE_HEIGHT, TILE_WIDTH, SymbolTile


def tile() -> SymbolTile:
    return SymbolTile("BTCUSDT", price_decimals=2, time_zone=UTC)


def feed(symbol_tile: SymbolTile) -> None:
    symbol_tile.update_ticker(sample_tickers()["BTCUSDT"])
    symbol_tile.update_sparkline(SAMPLE_SPARKS["BTCUSDT"])
    symbol_tile.update_book_ticker(sample_book_ticker())


async def test_tile_fits_26_by_6_with_everything() -> None:
    symbol_tile = tile()
    async with HarnessApp(symbol_tile).run_test(size=(80, 24)) as pilot:
        feed(symbol_tile)
        await pilot.pause()
        assert symbol_tile.outer_size == (TILE_WIDTH, TILE_HEIGHT)
        lines = symbol_tile.plain_lines()
        assert lines[0].split() == ["BTCUSDT", "+2.88%"]
        assert lines[1].strip() == "43,210.50"
        assert set(lines[2].strip()) <= set("▁▂▃▄▅▆▇█") and len(lines[2].strip()) == 17
        rising = symbol_tile.style_of("pane--up").color
        assert (
            next(seg.style.color for seg in symbol_tile.content_strips()[2] if "▁" in seg.text and seg.style) == rising
        )
        assert lines[3].split() == ["b43,209.50", "a43,210.50"]  # long prices keep their labels
        assert symbol_tile.style_of("pane--buy").color == next(
            seg.style.color for seg in symbol_tile.content_strips()[3] if "43,209.50" in seg.text and seg.style
        )


async def test_placeholder_values_before_data() -> None:
    symbol_tile = tile()
    async with HarnessApp(symbol_tile).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = symbol_tile.plain_lines()
        assert lines[0].split() == ["BTCUSDT", "—"]
        assert lines[1].strip() == "—"


async def test_price_change_flashes_and_recomputes_change() -> None:
    symbol_tile = tile()
    symbol_tile.FLASH_SECONDS = 0.05
    async with HarnessApp(symbol_tile).run_test(size=(80, 24)) as pilot:
        feed(symbol_tile)
        symbol_tile.update_price(Decimal("43100.00"))
        assert symbol_tile.flash == "down"
        assert symbol_tile.plain_lines()[0].split() == ["BTCUSDT", "+2.62%"]
        await pilot.pause(0.2)
        assert symbol_tile.flash is None


async def test_stale_tile_says_so_in_its_border() -> None:
    symbol_tile = tile()
    async with HarnessApp(symbol_tile).run_test(size=(80, 24)) as pilot:
        feed(symbol_tile)
        symbol_tile.set_freshness(14_000, stale=True)
        await pilot.pause()
        assert symbol_tile.border_subtitle == "STALE 14s"
        assert symbol_tile.has_class("-stale")
        symbol_tile.set_freshness(500, stale=False)
        await pilot.pause()
        assert symbol_tile.border_subtitle is None
        assert not symbol_tile.has_class("-stale")


async def test_enter_activates_the_symbol() -> None:
    symbol_tile = tile()
    app = HarnessApp(symbol_tile)
    async with app.run_test(size=(80, 24)) as pilot:
        symbol_tile.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert [m.symbol for m in app.messages_of(SymbolActivated)] == ["BTCUSDT"]  # type: ignore[attr-defined]
