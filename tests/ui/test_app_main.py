"""The console on a deterministic sandbox: start-up, panes filled, routing."""

from __future__ import annotations

import itertools
from pathlib import Path

from support.app_harness import TEST_WATCHLIST, make_test_app, wait_for_data, wait_for_start


async def test_every_pane_fills_from_the_sandbox(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        panes = app.main.panes
        assert panes.watchlist.symbols == list(TEST_WATCHLIST)
        assert panes.watchlist.active_symbol == "BTCUSDT"
        book = panes.book.plain_lines()
        assert book[0].startswith("BTCUSDT")
        assert any("spread" in line and "mid" in line for line in book)
        trades = panes.trades.rows
        assert trades and all(a.time >= b.time for a, b in itertools.pairwise(trades))  # newest first
        assert panes.klines.has_data and panes.klines.interval == "1m"
        assert panes.balances.visible_balances()  # the demo account has money
        assert "no open orders" in " ".join(panes.open_orders.plain_lines())
        status = panes.status.plain_text()
        assert "DEMO" in status and "online" in status


async def test_before_any_data_every_pane_says_it_is_waiting(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        panes = app.main.panes
        for pane in (panes.book, panes.trades, panes.klines, panes.open_orders):
            assert "waiting for data…" in pane.plain_lines()[1]
        assert "waiting for the account…" in panes.balances.plain_lines()[1]
        assert panes.watchlist.symbols == list(TEST_WATCHLIST)  # the symbols show at once
        assert "connecting" in panes.status.plain_text()


async def test_the_trading_controller_is_created_and_keys_reach_it(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    calls: list[tuple[str, object]] = []
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        trading = app.trading
        trading.open_ticket = lambda side, amend=None: calls.append(("ticket", side))  # type: ignore[method-assign]  # records the call instead
        trading.cancel_by_key = lambda: calls.append(("cancel", None))  # type: ignore[method-assign]
        trading.amend_selected = lambda: calls.append(("amend", None))  # type: ignore[method-assign]
        trading.cancel_all = lambda: calls.append(("cancel_all", None))  # type: ignore[method-assign]
        trading.open_account_screen = lambda name: calls.append(("account", name))  # type: ignore[method-assign]
        for key in ("b", "s", "c", "e", "C", "H", "M", "A", "D", "I", "W", "F"):
            await pilot.press(key)
        await pilot.press("p")
        assert app.private
        assert all(pane.private for pane in app.main.panes.all_panes())
    assert calls == [
        ("ticket", "BUY"),
        ("ticket", "SELL"),
        ("cancel", None),
        ("amend", None),
        ("cancel_all", None),
        ("account", "history"),
        ("account", "market_trades"),
        ("account", "assets"),
        ("account", "deposit_address"),
        ("account", "deposits"),
        ("account", "withdrawals"),
        ("account", "fees"),
    ]


async def test_selected_book_level_only_while_the_book_has_focus(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        app.main.panes.book.focus()
        await pilot.press("down")
        level = app.selected_book_level()
        assert level is not None and level.side == "bid"
        app.main.panes.watchlist.focus()
        await pilot.pause()
        assert app.selected_book_level() is None
