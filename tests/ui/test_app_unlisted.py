"""A symbol the exchange does not list is said once, dropped and no longer polled."""

from __future__ import annotations

from pathlib import Path

import msgspec
from support.app_harness import make_test_app, wait_for_start, wait_until, worker_of

from jextui.feed.events import ExchangeInfoUpdate
from jextui.ui.unlisted import find_unlisted


def test_find_unlisted_says_which_and_what_is_left() -> None:
    found = find_unlisted(["BTCUSDT", "ETHUSDT"], ["NOPE", "BTCUSDT"], "NOPE")
    assert found is not None
    assert found.symbols == ("NOPE",) and found.watchlist == ("BTCUSDT",) and found.active_symbol == "BTCUSDT"
    assert found.message.startswith("NOPE is not listed on this exchange: dropped from this run")
    assert find_unlisted(["BTCUSDT"], ["BTCUSDT"], "BTCUSDT") is None
    assert find_unlisted([], ["NOPE"], "NOPE") is None  # an empty list says nothing
    gone = find_unlisted(["BTCUSDT"], ["BTCUSDT", "ETHUSDT"], "ETHUSDT", listed_before=["BTCUSDT", "ETHUSDT"])
    assert gone is not None and "ETHUSDT was delisted by the exchange" in gone.message
    only = find_unlisted(["BTCUSDT"], ["NOPE"], "NOPE")
    assert only is not None and only.watchlist == () and only.active_symbol is None


def _notices(app: object) -> list[str]:
    return [notice.message for notice in app._notifications]  # type: ignore[attr-defined]


async def test_symbols_nope_is_said_once_dropped_and_not_degraded(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, watchlist=("NOPE", "BTCUSDT"))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await wait_until(pilot, lambda: app.watchlist == ("BTCUSDT",), what="NOPE dropped")
        assert app.active_symbol == "BTCUSDT"
        said = [text for text in _notices(app) if "NOPE" in text]
        assert said == [
            "NOPE is not listed on this exchange: dropped from this run and no longer polled "
            "(press a to add a listed symbol)."
        ]
        scheduler = worker_of(app)._scheduler
        assert scheduler.active_symbol == "BTCUSDT" and "NOPE" not in scheduler.watchlist
        for _ in range(3):  # polls go on: the connection is not called degraded
            app.clock.advance(5_000)
            await pilot.pause(0.2)
        await wait_until(
            pilot, lambda: app.store.status is not None and app.store.status.connection == "online", what="online"
        )
        assert len([text for text in _notices(app) if "NOPE" in text]) == 1


async def test_a_symbol_delisted_while_running_is_dropped(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, watchlist=("BTCUSDT", "ETHUSDT"))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await wait_until(pilot, lambda: app.store.exchange_info is not None, what="exchangeInfo")
        info = app.store.exchange_info
        assert info is not None
        fewer = msgspec.structs.replace(info, spot_symbols=[s for s in info.spot_symbols if s.symbol != "BTCUSDT"])
        app.parts.router.route(ExchangeInfoUpdate(received_ms=app.clock.now_ms(), info=fewer))
        await wait_until(pilot, lambda: app.watchlist == ("ETHUSDT",), what="BTCUSDT dropped")
        assert app.active_symbol == "ETHUSDT"
        assert any("BTCUSDT was delisted by the exchange" in text for text in _notices(app))


async def test_only_nope_leaves_an_empty_watchlist_that_says_how_to_add(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, watchlist=("NOPE",))
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_start(pilot)
        await wait_until(pilot, lambda: app.watchlist == () and app.active_symbol is None, what="NOPE dropped")
        assert worker_of(app)._scheduler.active_symbol is None
        watchlist = app.main.panes.watchlist
        await wait_until(
            pilot,
            lambda: "press a to add a symbol" in " ".join(watchlist.plain_lines()),
            what="the empty watchlist's hint",
        )
        await pilot.press("b")  # no symbol: said, not a crash
        await pilot.pause()
        assert app.is_running
