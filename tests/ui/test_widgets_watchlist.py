"""Watchlist pane: rows, cursor, activation, flashes, freshness."""

from __future__ import annotations

from decimal import Decimal

from support.widget_harness import (
    SAMPLE_PRECISIONS,
    SAMPLE_SPARKS,
    UTC,
    WATCHED,
    HarnessApp,
    sample_tickers,
    style_in_line,
)

from jextui.ui.messages import SymbolActivated
from jextui.ui.widgets.watchlist import WatchlistView


def filled_watchlist() -> WatchlistView:
    return WatchlistView(time_zone=UTC)


def feed(watchlist: WatchlistView) -> None:
    watchlist.set_symbols(WATCHED)
    watchlist.set_precisions(SAMPLE_PRECISIONS)
    watchlist.update_tickers(sample_tickers())
    for symbol, closes in SAMPLE_SPARKS.items():
        watchlist.update_sparkline(symbol, closes)


def row_of(watchlist: WatchlistView, symbol: str) -> str:
    return next(line for line in watchlist.plain_lines() if f" {symbol} " in f" {line} ")


async def test_placeholder_before_any_data() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        assert "waiting for data…" in watchlist.plain_lines()[1]
        assert style_in_line(watchlist, "waiting", "waiting").italic


async def test_rows_show_price_change_volume_and_trend() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        await pilot.pause()
        btc = row_of(watchlist, "BTCUSDT")
        assert "43,210.50" in btc and "+2.88%" in btc and "12.3K" in btc
        assert "▁" in btc and "█" in btc  # sparkline of closes
        eth = row_of(watchlist, "ETHUSDT")
        assert "2,250.25" in eth and "-2.16%" in eth and "457K" in eth
        assert "0.081234" in row_of(watchlist, "DOGEUSDT")  # the symbol's own precision
        assert "—" in row_of(watchlist, "XRPUSDT")  # no ticker yet: a dash, not a zero


async def test_change_colours_follow_direction() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        await pilot.pause()
        up = watchlist.style_of("pane--up").color
        down = watchlist.style_of("pane--down").color
        assert up != down
        assert style_in_line(watchlist, "BTCUSDT", "+2.88%").color == up
        assert style_in_line(watchlist, "ETHUSDT", "-2.16%").color == down


async def test_cursor_moves_with_arrows_and_jk_and_enter_activates() -> None:
    watchlist = filled_watchlist()
    app = HarnessApp(watchlist)
    async with app.run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        watchlist.focus()
        await pilot.press("down", "j")
        assert watchlist.cursor_symbol == "SOLUSDT"
        await pilot.press("k")
        assert watchlist.cursor_symbol == "ETHUSDT"
        await pilot.press("enter")
        await pilot.press("up", "up", "up")  # stops at the top
        assert watchlist.cursor_symbol == "BTCUSDT"
        await pilot.press("end")
        assert watchlist.cursor_symbol == "XRPUSDT"
        await pilot.press("enter")
        await pilot.pause()
        activated = app.messages_of(SymbolActivated)
        assert [message.symbol for message in activated] == ["ETHUSDT", "XRPUSDT"]  # type: ignore[attr-defined]
        assert all(message.control is watchlist for message in activated)


async def test_cursor_stays_on_its_symbol_when_the_list_changes() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        watchlist.focus()
        await pilot.press("down", "down")
        assert watchlist.cursor_symbol == "SOLUSDT"
        watchlist.set_symbols(["ADAUSDT", *WATCHED])
        assert watchlist.cursor_symbol == "SOLUSDT"
        watchlist.set_symbols(["BTCUSDT"])
        assert watchlist.cursor_symbol == "BTCUSDT"


async def test_active_symbol_is_marked() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        watchlist.set_active("ETHUSDT")
        await pilot.pause()
        assert row_of(watchlist, "ETHUSDT").startswith("▸")
        assert not row_of(watchlist, "BTCUSDT").startswith("▸")


async def test_digit_jump_helper_selects_by_position() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)):
        feed(watchlist)
        assert watchlist.select_index(3) == "DOGEUSDT"
        assert watchlist.cursor_symbol == "DOGEUSDT"
        assert watchlist.select_index(9) is None
        assert watchlist.move_cursor_to("BTCUSDT")
        assert not watchlist.move_cursor_to("NOPE")
        assert watchlist.plain_lines()[2].lstrip().startswith("1 BTCUSDT")


async def test_price_change_flashes_briefly() -> None:
    watchlist = filled_watchlist()
    watchlist.FLASH_SECONDS = 0.05
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        await pilot.pause()
        assert watchlist.flash_of("BTCUSDT") is None  # the first price is no change
        watchlist.update_prices({"BTCUSDT": Decimal("43300.00"), "ETHUSDT": Decimal("2250.00")})
        assert watchlist.flash_of("BTCUSDT") == "up"
        assert watchlist.flash_of("ETHUSDT") == "down"
        assert "43,300.00" in row_of(watchlist, "BTCUSDT")
        assert "+3.10%" in row_of(watchlist, "BTCUSDT")  # change recomputed from the 24 h open
        flash_bg = watchlist.style_of("pane--flash-up").bgcolor
        strip = next(s for s in watchlist.content_strips() if "BTCUSDT" in s.text)
        assert any(seg.style and seg.style.bgcolor == flash_bg for seg in strip if "43,300.00" in seg.text)
        await pilot.pause(0.2)
        assert watchlist.flash_of("BTCUSDT") is None
        strip = next(s for s in watchlist.content_strips() if "BTCUSDT" in s.text)
        assert not any(seg.style and seg.style.bgcolor == flash_bg for seg in strip)


async def test_stale_marking_appears_and_disappears() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        watchlist.set_freshness(400, stale=False)
        await pilot.pause()
        assert watchlist.plain_lines()[0].rstrip().endswith("0.4s")
        assert not watchlist.has_class("-stale")
        watchlist.set_freshness(14_000, stale=True)
        await pilot.pause()
        assert "STALE 14s" in watchlist.plain_lines()[0]
        assert watchlist.has_class("-stale")
        row = next(s for s in watchlist.content_strips() if "BTCUSDT" in s.text)
        assert all(seg.style and seg.style.dim for seg in row if seg.text.strip())
        watchlist.set_freshness(300, stale=False)
        await pilot.pause()
        assert "STALE" not in watchlist.plain_lines()[0]
        assert not watchlist.has_class("-stale")


async def test_degraded_reason_is_shown() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(80, 12)) as pilot:
        feed(watchlist)
        watchlist.set_freshness(2_000, stale=False, degraded_reason="slowed: weight budget")
        await pilot.pause()
        assert "slowed: weight budget · 2s" in watchlist.plain_lines()[0]


async def test_narrow_keeps_symbol_price_and_change() -> None:
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(30, 12)) as pilot:
        feed(watchlist)
        await pilot.pause()
        btc = row_of(watchlist, "BTCUSDT")
        assert "43,210.50" in btc and "+2.88%" in btc
        assert "12.3K" not in btc and "▁" not in btc


async def test_rows_scroll_to_keep_the_cursor_visible() -> None:
    symbols = [f"S{index:02d}USDT" for index in range(20)]
    watchlist = filled_watchlist()
    async with HarnessApp(watchlist).run_test(size=(60, 8)) as pilot:
        watchlist.set_symbols(symbols)
        watchlist.focus()
        await pilot.press(*["down"] * 12)
        assert watchlist.cursor_symbol == "S12USDT"
        assert any("S12USDT" in line for line in watchlist.plain_lines())
        assert not any("S00USDT" in line for line in watchlist.plain_lines())
