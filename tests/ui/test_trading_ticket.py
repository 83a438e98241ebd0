"""The order ticket from the keyboard: prefill, sizing, checks, fat finger, dry run, submit.

Each test runs the real console on the quiet sandbox and walks through one
part of the ticket the way a trader would.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from support.app_harness import journal_of, make_test_app, wait_for_data, wait_until
from support.trading_ui import (
    SYMBOL,
    burst,
    exchange_orders,
    open_ticket,
    resting_buy_price,
    text_of,
    type_into,
    wait_for_open_order,
)
from textual.widgets import Input

from jextui.trading.journal import KIND_ORDER, KIND_TEST_ORDER
from jextui.ui.screens.account import (
    AssetDetailsScreen,
    DepositAddressScreen,
    DepositHistoryScreen,
    MarketTradesScreen,
    OrderHistoryScreen,
    TradeFeesScreen,
    WithdrawHistoryScreen,
)
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.ticket import TicketScreen

ACCOUNT_KEYS = {
    "H": OrderHistoryScreen,
    "M": MarketTradesScreen,
    "A": AssetDetailsScreen,
    "D": DepositAddressScreen,
    "I": DepositHistoryScreen,
    "W": WithdrawHistoryScreen,
    "F": TradeFeesScreen,
}


def quantity_of(ticket: TicketScreen) -> Decimal:
    return Decimal(ticket.query_one("#quantity", Input).value)


async def test_prefill_size_keys_tick_keys_time_in_force_and_privacy(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        free = app.store.free_balances()
        assert free is not None

        # BUY: the best ask; the quantity field has the focus; F1-F4 size from the free USDT
        ticket = await open_ticket(pilot, "BUY")
        assert ticket.query_one("#price", Input).value == f"{ask:f}"
        assert ticket.query_one("#quantity", Input).has_focus
        assert "F1-F4" in text_of(ticket, "#ticket-keys")
        for key, pct in (("f1", 25), ("f2", 50), ("f3", 75), ("f4", 100)):
            await pilot.press(key)
            expected = (free["USDT"] * pct / 100 / ask).quantize(Decimal("0.000001"), rounding=ROUND_FLOOR)
            assert quantity_of(ticket) == expected, pct

        # ↑/↓: one tick on the price, one step on the quantity
        await type_into(pilot, ticket, "quantity", "0.001", keys=True)
        await pilot.press("up")
        assert ticket.query_one("#quantity", Input).value == "0.001001"
        ticket.query_one("#price", Input).focus()
        await pilot.press("up", "up", "down", "up")
        assert ticket.query_one("#price", Input).value == f"{ask + Decimal('0.02'):f}"

        # time in force: ←/→ or its first letter
        ticket.query_one("#tif").focus()
        await pilot.press("right")
        assert ticket.ticket.time_in_force == "IOC"
        await pilot.press("right")
        assert ticket.ticket.time_in_force == "FOK"
        await pilot.press("g")
        assert ticket.ticket.time_in_force == "GTC"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.trading.has_open_ticket

        # SELL: the best bid; F2 is half the free BTC
        ticket = await open_ticket(pilot, "SELL")
        assert ticket.query_one("#price", Input).value == f"{bid:f}"
        await pilot.press("f2")
        assert quantity_of(ticket) == free["BTC"] / 2
        await pilot.press("escape")

        # a level selected on the book gives its price
        book = app.main.panes.book
        book.focus()
        await pilot.press("down", "down", "down")
        level = book.selected_level
        assert level is not None and level.price not in (bid, ask)
        ticket = await open_ticket(pilot, "BUY")
        assert ticket.ticket.price == level.price
        await pilot.press("escape")

        # privacy: the ticket hides the quantity, total, fee and balances
        app.main.panes.watchlist.focus()
        await pilot.press("p")
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "quantity", "0.5")
        summary = text_of(ticket, "#ticket-summary")
        assert "•••" in summary and "USDT" in summary
        for line in summary.splitlines():
            label, shown = line[:17], line[17:]
            if label.startswith("Fee"):
                assert shown.startswith("≈ •••"), line  # the rate may show; the amount may not
            else:
                assert not any(char.isdigit() for char in shown), line
        assert ticket.query_one("#quantity", Input).password


async def test_every_problem_is_said_next_to_its_field_and_a_far_price_needs_a_second_yes(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot, "BUY")
        assert text_of(ticket, "#quantity-msg") == ""  # an empty field is not scolded before a send
        await pilot.press("enter")
        assert text_of(ticket, "#quantity-msg") == "Enter a quantity."
        cases = [
            ("64000.123", "0.001", "#price-msg", "at most 2 decimals"),
            ("abc", "0.001", "#price-msg", "not a number"),
            ("1,5", "0.001", "#price-msg", "Use a dot for decimals"),
            ("2000000", "0.001", "#price-msg", "above the maximum"),
            ("64000", "0.000001", "#quantity-msg", "below the minimum 0.00001 BTC"),
            ("64000", "0.0000001", "#quantity-msg", "at most 6 decimals"),
            ("64000", "0.00002", "#total-msg", "below the minimum 5"),
            ("64000", "100", "#balance-msg", "Not enough USDT"),
        ]
        for price, quantity, where, words in cases:
            await type_into(pilot, ticket, "price", price)
            await type_into(pilot, ticket, "quantity", quantity)
            assert words in text_of(ticket, where), (price, quantity, text_of(ticket, where))  # while typing
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is ticket, "no confirmation while something is wrong"
            assert ticket.result_text == "Not sent: fix what is marked above."
        assert journal_of(app).entries() == []  # nothing was even journalled
        assert await exchange_orders(app) == []
        await pilot.press("escape")

        # a passive price far from the last price: a hint while typing, and no second dialog
        last = app.store.last_price(SYMBOL)
        assert last is not None
        far = (last * Decimal("1.2")).quantize(Decimal("0.01"))
        ticket = await open_ticket(pilot, "SELL")
        await type_into(pilot, ticket, "price", f"{far:f}")
        await type_into(pilot, ticket, "quantity", "0.001")
        hint = text_of(ticket, "#price-msg")
        assert "20.00 % above the last price" in hint and "would rest on the book" in hint  # hinted while typing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Send this SELL order?" in app.screen.question_title
        await pilot.press("y")  # the order's own confirmation only
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the order")
        orders = await exchange_orders(app)
        assert [(o.side, o.price) for o in orders] == [("SELL", far)]


async def test_test_order_then_confirmed_order_shows_in_open_orders(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        price = await resting_buy_price(app)
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", f"{price:f}")
        await type_into(pilot, ticket, "quantity", "0.002")

        await pilot.press("ctrl+t")  # dry run: no confirmation, nothing placed, said in capitals
        await wait_until(pilot, lambda: ticket.result_text.startswith("TEST ORDER"), what="the dry run")
        assert ticket.result_text.startswith("TEST ORDER — nothing was placed.")
        assert "would accept" in ticket.result_text
        assert await exchange_orders(app) == []

        await pilot.press("enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "BUY 0.002000 BTC at" in str(confirm.lines[0])  # at the symbol's precisions, as the panes show it
        await pilot.press("n")
        await pilot.pause()
        assert ticket.result_text == "Not sent." and await exchange_orders(app) == []
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the order")
        assert "NEW" in ticket.result_text
        order_id = int(ticket.result_text.split("order ")[1].split(",")[0])
        await wait_for_open_order(pilot, order_id)

        await pilot.press("enter")  # the same order again needs a second Enter: no accidental duplicate
        await pilot.pause()
        assert "just placed" in ticket.result_text
        assert [int(o.order_id) for o in await exchange_orders(app)] == [order_id]
        kinds = sorted(entry.kind for entry in journal_of(app).entries())
        assert kinds == sorted([KIND_TEST_ORDER, KIND_ORDER])
        await pilot.press("escape")

        # a fast typist (or a paste): every key lands in the field it was meant for
        ticket = await open_ticket(pilot, "BUY")
        ask = ticket.ticket.price
        assert ask is not None
        burst(app, "0", ".", "0", "0", "3", "shift+tab", "down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the burst's order")
        placed = [o for o in await exchange_orders(app) if o.orig_qty == Decimal("0.003")]
        assert [(o.price, o.orig_qty) for o in placed] == [(ask - Decimal("0.02"), Decimal("0.003"))]


async def test_without_credentials_nothing_is_sent_and_every_account_screen_says_why(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, credentials=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
        ticket = app.screen
        assert isinstance(ticket, TicketScreen)
        assert "Trading is off: no API key and secret" in text_of(ticket, "#ticket-off")
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        assert ticket.result_text.startswith("Not sent: trading is off")
        await pilot.press("ctrl+t")
        assert ticket.result_text.startswith("Not sent: trading is off")
        await pilot.press("escape")

        for key, screen_type in ACCOUNT_KEYS.items():
            await pilot.press(key)
            await wait_until(pilot, lambda screen_type=screen_type: isinstance(app.screen, screen_type), what=key)
            expected = "This needs an API key" if key == "M" else "no API key and secret are configured"
            shown = app.screen
            assert isinstance(shown, screen_type)
            assert expected in shown.status_text, key
            await pilot.press("escape")


async def test_without_a_journal_the_ticket_says_trading_is_off(tmp_path: Path) -> None:
    unusable = tmp_path / "journal-is-a-directory"
    unusable.mkdir()
    app = make_test_app(tmp_path, journal_path=unusable)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot, "BUY")
        assert "Trading is off: the order journal cannot be opened" in text_of(ticket, "#ticket-off")
        await type_into(pilot, ticket, "price", f"{await resting_buy_price(app):f}")
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        assert ticket.result_text.startswith("Not sent: trading is off (the order journal cannot be opened")
        assert await exchange_orders(app) == []
