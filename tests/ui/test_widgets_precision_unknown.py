"""Before exchangeInfo gives a symbol's precision, prices show the server's own digits, never rounded."""

from __future__ import annotations

from decimal import Decimal

from support.widget_harness import UTC, HarnessApp

from jextui.api.models import BookTicker, Depth, DepthLevel
from jextui.ui.format import format_as_sent
from jextui.ui.widgets.order_book import OrderBookView
from jextui.ui.widgets.symbol_tile import SymbolTile
from jextui.ui.widgets.watchlist import WatchlistView


def test_format_as_sent_keeps_every_digit() -> None:
    assert format_as_sent(Decimal("0.00001464")) == "0.00001464"
    assert format_as_sent(Decimal("0.04900")) == "0.04900"
    assert format_as_sent(Decimal("64250.00")) == "64250.00"


async def test_the_watchlist_shows_btc_quoted_prices_whole_before_their_precision() -> None:
    watchlist = WatchlistView(time_zone=UTC)
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        watchlist.set_symbols(["LTCBTC", "ETHBTC", "JEXBTC"])
        watchlist.update_prices(
            {"LTCBTC": Decimal("0.001290"), "ETHBTC": Decimal("0.04913"), "JEXBTC": Decimal("0.00001464")}
        )
        await pilot.pause()
        shown = "\n".join(watchlist.plain_lines())
        assert "0.001290" in shown and "0.04913" in shown and "0.00001464" in shown
        assert " 0.00 " not in f" {shown} " and " 0.05 " not in f" {shown} "
        watchlist.set_precisions({"LTCBTC": 6, "ETHBTC": 5, "JEXBTC": 8})
        await pilot.pause()
        assert "0.00001464" in "\n".join(watchlist.plain_lines())


async def test_a_grid_tile_shows_prices_whole_before_their_precision() -> None:
    tile = SymbolTile("JEXBTC", time_zone=UTC)
    async with HarnessApp(tile).run_test(size=(40, 10)) as pilot:
        tile.update_price(Decimal("0.00001464"))
        tile.update_book_ticker(
            BookTicker(
                symbol="JEXBTC",
                bid_price=Decimal("0.00001463"),
                bid_qty=Decimal("1"),
                ask_price=Decimal("0.00001465"),
                ask_qty=Decimal("1"),
            )
        )
        await pilot.pause()
        shown = "\n".join(tile.plain_lines())
        assert "0.00001464" in shown and "0.00001463" in shown and "0.00001465" in shown


async def test_the_book_shows_more_than_eight_decimals_whole_before_its_precision() -> None:
    book = OrderBookView(time_zone=UTC)
    async with HarnessApp(book).run_test(size=(60, 12)) as pilot:
        book.update_book(
            Depth(
                last_update_id=1,
                bids=[DepthLevel(Decimal("0.0000000123"), Decimal("5"))],
                asks=[DepthLevel(Decimal("0.0000000125"), Decimal("5"))],
            )
        )
        await pilot.pause()
        shown = "\n".join(book.plain_lines())
        assert "0.0000000123" in shown and "0.0000000125" in shown
