"""Many symbols: the watchlist (add, remove, activate, persisted), search, digits, intervals."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

from support.app_harness import TEST_WATCHLIST, make_test_app, wait_for_data, wait_for_start, wait_until
from textual.widgets import OptionList

from jextui.config.state import load_state
from jextui.ui.screens.symbol_search import SymbolSearchScreen


def _book_prices(app: object) -> list[Decimal]:
    book = app.main.panes.book  # type: ignore[attr-defined]
    depth = book._depth
    return [level.price for level in (*depth.asks, *depth.bids)] if depth is not None else []


def _spacing_ms(klines: object) -> set[int]:
    shown = klines._klines  # type: ignore[attr-defined]
    return {b.open_time - a.open_time for a, b in itertools.pairwise(shown)}


async def test_enter_on_a_watchlist_row_activates_it_and_clears_the_old_symbols_panes(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        panes = app.main.panes
        assert max(_book_prices(app)) > 60_000  # BTCUSDT
        panes.watchlist.focus()
        await pilot.press("j", "enter")
        assert app.active_symbol == "ETHUSDT"
        shown = _book_prices(app)  # at once: the book is cleared or already ETHUSDT's, never BTCUSDT's
        assert not panes.book.has_data or (shown and max(shown) < 5_000)
        await wait_for_data(pilot)
        assert min(_book_prices(app)) > 2_000 and max(_book_prices(app)) < 5_000  # ETHUSDT's book
        assert panes.watchlist.active_symbol == "ETHUSDT"
        assert panes.trades.rows and all(row.price < 5_000 for row in panes.trades.rows)

        app.activate_symbol("LTCBTC")
        # At once, before LTCBTC's data arrives: nothing of ETHUSDT under the new name.
        for pane in (panes.book, panes.trades, panes.klines):
            assert not pane.has_data and pane.plain_lines()[0].startswith("LTCBTC")
            assert "waiting for data" in pane.plain_lines()[1]
        # the open orders are the account's: still listed, counted against the new symbol
        assert panes.open_orders.account_wide and panes.open_orders.plain_lines()[0].startswith("0 open on the account")
    assert load_state(app.settings.state_path).active_symbol == "LTCBTC"


async def test_digits_jump_to_the_nth_watchlist_symbol(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("3")
        assert app.active_symbol == TEST_WATCHLIST[2]
        assert app.main.panes.watchlist.cursor_symbol == TEST_WATCHLIST[2]
        await pilot.press("9")  # there is no 9th symbol: nothing changes
        assert app.active_symbol == TEST_WATCHLIST[2]
        await wait_for_data(pilot)
        assert app.main.panes.book.plain_lines()[0].startswith(TEST_WATCHLIST[2])


async def test_add_a_symbol_by_search_then_remove_it_and_both_are_remembered(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("a")
        search = app.screen
        assert isinstance(search, SymbolSearchScreen) and search.mode == "add"
        await pilot.press(*"dash", "enter")
        assert app.screen is app.main
        assert app.watchlist == (*TEST_WATCHLIST, "DASHUSDT")
        watchlist = app.main.panes.watchlist
        assert watchlist.symbols[-1] == "DASHUSDT" and watchlist.cursor_symbol == "DASHUSDT"
        assert load_state(app.settings.state_path).watchlist == (*TEST_WATCHLIST, "DASHUSDT")
        await wait_until(pilot, lambda: app.main.panes.grid.tile("DASHUSDT") is not None, what="the new tile")
        # Its price arrives with the next watchlist poll.
        await wait_until(pilot, lambda: "28.5" in " ".join(watchlist.plain_lines()), what="DASHUSDT's price")

        watchlist.focus()
        await pilot.press("x")  # the cursor is on DASHUSDT
        assert app.watchlist == TEST_WATCHLIST
        assert "DASHUSDT" not in watchlist.symbols
    assert load_state(app.settings.state_path).watchlist == TEST_WATCHLIST

    # A new run starts with the remembered watchlist.
    again = make_test_app(tmp_path, watchlist=load_state(app.settings.state_path).watchlist or ())
    async with again.run_test(size=again.size_for_tests) as pilot:
        await wait_for_start(pilot)
        assert again.main.panes.watchlist.symbols == list(TEST_WATCHLIST)


async def test_search_goes_to_any_exchange_symbol(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("slash")
        search = app.screen
        assert isinstance(search, SymbolSearchScreen)
        await pilot.press(*"bnb")
        assert search.matches == ["BNBBTC"]
        await pilot.press(*"xyz")
        assert search.matches == [] and "no symbol matches" in str(
            search.query_one(OptionList).get_option_at_index(0).prompt
        )
        for _ in range(3):
            await pilot.press("backspace")
        await pilot.press("enter")
        assert app.active_symbol == "BNBBTC"
        assert "BNBBTC" not in app.watchlist  # made active, not added
        await wait_for_data(pilot)
        assert app.main.panes.book.plain_lines()[0].startswith("BNBBTC")

        await pilot.press("slash", *"ethb", "ctrl+t")  # ctrl+t: add to the watchlist instead
        assert app.watchlist[-1] == "ETHBTC" and app.active_symbol == "BNBBTC"
        await pilot.press("slash", "escape")
        assert app.screen is app.main and app.active_symbol == "BNBBTC"


async def test_brackets_step_through_all_13_kline_intervals_and_v_switches_the_chart(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        klines = app.main.panes.klines
        await pilot.press("left_square_bracket")  # already the shortest
        assert app.kline_interval == "1m"
        await pilot.press("right_square_bracket")
        assert app.kline_interval == "3m" and klines.interval == "3m"
        await wait_for_data(pilot)
        assert klines.has_data and "3m" in klines.plain_lines()[0]
        assert _spacing_ms(klines) == {180_000}  # 3-minute candles, not the 1-minute ones
        await pilot.press(*["right_square_bracket"] * 12)  # 3m + 11 more: the last of the 13
        assert app.kline_interval == "1w"
        await wait_for_data(pilot)
        assert "1w" in klines.plain_lines()[0]
        assert _spacing_ms(klines) == {7 * 86_400_000}
        app.main.panes.book.focus()
        await pilot.press("v")  # from any pane
        assert klines.mode == "candles" and "candles" in klines.plain_lines()[0]
        await pilot.press("v")
        assert klines.mode == "line"
    assert load_state(app.settings.state_path).kline_interval == "1w"


async def test_grid_view_shows_a_tile_per_symbol_and_enter_activates(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("g")
        main = app.main
        assert main.grid_shown
        await wait_for_data(pilot)
        tiles = main.panes.grid.tiles
        assert [tile.symbol for tile in tiles] == list(TEST_WATCHLIST)
        assert all(tile.price is not None for tile in tiles)
        assert main.panes.grid.focused_symbol() == "BTCUSDT"
        await pilot.press("right", "enter")
        assert app.active_symbol == "ETHUSDT" and not main.grid_shown
        await pilot.press("g", "g")
        assert not main.grid_shown
