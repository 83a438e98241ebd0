"""Number formatting in the panes: the mid at the price's precision, tile labels kept for long prices."""

from __future__ import annotations

from decimal import Decimal

from support.widget_harness import UTC, HarnessApp

from jextui.api.models import BookTicker, Depth, DepthLevel
from jextui.ui.widgets.order_book import OrderBookView
from jextui.ui.widgets.symbol_tile import TILE_WIDTH, SymbolTile


async def test_the_mid_price_has_no_extra_digit() -> None:
    book = OrderBookView(time_zone=UTC)
    async with HarnessApp(book).run_test(size=(60, 12)) as pilot:
        book.set_precision(2, 6)
        book.update_book(
            Depth(
                last_update_id=1,
                bids=[DepthLevel(Decimal("64240.69"), Decimal("1"))],
                asks=[DepthLevel(Decimal("64253.54"), Decimal("1"))],
            )
        )
        await pilot.pause()
        spread = next(line for line in book.plain_lines() if "mid" in line)
        assert "mid 64,247.12" in spread and "64,247.115" not in spread


async def test_a_tile_keeps_its_bid_and_ask_labels_for_long_prices() -> None:
    tile = SymbolTile("BTCUSDT", price_decimals=2, time_zone=UTC)
    async with HarnessApp(tile).run_test(size=(TILE_WIDTH + 4, 10)) as pilot:
        tile.update_book_ticker(
            BookTicker(
                symbol="BTCUSDT",
                bid_price=Decimal("64241.58"),
                bid_qty=Decimal("1"),
                ask_price=Decimal("64258.94"),
                ask_qty=Decimal("1"),
            )
        )
        await pilot.pause()
        line = tile.plain_lines()[-1]
        assert "b64,241.58" in line.replace(" ", "") and "a64,258.94" in line.replace(" ", "")
