"""The portfolio screen (P) and the balances pane's portfolio mode (m), on the real console.

P&L is checked against fills computed by hand (average cost, fees
included) from the orders the sandbox filled; the costs follow a new fill;
privacy hides every figure; assets the history does not explain say "cost
unknown before ..."; no credentials and a refused key are said in words.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import pytest
from support.app_harness import FIXED_TIME_MS, make_test_app, wait_for_data, wait_until
from support.portfolio_ui import hand_costs, market, open_portfolio, refresh_account, trade_eth

from jextui.portfolio import format_time_ms
from jextui.ui.format import MASK
from jextui.ui.portfolio_watch import NO_KEY_TEXT
from jextui.ui.widgets.table import TableView
from ui.test_app_key_rejected import wrong_key  # noqa: F401 - the fixture: a key the exchange does not know

D = Decimal
USDT_EXP = D("0.0001")  # the finest quote precision of the sandbox's USDT pairs (JEXUSDT)


def q(value: Decimal, exp: Decimal = USDT_EXP) -> Decimal:
    return value.quantize(exp, ROUND_HALF_EVEN)


def table_text(screen: Any) -> str:
    return str(screen.query_one("#portfolio-table", TableView).render().plain)


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def test_pnl_of_hand_computed_fills_fees_included_and_a_new_fill_reloads_costs(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, streams=False)  # polled: the fixed clock decides when balances are read
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        fills = await trade_eth(pilot)
        taker = next(f.taker for f in await app.session.client.trade_fee() if f.symbol == "ETHUSDT")
        assert taker > 0
        screen = await open_portfolio(pilot)
        watch = app.portfolio_watch

        def eth_line() -> Any:
            return next(line for line in watch.portfolio.lines if line.asset == "ETH")

        await wait_until(pilot, lambda: eth_line().average_cost is not None, what="a known ETH cost")
        held, cost, realised = hand_costs(fills, taker)
        line = eth_line()
        assert line.realised == q(realised) and realised != 0
        assert line.average_cost == q(cost / held, USDT_EXP * D("0.0001"))
        price = app.store.last_price("ETHUSDT")
        assert line.value == q(line.total * price)
        assert line.unrealised == q(line.total * price - cost)
        # and on screen, with thousands grouped as everywhere else
        shown = table_text(screen)
        eth_row = next(row for row in shown.splitlines() if row.startswith("ETH "))
        assert f"{line.average_cost:,.8f}" in eth_row
        assert f"{line.realised:+,.4f}" in eth_row or f"{line.realised:,.4f}" in eth_row
        assert f"{line.value:,.4f}" in eth_row
        assert text(screen, "#portfolio-summary").startswith(f"Total {watch.portfolio.total_value:,.4f} USDT · 24 h ")

        # another fill: the costs are read again (only that symbol's history) and follow it
        loads, reloads = watch.loads, watch.reloads
        client = app.session.client
        read: list[str] = []
        history_orders = client.history_orders

        async def counted(symbol: str, **kwargs: Any) -> Any:
            read.append(symbol)
            return await history_orders(symbol, **kwargs)

        client.history_orders = counted
        fills.append(await market(app, "BUY", "1"))
        await refresh_account(pilot, lambda eth: eth > D("3.4"))
        await wait_until(pilot, lambda: watch.reloads > reloads, what="the costs read again")
        held, cost, realised = hand_costs(fills, taker)
        await wait_until(
            pilot,
            lambda: eth_line().average_cost == q(cost / held, USDT_EXP * D("0.0001")),
            what="the new average cost",
        )
        assert eth_line().realised == q(realised)
        assert watch.loads == loads  # no full reload: one page of the one symbol traded
        assert read == ["ETHUSDT"]


async def test_cost_unknown_before_the_history_and_privacy_hides_every_figure(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, streams=False)  # polled: the fixed clock decides when balances are read
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await trade_eth(pilot)
        screen = await open_portfolio(pilot)
        lines = {line.asset: line for line in app.portfolio_watch.portfolio.lines}
        since = format_time_ms(FIXED_TIME_MS)
        btc = lines["BTC"]
        assert (btc.average_cost, btc.unrealised) == (None, None)
        assert btc.cost_note == f"cost unknown before {since}"
        btc_row = next(row for row in table_text(screen).splitlines() if row.startswith("BTC "))
        assert f"cost unknown before {since}" in btc_row
        assert f"Cost unknown before {since} for " in text(screen, "#portfolio-notes")

        await pilot.press("p")  # privacy, from the portfolio screen itself
        await wait_until(pilot, lambda: app.private, what="privacy mode")
        await pilot.pause()
        shown = table_text(screen)
        summary = text(screen, "#portfolio-summary")
        assert MASK in summary and not any(ch.isdigit() for ch in summary.replace("24 h", ""))
        for row in shown.splitlines()[1:]:
            assert row.split()[0] in lines and not any(ch.isdigit() for ch in row), row
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the main screen")
        balances = app.main.panes.balances
        balances.focus()
        await pilot.press("m")
        await wait_until(pilot, lambda: balances.portfolio_mode, what="the portfolio mode")
        await pilot.pause()
        body = "\n".join(balances.plain_lines())
        assert "Unrl P&L" in body and not any(ch.isdigit() for ch in body.split("Unrl P&L", 1)[1]), body


async def test_the_balances_pane_switches_to_its_portfolio_mode_keeping_locked(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, streams=False)  # polled: the fixed clock decides when balances are read
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        balances = app.main.panes.balances
        balances.focus()
        await pilot.press("m")
        await wait_until(pilot, lambda: "Value" in "\n".join(balances.plain_lines()), what="the portfolio rows")
        balances.set_unexplained(["0.5 BTC locked, not in any order found yet"])  # as the open-orders watch says it
        await pilot.pause()
        body = balances.plain_lines()
        header = next(row for row in body if row.lstrip().startswith("Asset"))
        assert header.split() == ["Asset", "Value", "Share", "Unrl", "P&L", "Locked"]  # 3 significant digits here
        total = app.portfolio_watch.portfolio.total_value
        assert any(f"{total:,.4f} USDT" in row for row in body)
        assert "0.5 BTC locked, not in any order" in " ".join(row.strip() for row in body)
        assert app.portfolio_watch.in_use
        await pilot.press("m")
        await wait_until(pilot, lambda: not balances.portfolio_mode, what="the plain balances")
        assert not app.portfolio_watch.in_use
        await pilot.pause()
        assert any(row.split()[:2] == ["Asset", "Free"] for row in balances.plain_lines())


async def test_without_credentials_the_portfolio_says_why(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, credentials=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        screen = await open_portfolio(pilot)
        assert screen.status_text == NO_KEY_TEXT
        assert app.portfolio_watch.loads == 0  # nothing was asked of the exchange


@pytest.mark.usefixtures("wrong_key")
async def test_a_refused_key_is_said_in_words(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_until(pilot, lambda: app.started, what="the console's start")
        screen = await open_portfolio(pilot)
        status = screen.status_text
        assert status.startswith("Could not load the portfolio: ") and status.endswith("Press r to try again.")
        assert "Traceback" not in status and "not-the-secret" not in status
        assert app.is_running


async def test_the_command_palette_opens_the_portfolio(tmp_path: Path) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    from jextui.ui.screens.portfolio import PortfolioScreen

    def offered() -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        options = app.screen.query_one(OptionList)
        return options.option_count > 0 and "Portfolio (P)" in str(options.get_option_at_index(0).prompt)

    app: Any = make_test_app(tmp_path, credentials=False, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Portfolio")
        await wait_until(pilot, offered, what="the palette's Portfolio command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PortfolioScreen), what="the portfolio from the palette")
