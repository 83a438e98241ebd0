"""The portfolio's own price reads: pairs nobody watches stay current while it is on screen.

The test watchlist (BTCUSDT, ETHUSDT, LTCBTC, JEXUSDT) leaves DASH (through
DASHUSDT) and BNB (through BNBBTC×BTCUSDT) valued through pairs the feed does
not poll.  The sandbox's quiet market is moved with real orders
(:func:`support.sandbox_prices.trade_at`), its answers are broken with its
fault switches, and the fixed clock decides how old the prices are.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from support.app_harness import make_test_app, sandbox_of, wait_for_data, wait_until
from support.portfolio_ui import open_portfolio
from support.sandbox_prices import trade_at

from jextui.config import RefreshPeriods
from jextui.feed.health import STALE_AFTER_PERIODS
from jextui.ui.format import format_age
from jextui.ui.portfolio_prices import PriceRefresh, route_symbols
from jextui.ui.widgets.table import TableView

D = Decimal
PERIOD_S = 1.0  # [refresh] tickers: the shortest the config allows, so the tests wait little
PRICE_PATH = "/api/v1/spot/ticker/price"


async def dash_at(app: Any, price: Decimal) -> None:
    """Make ``price`` DASHUSDT's last price (DASH: about 30 USDT, lots of 0.01, 5 USDT at least)."""
    await trade_at(app.session.client, "DASHUSDT", price, sweep=D("1000"), trade=D("1"))


def fast_app(tmp_path: Path, **changes: Any) -> Any:
    # polled, not streamed: the fixed clock decides when the feed reads anything
    return make_test_app(tmp_path, streams=False, refresh=RefreshPeriods(tickers=PERIOD_S), **changes)


def line_of(app: Any, asset: str) -> Any:
    return next(line for line in app.portfolio_watch.portfolio.lines if line.asset == asset)


def row_of(screen: Any, asset: str) -> list[Any]:
    table = screen.query_one("#portfolio-table", TableView)
    return next(row for row in table._rows if row[0].text == asset)


def test_a_routes_symbols() -> None:
    assert route_symbols("DASHUSDT") == ("DASHUSDT",)
    assert route_symbols("1/USDTX") == ("USDTX",)
    assert route_symbols("BNBBTC×BTCUSDT") == ("BNBBTC", "BTCUSDT")
    assert route_symbols("1/XBTC×BTCUSDT") == ("XBTC", "BTCUSDT")
    assert route_symbols("") == ()


def test_the_prices_go_stale_after_three_periods_as_the_panes_do() -> None:
    now = [1_000_000]
    refresh = PriceRefresh(client=lambda: None, now_ms=lambda: now[0], period_s=10.0, on_prices=lambda: None)
    assert refresh.freshness({"DASHUSDT"}).stale  # never read
    refresh.last_success_ms = now[0]
    now[0] += STALE_AFTER_PERIODS * 10_000
    fresh = refresh.freshness({"DASHUSDT", "BNBBTC"})
    assert (fresh.symbols, fresh.age_ms, fresh.stale) == (("BNBBTC", "DASHUSDT"), 30_000, False)
    now[0] += 1
    assert refresh.freshness({"DASHUSDT"}).stale
    assert not refresh.freshness(()).stale  # nothing valued through prices read here


async def test_the_screen_follows_an_unwatched_pair_without_r(tmp_path: Path) -> None:
    app = fast_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        screen = await open_portfolio(pilot)
        watch = app.portfolio_watch
        assert "DASHUSDT" not in app.store.prices  # the feed does not poll it
        assert watch.symbols_read_here() == {"DASHUSDT", "BNBBTC"}
        dash = line_of(app, "DASH")
        assert dash.route == "DASHUSDT"
        new_price = (dash.price * D("1.07")).quantize(D("0.01"))
        loads = watch.loads
        await dash_at(app, new_price)
        await wait_until(pilot, lambda: line_of(app, "DASH").price == new_price, what="the new DASH price")
        dash = line_of(app, "DASH")
        assert dash.value == (dash.total * new_price).quantize(D("0.0001"))
        await wait_until(pilot, lambda: row_of(screen, "DASH")[3].text == f"{dash.value:,.4f}", what="the new value")
        assert watch.loads == loads  # no r: the history was not read again
        assert watch.prices.rounds >= 1
        assert not screen.status_text.startswith("STALE")


async def test_one_request_a_round_one_symbol_or_every_symbol(tmp_path: Path) -> None:
    app = fast_app(tmp_path, start_feed=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, lambda: app.session.client is not None, what="the client")
        client = app.session.client
        calls: list[tuple[str | None, ...]] = []

        class Counted:
            rate = client.rate

            async def ticker_price(self, *args: str) -> Any:
                calls.append(args)
                return await client.ticker_price(*args)

        refresh = PriceRefresh(client=Counted, now_ms=app.session.now_ms, period_s=PERIOD_S, on_prices=lambda: None)
        await refresh.read(["DASHUSDT"])  # one symbol: weight 1
        assert calls == [("DASHUSDT",)] and set(refresh.prices) == {"DASHUSDT"}
        await refresh.read(["BNBBTC", "DASHUSDT"])  # two or more: every symbol in one request, weight 2
        assert calls[1] == () and set(refresh.prices) == {"BNBBTC", "DASHUSDT"}
        assert all(isinstance(price, Decimal) for price in refresh.prices.values())
        assert refresh.rounds == 2 and refresh.reason is None


async def test_a_failing_read_marks_the_values_stale_and_a_good_one_clears_it(tmp_path: Path) -> None:
    app = fast_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        screen = await open_portfolio(pilot)
        watch = app.portfolio_watch
        sandbox_of(app).set_faults(error_5xx_rate=1.0, phase="before", paths=(PRICE_PATH,))
        failed = watch.prices.rounds
        await wait_until(
            pilot, lambda: watch.prices.reason is not None and watch.prices.rounds > failed, what="a failed read"
        )
        assert not screen.status_text.startswith("STALE")  # late by less than three periods: not stale yet
        app.clock.advance(int(STALE_AFTER_PERIODS * PERIOD_S * 1000) + 500)
        said = f"STALE {format_age(3500)}: "
        await wait_until(pilot, lambda: screen.status_text.startswith(said), what="STALE on the screen")
        status = screen.status_text
        assert "the prices of BNBBTC, DASHUSDT could not be read again (" in status
        assert "the values of BNB, DASH use the last ones read." in status
        assert "Traceback" not in status
        assert [cell.role for cell in row_of(screen, "DASH")][3:5] == ["muted", "muted"]
        assert row_of(screen, "ETH")[3].role == ""  # valued through a watched pair: not late
        sandbox_of(app).set_faults(error_5xx_rate=0.0)
        await wait_until(pilot, lambda: not screen.status_text.startswith("STALE"), what="fresh prices again")
        assert watch.prices.reason is None and row_of(screen, "DASH")[3].role == ""


async def test_reads_stop_when_the_screen_closes_and_start_again_when_it_opens(tmp_path: Path) -> None:
    app = fast_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await open_portfolio(pilot)
        refresh = app.portfolio_watch.prices
        await wait_until(pilot, lambda: refresh.rounds >= 1, what="a read")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main and not refresh.running, what="the reads stopped")
        rounds = refresh.rounds
        await dash_at(app, D("31.45"))  # time passes, the market moves
        await pilot.pause()
        assert refresh.rounds == rounds and not refresh.running
        await open_portfolio(pilot)
        await wait_until(pilot, lambda: refresh.rounds > rounds, what="reads again")
        await wait_until(pilot, lambda: line_of(app, "DASH").price == D("31.45"), what="the DASH price read")


async def test_the_pane_mode_reads_while_on_screen_and_goes_stale_with_the_prices(tmp_path: Path) -> None:
    app = fast_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        balances = app.main.panes.balances
        balances.focus()
        await pilot.press("m")
        watch = app.portfolio_watch
        refresh = watch.prices
        await wait_until(pilot, lambda: watch.portfolio is not None and refresh.rounds >= 1, what="a read")
        # under the grid view the pane is not on screen: no read (the refresh still looks every tick)
        await pilot.press("g")
        await wait_until(pilot, lambda: app.main.grid_shown, what="the grid")
        rounds, ticks = refresh.rounds, refresh.ticks
        await wait_until(pilot, lambda: refresh.ticks >= ticks + 3, what="three looks")
        assert refresh.rounds == rounds and refresh.running
        await pilot.press("g")
        await wait_until(pilot, lambda: refresh.rounds > rounds, what="reads again with the pane on screen")
        # a failing read: the pane says STALE (its account data is fresh)
        sandbox_of(app).set_faults(error_5xx_rate=1.0, phase="before", paths=(PRICE_PATH,))
        rounds = refresh.rounds
        await wait_until(pilot, lambda: refresh.rounds > rounds and refresh.reason is not None, what="a failed read")
        app.clock.advance(int(STALE_AFTER_PERIODS * PERIOD_S * 1000) + 500)
        await wait_until(pilot, lambda: balances.stale, what="the pane stale")
        assert balances.age_ms is not None and balances.age_ms >= 3500
        assert "STALE" in balances.plain_lines()[0]
        # the plain balances do not use those prices: not stale for them
        balances.focus()
        await pilot.press("m")
        await wait_until(pilot, lambda: not balances.portfolio_mode and not balances.stale, what="the plain balances")
        await wait_until(pilot, lambda: not refresh.running, what="the reads stopped")
