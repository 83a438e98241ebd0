"""Helpers shared by the portfolio UI and snapshot tests (no tests of its own).

The demo account opens with every asset funded, so no history explains its
holdings.  :func:`trade_eth` empties its ETH first (in the sandbox's own
books, before any order) and then trades ETHUSDT through the console's own
client, so that the history explains the whole ETH balance and its cost is
known; every other asset keeps "cost unknown before ...".
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from textual.pilot import Pilot

from jextui.api.models import OrderResult
from jextui.sandbox.app import DEMO_ACCOUNT
from jextui.ui.screens.portfolio import PortfolioScreen
from support.app_harness import wait_until

ETH = "ETHUSDT"
FEE_UNIT = Decimal("0.00000001")


def empty_balance(app: Any, asset: str) -> None:
    """Set the demo account's free ``asset`` to zero in the sandbox (as if it had never held any)."""

    def empty(exchange: Any) -> None:
        exchange.engine._account(DEMO_ACCOUNT).balance(asset).free = Decimal(0)

    app.session.sandbox.call(empty)


async def market(app: Any, side: str, qty: str) -> OrderResult:
    """An IOC order through the console's client that crosses the book at once (a taker fill)."""
    client = app.session.client
    book = await client.book_ticker(ETH)
    price = (book.ask_price * Decimal("1.02") if side == "BUY" else book.bid_price * Decimal("0.98")).quantize(
        Decimal("0.01")
    )
    result: OrderResult = await client.new_order(
        ETH, side, Decimal(qty), price, time_in_force="IOC", resp_type="RESULT"
    )
    assert result.executed_qty == Decimal(qty), result
    return result


def hand_costs(fills: list[OrderResult], taker: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(held, cost of what is held, realised) by the average cost method, fees included:
    a buy's fee is taken from the ETH received, a sell's from the USDT received, each
    rounded down to 8 decimals."""
    held = cost = realised = Decimal(0)
    for fill in fills:
        qty, quote = fill.executed_qty, fill.cummulative_quote_qty
        if fill.side == "BUY":
            held += qty - (qty * taker).quantize(FEE_UNIT, ROUND_DOWN)
            cost += quote
        else:
            proceeds = quote - (quote * taker).quantize(FEE_UNIT, ROUND_DOWN)
            removed = cost * qty / held
            realised += proceeds - removed
            cost -= removed
            held -= qty
    return held, cost, realised


async def trade_eth(pilot: Pilot[Any]) -> list[OrderResult]:
    """Empty ETH, buy 2, buy 1, sell 0.5 ETH; wait until the console's balances show it."""
    app: Any = pilot.app
    empty_balance(app, "ETH")
    fills = [await market(app, "BUY", "2"), await market(app, "BUY", "1"), await market(app, "SELL", "0.5")]
    await refresh_account(pilot, lambda eth: Decimal("2.4") < eth < Decimal("2.5"))
    return fills


async def refresh_account(pilot: Pilot[Any], eth_ok: Any) -> None:
    """Move the fixed clock so the feed polls again; wait until the ETH balance satisfies ``eth_ok``."""
    app: Any = pilot.app

    def eth() -> Decimal:
        account = app.store.account
        if account is None:
            return Decimal(-1)
        return next((b.free + b.locked for b in account.spot_balances if b.asset == "ETH"), Decimal(-1))

    app.clock.advance(5_000)
    app.session.refresh_now("account", "prices", "tickers")
    if app.store.account is None:  # no balances pane on screen (80x24): the portfolio reads them when shown
        await wait_until(pilot, lambda: app.store.prices.get(ETH) is not None, what="the ETH price")
        return
    await wait_until(pilot, lambda: eth_ok(eth()), what=f"the new ETH balance (now {eth()})")


async def open_portfolio(pilot: Pilot[Any]) -> PortfolioScreen:
    app: Any = pilot.app
    await pilot.press("P")
    await wait_until(pilot, lambda: isinstance(app.screen, PortfolioScreen), what="the portfolio screen")
    await wait_until(
        pilot,
        lambda: app.portfolio_watch.portfolio is not None or app.portfolio_watch.state == "failed",
        what="the portfolio",
    )
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PortfolioScreen)
    return screen
