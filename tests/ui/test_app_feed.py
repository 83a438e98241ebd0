"""What the screen says about the data: stale marks, the 429 banner, missing credentials, polling."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support.app_harness import make_test_app, settle, wait_for_data, wait_until, worker_of

from jextui.feed.feed_plan import Request
from jextui.ui import startup


async def test_panes_say_stale_when_the_exchange_stops_answering(tmp_path: Path) -> None:
    # streams = false: the polling thresholds (3 desired periods per feed), as before streams.
    app = make_test_app(tmp_path, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        panes = app.main.panes
        sandbox = app.session.sandbox
        assert sandbox is not None
        await asyncio.to_thread(sandbox.stop)

        app.clock.advance(2_000)  # > 3 x 0.4 s (book), < 3 x 1 s (trades), < 3 x 5 s (klines)
        await settle(pilot)
        assert panes.book.stale and not panes.trades.stale and not panes.klines.stale
        status = panes.status.plain_text()
        assert "book 2s!" in status and "trades 2s " in status + " "

        app.clock.advance(14_000)  # 16 s: trades and klines too
        await settle(pilot)
        assert panes.trades.stale and panes.klines.stale and panes.balances.stale
        assert "STALE 16s" in panes.klines.plain_lines()[0]

        # Answers again: fresh marks come back with the data.
        await asyncio.to_thread(sandbox.start)
        app.session.refresh_now("book", "trades", "klines", "account", "open_orders")

        def fresh_again() -> bool:
            # The feed pushes its health with a status once a second of its clock, which is
            # fixed here: read it at once, as a tick after the next push would.
            app.refresh_status_now()
            return not panes.book.stale and not panes.trades.stale

        await wait_until(pilot, fresh_again, what="fresh data")


async def test_a_429_shows_the_banner_and_nothing_is_sent_until_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The console starts with the book (and the clock and exchangeInfo) alone: a limit of 2 is
    # exceeded before the feed has read the limit from an answer.  The other panes and the
    # banner do not wait for a book that the limit holds back.
    monkeypatch.setattr(startup, "BOOK_WAIT_S", 600.0)
    app = make_test_app(tmp_path, sandbox_overrides={"weight_per_minute": 2, "ban_after_strikes": 1000})
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(
            pilot, lambda: app.main.panes_installed and app.main.panes.banner.active, what="the rate-limit banner"
        )
        banner = app.main.panes.banner
        assert "Rate limited by the exchange" in banner.message and "paused until" in banner.message
        assert "RATE LIMITED until" in app.main.panes.status.plain_text()
        client = app.session.client
        assert client is not None
        sent = client.rate.used_weight_1m
        scheduler = worker_of(app)._scheduler
        looks: list[list[Request]] = []
        due = scheduler.due

        def looked(now_ms: int) -> list[Request]:
            looks.append(due(now_ms))
            return looks[-1]

        monkeypatch.setattr(scheduler, "due", looked)
        app.session.refresh_now("book", "trades", "klines", "prices")
        await wait_until(pilot, lambda: bool(looks), what="the feed worker woken by the refresh")
        assert looks[0] == []  # the refresh was asked for and held back
        assert client.rate.used_weight_1m == sent  # nothing went out during the block


async def test_without_credentials_account_panes_say_why_and_market_data_still_flows(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, credentials=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        panes = app.main.panes
        balances = " ".join(panes.balances.plain_lines())
        orders = " ".join(panes.open_orders.plain_lines())
        assert "no API key: balances need an API key and secret" in balances
        assert "no API key: open orders need an API key and secret" in orders
        assert panes.book.has_data and panes.trades.has_data and panes.klines.has_data
        # Without a key the REST trades say no side; the trade stream does, so
        # with streams on the tape is coloured by side all the same.
        assert panes.trades.colours_by_side


async def test_compact_layout_at_80x24_polls_only_what_is_on_screen(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(80, 24))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        main = app.main
        assert main.arrangement == "compact"
        assert main.visible_panes() == ["watchlist", "book"]
        health = app.session.feed_health()
        assert health["account"].state == "hidden" and health["klines"].state == "hidden"
        assert health["book"].state == "ok" and health["prices"].state == "ok"

        await pilot.press("tab", "tab")  # watchlist -> book -> trades
        assert main.focused_pane() == "trades" and main.visible_panes() == ["book", "trades"]
        assert main.panes.trades.display and not main.panes.watchlist.display
        await wait_for_data(pilot)
        assert app.session.feed_health()["trades"].state == "ok"
        await pilot.press("tab", "tab", "tab")  # klines, open orders, balances
        assert main.focused_pane() == "balances"
        await wait_for_data(pilot)
        assert main.panes.balances.has_data
        assert app.session.feed_health()["trades"].state == "hidden"


async def test_resizing_switches_between_the_arrangements(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, size=(160, 48))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert app.main.arrangement == "wide"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.main.arrangement == "compact"
        await pilot.resize_terminal(250, 70)
        await pilot.pause()
        assert app.main.arrangement == "wide"
        await wait_for_data(pilot)
        assert app.session.feed_health()["account"].state == "ok"
        book = app.main.panes.book
        assert sum(1 for line in book.plain_lines() if line.strip()[:1].isdigit()) > 40  # a deep book fills it
