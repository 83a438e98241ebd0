"""Every open order on the account in the console: found at start, narrowed with o, cancelled with C."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from support.account_orders_ui import place_before_start
from support.app_harness import make_test_app, wait_for_data, wait_until
from support.open_orders import resting_order, synthetic
from support.sandbox import send_signed

from jextui.feed.events import AccountUpdate
from jextui.market_store import NOTHING
from jextui.ui import account_orders_watch
from jextui.ui.screens.cancel_scope import CancelScopeScreen
from jextui.ui.screens.confirm import ConfirmScreen


def pane_ids(app: Any) -> list[int]:
    return [int(order.order_id) for order in app.main.panes.open_orders.orders]


async def test_orders_on_unwatched_symbols_placed_before_start_are_shown_and_o_narrows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    placed = place_before_start(monkeypatch)
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        pane = app.main.panes.open_orders
        await wait_until(pilot, lambda: sorted(pane_ids(app)) == sorted(placed), what="every order in the pane")
        assert app.active_symbol == "BTCUSDT"
        assert pane.orders[0].symbol == "BTCUSDT"  # the active symbol's first, then grouped by symbol
        assert [order.symbol for order in pane.orders[1:]] == ["BNBBTC", "DASHUSDT", "ETHBTC"]
        header = pane.plain_lines()[0]
        assert "4 open · 1 on BTCUSDT" in header and "not watched: BNBBTC, DASHUSDT, ETHBTC" in header
        assert any("DASHUSDT" in line for line in pane.plain_lines()[2:])  # the symbol in each row
        watch = app.orders_watch
        assert watch.book.explained and watch.reports[0].weight <= 120

        # marks: the watchlist row of BTCUSDT, no mark on symbols without orders
        watchlist_text = "\n".join(app.main.panes.watchlist.plain_lines())
        assert "BTCUSDT ◆1" in watchlist_text and "ETHUSDT ◆" not in watchlist_text

        # the grid marks the tile of each symbol with orders
        await pilot.press("g")
        grid = app.main.panes.grid
        await wait_until(pilot, lambda: grid.tile("BTCUSDT") is not None, what="the grid's tiles")
        btc, eth = grid.tile("BTCUSDT"), grid.tile("ETHUSDT")
        assert btc is not None and eth is not None
        assert btc.border_title == "BTCUSDT ◆1" and eth.border_title == "ETHUSDT"
        await pilot.press("g")
        await pilot.pause()

        await pilot.press("o")
        await pilot.pause()
        assert pane.only_active and pane_ids(app) == [placed[3]]
        assert "1 open on BTCUSDT · 4 on the account" in pane.plain_lines()[0]
        await pilot.press("o")
        await pilot.pause()
        assert not pane.only_active and len(pane_ids(app)) == 4

        # c on a row of another symbol cancels that order
        pane.focus()
        assert pane.select_order(placed[0])
        await pilot.press("c")
        await wait_until(pilot, lambda: placed[0] not in pane_ids(app), what="the DASHUSDT order to leave")
        client = app.session.client
        assert client is not None and await client.open_orders("DASHUSDT") == []


async def test_cancel_all_asks_the_scope_symbol_then_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    placed = place_before_start(monkeypatch)
    # The reconcile a bulk cancel asks for runs at most every MIN_REFRESH_GAP_S (10 s): 1 s here, so
    # that "no open orders" is said once it is a fact without waiting out the product's spacing.
    monkeypatch.setattr(account_orders_watch, "MIN_REFRESH_GAP_S", 1.0)
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(pilot, lambda: len(pane_ids(app)) == 4, what="every order in the pane")
        client = app.session.client
        assert client is not None

        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CancelScopeScreen)
        assert app.screen.lines == [
            "s  the active symbol: 1 open order on BTCUSDT",
            "a  every open order on the account: 4 open orders on 4 symbols",
        ]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.lines[0]) == "1 open order on BTCUSDT will be cancelled, one by one."
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: "Cancelled 1 of 1 open order on BTCUSDT." in app.trading.announcer.announced,
            what="the symbol's cancel-all report",
        )
        assert await client.open_orders("BTCUSDT") == []
        assert len(await client.open_orders("DASHUSDT")) == 1  # another symbol: untouched
        await wait_until(pilot, lambda: len(pane_ids(app)) == 3, what="the BTCUSDT order to leave the pane")

        await pilot.press("C")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.lines[0]) == "3 open orders on BNBBTC, DASHUSDT and ETHBTC will be cancelled, one by one."
        await pilot.press("y")
        summary = "Cancel all on the account (3 on BNBBTC, DASHUSDT and ETHBTC): 3 cancelled."
        await wait_until(pilot, lambda: summary in app.trading.announcer.announced, what="the account's report")
        for order_id in placed[:3]:  # each outcome said, once
            assert sum(f"#{order_id} canceled" in text for text in app.trading.announcer.announced) == 1
            assert not any(f"order {order_id})" in text for text in app.trading.announcer.announced)
        for symbol in ("DASHUSDT", "BNBBTC", "ETHBTC"):
            assert await client.open_orders(symbol) == []
        await wait_until(pilot, lambda: pane_ids(app) == [], what="an empty pane")
        await wait_until(
            pilot,
            lambda: "no open orders" in "\n".join(app.main.panes.open_orders.plain_lines()),
            what="no open orders, said once it is a fact",
        )


async def test_unexplained_locked_funds_are_said_and_never_no_open_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place_before_start(monkeypatch, ())
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        watch = app.orders_watch
        await wait_until(pilot, lambda: watch.reports, what="the start's discovery")
        # the stream's balances (an account update while the account stream is live):
        # 12.5 USDT more locked than any order found explains
        await wait_until(pilot, lambda: watch.streaming and app.store.account is not None, what="the account stream")
        account = app.store.account
        assert account is not None
        spot = [
            msgspec.structs.replace(b, locked=b.locked + Decimal("12.5")) if b.asset == "USDT" else b
            for b in account.spot_balances
        ]
        watch.on_account(AccountUpdate(msgspec.structs.replace(account, spot_balances=spot), received_ms=0), NOTHING)
        await pilot.pause()
        balances = " ".join(line.strip() for line in app.main.panes.balances.plain_lines())
        assert "12.5 USDT locked, not in any order found yet" in balances
        pane = " ".join(line.strip() for line in app.main.panes.open_orders.plain_lines())
        assert "no open orders" not in pane
        assert "none found yet: 12.5 USDT locked, not in any order found yet" in pane
        assert "more may exist: locked funds unexplained" in pane


async def test_three_hundred_orders_over_twenty_symbols_scroll(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def many(server: Any) -> list[Any]:
        return [
            resting_order(server, synthetic(n), side, ticks_away=5 + i)
            for n in range(21, 41)
            for side, count in (("BUY", 8), ("SELL", 7))
            for i in range(count)
        ]

    placed = place_before_start(monkeypatch, (), engine_orders=many)
    app = make_test_app(tmp_path, sandbox_overrides={"extra_symbols": 100})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        pane = app.main.panes.open_orders
        await wait_until(pilot, lambda: len(pane_ids(app)) == 300, timeout_s=30, what="300 orders in the pane")
        assert sorted(pane_ids(app)) == sorted(placed)
        assert len(app.orders_watch.book.counts()) == 20
        assert app.orders_watch.reports[0].weight <= 120
        pane.focus()
        await pilot.press("end")
        await pilot.pause()
        assert pane.selected_order is pane.orders[-1]
        assert str(int(pane.orders[-1].order_id)) in "\n".join(pane.plain_lines())
        await pilot.press("home")
        await pilot.pause()
        assert str(int(pane.orders[0].order_id)) in "\n".join(pane.plain_lines())


async def test_the_account_stream_shows_an_order_placed_elsewhere_on_another_symbol_and_its_cancel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Placed by another client after start on a symbol that is neither active nor watched: the user
    data stream brings it to the pane (no REST look), the locked funds stay explained, and the
    other client's cancel takes it away."""
    place_before_start(monkeypatch, ())
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        watch = app.orders_watch
        await wait_until(pilot, lambda: watch.reports and watch.streaming, what="discovery, and the account stream")
        server = app.session.sandbox
        app.clock.advance(1000)  # the push comes after the account was read (the clock is fixed in tests)
        answer = send_signed(
            server,
            "POST",
            "/api/v1/spot/order",
            {
                "symbol": "DASHUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "1.0000",
                "price": "20.00",
            },
            where="body",
        )
        assert answer.status_code == 200, answer.text
        order_id = int(answer.json()["orderId"])
        await wait_until(pilot, lambda: order_id in pane_ids(app), what="the pushed order in the pane")
        await wait_until(pilot, lambda: watch.book.explained, what="the 20 USDT it locks, explained")
        header = app.main.panes.open_orders.plain_lines()[0]
        assert "1 open · 0 on BTCUSDT" in header and "more may exist" not in header
        app.clock.advance(1000)
        answer = send_signed(server, "DELETE", "/api/v1/spot/order", {"symbol": "DASHUSDT", "orderId": order_id})
        assert answer.status_code == 200, answer.text
        await wait_until(pilot, lambda: order_id not in pane_ids(app), what="the cancelled order gone")
        await wait_until(
            pilot,
            lambda: "no open orders" in "\n".join(app.main.panes.open_orders.plain_lines()),
            what="no open orders, once the locked funds are free again",
        )
