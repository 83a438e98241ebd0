"""Order handling at a trader's speed, through the console on the quiet sandbox.

``c`` that cancels only what is meant, amend by replace (and nothing placed
when the cancel loses to a fill), sizing by amount at two lot steps, the
marketable order's estimate against what the engine filled, and the guard
that looks at what would execute.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from support.app_harness import make_test_app, wait_for_data, wait_until
from support.trading_ui import (
    SYMBOL,
    exchange_orders,
    open_ticket,
    place_from_ticket,
    resting_buy_price,
    second_trader,
    text_of,
    type_into,
    wait_for_open_order,
)
from textual import events
from textual.binding import Binding

from jextui.trading.marketable import MarketableEstimate, MarketableRefusal
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.ticket import TicketScreen
from jextui.ui.screens.ticket_modes import BookView, marketable_plan

D = Decimal


def placed_id(ticket: TicketScreen) -> int:
    return int(ticket.result_text.split("order ")[1].split(",")[0])


async def test_c_away_from_the_open_orders_pane_asks_and_names_the_newest_order(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        assert app.main.panes.watchlist.has_focus  # the focus starts on the watchlist
        bid = await resting_buy_price(app)
        older = await place_from_ticket(pilot, bid - D(1), "0.001")
        newer = await place_from_ticket(pilot, bid, "0.002")
        await wait_for_open_order(pilot, older)
        await wait_for_open_order(pilot, newer)
        pane = app.main.panes.open_orders
        await wait_until(
            pilot,
            lambda: pane.selected_order is not None and int(pane.selected_order.order_id) == newer,
            what="the new order as the selected row",
        )

        await pilot.press("c")  # the watchlist has the focus: c asks first
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the cancel question")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        first = str(question.lines[0])
        # named as the panes show it: the quantity at BTCUSDT's six decimals, the price grouped at two
        assert first == f"Cancel BUY 0.002000 BTCUSDT at {bid:,.2f} (order {newer})?"
        await pilot.press("enter")  # Enter alone does not cancel
        await pilot.pause()
        assert app.screen is question
        await pilot.press("n")
        await pilot.pause()
        assert {int(o.order_id) for o in await exchange_orders(app)} == {older, newer}  # nothing cancelled

        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the cancel question")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: any("cancelled" in t.lower() for t in app.trading.announcer.announced), what="the cancel"
        )
        assert {int(o.order_id) for o in await exchange_orders(app)} == {older}

        # in the focused open-orders pane, with the row on screen, c cancels at once
        await wait_for_open_order(pilot, newer, present=False)
        app.main.focus_pane("open_orders")
        await pilot.pause()
        assert pane.selected_row_in_view and int(pane.selected_order.order_id) == older  # type: ignore[union-attr]
        said = len(app.trading.announcer.announced)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # no question
        await wait_until(pilot, lambda: len(app.trading.announcer.announced) > said, what="the cancel's outcome")
        assert f"{older}" in app.trading.announcer.announced[-1]
        assert await exchange_orders(app) == []


async def test_amend_moves_an_order_one_tick_in_three_keys(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        price = await resting_buy_price(app)
        old = await place_from_ticket(pilot, price, "0.002")
        await wait_for_open_order(pilot, old)
        app.main.focus_pane("open_orders")
        await pilot.pause()
        await pilot.press("e", "up", "enter")  # the three keys
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the amend ticket")
        ticket = app.screen
        assert isinstance(ticket, TicketScreen) and ticket.amend is not None
        await wait_until(pilot, lambda: "replaced" in ticket.result_text, what="the replace")
        orders = await exchange_orders(app)
        assert [(o.price, o.orig_qty, o.side) for o in orders] == [(price + D("0.01"), D("0.002"), "BUY")]
        assert int(orders[0].order_id) != old
        journal = app.session.journal  # both steps journalled as one linked replace
        assert journal is not None
        (record,) = journal.replaces()
        assert (record.state, record.old_order_id, record.new_order_id) == ("PLACED", old, int(orders[0].order_id))


async def test_amend_places_nothing_when_the_cancel_loses_to_a_fill(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, _ = app.store.best_bid_ask(SYMBOL)
        assert bid is not None
        inside = bid + D("0.01")  # the best bid: another trader's sell at this price fills it
        old = await place_from_ticket(pilot, inside, "0.001")
        await wait_for_open_order(pilot, old)
        app.main.focus_pane("open_orders")
        await pilot.pause()
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen), what="the amend ticket")
        ticket = app.screen
        assert isinstance(ticket, TicketScreen)
        assert "AMEND order" in str(ticket.query_one("#ticket").border_title)
        async with second_trader(app) as other:
            await other.sync_time()
            await other.new_order(SYMBOL, "SELL", D("0.001"), inside, resp_type="RESULT")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Replace order" in app.screen.question_title
        await pilot.press("y")
        await wait_until(
            pilot, lambda: "filled completely before the cancel" in ticket.result_text, what="the replace's verdict"
        )
        assert "nothing new was placed" in ticket.result_text
        assert await exchange_orders(app) == []
        journal = app.session.journal
        assert journal is not None
        assert [(r.state, r.old_order_id, r.order_entry_id) for r in journal.replaces()] == [
            ("FILLED_INSTEAD", old, None)
        ]


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


async def test_sizing_by_amount_and_share_at_two_lot_steps_and_the_last_size_offered(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        steps = set()
        for symbol, jump in (("BTCUSDT", "1"), ("JEXUSDT", "4")):
            await pilot.press(jump)
            await wait_until(pilot, lambda s=symbol: app.active_symbol == s, what=symbol)
            await wait_for_data(pilot)
            ticket = await open_ticket(pilot, "BUY")
            rules = ticket.ticket.rules
            steps.add(rules.quantity_grid)
            price = ticket.ticket.price
            assert price is not None
            await type_into(pilot, ticket, "quantity", "500usdt")
            expected = floor_to(D(500) / price, rules.quantity_grid)
            assert ticket.ticket.quantity == expected, symbol
            hint = text_of(ticket, "#quantity-hint")
            assert hint.startswith("= ") and rules.base_asset in hint and "USDT" in hint, hint
            await pilot.press("escape")
            await pilot.pause()

            ticket = await open_ticket(pilot, "SELL")
            free_base = ticket.ticket.free_balances[rules.base_asset]  # type: ignore[index]
            await type_into(pilot, ticket, "quantity", "37%")
            assert ticket.ticket.quantity == floor_to(free_base * D("0.37"), rules.quantity_grid), symbol
            await pilot.press("alt+2")  # the 50 % key that needs no F-row
            await pilot.pause()
            assert ticket.ticket.quantity == floor_to(free_base * D("0.5"), rules.quantity_grid), symbol
            half = ticket.size_text
            alt_4_in_tmux = events.Key("cent_sign", "¢")  # what Textual reads from ESC 4 (tmux, xterm)
            alt_4_in_tmux.set_sender(app)
            driver = app._driver
            assert driver is not None
            driver.send_message(alt_4_in_tmux)
            await wait_until(pilot, lambda h=half, t=ticket: t.size_text != h, what="the Alt+4 key")
            assert ticket.ticket.quantity == floor_to(free_base, rules.quantity_grid), symbol
            assert "¢" not in ticket.size_text
            await pilot.press("escape")
            await pilot.pause()
        assert len(steps) == 2  # two different lot steps

        # the last size used on a symbol and side is offered at the next ticket
        await pilot.press("1")
        await wait_until(pilot, lambda: app.active_symbol == "BTCUSDT", what="BTCUSDT")
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", f"{await resting_buy_price(app):f}")
        await type_into(pilot, ticket, "quantity", "500usdt")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the order")
        await pilot.press("escape")
        await pilot.pause()
        ticket = await open_ticket(pilot, "BUY")
        assert ticket.size_text == "500usdt" and ticket.ticket.quantity is not None


async def test_the_marketable_estimate_matches_what_the_engine_filled(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot, "BUY")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert ticket.marketable and "marketable" in str(ticket.query_one("#ticket").border_title)
        depth = app.store.depth[SYMBOL]
        size = sum(level.qty for level in depth.asks[:2])  # reaches into the second level
        await type_into(pilot, ticket, "quantity", f"{size:f}")
        plan = marketable_plan(ticket.ticket, app.trading)
        assert isinstance(plan, MarketableEstimate) and len(plan.levels) >= 2
        assert "Estimate from the book now" in text_of(ticket, "#ticket-preview")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="a confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the order")
        assert "Filled" in ticket.result_text
        client = app.session.client
        assert client is not None
        done = await client.get_order(SYMBOL, placed_id(ticket))
        assert done.executed_qty == plan.filled
        assert done.cummulative_quote_qty == plan.total
        assert done.time_in_force == "IOC"


def test_a_stale_or_unread_book_is_refused_in_words() -> None:
    from support.trading_fakes import symbol_info

    from jextui.trading.ticket import OrderTicket

    class Host:
        fat_finger_passive = "hint"
        max_slippage_pct = D("0.5")

        def __init__(self, book: BookView) -> None:
            self.book = book

        def book_view(self, symbol: str) -> BookView:
            return self.book

    ticket = OrderTicket.for_symbol("BUY", symbol_info())
    ticket.quantity_text = "0.01"
    asks = ((D("100"), D("1")),)
    stale = marketable_plan(ticket, Host(BookView(asks=asks, age_ms=10_000, stale_after_ms=3000)))
    assert isinstance(stale, MarketableRefusal) and "10.0 s old" in stale.reason
    unread = marketable_plan(ticket, Host(BookView()))
    assert isinstance(unread, MarketableRefusal) and "not been read" in unread.reason


async def test_a_sweeping_buy_needs_the_second_confirmation_and_a_passive_far_bid_does_not(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", f"{(ask * D('1.1')).quantize(D('0.01')):f}")
        await type_into(pilot, ticket, "quantity", "0.5")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the guard")
        guard = app.screen
        assert isinstance(guard, ConfirmScreen) and guard.question_title == "Order would sweep the book"
        words = " ".join(str(line) for line in guard.lines)
        assert "estimated average" in words and "level" in words
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is ticket and await exchange_orders(app) == []

        far_bid = (bid * D("0.84")).quantize(D("0.01"))
        await type_into(pilot, ticket, "price", f"{far_bid:f}")
        await type_into(pilot, ticket, "quantity", "0.001")
        assert "would rest on the book" in text_of(ticket, "#price-msg")  # a hint, in the ticket
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the order's confirmation")
        assert "Send this BUY order?" in app.screen.question_title  # type: ignore[attr-defined]
        await pilot.press("y")
        await wait_until(pilot, lambda: ticket.result_text.startswith("PLACED"), what="the far bid")
        assert [o.price for o in await exchange_orders(app)] == [far_bid]


def test_every_ticket_key_the_help_lists_is_bound_by_the_ticket() -> None:
    from jextui.ui.keymap import specs_for

    bindings = [binding for binding in TicketScreen.BINDINGS if isinstance(binding, Binding)]
    assert len(bindings) == len(TicketScreen.BINDINGS)  # the ticket declares Binding objects only
    bound = {(key, binding.action) for binding in bindings for key in binding.key.split(",")}
    listed = {(key, spec.action) for spec in specs_for("ticket") for key in spec.keys.split(",")}
    assert listed and listed <= bound, listed - bound
